#include "medsearch/common/synonyms.hpp"

#include <catch2/catch.hpp>

#include <fstream>
#include <sstream>

using namespace medsearch;

TEST_CASE("synonym groups expand both ways and brands to generics", "[synonyms][unit]") {
    auto table = parse_synonyms(R"(
names:
  - [Paracetamol, Acetaminophen]
brands:
  Crocin: paracetamol
  augmentin: [amoxicillin, clavulanic acid]
conditions:
  - [high blood pressure, hypertension]
)", "test.yaml");
    REQUIRE(table.ok());
    const auto& t = table.value();
    CHECK(t.expansions.at("paracetamol") == std::vector<std::string>{"acetaminophen"});
    CHECK(t.expansions.at("acetaminophen") == std::vector<std::string>{"paracetamol"});
    CHECK(t.expansions.at("crocin") == std::vector<std::string>{"paracetamol"});
    CHECK(t.kinds.at("crocin") == SynonymKind::brand);
    CHECK(t.expansions.at("augmentin") == std::vector<std::string>{"amoxicillin + clavulanic acid"});
    CHECK(t.expansions.at("high blood pressure") == std::vector<std::string>{"hypertension"});
    CHECK(t.kinds.at("hypertension") == SynonymKind::condition);
}

TEST_CASE("a bad synonyms file is reported with its line", "[synonyms][unit]") {
    auto table = parse_synonyms("names:\n  - [a, b]\n  - [lonely]\n", "syn.yaml");
    REQUIRE_FALSE(table.ok());
    CHECK(table.error().message == "syn.yaml:3: a group lists two or more names: [a, b]");
    auto unknown = parse_synonyms("nicknames:\n  - [a, b]\n", "syn.yaml");
    REQUIRE_FALSE(unknown.ok());
    CHECK(unknown.error().message ==
          "syn.yaml:1: unknown section 'nicknames' (expected names, spellings, brands, conditions)");
}

TEST_CASE("the built-in synonyms file is valid and broad", "[synonyms][unit]") {
    std::ifstream in(std::string(MEDSEARCH_SOURCE_DIR) + "/data/synonyms.yaml");
    std::stringstream text;
    text << in.rdbuf();
    auto table = parse_synonyms(text.str(), "data/synonyms.yaml");
    REQUIRE(table.ok());
    CHECK(table.value().expansions.at("albuterol") == std::vector<std::string>{"salbutamol"});
}

TEST_CASE("the built-in brands file is valid and broad", "[synonyms][unit]") {
    std::ifstream in(std::string(MEDSEARCH_SOURCE_DIR) + "/data/brands.txt");
    std::stringstream text;
    text << in.rdbuf();
    auto brands = parse_brands(text.str(), "data/brands.txt");
    REQUIRE(brands.ok());
    CHECK(brands.value().size() >= 2000);
    SynonymTable table;
    add_brands(table, brands.value());
    CHECK(table.expansions.at("crocin") == std::vector<std::string>{"paracetamol"});
    CHECK(table.expansions.at("combiflam") == std::vector<std::string>{"ibuprofen + paracetamol"});
    CHECK(table.kinds.at("crocin") == SynonymKind::brand);
}

TEST_CASE("a brands file's mistakes name their line", "[synonyms][unit]") {
    struct Row {
        const char *text, *message;
    };
    const Row rows[] = {
        {"crocin = paracetamol\ncalpol paracetamol\n", "brands.txt:2: expected 'brand = ingredient + ingredient'"},
        {"# a comment\n = paracetamol\n", "brands.txt:2: no brand before ' = '"},
        {"crocin = paracetamol\n\nCrocin = caffeine\n", "brands.txt:3: 'crocin' is also written at line 1"},
        {"sinarest = paracetamol + + caffeine\n", "brands.txt:1: an empty ingredient of 'sinarest'"},
    };
    for (const auto& row : rows) {
        CAPTURE(row.text);
        auto brands = parse_brands(row.text, "brands.txt");
        REQUIRE_FALSE(brands.ok());
        CHECK(brands.error().message == row.message);
    }
    auto fine = parse_brands("vicks action 500 = paracetamol + phenylephrine + caffeine  # India\n", "brands.txt");
    REQUIRE(fine.ok());
    REQUIRE(fine.value().size() == 1);
    CHECK(fine.value().front().names.front().key == "vicks action 500");
    CHECK(fine.value().front().generics.size() == 3);
}
