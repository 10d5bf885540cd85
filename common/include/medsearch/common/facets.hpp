#pragma once
// What a page is, for narrowing a long list of results: single substance or
// combination, how many ingredients, the routes it is taken by, the sections
// it has. Stored at index time (a value for counting, a term per fact for
// filtering); read by filters (`route:topical,nasal`) and facet counts.

#include "medsearch/common/result.hpp"

#include <array>
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace medsearch {

// The routes a page may be taken by, as filters name them; a bit each.
inline constexpr std::array<std::string_view, 10> kFacetRoutes = {
    "oral",  "injection", "topical", "ophthalmic", "otic",
    "nasal", "inhalation", "rectal", "vaginal",   "transdermal"};

// The sections a page may be filtered on having (ids of schema::kSections).
inline constexpr std::array<std::string_view, 7> kFacetSections = {
    "usage", "dosage", "side-effects", "how-it-works", "precautions", "interactions", "faqs"};

// Past this, ingredient counts are counted as this many ("8" means 8 or more).
inline constexpr unsigned kMaxFacetIngredients = 8;

struct PageFacets {
    unsigned ingredients = 1;   // 1: a single substance; more: a combination
    std::uint16_t routes = 0;   // bit i: kFacetRoutes[i]
    std::uint16_t sections = 0; // bit i: kFacetSections[i]
};

// The value stored in the index, and back; a value that is not one reads as
// a page of no known facts.
std::string encode_facets(const PageFacets& facets);
PageFacets decode_facets(std::string_view value);

// The boolean terms of a page's facts: "XFkind:single", "XFroute:oral", ...
std::vector<std::string> facet_terms(const PageFacets& facets);
std::string facet_term(std::string_view field, std::string_view value);

// One `filter` parameter: a field and the values any of which a page must have.
struct FacetFilter {
    std::string field;  // kind, route, has, ingredients
    std::vector<std::string> values;
};

// "route:topical,nasal" -> {route, {topical, nasal}}; an unknown field or
// value is an error that names it.
Result<FacetFilter> parse_filter(std::string_view text);

// Pages counted by each value of each field, for the pages that matched.
struct FacetCounts {
    std::array<std::size_t, 2> kind{};  // single, combination
    std::array<std::size_t, kFacetRoutes.size()> route{};
    std::array<std::size_t, kFacetSections.size()> has{};
    std::array<std::size_t, kMaxFacetIngredients + 1> ingredients{};  // [n]: n ingredients; [0] unused

    void add(const PageFacets& facets, std::size_t pages = 1);  // `pages` pages with these facts
    // field -> value -> count, values with no page left out, in a stable order.
    std::vector<std::pair<std::string, std::vector<std::pair<std::string, std::size_t>>>> fields() const;
    bool operator==(const FacetCounts&) const = default;
};

// Each document's facts by id, as an index into the distinct sets of facts the
// pages have (far fewer than pages): counting a match is then one increment a
// page, and each distinct set is added to the counts once.
struct FacetTable {
    std::vector<std::uint32_t> set_of;  // by document id; 0: a document of no known facts
    std::vector<PageFacets> sets;       // [0]: no known facts

    static FacetTable of(const std::vector<PageFacets>& by_docid);
};

}  // namespace medsearch
