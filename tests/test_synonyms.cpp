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
    std::size_t brands = 0;
    for (const auto& [key, kind] : table.value().kinds) brands += kind == SynonymKind::brand;
    CHECK(brands >= 500);
    CHECK(table.value().expansions.at("albuterol") == std::vector<std::string>{"salbutamol"});
}
