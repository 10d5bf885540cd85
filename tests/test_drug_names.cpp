#include "medsearch/common/drug_names.hpp"

#include <catch2/catch.hpp>

using namespace medsearch;

TEST_CASE("a title splits into its ingredients", "[names][unit]") {
    auto parts = parse_components("Amitriptyline + Ketamine");
    REQUIRE(parts.size() == 2);
    CHECK(parts[0].name == "Amitriptyline");
    CHECK(parts[1].name == "Ketamine");
}

TEST_CASE("qualifiers and aliases are taken out of names", "[names][unit]") {
    auto parts = parse_components("Acetaminophen [paracetamol] + Lidocaine/Lignocaine (Topical)");
    REQUIRE(parts.size() == 2);
    CHECK(parts[0].name == "Acetaminophen");
    CHECK(parts[0].aliases == std::vector<std::string>{"paracetamol"});
    CHECK(parts[1].name == "Lidocaine");
    CHECK(parts[1].aliases == std::vector<std::string>{"Lignocaine"});
    CHECK(parts[1].qualifier == "Topical");
}

TEST_CASE("a slash between multi-word names is not an alias", "[names][unit]") {
    auto parts = parse_components("Antihemophilic Factor /Von Willebrand Factor (Human)");
    REQUIRE(parts.size() == 1);
    CHECK(parts[0].aliases.empty());
    CHECK(parts[0].qualifier == "Human");
}

TEST_CASE("scraper leftovers are trimmed from names", "[names][unit]") {
    auto parts = parse_components("Clonazepam .");
    REQUIRE(parts.size() == 1);
    CHECK(parts[0].name == "Clonazepam");
    CHECK(parse_components("Calcium + Pyridoxal- + ")[1].name == "Pyridoxal");
    CHECK(parse_components("Calcium + Pyridoxal- + ").size() == 2);
}

TEST_CASE("generic name lines list drug names", "[names][unit]") {
    CHECK(parse_generic_names("Abacavir/Dolutegravir/Lamivudine") ==
          std::vector<std::string>{"Abacavir", "Dolutegravir", "Lamivudine"});
    CHECK(parse_generic_names("Abacavir and Lamivudine (commonly found as a combination product)") ==
          std::vector<std::string>{"Abacavir", "Lamivudine"});
    CHECK(parse_generic_names("This is a long sentence that is not a list of names at all").empty());
}

TEST_CASE("salt words and spaces are optional in base keys", "[names][unit]") {
    struct Row {
        const char* key;
        const char* base;
    };
    const Row rows[] = {
        {"metformin hydrochloride", "metformin"},
        {"abiraterone acetate", "abiraterone"},
        {"zinc sulphate monohydrate", "zinc"},
        {"sodium valproate", "valproate"},
        {"sodium chloride", "sodium"},
        {"calcium", "calcium"},
        {"clavulanic acid", "clavulanicacid"},
        {"carboxymethyl cellulose", "carboxymethylcellulose"},
        {"ethinylestradiol", "ethinylestradiol"},
    };
    for (const auto& row : rows) {
        CAPTURE(row.key);
        CHECK(base_key(row.key) == row.base);
    }
    CHECK(run_together("ethinyl estradiol") == base_key("ethinylestradiol"));
}

TEST_CASE("sound-alike spellings share a key", "[names][unit]") {
    CHECK(phonetic_key("cephalexin") == phonetic_key("cefalexin"));
    CHECK(phonetic_key("glykerol") == phonetic_key("glycerol"));
    CHECK(phonetic_key("bamypine") == phonetic_key("bamipine"));
    CHECK(phonetic_key("haemoglobin") == phonetic_key("hemoglobin"));
    CHECK(phonetic_key("mittoxantrone") == phonetic_key("mitoxantrone"));
    CHECK(phonetic_key("glipizide") != phonetic_key("glyburide"));
}

TEST_CASE("edit distance counts swaps of neighbours as one edit", "[names][unit]") {
    CHECK(osa_distance("ibuprofin", "ibuprofen", 2) == 1);
    CHECK(osa_distance("aldseluekin", "aldesleukin", 2) == 2);
    CHECK(osa_distance("abc", "abc", 2) == 0);
    CHECK(osa_distance("hydroxyzine", "hydralazine", 2) == 3);  // more than allowed
    CHECK(allowed_typos(3) == 0);
    CHECK(allowed_typos(5) == 1);
    CHECK(allowed_typos(9) == 2);
}

TEST_CASE("names spelled by ear share a sound key", "[names][unit]") {
    struct Row {
        const char *heard, *written;
    };
    const Row same[] = {
        {"fentermine", "phentermine"}, {"kloroquin", "chloroquine"},       {"jentamisin", "gentamicin"},
        {"sefaleksin", "cefalexin"},   {"kwinine", "quinine"},             {"zilometazoline", "xylometazoline"},
        {"oksibutinin", "oxybutynin"}, {"hemofilus", "haemophilus"},       {"lidokain", "lidocaine"},
        {"budezonid", "budesonide"},   {"verrapamill", "verapamil"},       {"teofylline", "theophylline"},
        {"efedrine", "ephedrine"},     {"sakaromises", "saccharomyces"},   {"neumovax", "pneumovax"},
    };
    for (const auto& row : same) {
        CAPTURE(row.heard, row.written);
        CHECK(sound_key(row.heard) == sound_key(row.written));
    }
    // Different drugs keep different keys.
    CHECK(sound_key("hydroxyzine") != sound_key("hydralazine"));
    CHECK(sound_key("clonidine") != sound_key("klonopin"));
    CHECK(sound_key("celebrex") != sound_key("celexa"));
}

TEST_CASE("a vowel changed counts half in the sound distance", "[names][unit]") {
    CHECK(sound_distance(sound_key("karbamazapine"), sound_key("carbamazepine"), 2) == 0.5);
    CHECK(sound_distance(sound_key("olmisarten"), sound_key("olmesartan"), 2) == 1.0);
    CHECK(sound_distance(sound_key("sudoefedrine"), sound_key("pseudoephedrine"), 2) == 0.5);
    CHECK(sound_distance("abcd", "abdc", 2) == 1.0);  // a swap of neighbours
    CHECK(sound_distance(sound_key("sinarest"), sound_key("synarel"), 1.5) > 1.5);
    CHECK(sound_distance(sound_key("hydroxyzine"), sound_key("hydralazine"), 2) > 2);
}
