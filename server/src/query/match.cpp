#include "query/match.hpp"

#include "query/tiered_weight.hpp"

#include "medsearch/common/log.hpp"
#include "medsearch/common/schema.hpp"

namespace medsearch {

Xapian::MSet match(const Xapian::Database& db, const Xapian::Query& query, unsigned offset, unsigned limit) {
    if (log_enabled(LogLevel::debug)) log_debug("search", query.get_description());
    Xapian::Enquire enquire(db);
    enquire.set_weighting_scheme(TieredWeight());
    enquire.set_query(query);
    enquire.set_sort_by_relevance_then_value(schema::kSlotPath, false);
    return enquire.get_mset(offset, limit);
}

}  // namespace medsearch
