// What one request may cost (server/include/medsearch/server/query_limits.hpp):
// long words searched as typed, the words read, wildcard expansion and the
// deadline. Inputs that once took seconds and gigabytes are replayed by the
// fuzz_query-replay test (tests/fuzz/regressions/fuzz_query).
#include "support.hpp"

#include "medsearch/server/query_limits.hpp"

using namespace medsearch;
using namespace medsearch::test;

namespace {

void write_page(const fs::path& source, const std::string& path, const std::string& title, const std::string& usage) {
    write_file(source / path, "---\ntitle: " + title + "\n---\n\n### Usage\n" + usage + "\n");
}

std::unique_ptr<Searcher> build_and_open(const fs::path& dir, SearchSettings settings = {}) {
    auto built = build_index(fixture_build(dir / "src", dir / "index"));
    REQUIRE(built.ok());
    auto opened = Searcher::open(dir / "index", settings);
    REQUIRE(opened.ok());
    return std::move(opened.value());
}

}  // namespace

TEST_CASE("a word longer than the typo index reaches is searched as typed", "[cost][integration]") {
    TempDir dir;
    const std::string long_name(kMaxFuzzyWordBytes + 6, 'q');
    write_page(dir / "src", "l/long.md", "Zz" + long_name, "Treats a made-up condition.");
    write_page(dir / "src", "t/tetracosactide.md", "Tetracosactide", "Tests the adrenal glands.");
    auto searcher = build_and_open(dir.path());

    // A misspelling of a name of usual length is corrected ...
    auto usual = searcher->search({"tetracosactyde", 0, 5});
    REQUIRE(usual.ok());
    REQUIRE(usual.value().corrected);
    CHECK(*usual.value().corrected == "tetracosactide");
    // ... one of a word longer than any the typo index looks up is not.
    auto typed = "zz" + long_name;
    typed[typed.size() / 2] = 'x';
    auto long_word = searcher->search({typed, 0, 5});
    REQUIRE(long_word.ok());
    CHECK_FALSE(long_word.value().corrected);
    CHECK(long_word.value().hits.empty());
    // And a completion is never made of it either.
    auto suggested = searcher->suggest({typed, 5});
    REQUIRE(suggested.ok());
    CHECK(suggested.value().suggestions.empty());
}

TEST_CASE_METHOD(IndexedFixtures, "words past the query's limit are not read, and the answer says it is partial",
                 "[cost][integration]") {
    // A deadline out of reach, so that only the word limit can make an answer
    // partial, however slow the build (sanitizers) or the machine.
    SearchSettings settings;
    settings.deadline = std::chrono::minutes(1);
    auto opened = Searcher::open(index_dir(), settings);
    REQUIRE(opened.ok());
    auto& searcher = *opened.value();
    auto search = [&searcher](const std::string& query) {
        auto page = searcher.search({query, 0, 10});
        REQUIRE(page.ok());
        return page.value();
    };
    std::string filler;
    for (std::size_t i = 0; i < kMaxQueryWords; ++i) filler += "zzqx ";
    auto within = search(filler.substr(0, filler.size() - 5 * 2) + "metformin");
    CHECK_FALSE(within.partial);
    REQUIRE_FALSE(within.hits.empty());
    CHECK(within.hits.front().path == "m/metformin.md");

    auto beyond = search(filler + "metformin");
    CHECK(beyond.partial);
    CHECK(beyond.hits.empty());
    // The same for Xapian's syntax.
    auto advanced = search(filler + "AND metformin");
    CHECK(advanced.partial);
}

TEST_CASE("a wildcard stands for at most the limit's most frequent terms", "[cost][integration]") {
    TempDir dir;
    const unsigned pages = kMaxWildcardTerms + 20;
    for (unsigned i = 0; i < pages; ++i) {
        auto n = std::to_string(1000 + i);
        write_page(dir / "src", "d/drug" + n + ".md", "Drug" + n, "Mentions zqword" + n + " once.");
    }
    auto searcher = build_and_open(dir.path());
    // Wildcards are Xapian syntax, read in a query that uses syntax.
    auto result = searcher->search({"zqword* OR zzzz", 0, 100});
    REQUIRE(result.ok());
    CHECK(result.value().total == kMaxWildcardTerms);
    // Wildcards share what they may stand for; past their limit they are
    // read as the words typed, and the answer says it is partial.
    std::string many = "zzzz";
    for (std::size_t i = 0; i < kMaxWildcards; ++i) many += " OR zqword*";
    auto shared = searcher->search({many, 0, 100});
    REQUIRE(shared.ok());
    CHECK_FALSE(shared.value().partial);
    CHECK(shared.value().total == kMaxWildcardTerms / kMaxWildcards);
    auto past = searcher->search({many + " OR zqword*", 0, 100});
    REQUIRE(past.ok());
    CHECK(past.value().partial);
    CHECK(past.value().total == shared.value().total);
    // One term alone still matches its page.
    auto one = searcher->search({"zqword1000", 0, 5});
    REQUIRE(one.ok());
    CHECK(one.value().total == 1);
}

TEST_CASE("past its deadline a search returns the hits it found without snippets, marked partial",
          "[cost][integration]") {
    TempDir dir;
    copy_tree(fixtures() / "corpus", dir / "src");
    auto in_time = build_and_open(dir.path());
    auto full = in_time->search({"metformin", 0, 5});
    REQUIRE(full.ok());
    CHECK_FALSE(full.value().partial);
    REQUIRE(full.value().hits.size() >= 2);
    CHECK_FALSE(full.value().hits.front().snippet.empty());

    SearchSettings no_time;
    no_time.deadline = std::chrono::milliseconds(0);
    auto opened = Searcher::open(dir / "index", no_time);
    REQUIRE(opened.ok());
    auto cut = opened.value()->search({"metformin", 0, 5});
    REQUIRE(cut.ok());
    CHECK(cut.value().partial);
    REQUIRE(cut.value().hits.size() == full.value().hits.size());
    for (std::size_t i = 0; i < cut.value().hits.size(); ++i) {
        CHECK(cut.value().hits[i].path == full.value().hits[i].path);
        CHECK(cut.value().hits[i].snippet.empty());
    }
}
