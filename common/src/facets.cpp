#include "medsearch/common/facets.hpp"
#include "medsearch/common/schema.hpp"

#include <algorithm>
#include <bit>
#include <map>
#include <tuple>

namespace medsearch {
namespace {

constexpr std::array<std::string_view, 2> kKinds = {"single", "combination"};
constexpr std::array<std::string_view, 4> kFields = {"kind", "route", "has", "ingredients"};

template <std::size_t N>
int index_in(const std::array<std::string_view, N>& names, std::string_view name) {
    auto it = std::find(names.begin(), names.end(), name);
    return it == names.end() ? -1 : static_cast<int>(it - names.begin());
}

template <std::size_t N>
std::string list_of(const std::array<std::string_view, N>& names) {
    std::string out;
    for (auto name : names) out.append(out.empty() ? "" : ", ").append(name);
    return out;
}

// "2" -> 2 when it is a count a page can have; else 0.
unsigned ingredient_count(std::string_view text) {
    if (text.empty() || text.size() > 2) return 0;
    unsigned n = 0;
    for (char ch : text) {
        if (ch < '0' || ch > '9') return 0;
        n = n * 10 + static_cast<unsigned>(ch - '0');
    }
    return n >= 1 && n <= kMaxFacetIngredients ? n : 0;
}

bool valid_value(std::string_view field, std::string_view value) {
    if (field == "kind") return index_in(kKinds, value) >= 0;
    if (field == "route") return index_in(kFacetRoutes, value) >= 0;
    if (field == "has") return index_in(kFacetSections, value) >= 0;
    return ingredient_count(value) > 0;
}

std::string values_of(std::string_view field) {
    if (field == "kind") return list_of(kKinds);
    if (field == "route") return list_of(kFacetRoutes);
    if (field == "has") return list_of(kFacetSections);
    return "1.." + std::to_string(kMaxFacetIngredients);
}

}  // namespace

std::string encode_facets(const PageFacets& facets) {
    std::string value(5, '\0');
    value[0] = static_cast<char>(std::min(facets.ingredients, kMaxFacetIngredients));
    value[1] = static_cast<char>(facets.routes & 0xff);
    value[2] = static_cast<char>(facets.routes >> 8);
    value[3] = static_cast<char>(facets.sections & 0xff);
    value[4] = static_cast<char>(facets.sections >> 8);
    return value;
}

PageFacets decode_facets(std::string_view value) {
    PageFacets facets;
    if (value.size() != 5) return {0, 0, 0};
    auto byte = [&](std::size_t i) { return static_cast<unsigned char>(value[i]); };
    facets.ingredients = std::min<unsigned>(byte(0), kMaxFacetIngredients);
    facets.routes = static_cast<std::uint16_t>(byte(1) | (byte(2) << 8));
    facets.sections = static_cast<std::uint16_t>(byte(3) | (byte(4) << 8));
    return facets;
}

std::string facet_term(std::string_view field, std::string_view value) {
    std::string term(schema::kFacetPrefix);
    term.append(field).append(":").append(value);
    return term;
}

std::vector<std::string> facet_terms(const PageFacets& facets) {
    std::vector<std::string> terms;
    auto ingredients = std::min(facets.ingredients, kMaxFacetIngredients);
    terms.push_back(facet_term("kind", kKinds[ingredients > 1 ? 1 : 0]));
    terms.push_back(facet_term("ingredients", std::to_string(ingredients)));
    for (std::size_t i = 0; i < kFacetRoutes.size(); ++i)
        if (facets.routes & (1u << i)) terms.push_back(facet_term("route", kFacetRoutes[i]));
    for (std::size_t i = 0; i < kFacetSections.size(); ++i)
        if (facets.sections & (1u << i)) terms.push_back(facet_term("has", kFacetSections[i]));
    return terms;
}

Result<FacetFilter> parse_filter(std::string_view text) {
    auto colon = text.find(':');
    if (colon == std::string_view::npos)
        return Error{Errc::bad_input, "filter looks like field:value (route:topical), got '" + std::string(text) + "'"};
    FacetFilter filter;
    filter.field = std::string(text.substr(0, colon));
    if (index_in(kFields, filter.field) < 0)
        return Error{Errc::bad_input, "unknown filter field '" + filter.field + "' (expected " + list_of(kFields) + ")"};
    auto rest = text.substr(colon + 1);
    while (true) {
        auto comma = rest.find(',');
        auto value = rest.substr(0, comma);
        if (!valid_value(filter.field, value))
            return Error{Errc::bad_input, "unknown " + filter.field + " '" + std::string(value) + "' (expected " +
                                              values_of(filter.field) + ")"};
        if (std::find(filter.values.begin(), filter.values.end(), value) == filter.values.end())
            filter.values.emplace_back(value);
        if (comma == std::string_view::npos) break;
        rest.remove_prefix(comma + 1);
    }
    return filter;
}

void FacetCounts::add(const PageFacets& facets, std::size_t pages) {
    if (facets.ingredients == 0) return;  // not a page of known facts
    kind[facets.ingredients > 1 ? 1 : 0] += pages;
    ingredients[std::min(facets.ingredients, kMaxFacetIngredients)] += pages;
    for (unsigned bits = facets.routes; bits; bits &= bits - 1) route[std::countr_zero(bits) % route.size()] += pages;
    for (unsigned bits = facets.sections; bits; bits &= bits - 1) has[std::countr_zero(bits) % has.size()] += pages;
}

FacetTable FacetTable::of(const std::vector<PageFacets>& by_docid) {
    FacetTable table;
    table.sets.push_back(PageFacets{0, 0, 0});
    std::map<std::tuple<unsigned, unsigned, unsigned>, std::uint32_t> index;
    table.set_of.reserve(by_docid.size());
    for (const auto& facets : by_docid) {
        if (facets.ingredients == 0) {
            table.set_of.push_back(0);
            continue;
        }
        auto [at, added] = index.try_emplace({facets.ingredients, facets.routes, facets.sections},
                                             static_cast<std::uint32_t>(table.sets.size()));
        if (added) table.sets.push_back(facets);
        table.set_of.push_back(at->second);
    }
    return table;
}

std::vector<std::pair<std::string, std::vector<std::pair<std::string, std::size_t>>>> FacetCounts::fields() const {
    std::vector<std::pair<std::string, std::vector<std::pair<std::string, std::size_t>>>> out;
    auto field = [&out](std::string_view name, auto names, const auto& counts) {
        std::vector<std::pair<std::string, std::size_t>> values;
        for (std::size_t i = 0; i < counts.size(); ++i)
            if (counts[i] > 0) values.emplace_back(std::string(names(i)), counts[i]);
        out.emplace_back(std::string(name), std::move(values));
    };
    field("kind", [](std::size_t i) { return std::string(kKinds[i]); }, kind);
    field("route", [](std::size_t i) { return std::string(kFacetRoutes[i]); }, route);
    field("has", [](std::size_t i) { return std::string(kFacetSections[i]); }, has);
    field("ingredients", [](std::size_t i) { return std::to_string(i); }, ingredients);
    return out;
}

}  // namespace medsearch
