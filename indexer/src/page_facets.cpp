#include "medsearch/indexer/page_facets.hpp"

#include "medsearch/common/schema.hpp"
#include "medsearch/common/text.hpp"

#include <algorithm>
#include <array>
#include <bit>
#include <stdexcept>

namespace medsearch {
namespace {

std::uint16_t route_bit(std::string_view route) {
    auto it = std::find(kFacetRoutes.begin(), kFacetRoutes.end(), route);
    return static_cast<std::uint16_t>(it == kFacetRoutes.end() ? 0u : 1u << (it - kFacetRoutes.begin()));
}

// The routes a title's qualifier names ("Lidocaine (Topical)"); 0 when it
// names none ("Systemic", "Recombinant").
std::uint16_t routes_of_qualifiers(const Monograph& page, const FormTable& forms) {
    std::uint16_t routes = 0;
    for (const auto& component : page.components) {
        auto qualifier = name_key(component.qualifier);
        if (qualifier.empty()) continue;
        for (const auto& route : forms.page_routes)
            if (std::find(route.qualifiers.begin(), route.qualifiers.end(), qualifier) != route.qualifiers.end())
                routes |= route_bit(route.route);
    }
    return routes;
}

// A sentence that denies ("is not given intravenously", "never injected")
// says nothing of how a medicine is taken.
bool denies(std::string_view words) {
    static constexpr std::string_view kNegations[] = {" not ", " never ", " no ", " cannot ", " nor ", " neither ",
                                                      " isn t ", " doesn t ", " don t ", " aren t ", " shouldn t "};
    return std::any_of(std::begin(kNegations), std::end(kNegations),
                       [&](std::string_view negation) { return words.find(negation) != std::string_view::npos; });
}

// The routes whose phrases the sentences of `ids`' sections say, the way
// they are taken most: a route said in half as many sentences as the most
// said one or more ("tablets ... orally ... by mouth", and once "intravenous
// use is for hospitals") counts.
std::uint16_t routes_said(const Monograph& page, const FormTable& forms, std::initializer_list<std::string_view> ids) {
    std::array<unsigned, kFacetRoutes.size()> sentences{};
    for (const auto& section : page.sections) {
        if (std::find(ids.begin(), ids.end(), section.id) == ids.end()) continue;
        std::string_view text = section.text;
        bool line_denied = false;  // a line that opens with a denial ("IV: not given intravenously. ...")
        for (bool line_start = true; !text.empty();) {
            auto end = std::min(text.find_first_of(".;!?\n"), text.size());
            auto words = " " + name_key(text.substr(0, end)) + " ";
            bool line_end = end == text.size() || text[end] == '\n';
            text.remove_prefix(std::min(end + 1, text.size()));
            if (words.size() < 3) {
                line_start = line_start || line_end;
                continue;
            }
            if (line_start) line_denied = denies(words);
            line_start = line_end;
            if (line_denied || denies(words)) continue;
            for (const auto& route : forms.page_routes) {
                bool said = std::any_of(route.phrases.begin(), route.phrases.end(), [&](const std::string& phrase) {
                    return words.find(" " + phrase + " ") != std::string::npos;
                });
                if (said) ++sentences[std::countr_zero(route_bit(route.route))];
            }
        }
    }
    auto most = *std::max_element(sentences.begin(), sentences.end());
    std::uint16_t routes = 0;
    for (std::size_t i = 0; i < sentences.size(); ++i)
        if (sentences[i] > 0 && sentences[i] * 2 >= most) routes |= static_cast<std::uint16_t>(1u << i);
    return routes;
}

}  // namespace

PageFacets facets_of(const Monograph& page, const FormTable& forms) {
    PageFacets facets;
    facets.ingredients = static_cast<unsigned>(std::max<std::size_t>(page.components.size(), 1));
    facets.routes = routes_of_qualifiers(page, forms);
    if (!facets.routes) facets.routes = routes_said(page, forms, {schema::kDosage.id});
    if (!facets.routes) facets.routes = routes_said(page, forms, {schema::kUsage.id, schema::kIntro.id});
    for (std::size_t i = 0; i < kFacetSections.size(); ++i)
        for (const auto& section : page.sections)
            if (section.id == kFacetSections[i] && !trim(section.text).empty())
                facets.sections = static_cast<std::uint16_t>(facets.sections | (1u << i));
    return facets;
}

const FormTable& built_in_forms() {
    static const FormTable forms = [] {
        auto parsed = read_built_in_forms();
        // Built in and tested: a failure here is a bug of the program, not of its input.
        if (!parsed) throw std::logic_error(parsed.error().message);
        return parsed.value();
    }();
    return forms;
}

}  // namespace medsearch
