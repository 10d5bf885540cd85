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
}
