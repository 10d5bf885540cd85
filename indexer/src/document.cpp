#include "medsearch/indexer/document.hpp"
#include "medsearch/indexer/indications.hpp"

#include "medsearch/common/schema.hpp"
#include "medsearch/common/text.hpp"

#include <xapian.h>

#include <algorithm>

namespace medsearch {

DocumentBuilder::DocumentBuilder(const std::vector<std::string>& stopwords, const PageCodec& codec)
    : text_(stopwords), codec_(codec) {}

Xapian::Document DocumentBuilder::build(const Monograph& page) {
    Xapian::Document doc;
    text_.start_page();
    // A gap between fields and sections, so that no phrase spans two of them.
    constexpr Xapian::termpos kGap = 100;
    Xapian::termpos position = 0;

    // Names: each searchable as name:..., and boosted in the default field so
    // that a drug's own monograph outranks pages that only mention it.
    std::vector<std::string> names;
    for (const auto& component : page.components) {
        names.push_back(component.name);
        names.insert(names.end(), component.aliases.begin(), component.aliases.end());
    }
    names.insert(names.end(), page.other_names.begin(), page.other_names.end());
    for (const auto& name : names)
        position = text_.index(doc, name, {schema::kName.boost, true, schema::kName.prefix, {}}, position) + kGap;
    position = text_.index(doc, page.title, {schema::kTitle.boost, true, schema::kTitle.prefix, {}}, position) + kGap;

    // Sections: the default field (positions where phrases matter), each
    // canonical section's bit in its stems' wdfs (what field queries look up),
    // and Usage's own terms.
    for (const auto& section : page.sections) {
        const auto* spec = schema::section_by_id(section.id);
        if (spec && spec->boost == 0) continue;  // boilerplate
        TextIndexer::Field field{schema::kOtherSectionBoost, false, {}, {}};
        if (spec) field = {spec->boost, spec->positions, {}, spec->prefix, schema::section_bit(*spec)};
        position = text_.index(doc, section.text, field, position) + kGap;
    }
    text_.finish_page(doc);

    // What the drug is for (indications.hpp): the Usage stems found only
    // where it says what the drug causes or is not for.
    if (const auto* usage = usage_section(page)) {
        auto clauses = treatment_clauses(usage->text);
        if (!clauses.other.empty()) {
            std::set<std::string> treats, other;
            text_.add_stems_to(clauses.treats, treats);
            text_.add_stems_to(clauses.other, other);
            for (const auto& stem : other)
                if (!treats.count(stem)) doc.add_boolean_term(std::string(schema::kUsageOnlyCausedPrefix) + stem);
        }
    }

    // Exact-name terms: which ingredients, under any of their names, and the
    // exact set, so that "metformin" finds the page of exactly metformin first.
    std::vector<std::string> main_keys, base_keys;
    std::string qualifier;
    for (const auto& component : page.components) {
        if (!component.qualifier.empty() && qualifier.empty()) qualifier = name_key(component.qualifier);
        auto keys = component_keys(component);
        main_keys.push_back(keys.front());
        base_keys.push_back(base_key(keys.front()));
        for (const auto& key : keys) {
            doc.add_boolean_term(std::string(schema::kComponentPrefix) + key);
            doc.add_boolean_term(std::string(schema::kBasePrefix) + base_key(key));
        }
    }
    // A qualified page ("Cetirizine (Ophthalmic)") is the exact page only for a
    // query that names the qualifier; otherwise it ranks as a variant.
    auto add_set_term = [&](std::string_view prefix, std::vector<std::string> keys) {
        auto term = schema::set_term(prefix, std::move(keys), prefix == schema::kExactSetPrefix ? qualifier : "");
        if (term.size() < 240) doc.add_boolean_term(term);  // Xapian terms are at most 245 bytes
    };
    // A title left untidy by the site's scraper ("Clonazepam .") is a copy of
    // the drug's page, not the page: it ranks as a variant too.
    auto title = trim(page.title);
    bool tidy = !title.empty() && std::string_view(".,;-+").find(title.back()) == std::string_view::npos;
    if (tidy) add_set_term(schema::kExactSetPrefix, main_keys);
    add_set_term(schema::kBaseSetPrefix, base_keys);
    doc.add_boolean_term(schema::id_term(page.path));

    doc.add_value(schema::kSlotPath, page.path);
    auto ingredients = std::clamp<std::size_t>(page.components.size(), 1, schema::kMaxIngredientCount);
    doc.add_boolean_term(std::string(schema::kIngredientCountPrefix) + std::to_string(ingredients));

    Monograph stored;
    stored.path = page.path;
    stored.url = page.url;
    stored.title = page.title;
    for (const auto& section : page.sections)
        if (section.id != schema::kDisclaimer.id && !section.text.empty())
            stored.sections.push_back(section);
    doc.add_value(schema::kSlotPage, codec_.encode(stored));
    return doc;
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
