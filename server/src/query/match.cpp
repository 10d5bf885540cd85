#include "query/match.hpp"

#include "query/tiered_weight.hpp"

#include "medsearch/common/log.hpp"
#include "medsearch/common/schema.hpp"

#include <algorithm>

namespace medsearch {
namespace {

// Counts the facts of each page the matcher accepts. Local databases only:
// it has no serialisation for a remote one.
class FacetSpy : public Xapian::MatchSpy {
  public:
    explicit FacetSpy(const FacetCounting& counting) : counting_(counting) {}
    void operator()(const Xapian::Document& doc, double) override {
        auto id = doc.get_docid();
        if (id < counting_.facts.size()) counting_.counts.add(counting_.facts[id]);
    }

  private:
    const FacetCounting& counting_;
};

}  // namespace

Xapian::Query filter_query(const std::vector<FacetFilter>& filters) {
    std::vector<Xapian::Query> fields;
    for (const auto& filter : filters) {
        std::vector<Xapian::Query> values;
        for (const auto& value : filter.values) values.emplace_back(facet_term(filter.field, value));
        fields.emplace_back(Xapian::Query::OP_OR, values.begin(), values.end());
    }
    return Xapian::Query(Xapian::Query::OP_AND, fields.begin(), fields.end());
}

Xapian::MSet match(const Xapian::Database& db, const Xapian::Query& query, unsigned offset, unsigned limit,
                   const FacetCounting* counting) {
    if (log_enabled(LogLevel::debug)) log_debug("search", query.get_description());
    Xapian::Enquire enquire(db);
    enquire.set_weighting_scheme(TieredWeight());
    enquire.set_query(query);
    enquire.set_sort_by_relevance_then_value(schema::kSlotPath, false);
    if (!counting) return enquire.get_mset(offset, limit);
    // In the ranked match: a second, unweighted pass over every match costs
    // more, walking the same postings again.
    FacetSpy spy(*counting);
    enquire.add_matchspy(&spy);
    // A count of matches, not Enquire::set_time_limit, bounds it: Xapian 1.4's
    // timer notifies a thread of its own that may write to the match's stack
    // after the match has returned.
    return enquire.get_mset(offset, limit, std::min(db.get_doccount(), counting->max_matches));
}

}  // namespace medsearch
