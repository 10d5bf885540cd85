#include "medsearch/common/text.hpp"

#include <catch2/catch.hpp>

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
