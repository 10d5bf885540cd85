// Tests on the real corpus (../shared/corpus/rxhive): skipped when it is absent.
#include "support.hpp"

#include <nlohmann/json.hpp>

using namespace medsearch;
using namespace medsearch::test;

TEST_CASE("the whole rxhive corpus indexes without errors and answers", "[corpus][integration]") {
    if (!fs::is_directory(rxhive())) {
        WARN("skipped: the shared corpus is not at " + rxhive().string());
        return;
    }
    TempDir dir;
    BuildOptions options;
    options.source_dir = rxhive();
    options.index_dir = dir / "index";
    auto report = build_index(options);
    REQUIRE(report.ok());
    CHECK(report.value().pages == 6447);
    CHECK(report.value().errors() == 0);
    CHECK(report.value().skipped == 0);

    auto searcher = Searcher::open(dir / "index", SearchSettings{});
    REQUIRE(searcher.ok());
    auto amitriptyline = searcher.value()->search({"amitriptyline", 0, 10});
    REQUIRE(amitriptyline.ok());
    CHECK(amitriptyline.value().hits.at(0).path == "a/amitriptyline.md");
    auto ketamine = searcher.value()->search({"ketamine", 0, 10});
    REQUIRE(ketamine.ok());
    CHECK(ketamine.value().hits.at(0).path == "k/ketamine.md");
    CHECK(ketamine.value().hits.at(0).snippet.find("<mark>") != std::string::npos);
    auto effects = searcher.value()->search({"metformin side effects", 0, 10});
    REQUIRE(effects.ok());
    CHECK(effects.value().hits.at(0).path == "m/metformin.md");
    CHECK(effects.value().hits.at(0).section == "side-effects");

    // The facts of thousands of matches are counted, every one of them.
    auto unhurried = searcher.value()->search({"a* b* c* d* e* f* g* h* i* j*", 0, 10});
    REQUIRE(unhurried.ok());
    REQUIRE(unhurried.value().facets);
    CHECK(unhurried.value().total > 1000);
    CHECK(unhurried.value().facets->kind[0] + unhurried.value().facets->kind[1] == unhurried.value().total);

    // Everyday language, with the shipped dictionaries.
    auto search = [&](const std::string& query) {
        auto page = searcher.value()->search({query, 0, 10});
        REQUIRE(page.ok());
        return page.value();
    };
    bool english = std::any_of(options.english_dictionaries.begin(), options.english_dictionaries.end(),
                               [](const fs::path& p) { return fs::is_regular_file(p); });
    if (!english) {
        WARN("everyday words skipped: no English dictionary installed (wamerican, wbritish)");
        return;
    }
    for (const auto* query : {"memory loss", "hearing loss", "blood loss", "bone loss", "metformin loss",
                              "orlistat weight loss", "birth control pill", "hair los", "test"}) {
        INFO(query);
        auto page = search(query);
        CHECK_FALSE(page.corrected);
        REQUIRE_FALSE(page.hits.empty());
        for (const auto* drug : {"l/losartan.md", "p/pilocarpine.md", "t/testosterone.md"})
            CHECK(page.hits.front().path != drug);
    }
    // Everyday words of the large lists (wbritish-large) are not corrected either.
    if (fs::is_regular_file("/usr/share/dict/british-english-large")) {
        auto chesty = search("chesty cough");
        CHECK_FALSE(chesty.corrected);
        CHECK(chesty.topic);
    } else {
        WARN("'chesty cough' skipped: wbritish-large is not installed");
    }
    // A form asked for: the topical page of a member that has one.
    CHECK(search("cold sore cream").hits.at(0).path.ends_with("-topical.md"));
    auto gibberish = search("zzzzqqq");
    CHECK_FALSE(gibberish.corrected);
    CHECK(gibberish.hits.empty());
    // A kind of medicine or a condition: the first hit is a page of one of its
    // medicines alone, and the answer says which topic it read.
    for (const auto* query : {"headache tablet", "alzheimers", "itching", "gout", "blood thinner", "water tablets",
                              "asthma inhaler", "acid reflux"}) {
        INFO(query);
        auto page = search(query);
        REQUIRE(page.topic);
        REQUIRE_FALSE(page.hits.empty());
        const auto& first = page.hits.front().path;
        CHECK(std::any_of(page.topic->members.begin(), page.topic->members.end(),
                          [&](const auto& member) { return member.path == first; }));
    }
}
