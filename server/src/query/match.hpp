#pragma once
// The third stage of a search: the pages that match, ranked by the tiers and
// BM25 (TieredWeight), ties broken by path so that the order does not depend
// on document ids.

#include <xapian.h>

namespace medsearch {

Xapian::MSet match(const Xapian::Database& db, const Xapian::Query& query, unsigned offset, unsigned limit);

}  // namespace medsearch
