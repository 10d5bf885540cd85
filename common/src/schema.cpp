#include "medsearch/common/schema.hpp"

#include "medsearch/common/catalog.hpp"
#include "medsearch/common/text.hpp"

#include <xapian.h>

#include <algorithm>

namespace medsearch::schema {

std::string normalise_heading(std::string_view heading) {
    std::string text;
    int depth = 0;
    for (char c : heading) {
        if (c == '(') ++depth;
        if (depth == 0 && c != '*' && c != '#') text.push_back(c);
        if (c == ')' && depth > 0) --depth;
    }
    auto folded = fold_case(collapse_whitespace(text));
    while (!folded.empty() && (folded.back() == ':' || folded.back() == ' ' || folded.back() == '.'))
        folded.pop_back();
    return folded;
}

const SectionSpec* section_for_heading(std::string_view normalised_heading) {
    for (const auto& spec : kSections)
        if (std::find(spec.headings.begin(), spec.headings.end(), normalised_heading) !=
            spec.headings.end())
            return &spec;
    return nullptr;
}

const SectionSpec* section_by_id(std::string_view id) {
    for (const auto& spec : kSections)
        if (spec.id == id) return &spec;
    return nullptr;
}

Xapian::Stem make_stemmer() { return Xapian::Stem("english"); }

std::string schema_mismatch(const Xapian::Database& db) {
    auto found = db.get_metadata(kMetaSchema);
    if (found == std::to_string(kVersion)) return {};
    return "index has schema " + (found.empty() ? std::string("(none)") : found) + ", this program's is " +
           std::to_string(kVersion);
}

}  // namespace medsearch::schema

namespace medsearch::schema {
std::string set_term(std::string_view prefix, std::vector<std::string> keys, std::string_view qualifier) {
    std::sort(keys.begin(), keys.end());
    keys.erase(std::unique(keys.begin(), keys.end()), keys.end());
    std::string term(prefix);
    for (std::size_t i = 0; i < keys.size(); ++i) {
        if (i) term.push_back('+');
        term += keys[i];
    }
    if (!qualifier.empty()) {
        term.push_back('|');
        term.append(qualifier);
    }
    return term;
}
}  // namespace medsearch::schema

namespace medsearch::schema {
std::string search_term(std::string_view prefix, std::string_view stem_or_word, bool stemmed) {
    std::string term = stemmed ? "Z" : "";
    term += prefix;
    term += stem_or_word;
    return term;
}

std::string id_term(std::string_view relative_path) {
    std::string term(kIdPrefix);
    if (relative_path.size() + term.size() <= 240) {
        term.append(relative_path);
    } else {
        term.append(relative_path.substr(0, 200));
        term += "#";
        term += hex64(hash_bytes(relative_path));
    }
    return term;
}
}  // namespace medsearch::schema
