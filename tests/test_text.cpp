#include "medsearch/common/text.hpp"
#include "medsearch/common/text_analysis.hpp"

#include <catch2/catch.hpp>

#include <unordered_set>

using namespace medsearch;

TEST_CASE("invalid UTF-8 is found at its byte offset", "[text][unit]") {
    struct Row {
        std::string input;
        std::optional<std::size_t> offset;
    };
    const Row rows[] = {
        {"plain ascii", std::nullopt},
        {"caf\xC3\xA9 \xE2\x80\x93 ok", std::nullopt},
        {"bad \xFF byte", 4},
        {"truncated \xE2\x80", 10},
        {"overlong \xC0\xAF", 9},
        {"surrogate \xED\xA0\x80", 10},
        {"stray continuation \x80", 19},
    };
    for (const auto& row : rows) {
        CAPTURE(row.input);
        CHECK(find_invalid_utf8(row.input) == row.offset);
    }
}

TEST_CASE("double-encoded text is repaired", "[text][unit]") {
    struct Row {
        std::string input, expected;
        std::size_t repaired;
    };
    const Row rows[] = {
        {"patient\xC3\xA2\xE2\x82\xAC\xE2\x84\xA2s", "patient\xE2\x80\x99s", 1},      // â€™ -> ’
        {"a \xC3\xA2\xE2\x82\xAC\xE2\x80\x9C b", "a \xE2\x80\x93 b", 1},               // â€“ -> –
        {"caf\xC3\x83\xC2\xA9", "caf\xC3\xA9", 1},                                       // Ã© -> é
        {"already caf\xC3\xA9 \xE2\x80\x93 fine", "already caf\xC3\xA9 \xE2\x80\x93 fine", 0},
        {"no damage at all", "no damage at all", 0},
    };
    for (const auto& row : rows) {
        CAPTURE(row.input);
        std::string text = row.input;
        CHECK(repair_mojibake(text) == row.repaired);
        CHECK(text == row.expected);
    }
}

TEST_CASE("names become keys: folded case, accents, words", "[text][unit]") {
    CHECK(name_key("Amitriptyline + Ketamine") == "amitriptyline ketamine");
    CHECK(name_key("  Co-Trimoxazole ") == "co trimoxazole");
    CHECK(name_key("S\xC3\xA9rum (Topical)") == "serum topical");
    CHECK(split_words("Vitamin B12, D3") == std::vector<std::string>{"vitamin", "b12", "d3"});
}

// The keys under which names match are stored in the index and the
// dictionaries: these rows pin how every kind of character splits them.
TEST_CASE("name words: runs of letters and digits, folded; all else separates", "[text][unit]") {
    struct Row {
        std::string input;
        std::vector<std::string> words;
    };
    const Row rows[] = {
        {"Co-Trimoxazole", {"co", "trimoxazole"}},
        {"patient's patient\xE2\x80\x99s", {"patient", "s", "patient", "s"}},
        {"AT&T M&S", {"at", "t", "m", "s"}},
        {"2.5 mg 1,000", {"2", "5", "mg", "1", "000"}},
        {"user@example.com v1.2.3", {"user", "example", "com", "v1", "2", "3"}},
        {"U.S.A. C++ C# e.g.", {"u", "s", "a", "c", "c", "e", "g"}},
        {"_under_score snake_case", {"under", "score", "snake", "case"}},
        {"a\xE2\x80\xBF" "b", {"a\xE2\x80\xBF" "b"}},  // U+203F joins, as Xapian's connector punctuation
        {"zero\xE2\x80\x8Bwidth", {"zero", "width"}},
        {"Sj\xC3\xB6gren Stra\xC3\x9F" "e \xC3\x86SCULUS na\xC3\xAFve caf\xC3\xA9",
         {"sjogren", "strasse", "asculus", "naive", "cafe"}},
        {"\xC4\xB0" "buprofen", {"ibuprofen"}},
        {"5\xC3\x97" "10 a\xC3\xB7" "b", {"5", "10", "a", "b"}},  // × and ÷ are no letters
        {"\xCE\xA9\xCE\xBC\xCE\xAD\xCE\xB3\xCE\xB1", {"\xCF\x89\xCE\xBC\xCE\xAD\xCE\xB3\xCE\xB1"}},  // Greek: lower case, accents kept
        {"e\xCC\x81 x\xC2\xB2 \xC2\xBD \xE2\x85\xA3", {"e\xCC\x81", "x\xC2\xB2", "\xC2\xBD", "\xE2\x85\xB3"}},
        {"\xE9\x98\xBF\xE5\x8F\xB8\xE5\x8C\xB9\xE6\x9E\x97 aspirin",
         {"\xE9\x98\xBF\xE5\x8F\xB8\xE5\x8C\xB9\xE6\x9E\x97", "aspirin"}},
        {"\xF0\x9F\x92\x8Apill \xE2\x9D\xA4\xEF\xB8\x8F ok", {"pill", "\xEF\xB8\x8F", "ok"}},  // U+FE0F is a mark
    };
    for (const auto& row : rows) {
        CAPTURE(row.input);
        CHECK(split_words(row.input) == row.words);
    }
}

TEST_CASE("a query is cut after its first words where the next word starts", "[text][unit]") {
    struct Row {
        std::string input;
        std::size_t words, bytes;
    };
    const Row rows[] = {
        {"one two three", 2, 8},
        {"a-b c", 1, 2},
        {"  x", 5, 3},
        {"\xC3\xA9-\xC3\xBC", 1, 3},
        {"_a_", 1, 3},
        {"x\xF0\x9F\x92\x8Ay", 1, 5},
        {"", 0, 0},
        {"one", 0, 0},
    };
    for (const auto& row : rows) {
        CAPTURE(row.input, row.words);
        CHECK(prefix_with_words(row.input, row.words) == row.bytes);
    }
}

namespace {

std::vector<std::string> plain_words(std::string_view text) {
    std::vector<std::string> words;
    PlainWords walk(text);
    for (TextWord word; walk.next(word);) words.emplace_back(word.text);
    return words;
}

std::vector<std::string> term_words(std::string_view text, const std::unordered_set<std::string>& stopwords = {}) {
    std::vector<std::string> words;
    TermWords walk(text, stopwords);
    for (std::string word; walk.next(word);) words.push_back(word);
    return words;
}

}  // namespace

// What lets a name's words be folded one by one, after reading them from the
// text as written (split_words, SectionScorer) instead of folding it first.
TEST_CASE("every character folds to word characters exactly when it is one", "[text][unit]") {
    std::size_t differ = 0;
    for (unsigned cp = 0; cp <= 0x10FFFF; ++cp) {
        if (cp >= 0xD800 && cp <= 0xDFFF) continue;  // surrogates are no UTF-8
        std::string written;
        append_utf8(written, cp);
        auto folded = fold_case(written);
        auto as_written = plain_words(written), as_folded = plain_words(folded);
        bool alike = (as_written == std::vector<std::string>{written} && as_folded == std::vector<std::string>{folded}) ||
                     (as_written.empty() && as_folded.empty());
        if (!alike && ++differ <= 5) FAIL_CHECK("U+" << std::hex << cp);
    }
    CHECK(differ == 0);
}

TEST_CASE("the two readings of words differ where text_analysis.hpp says", "[text][unit]") {
    struct Row {
        std::string text;
        std::vector<std::string> plain, terms;
    };
    const Row rows[] = {
        {"snake_case", {"snake", "case"}, {"snake_case"}},
        {"don't AT&T", {"don", "t", "AT", "T"}, {"don't", "at&t"}},
        {"2.5 1,000", {"2", "5", "1", "000"}, {"2.5", "1,000"}},
        {"zero\xE2\x80\x8Bwidth", {"zero", "width"}, {"zerowidth"}},
        {"U.S.A.", {"U", "S", "A"}, {"usa"}},
        {"C++ C#", {"C", "C"}, {"c++", "c#"}},
        {"S\xC3\xA9rum", {"S\xC3\xA9rum"}, {"s\xC3\xA9rum"}},
        {"co-trimoxazole 500mg", {"co", "trimoxazole", "500mg"}, {"co", "trimoxazole", "500mg"}},
    };
    for (const auto& row : rows) {
        CAPTURE(row.text);
        CHECK(plain_words(row.text) == row.plain);
        CHECK(term_words(row.text) == row.terms);
    }
    CHECK(fold_case("S\xC3\xA9rum") == "serum");
}

TEST_CASE("words come with the byte offset where they start", "[text][unit]") {
    // "Sjögren’s syndrome": ö is two bytes, ’ three.
    const std::string text = "Sj\xC3\xB6gren\xE2\x80\x99s syndrome";
    PlainWords plain(text);
    TextWord word;
    REQUIRE(plain.next(word));
    CHECK((word.text == "Sj\xC3\xB6gren" && word.offset == 0 && !word.ascii));
    REQUIRE(plain.next(word));
    CHECK((word.text == "s" && word.offset == 11 && word.ascii));
    REQUIRE(plain.next(word));
    CHECK((word.text == "syndrome" && word.offset == 13 && word.ascii));
    CHECK_FALSE(plain.next(word));

    const std::unordered_set<std::string> no_stopwords;
    TermWords terms(text, no_stopwords);
    std::string term;
    REQUIRE(terms.next(term));
    CHECK((term == "sj\xC3\xB6gren's" && terms.offset() == 0));
    REQUIRE(terms.next(term));
    CHECK((term == "syndrome" && terms.offset() == 13));
    CHECK_FALSE(terms.next(term));
}

TEST_CASE("term words leave out stopwords and words over 64 bytes", "[text][unit]") {
    const std::string longest(kMaxTermWordBytes, 'x');
    const std::string text = "The dose of " + longest + " " + longest + "y the day";
    const std::unordered_set<std::string> stopwords = {"the", "of"};
    CHECK(term_words(text, stopwords) == std::vector<std::string>{"dose", longest, "day"});
    TermWords walk(text, stopwords);
    std::string word;
    for (int i = 0; i < 3; ++i) REQUIRE(walk.next(word));
    CHECK(walk.offset() == text.size() - 3);
}

TEST_CASE("HTML is escaped", "[text][unit]") {
    CHECK(html_escape("<b>a & 'b'</b>") == "&lt;b&gt;a &amp; &#39;b&#39;&lt;/b&gt;");
}

TEST_CASE("heading ids follow kramdown", "[text][unit]") {
    CHECK(kramdown_id("Side Effects") == "side-effects");
    CHECK(kramdown_id("How it Works") == "how-it-works");
    CHECK(kramdown_id("FAQs") == "faqs");
    CHECK(kramdown_id("Side Effects:") == "side-effects");
    CHECK(kramdown_id("1. Usage") == "usage");
    CHECK(kramdown_id("!!!") == "section");
}
