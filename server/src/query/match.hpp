#pragma once
// The third stage of a search: the pages that match, ranked by the tiers and
// BM25 (TieredWeight), ties broken by path so that the order does not depend
// on document ids; the filters asked for narrow them, and the facts of every
// page that matched are counted (facets.hpp) from its match set (match_set.hpp).

#include "medsearch/common/facets.hpp"
#include "query/match_set.hpp"

#include <xapian.h>

#include <vector>

namespace medsearch {

// Pages with, for each filter, one of its values.
Xapian::Query filter_query(const std::vector<FacetFilter>& filters);

// The first `offset + limit` matches, ranked.
Xapian::MSet match(const Xapian::Database& db, const Xapian::Query& query, unsigned offset, unsigned limit);

// Counts the facts of every page of `matched` (Snapshot::page_facets).
FacetCounts count_facets(const DocSet& matched, const FacetTable& facts);

}  // namespace medsearch
