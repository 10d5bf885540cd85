#pragma once
// The third stage of a search: the pages that match, ranked by the tiers and
// BM25 (TieredWeight), ties broken by path so that the order does not depend
// on document ids; the filters asked for narrow them, and the facts of every
// page that matched are counted (facets.hpp).

#include "medsearch/common/facets.hpp"

#include <xapian.h>

#include <vector>

namespace medsearch {

// Pages with, for each filter, one of its values.
Xapian::Query filter_query(const std::vector<FacetFilter>& filters);

// What to count the facts of every match with: each document's facts by id
// (Snapshot::page_facets), where the counts go, and how many matches may be
// looked at for them.
struct FacetCounting {
    const std::vector<PageFacets>& facts;
    FacetCounts& counts;
    Xapian::doccount max_matches;
};

// With `counting`, every matching page is looked at (not only as many as
// ranking the first `offset + limit` needs), up to its max_matches, and its
// facts counted; the MSet's estimate is then exact, unless there were more
// (its bounds then differ: the counts are of the pages looked at).
Xapian::MSet match(const Xapian::Database& db, const Xapian::Query& query, unsigned offset, unsigned limit,
                   const FacetCounting* counting = nullptr);

}  // namespace medsearch
