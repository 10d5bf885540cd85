// The tables built into the program (data/forms.yaml, data/questions.yaml):
// the shipped texts parse into what the searcher relies on, and a bad edit
// to one is refused with its file and line.

#include "medsearch/common/config.hpp"
#include "medsearch/common/forms.hpp"
#include "medsearch/common/questions.hpp"

#include <catch2/catch.hpp>

#include <algorithm>

using namespace medsearch;

namespace {

bool has(const std::vector<std::string>& words, std::string_view word) {
    return std::find(words.begin(), words.end(), word) != words.end();
}

const FormRoute* route_of(const FormTable& table, std::string_view qualifier) {
    for (const auto& route : table.routes)
        if (route.qualifier == qualifier) return &route;
    return nullptr;
}

std::string forms_error(std::string_view yaml) {
    auto parsed = parse_forms(yaml, "forms.yaml");
    REQUIRE_FALSE(parsed.ok());
    return parsed.error().message;
}

std::string questions_error(std::string_view yaml) {
    auto parsed = parse_questions(yaml, "questions.yaml");
    REQUIRE_FALSE(parsed.ok());
    return parsed.error().message;
}

}  // namespace

TEST_CASE("the built-in forms table names the routes, units and codes the searcher reads", "[dictionaries]") {
    auto text = read_data_file({}, "forms.yaml");
    REQUIRE(text.ok());
    auto parsed = parse_forms(text.value(), "forms.yaml");
    INFO((parsed.ok() ? "" : parsed.error().message));
    REQUIRE(parsed.ok());
    const auto& table = parsed.value();

    CHECK(has(table.not_what_for, "tablet"));
    CHECK(has(table.not_what_for, "cream"));
    CHECK(has(table.units, "mg"));
    CHECK(has(table.product_codes, "sr"));

    // Eye drops ask for the ophthalmic page only together with an eye word,
    // and the eye route comes before the ear and nose routes that share its words.
    auto* eye = route_of(table, "ophthalmic");
    REQUIRE(eye != nullptr);
    CHECK(has(eye->words, "drops"));
    CHECK(has(eye->with, "eye"));
    auto eye_at = eye - table.routes.data();
    CHECK(eye_at < route_of(table, "otic") - table.routes.data());

    auto* oral = route_of(table, "oral");
    REQUIRE(oral != nullptr);
    CHECK(oral->own_page_fits);
    CHECK(has(oral->fits, "systemic"));
    CHECK(oral->with.empty());
}

TEST_CASE("a bad forms table is refused with its line", "[dictionaries]") {
    CHECK(forms_error("not_what_for:\n  - tablet\nshapes:\n  - round\n")
          == "forms.yaml:4: unknown section 'shapes' (expected not_what_for, routes, page_routes, units, product_codes)");
    CHECK(forms_error("units: []\n").starts_with("forms.yaml:1: units must be a list of one or more words"));
    CHECK(forms_error("routes:\n  - qualifier: nasal\n    words: [spray]\n    colour: blue\n")
          .starts_with("forms.yaml:4: unknown key 'colour'"));
    CHECK(forms_error("routes:\n  - words: [spray]\n") == "forms.yaml:2: a route needs a qualifier and words");
    CHECK(forms_error("units:\n  - mg\n  - [ml]\n") == "forms.yaml:3: expected a word in units");
    CHECK(forms_error("routes:\n  - qualifier: oral\n    words: [pill]\n    own_page_fits: perhaps\n")
          .starts_with("forms.yaml:4"));
    CHECK(forms_error("- tablet\n").starts_with("forms.yaml:1: expected the keys"));
}

TEST_CASE("the built-in questions table asks what pages answer", "[dictionaries]") {
    auto text = read_data_file({}, "questions.yaml");
    REQUIRE(text.ok());
    auto parsed = parse_questions(text.value(), "questions.yaml");
    INFO((parsed.ok() ? "" : parsed.error().message));
    REQUIRE(parsed.ok());
    const auto& table = parsed.value();

    CHECK(has(table.question_words, "can"));
    auto alcohol = std::find_if(table.asks.begin(), table.asks.end(), [](const auto& a) { return a.about == "alcohol"; });
    REQUIRE(alcohol != table.asks.end());
    CHECK(has(alcohol->words, "booze"));
    REQUIRE_FALSE(alcohol->sections.empty());
    CHECK(alcohol->sections.front() == "precautions");
    for (const auto& ask : table.asks) {
        INFO(ask.about);
        CHECK_FALSE(ask.sections.empty());
        CHECK_FALSE((ask.words.empty() && ask.phrases.empty()));
    }
}

TEST_CASE("a bad questions table is refused with its line", "[dictionaries]") {
    CHECK(questions_error("asks:\n  - about: dose\n    words: [dose]\n    sections: [dosing]\n")
          == "questions.yaml:2: 'dosing' is not a section id");
    CHECK(questions_error("asks:\n  - about: dose\n    words: [dose]\n")
          == "questions.yaml:2: 'dose' needs sections");
    CHECK(questions_error("asks:\n  - about: dose\n    sections: [dosage]\n")
          == "questions.yaml:2: 'dose' needs words or phrases");
    CHECK(questions_error("asks:\n  - about: dose\n    words: [dose]\n    sections: [dosage]\n    weight: 2\n")
          .starts_with("questions.yaml:5: unknown key 'weight'"));
    CHECK(questions_error("asks: {}\n") == "questions.yaml:1: asks must be a list");
}
