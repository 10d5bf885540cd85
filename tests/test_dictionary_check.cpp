// `medsearch check` of the dictionaries against the pages: what the searcher
// would leave out, names in two entries, empty entries, each with its line.

#include "medsearch/indexer/check.hpp"
#include "support.hpp"

using namespace medsearch;
using namespace medsearch::test;

namespace {

fs::path dictionaries() { return fixtures() / "dictionaries"; }

// The dictionaries' findings on tests/fixtures/everyday, as `check` prints
// them, with the fixtures' folder left out of the paths.
std::vector<std::string> findings(const fs::path& synonyms, const fs::path& medicines) {
    CheckOptions options;
    options.source_dir = fixtures() / "everyday";
    options.threads = 2;
    auto report = check_sources(options);
    REQUIRE(report.ok());
    std::vector<std::string> lines;
    auto folder = dictionaries().string() + "/";
    for (auto d : check_dictionaries({synonyms, medicines}, report.value().catalog)) {
        if (d.path.starts_with(folder)) d.path.erase(0, folder.size());
        lines.push_back(format_text(d));
    }
    return lines;
}

}  // namespace

TEST_CASE("check names each dictionary member and synonym no page has, with its line",
          "[dictionaries][integration]") {
    // Found on the pages as the searcher finds them, so not reported: a name
    // as written, a salt form, another name from synonyms.yaml, a form no page
    // has (the searcher falls back to the drug's page), a combination in
    // another order, a brand's ingredients, a group whose name is the words
    // of a combination's names, a name written twice in one group.
    const std::vector<std::string> expected = {
        "synonyms.yaml:5: warning: no page has 'paracetamol' or its other names [no-page]",
        "synonyms.yaml:7: warning: no page has 'chlorphenamine' or its other names [no-page]",
        "synonyms.yaml:9: error: 'acetaminophen' is also written at line 6 [duplicate-name]",
        "synonyms.yaml:9: warning: no page has 'acetaminophen' or its other names [no-page]",
        "synonyms.yaml:15: warning: 'allegra' is a brand of 'fexofenadine', which no page has [no-page]",
        "medicines.yaml:11: warning: 'chlorphenamine' of 'antihistamines' has no page: the searcher leaves it out "
        "[no-page]",
        "medicines.yaml:14: warning: 'pseudoephedrine + loratadine' of 'antihistamines' has no page: the searcher "
        "leaves it out [no-page]",
        "medicines.yaml:16: warning: no member of 'hair-loss' has a page: the topic is left out [no-page]",
        "medicines.yaml:21: warning: 'finasteride' of 'hair-loss' has no page: the searcher leaves it out [no-page]",
    };
    CHECK(findings(dictionaries() / "synonyms.yaml", dictionaries() / "medicines.yaml") == expected);
}

TEST_CASE("check reports a name given to two topics and an empty entry at their line",
          "[dictionaries][integration]") {
    struct Row {
        const char* medicines;
        std::string finding;
    };
    const Row rows[] = {
        {"medicines-name-twice.yaml",
         "medicines-name-twice.yaml:14: error: 'allergy tablets' names both 'antihistamines' and 'hay-fever' "
         "[dictionary]"},
        {"medicines-empty-entry.yaml", "medicines-empty-entry.yaml:8: error: empty name in members [dictionary]"},
    };
    for (const auto& row : rows) {
        CAPTURE(row.medicines);
        // The built-in synonyms: checked for errors only, and it has none.
        CHECK(findings({}, dictionaries() / row.medicines) == std::vector<std::string>{row.finding});
    }
}

TEST_CASE("the built-in dictionaries are checked for errors only", "[dictionaries][integration]") {
    // Written for a whole collection: on a few pages most of their members
    // have no page, which says nothing about the dictionaries.
    CHECK(findings({}, {}).empty());
}

TEST_CASE("the shipped dictionaries have no errors on the rxhive corpus", "[corpus][integration]") {
    if (!fs::exists(rxhive())) {
        WARN("skipped: the shared corpus is not at " + rxhive().string());
        return;
    }
    CheckOptions options;
    options.source_dir = rxhive();
    auto report = check_sources(options);
    REQUIRE(report.ok());
    auto data = project_root() / "data";
    std::size_t warnings = 0;
    for (const auto& d : check_dictionaries({data / "synonyms.yaml", data / "medicines.yaml", data / "brands.txt"},
                                            report.value().catalog)) {
        CAPTURE(format_text(d));
        CHECK(d.severity == Severity::warning);
        warnings += d.severity == Severity::warning;
    }
    // Members and names no page has are left out by the searcher: listed, not failed.
    WARN(std::to_string(warnings) + " dictionary warnings on rxhive (medsearch check --source ... --synonyms "
                                    "data/synonyms.yaml --medicines data/medicines.yaml lists them)");
}
