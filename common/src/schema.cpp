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
std::string bounded_term(std::string term) {
    if (term.size() <= kMaxTermBytes) return term;
    const auto hash = "#" + hex64(hash_bytes(term));
    auto keep = kMaxTermBytes - hash.size();
    // Not within a character: terms stay valid UTF-8 for anything that lists them.
    while (keep > 0 && (static_cast<unsigned char>(term[keep]) & 0xC0) == 0x80) --keep;
    term.resize(keep);
    return term + hash;
}

std::string prefixed_term(std::string_view prefix, std::string_view body) {
    std::string term(prefix);
    term.append(body);
    return bounded_term(std::move(term));
}

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
    return bounded_term(std::move(term));
}

std::string search_term(std::string_view prefix, std::string_view stem_or_word, bool stemmed) {
    std::string term = stemmed ? "Z" : "";
    term += prefix;
    term += stem_or_word;
    return bounded_term(std::move(term));
}

std::string id_term(std::string_view relative_path) { return prefixed_term(kIdPrefix, relative_path); }
}  // namespace medsearch::schema
