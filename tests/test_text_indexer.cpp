#include "medsearch/common/schema.hpp"
#include "medsearch/common/text.hpp"
#include "medsearch/indexer/markdown.hpp"
#include "medsearch/indexer/sources.hpp"
#include "medsearch/indexer/text_indexer.hpp"
#include "support.hpp"

#include <map>

using namespace medsearch;
using namespace medsearch::test;

namespace {

const std::vector<std::string> kStopwords = {"a", "and", "the", "of", "in", "it", "is", "to", "for"};

// Every term of a document with its wdf and positions.
std::map<std::string, std::pair<Xapian::termcount, std::vector<Xapian::termpos>>> terms_of(const Xapian::Document& doc) {
    std::map<std::string, std::pair<Xapian::termcount, std::vector<Xapian::termpos>>> terms;
    for (auto t = doc.termlist_begin(); t != doc.termlist_end(); ++t)
        terms[*t] = {t.get_wdf(), std::vector<Xapian::termpos>(t.positionlist_begin(), t.positionlist_end())};
    return terms;
}

// The reference: Xapian's TermGenerator as QueryParser expects its terms.
Xapian::Document with_term_generator(const std::string& text) {
    Xapian::TermGenerator generator;
    generator.set_stemmer(Xapian::Stem("english"));
    generator.set_stopper((new Xapian::SimpleStopper(kStopwords.begin(), kStopwords.end()))->release());
    generator.set_stopper_strategy(Xapian::TermGenerator::STOP_ALL);
    generator.set_stemming_strategy(Xapian::TermGenerator::STEM_SOME);
    Xapian::Document doc;
    generator.set_document(doc);
    generator.index_text(text, schema::kWdfUnit);
    return doc;
}

Xapian::Document with_text_indexer(TextIndexer& indexer, const std::string& text) {
    Xapian::Document doc;
    indexer.start_page();
    indexer.index(doc, text, {1, true, {}, {}}, 0);
    indexer.finish_page(doc);
    return doc;
}

}  // namespace

TEST_CASE("the text indexer makes the terms Xapian's TermGenerator makes", "[indexer][unit]") {
    TextIndexer indexer(kStopwords);
    const char* texts[] = {
        "Amitriptyline is used for depression and neuropathic pain.",
        "C++ and C# and F#### x",           // suffixes, at most three
        "AT&T M&S",                          // '&' inside words
        "3.5mg 1,000 units 2;3 12.5 mg/kg/day",  // separators between digits
        "don't patient\xE2\x80\x99s it's 'quoted' a'",  // apostrophes
        "U.S.A. E. coli U.S",                // acronyms
        "na\xC3\xAFve \xC3\x84rzte \xC5\x92" "dema",     // accents, upper case
        "x2 \xE2\x82\x82O \xC2\xBC dose _under_score",   // words starting with digits or symbols
        "co-trimoxazole zero\xE2\x80\x8Bwidth",          // hyphen, zero-width space
        "The side effects of the medicine",  // stopwords leave no gap in positions
        "well-known co-operate -5 5-10 1-2-3",           // '-' always separates
        "1,000.50 2,a a,2 3;4 5.6.7 .5 5. 10:30",        // ',' '.' ';' only between digits
        "3\xCD\xBE" "4 5\xE2\x81\x84" "6",                  // other separators between digits
        "user@example.com e.g. i.e. v1.2.3 www.rxhive.com",   // '@' and '.' separate
        "O'Brien rock 'n' roll \xE2\x80\x99tis it\xE2\x80\x9Bs don''t",  // apostrophes, two in a row
        "AT&&T R&D &c x&",                                // '&' only between word characters
        "fish+chips C+++ a++b x#y",                       // no suffix before a word character
        "A.b. Ab.C. a.B.C.",                              // initials are capitals
        "e\xCC\x81 x\xC2\xB2 H\xE2\x82\x82O \xC2\xBD \xE2\x85\xA3 a\xE2\x80\xBF" "b",  // marks, numbers, U+203F
        "\xE9\x98\xBF\xE5\x8F\xB8\xE5\x8C\xB9\xE6\x9E\x97 \xEC\x95\x84\xEC\x8A\xA4\xED\x94\xBC\xEB\xA6\xB0 "
        "\xE3\x82\xA2\xE3\x82\xB9\xE3\x83\x94\xE3\x83\xAA\xE3\x83\xB3" "aspirin",  // CJK: one word per run
        "\xF0\x9F\x92\x8Apill \xE2\x9D\xA4\xEF\xB8\x8F ok\xF0\x9F\x91\x8D\xF0\x9F\x8F\xBD",  // emoji are no words
        "abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyzabcdefghijkl "
        "abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyzabcdefghijklm short",  // 64 bytes kept, 65 not
    };
    for (const char* text : texts) {
        CAPTURE(text);
        REQUIRE_FALSE(find_invalid_utf8(text));  // the parser refuses invalid UTF-8 (test_markdown.cpp)
        CHECK(terms_of(with_text_indexer(indexer, text)) == terms_of(with_term_generator(text)));
    }
}

// Two known differences, in text the corpus does not have. TermGenerator
// keeps a separator between digits of any script, and reads initials only of
// ASCII capitals; the indexer does the opposite of both.
TEST_CASE("digits of other scripts keep a separator between them, as TermGenerator keeps it",
          "[indexer][unit][!shouldfail]") {
    TextIndexer indexer(kStopwords);
    const std::string text = "\xD9\xA3.\xD9\xA5";  // Arabic-Indic 3.5
    CHECK(terms_of(with_text_indexer(indexer, text)) == terms_of(with_term_generator(text)));
}

TEST_CASE("initials of capitals outside ASCII are words of their own, as TermGenerator reads them",
          "[indexer][unit][!shouldfail]") {
    TextIndexer indexer(kStopwords);
    const std::string text = "\xC3\x89.U.";  // É.U.
    CHECK(terms_of(with_text_indexer(indexer, text)) == terms_of(with_term_generator(text)));
}

TEST_CASE("fields: sections as bits of their stems' wdfs, Usage's own terms, names with positions",
          "[indexer][unit]") {
    using schema::kWdfUnit;
    TextIndexer indexer(kStopwords);
    Xapian::Document doc;
    indexer.start_page();
    const auto side_effects = schema::section_bit(schema::kSideEffects);
    const auto precautions = schema::section_bit(schema::kPrecautions);
    auto next = indexer.index(doc, "Nausea and vomiting", {1, false, {}, {}, side_effects}, 10);
    CHECK(next == 12);
    indexer.index(doc, "Nausea, nausea", {1, false, {}, {}, precautions}, next);
    indexer.index(doc, "Nausea", {1, false, {}, {}, 0}, next);  // a section of no canonical kind
    indexer.index(doc, "500 mg", {1, false, {}, {}, side_effects}, next);
    indexer.finish_page(doc);
    auto terms = terms_of(doc);
    CHECK(terms.at("Znausea").first == 4 * kWdfUnit + (side_effects | precautions));
    CHECK(terms.at("Zvomit").first == kWdfUnit + side_effects);
    CHECK(terms.count("nausea") == 0);  // as written only where phrases need positions...
    CHECK(terms.at("500").first == kWdfUnit + side_effects);  // ...or where it has no stem
    CHECK(terms.at("500").second.empty());
    CHECK(terms.size() == 4);  // no terms per section

    // The bits are the page's own: the next page starts without them.
    Xapian::Document second;
    indexer.start_page();
    indexer.index(second, "nausea", {1, false, {}, {}, precautions}, 0);
    indexer.finish_page(second);
    CHECK(terms_of(second).at("Znausea").first == kWdfUnit + precautions);

    Xapian::Document usage;
    indexer.start_page();
    indexer.index(usage, "Pain relief", {3, true, {}, "XU", schema::section_bit(schema::kUsage)}, 0);
    indexer.finish_page(usage);
    auto usage_terms = terms_of(usage);
    CHECK(usage_terms.at("ZXUpain").first == kWdfUnit);
    CHECK(usage_terms.at("Zpain").first == 3 * kWdfUnit + schema::section_bit(schema::kUsage));
    CHECK(usage_terms.at("pain").second == std::vector<Xapian::termpos>{1});

    Xapian::Document names;
    indexer.start_page();
    indexer.index(names, "Clavulanic Acid", {6, true, "XN", {}}, 0);
    indexer.finish_page(names);
    auto name_terms = terms_of(names);
    CHECK(name_terms.at("XNclavulanic").second == std::vector<Xapian::termpos>{1});
    CHECK(name_terms.at("XNacid").second == std::vector<Xapian::termpos>{2});
    CHECK(name_terms.at("clavulanic").first == 6 * kWdfUnit);
    CHECK(name_terms.at("Zclavulan").first == 6 * kWdfUnit);  // names are no section: no bits
}

TEST_CASE("a page too long for Xapian's 32-bit counts keeps its first words, and no count wraps",
          "[indexer][unit]") {
    TextIndexer indexer(kStopwords);
    Xapian::Document doc;
    indexer.start_page();
    // Each "aspirin" adds 2 x 6 units as a name and 2 units to the name field.
    const std::uint64_t per_word = 14 * schema::kWdfUnit;
    const std::size_t words = TextIndexer::kMaxPageLength / per_word + 1000;
    std::string text;
    for (std::size_t i = 0; i < words; ++i) text += "aspirin ";
    indexer.index(doc, text, {6, true, "XN", {}}, 0);
    indexer.index(doc, "nausea", {1, false, {}, {}, schema::section_bit(schema::kSideEffects)}, 0);
    indexer.finish_page(doc);
    std::uint64_t length = 0;
    for (const auto& [term, counts] : terms_of(doc)) length += counts.first;
    CHECK(length <= TextIndexer::kMaxPageLength);
    CHECK(length > TextIndexer::kMaxPageLength - 2 * per_word);
    auto terms = terms_of(doc);
    CHECK(terms.at("Zaspirin").first < words * 6 * schema::kWdfUnit);
    CHECK(terms.count("Znausea") == 0);  // past the limit
}

TEST_CASE("the text indexer matches TermGenerator on the whole corpus", "[corpus][integration]") {
    if (!fs::is_directory(rxhive())) {
        WARN("skipped: the shared corpus is not at " + rxhive().string());
        return;
    }
    TextIndexer indexer(kStopwords);
    auto files = scan_sources(rxhive());
    REQUIRE(files.ok());
    std::size_t texts = 0, different = 0;
    for (const auto& file : files.value()) {
        auto parsed = parse_monograph(file.relative, read_file(file.absolute), ParseOptions{});
        REQUIRE(parsed.page);
        for (const auto& section : parsed.page->sections) {
            ++texts;
            if (terms_of(with_text_indexer(indexer, section.text)) != terms_of(with_term_generator(section.text))) {
                if (++different <= 3) WARN(file.relative + " [" + section.id + "] differs");
            }
        }
    }
    CHECK(texts > 40000);
    CHECK(different == 0);
}
