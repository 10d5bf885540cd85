#include "query/match.hpp"

#include "query/tiered_weight.hpp"

#include "medsearch/common/log.hpp"
#include "medsearch/common/schema.hpp"
#include "medsearch/server/query_limits.hpp"

namespace medsearch {

Xapian::Query filter_query(const std::vector<FacetFilter>& filters) {
    std::vector<Xapian::Query> fields;
    for (const auto& filter : filters) {
        std::vector<Xapian::Query> values;
        for (const auto& value : filter.values) values.emplace_back(facet_term(filter.field, value));
        fields.emplace_back(Xapian::Query::OP_OR, values.begin(), values.end());
    }
    return Xapian::Query(Xapian::Query::OP_AND, fields.begin(), fields.end());
}

Xapian::MSet match(const Xapian::Database& db, const Xapian::Query& query, unsigned offset, unsigned limit) {
    if (log_enabled(LogLevel::debug)) log_debug("search", query.get_description());
    Xapian::Enquire enquire(db);
    enquire.set_weighting_scheme(TieredWeight());
    enquire.set_query(query);
    enquire.set_sort_by_relevance_then_value(schema::kSlotPath, false);
    // Every matching page is weighed (check_at_least, which Xapian keeps
    // between the hits asked for and the page count), up to a bound. Xapian
    // 1.4.22's pruning loses pages (AndMaybePostList::next, turning into an
    // AND, skips the page its right side stands on) and gives a phrase's
    // weight to pages without it (OrPostList::check keeps a head it never
    // checked), and it prunes each shard by its own bounds: pruned, one
    // database and its shards would not give the same answers.
    return enquire.get_mset(offset, limit, kMaxWeighedMatches);
}

FacetCounts count_facets(const DocSet& matched, const FacetTable& facts) {
    std::vector<std::size_t> pages(facts.sets.size(), 0);
    matched.for_each([&](Xapian::docid id) {
        if (id < facts.set_of.size()) ++pages[facts.set_of[id]];
    });
    FacetCounts counts;
    for (std::size_t set = 1; set < pages.size(); ++set) counts.add(facts.sets[set], pages[set]);
    return counts;
}

}  // namespace medsearch
