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
    generator.index_text(text);
    return doc;
}

Xapian::Document with_text_indexer(TextIndexer& indexer, const std::string& text) {
    Xapian::Document doc;
    indexer.index(doc, text, {1, true, {}, {}}, 0);
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
    };
    for (const char* text : texts) {
        CAPTURE(text);
        CHECK(terms_of(with_text_indexer(indexer, text)) == terms_of(with_term_generator(text)));
    }
}

TEST_CASE("fields: section words stemmed with a prefix, names with positions", "[indexer][unit]") {
    TextIndexer indexer(kStopwords);
    Xapian::Document doc;
    auto next = indexer.index(doc, "Nausea and vomiting", {1, false, {}, "XE"}, 10);
    CHECK(next == 12);
    auto terms = terms_of(doc);
    CHECK(terms.count("ZXEnausea") == 1);
    CHECK(terms.count("ZXEvomit") == 1);
    CHECK(terms.count("XEnausea") == 0);  // section fields hold stemmed words only
    CHECK(terms.count("Znausea") == 1);
    CHECK(terms.count("nausea") == 0);  // as written only where phrases need positions
    Xapian::Document names;
    indexer.index(names, "Clavulanic Acid", {6, true, "XN", {}}, 0);
    auto name_terms = terms_of(names);
    CHECK(name_terms.at("XNclavulanic").second == std::vector<Xapian::termpos>{1});
    CHECK(name_terms.at("XNacid").second == std::vector<Xapian::termpos>{2});
    CHECK(name_terms.at("clavulanic").first == 6);
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
