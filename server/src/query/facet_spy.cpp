#include "query/facet_spy.hpp"

#include "medsearch/common/schema.hpp"

#include <charconv>

namespace medsearch {
namespace {

// Each count of each field, in a fixed order.
template <typename Visit>
void for_each_count(FacetCounts& counts, Visit&& visit) {
    for (auto& n : counts.kind) visit(n);
    for (auto& n : counts.route) visit(n);
    for (auto& n : counts.has) visit(n);
    for (auto& n : counts.ingredients) visit(n);
}

}  // namespace

void FacetSpy::operator()(const Xapian::Document& doc, double) {
    auto value = doc.get_value(schema::kSlotFacets);
    if (!value.empty()) counts_.add(decode_facets(value));
}

FacetSpy* FacetSpy::unserialise(const std::string& serialised, const Xapian::Registry&) const {
    if (!serialised.empty()) throw Xapian::SerialisationError("medsearch.FacetSpy takes no parameters");
    return new FacetSpy;
}

std::string FacetSpy::serialise_results() const {
    std::string text;
    auto counts = counts_;
    for_each_count(counts, [&](std::size_t n) { text += std::to_string(n) + " "; });
    return text;
}

void FacetSpy::merge_results(const std::string& serialised) {
    const char* at = serialised.data();
    const char* end = at + serialised.size();
    for_each_count(counts_, [&](std::size_t& n) {
        std::size_t more = 0;
        auto [next, ec] = std::from_chars(at, end, more);
        if (ec != std::errc{} || next == end || *next != ' ')
            throw Xapian::SerialisationError("medsearch.FacetSpy: malformed counts");
        n += more;
        at = next + 1;
    });
    if (at != end) throw Xapian::SerialisationError("medsearch.FacetSpy: malformed counts");
}

CountedMatches count_matches_with_spy(const Xapian::Database& db, const Xapian::Query& query) {
    Xapian::Enquire enquire(db);
    enquire.set_query(query);
    enquire.set_weighting_scheme(Xapian::BoolWeight());
    FacetSpy spy;
    enquire.add_matchspy(&spy);
    // No page returned, every page counted.
    auto mset = enquire.get_mset(0, 0, db.get_doccount());
    return {mset.get_matches_estimated(), spy.counts()};
}

}  // namespace medsearch
