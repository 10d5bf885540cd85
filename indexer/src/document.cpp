#include "medsearch/indexer/document.hpp"
#include "medsearch/indexer/indications.hpp"
#include "medsearch/indexer/page_facets.hpp"

#include "medsearch/common/schema.hpp"
#include "medsearch/common/text.hpp"

#include <xapian.h>

#include <algorithm>

namespace medsearch {

namespace {

// A gap between fields and sections, so that no phrase spans two of them.
constexpr Xapian::termpos kGap = 100;

// Exact-name terms: which ingredients, under any of their names, and the
// exact set, so that "metformin" finds the page of exactly metformin first.
void add_name_terms(Xapian::Document& doc, const Monograph& page) {
    std::vector<std::string> main_keys, base_keys;
    std::string qualifier;
    for (const auto& component : page.components) {
        if (!component.qualifier.empty() && qualifier.empty()) qualifier = name_key(component.qualifier);
        auto keys = component_keys(component);
        main_keys.push_back(keys.front());
        base_keys.push_back(base_key(keys.front()));
        for (const auto& key : keys) {
            doc.add_boolean_term(schema::prefixed_term(schema::kComponentPrefix, key));
            doc.add_boolean_term(schema::prefixed_term(schema::kBasePrefix, base_key(key)));
        }
    }
    // A qualified page ("Cetirizine (Ophthalmic)") is the exact page only for a
    // query that names the qualifier; otherwise it ranks as a variant.
    // A title left untidy by the site's scraper ("Clonazepam .") is a copy of
    // the drug's page, not the page: it ranks as a variant too.
    auto title = trim(page.title);
    bool tidy = !title.empty() && std::string_view(".,;-+").find(title.back()) == std::string_view::npos;
    if (tidy) doc.add_boolean_term(schema::set_term(schema::kExactSetPrefix, main_keys, qualifier));
    doc.add_boolean_term(schema::set_term(schema::kBaseSetPrefix, base_keys));
    auto ingredients = std::clamp<std::size_t>(page.components.size(), 1, schema::kMaxIngredientCount);
    doc.add_boolean_term(std::string(schema::kIngredientCountPrefix) + std::to_string(ingredients));
}

// The line of `page` that a term's text comes from: the title's, else the
// first section that has it, else 1.
int line_of_term(std::string_view term, const Monograph& page, int title_line) {
    // Prefixes are upper-case ASCII; a set term's first key stands for it.
    auto start = term.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZ");
    auto text = term.substr(std::min(start, term.size()));
    text = text.substr(0, text.find_first_of("+|#"));
    if (text.empty()) return title_line;
    auto in = [&](std::string_view haystack) {
        return fold_case(haystack).find(text) != std::string::npos || name_key(haystack).find(text) != std::string::npos;
    };
    if (in(page.title) || in(page.path)) return title_line;
    for (const auto& section : page.sections)
        if (section.line > 0 && in(section.text)) return section.line;
    return 1;
}

// What results and snippets show of a page: its sections but the disclaimer
// and the empty ones.
Monograph stored_form(const Monograph& page) {
    Monograph stored;
    stored.path = page.path;
    stored.url = page.url;
    stored.title = page.title;
    for (const auto& section : page.sections)
        if (section.id != schema::kDisclaimer.id && !section.text.empty()) stored.sections.push_back(section);
    return stored;
}

}  // namespace

DocumentBuilder::DocumentBuilder(const std::vector<std::string>& stopwords, const PageCodec& codec)
    : text_(stopwords), codec_(codec) {}

DocumentBuilder::Built DocumentBuilder::build(const Monograph& page, int title_line) {
    Built built;
    try {
        built.document = make_document(page);
        built.refused = check_document(built.document, page, title_line);
    } catch (const Xapian::Error& e) {
        built.refused = Diagnostic{Severity::error, page.path, std::max(title_line, 1), "unindexable",
                                   "cannot be indexed: " + e.get_description()};
    }
    if (built.refused) text_.drop_page();
    return built;
}

Xapian::Document DocumentBuilder::make_document(const Monograph& page) {
    Xapian::Document doc;
    text_.start_page();
    auto position = index_names(doc, page);
    index_sections(doc, page, position);
    text_.finish_page(doc);
    add_usage_terms(doc, page);
    add_name_terms(doc, page);
    doc.add_boolean_term(schema::id_term(page.path));
    doc.add_value(schema::kSlotPath, page.path);
    doc.add_value(schema::kSlotPage, codec_.encode(stored_form(page)));
    auto facets = facets_of(page, built_in_forms());
    doc.add_value(schema::kSlotFacets, encode_facets(facets));
    for (const auto& term : facet_terms(facets)) doc.add_boolean_term(term);
    return doc;
}

// Names: each searchable as name:..., and boosted in the default field so
// that a drug's own monograph outranks pages that only mention it.
Xapian::termpos DocumentBuilder::index_names(Xapian::Document& doc, const Monograph& page) {
    std::vector<std::string> names;
    for (const auto& component : page.components) {
        names.push_back(component.name);
        names.insert(names.end(), component.aliases.begin(), component.aliases.end());
    }
    names.insert(names.end(), page.other_names.begin(), page.other_names.end());
    Xapian::termpos position = 0;
    for (const auto& name : names)
        position = text_.index(doc, name, {schema::kName.boost, true, schema::kName.prefix, {}}, position) + kGap;
    return text_.index(doc, page.title, {schema::kTitle.boost, true, schema::kTitle.prefix, {}}, position) + kGap;
}

// Sections: the default field (positions where phrases matter), each
// canonical section's bit in its stems' wdfs (what field queries look up),
// and Usage's own terms.
void DocumentBuilder::index_sections(Xapian::Document& doc, const Monograph& page, Xapian::termpos position) {
    for (const auto& section : page.sections) {
        const auto* spec = schema::section_by_id(section.id);
        if (spec && spec->boost == 0) continue;  // boilerplate
        TextIndexer::Field field{schema::kOtherSectionBoost, false, {}, {}};
        if (spec) field = {spec->boost, spec->positions, {}, spec->prefix, schema::section_bit(*spec)};
        position = text_.index(doc, section.text, field, position) + kGap;
    }
}

// What the drug is for (indications.hpp): the Usage stems found only where it
// says what the drug causes or is not for.
void DocumentBuilder::add_usage_terms(Xapian::Document& doc, const Monograph& page) {
    const auto* usage = usage_section(page);
    if (!usage) return;
    auto clauses = treatment_clauses(usage->text);
    if (clauses.other.empty()) return;
    std::set<std::string> treats, other;
    text_.add_stems_to(clauses.treats, treats);
    text_.add_stems_to(clauses.other, other);
    for (const auto& stem : other)
        if (!treats.count(stem)) doc.add_boolean_term(schema::prefixed_term(schema::kUsageOnlyCausedPrefix, stem));
}

std::optional<Diagnostic> check_document(const Xapian::Document& doc, const Monograph& page, int title_line) {
    auto refuse = [&](int line, std::string message) {
        return Diagnostic{Severity::error, page.path, std::max(line, 1), "unindexable", std::move(message)};
    };
    for (auto term = doc.termlist_begin(); term != doc.termlist_end(); ++term) {
        const auto& text = *term;
        if (text.size() > schema::kMaxTermBytes)
            return refuse(line_of_term(text, page, title_line),
                          "a term of " + std::to_string(text.size()) + " bytes ('" + text.substr(0, 40) +
                              "...') is longer than the index takes (" + std::to_string(schema::kMaxTermBytes) + ")");
    }
    for (auto value = doc.values_begin(); value != doc.values_end(); ++value)
        if ((*value).size() > schema::kMaxValueBytes)
            return refuse(1, "its stored form is " + std::to_string((*value).size()) +
                                 " bytes, more than the index takes (" + std::to_string(schema::kMaxValueBytes) + ")");
    return std::nullopt;
}

std::set<std::string> DocumentBuilder::vocabulary_of(const Xapian::Document& built) {
    std::set<std::string> words;
    // Words as written (of the positional fields, and numbers) are the
    // unprefixed terms (prefixes are upper-case ASCII).
    for (auto term = built.termlist_begin(); term != built.termlist_end(); ++term) {
        const auto& text = *term;
        if (!text.empty() && !(text[0] >= 'A' && text[0] <= 'Z')) words.insert(text);
    }
    StoredPage stored;
    if (codec_.decode(built.get_value(schema::kSlotPage), stored))
        for (const auto& section : stored.sections) text_.add_words_to(section.text, words);
    return words;
}

}  // namespace medsearch
