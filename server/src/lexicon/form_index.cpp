#include "lexicon/form_index.hpp"

#include <algorithm>

namespace medsearch {

FormIndex::FormIndex(FormTable table) : table_(std::move(table)) {
    not_what_for_.insert(table_.not_what_for.begin(), table_.not_what_for.end());
    units_.insert(table_.units.begin(), table_.units.end());
    codes_.insert(table_.product_codes.begin(), table_.product_codes.end());
    for (const auto& route : table_.routes) {
        route_qualifiers_.insert(route.qualifier);
        route_qualifiers_.insert(route.fits.begin(), route.fits.end());
    }
}

Result<FormIndex> FormIndex::built_in() {
    auto table = read_built_in_forms();
    if (!table) return table.error();
    return FormIndex(std::move(table.value()));
}

const FormRoute* FormIndex::asked_route(const std::vector<std::string>& words) const {
    auto has_any = [&](const std::vector<std::string>& wanted) {
        return std::any_of(words.begin(), words.end(), [&](const std::string& w) {
            return std::find(wanted.begin(), wanted.end(), w) != wanted.end();
        });
    };
    for (const auto& route : table_.routes)
        if (has_any(route.words) && (route.with.empty() || has_any(route.with))) return &route;
    return nullptr;
}

bool FormIndex::is_strength(std::string_view word) const {
    std::size_t digits = 0;
    while (digits < word.size() && word[digits] >= '0' && word[digits] <= '9') ++digits;
    if (digits > 0) return digits == word.size() || units_.count(std::string(word.substr(digits))) > 0;
    return units_.count(std::string(word)) > 0 || codes_.count(std::string(word)) > 0;
}

}  // namespace medsearch
