#include "medsearch/common/index_layout.hpp"
#include "medsearch/common/schema.hpp"
#include "medsearch/common/vocabulary.hpp"
#include "medsearch/indexer/builder.hpp"
#include "medsearch/common/text.hpp"
#include "medsearch/indexer/check.hpp"
#include "medsearch/indexer/document.hpp"
#include "medsearch/indexer/hash_cache.hpp"
#include "medsearch/indexer/text_indexer.hpp"
#include "support.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <set>
#include <thread>

using namespace medsearch;
using namespace medsearch::test;

namespace {

const char* const kProbeQueries[] = {"amitriptyline", "metformin", "amoxicillin clavulanic acid",
                                     "side effects of metformin", "albuterol", "amitrip", "hypertension"};

// Every probe query's hits as "path score" lines: what a reader sees.
std::string answers(const fs::path& index_dir) {
    auto searcher = Searcher::open(index_dir, SearchSettings{});
    REQUIRE(searcher.ok());
    std::string out;
    for (const char* query : kProbeQueries) {
        auto page = searcher.value()->search({query, 0, 10});
        REQUIRE(page.ok());
        out += std::string(query) + ":";
        for (const auto& hit : page.value().hits) out += " " + hit.path + "=" + std::to_string(hit.score);
        out += "\n";
    }
    return out;
}

// Each document id with its page's path, in id order.
std::string documents_in_order(const fs::path& index_dir) {
    auto opened = open_current_index(index_dir);
    REQUIRE(opened.ok());
    std::string out;
    auto& db = opened.value().db;
    for (auto it = db.postlist_begin(""); it != db.postlist_end(""); ++it)
        out += std::to_string(*it) + " " + db.get_document(*it).get_value(schema::kSlotPath) + "\n";
    return out;
}

// The vocabulary the index keeps for spelling (vocabulary.hpp), encoded.
std::string vocabulary_of(const fs::path& index_dir) {
    auto opened = open_current_index(index_dir);
    REQUIRE(opened.ok());
    return opened.value().db.get_metadata(schema::kMetaVocabulary);
}

std::string current_generation(const fs::path& index_dir) {
    auto current = read_current_generation(index_dir);
    REQUIRE(current.ok());
    return current.value().name;
}

}  // namespace

TEST_CASE("a full build indexes every page and publishes a generation", "[index][integration]") {
    TempDir dir;
    auto report = build_index(fixture_build(fixtures() / "corpus", dir / "index"));
    REQUIRE(report.ok());
    CHECK(report.value().pages == 25);
    CHECK(report.value().added == 25);
    CHECK(report.value().full);
    CHECK(report.value().full_reason == "no index yet");
    CHECK(report.value().errors() == 0);
    CHECK(report.value().generation == "gen-000001");
    CHECK(current_generation(dir / "index") == "gen-000001");

    auto stats = read_index_stats(dir / "index");
    REQUIRE(stats.ok());
    CHECK(stats.value().pages == 25);
    CHECK(stats.value().build_id.starts_with("1-"));
    CHECK(stats.value().content_hash.size() == 16);
    CHECK(stats.value().synonyms > 0);
    CHECK(stats.value().bytes > 0);
}

TEST_CASE("a broken page is reported and skipped, and the rest is indexed", "[index][integration]") {
    TempDir dir;
    copy_tree(fixtures() / "corpus", dir / "src");
    write_file(dir / "src/b/broken.md", "---\ntitle: [Unterminated\n---\n");
    write_file(dir / "src/b/binary.md", "---\ntitle: Binary\n---\n\xFF\xFE");
    auto report = build_index(fixture_build(dir / "src", dir / "index"));
    REQUIRE(report.ok());
    CHECK(report.value().pages == 25);
    CHECK(report.value().skipped == 2);
    CHECK(report.value().errors() == 2);
    REQUIRE(report.value().diagnostics.size() >= 2);
    CHECK(format_text(report.value().diagnostics[0]) ==
          "b/binary.md:4: error: invalid UTF-8 at byte offset 22 [invalid-utf8]");
    CHECK(format_text(report.value().diagnostics[1]).starts_with("b/broken.md:2: error: front matter is not valid YAML"));
}

TEST_CASE("incremental builds touch only what changed", "[index][integration]") {
    TempDir dir;
    copy_tree(fixtures() / "corpus", dir / "src");
    auto options = fixture_build(dir / "src", dir / "index");
    REQUIRE(build_index(options).ok());

    SECTION("nothing changed: nothing is published") {
        auto report = build_index(options);
        REQUIRE(report.ok());
        CHECK_FALSE(report.value().published);
        CHECK_FALSE(report.value().full);
        CHECK(report.value().unchanged == 25);
        CHECK(current_generation(dir / "index") == "gen-000001");
    }
    SECTION("one page edited, one added, one removed") {
        write_file(dir / "src/c/codeine.md",
                   read_file(dir / "src/c/codeine.md") + "\nCodeine is also found in cough syrups.\n");
        write_file(dir / "src/t/tramadol.md", "---\ntitle: Tramadol\n---\n\n# Tramadol\n### Usage\nPain.\n");
        fs::remove(dir / "src/l/levocetirizine.md");
        auto report = build_index(options);
        REQUIRE(report.ok());
        const auto& r = report.value();
        CHECK(r.published);
        CHECK_FALSE(r.full);
        CHECK(r.changed == 1);
        CHECK(r.added == 1);
        CHECK(r.removed == 1);
        CHECK(r.unchanged == 23);
        CHECK(r.pages == 25);
        CHECK(current_generation(dir / "index") == "gen-000002");
        auto searcher = Searcher::open(dir / "index", SearchSettings{});
        REQUIRE(searcher.ok());
        CHECK(searcher.value()->search({"tramadol", 0, 10}).value().hits.at(0).path == "t/tramadol.md");
        CHECK(searcher.value()->search({"syrups", 0, 10}).value().hits.at(0).path == "c/codeine.md");
        CHECK(searcher.value()->search({"levocetirizine", 0, 10}).value().hits.empty());
    }
    SECTION("the same pages give the same answers, full or incremental") {
        write_file(dir / "src/c/codeine.md", read_file(dir / "src/c/codeine.md") + "\nEdited.\n");
        REQUIRE(build_index(options).ok());
        auto incremental = answers(dir / "index");
        options.mode = BuildMode::full;
        auto full = build_index(options);
        REQUIRE(full.ok());
        CHECK(full.value().full_reason == "--full");
        CHECK(answers(dir / "index") == incremental);
    }
    SECTION("the vocabulary follows edits, additions and removals as a full build would") {
        write_file(dir / "src/c/codeine.md",
                   read_file(dir / "src/c/codeine.md") + "\nCodeine is also found in cough syrups.\n");
        write_file(dir / "src/t/tramadol.md", "---\ntitle: Tramadol\n---\n\n# Tramadol\n### Side Effects\nDizziness.\n");
        fs::remove(dir / "src/l/levocetirizine.md");
        REQUIRE(build_index(options).ok());
        auto decoded = decode_vocabulary(vocabulary_of(dir / "index"));
        REQUIRE(decoded.ok());
        const auto& incremental = decoded.value();
        CHECK(incremental.at("syrups") == 1);
        CHECK(incremental.at("dizziness") >= 1);        // a section without positions
        CHECK(incremental.count("levocetirizine") == 0);  // its only page is gone
        options.mode = BuildMode::full;
        REQUIRE(build_index(options).ok());
        CHECK(vocabulary_of(dir / "index") == encode_vocabulary(incremental));
    }
    SECTION("a new synonyms file is applied without indexing pages again") {
        write_file(dir / "syn.yaml", "brands:\n  calpol: paracetamol\n");
        options.synonyms_file = dir / "syn.yaml";
        auto report = build_index(options);
        REQUIRE(report.ok());
        CHECK(report.value().published);
        CHECK(report.value().unchanged == 25);
        auto searcher = Searcher::open(dir / "index", SearchSettings{});
        REQUIRE(searcher.ok());
        CHECK(searcher.value()->search({"calpol", 0, 10}).value().hits.at(0).path == "p/paracetamol.md");
    }
    SECTION("a broken synonyms file stops the build; the published index stays") {
        write_file(dir / "syn.yaml", "brands:\n  calpol: [paracetamol\n");
        options.synonyms_file = dir / "syn.yaml";
        auto report = build_index(options);
        REQUIRE_FALSE(report.ok());
        CHECK(report.error().message.starts_with((dir / "syn.yaml").string() + ":"));
        CHECK(current_generation(dir / "index") == "gen-000001");
    }
    SECTION("other stopwords rebuild every page") {
        write_file(dir / "stop.txt", "the\nof\n");
        options.stopwords_file = dir / "stop.txt";
        auto report = build_index(options);
        REQUIRE(report.ok());
        CHECK(report.value().full);
        CHECK(report.value().full_reason == "permalink or stopwords changed");
    }
}

// Sets a file's modification time, in whole seconds since the epoch.
void set_mtime(const fs::path& file, std::time_t seconds) {
    timespec times[2] = {{seconds, 0}, {seconds, 0}};
    REQUIRE(::utimensat(AT_FDCWD, file.c_str(), times, 0) == 0);
}

TEST_CASE("a file with the size and time of the last build is not read again", "[index][integration]") {
    TempDir dir;
    copy_tree(fixtures() / "corpus", dir / "src");
    auto page = dir / "src/c/codeine.md";
    // The same length, other bytes: only reading the file tells them apart.
    auto edited = read_file(page);
    edited.replace(edited.find("Codeine"), 7, "Kodeine");
    auto options = fixture_build(dir / "src", dir / "index");
    const std::time_t old_time = 1'600'000'000;

    SECTION("an old file whose size and time are kept is taken as unchanged; --full reads it") {
        set_mtime(page, old_time);
        REQUIRE(build_index(options).ok());
        auto before = read_index_stats(dir / "index").value().content_hash;
        write_file(page, edited);
        set_mtime(page, old_time);
        auto report = build_index(options);
        REQUIRE(report.ok());
        CHECK(report.value().unchanged == 25);
        CHECK_FALSE(report.value().published);
        options.mode = BuildMode::full;
        REQUIRE(build_index(options).ok());
        CHECK(read_index_stats(dir / "index").value().content_hash != before);
    }
    SECTION("a new time is read again, even with the same size") {
        set_mtime(page, old_time);
        REQUIRE(build_index(options).ok());
        write_file(page, edited);
        set_mtime(page, old_time + 1);
        auto report = build_index(options);
        REQUIRE(report.ok());
        CHECK(report.value().changed == 1);
    }
    SECTION("a file written less than two seconds before the build is not remembered") {
        REQUIRE(build_index(options).ok());  // the copied files are seconds old at most
        auto time = fs::last_write_time(page);
        write_file(page, edited);
        fs::last_write_time(page, time);
        auto report = build_index(options);
        REQUIRE(report.ok());
        CHECK(report.value().changed == 1);
    }
    SECTION("a damaged cache is not trusted") {
        set_mtime(page, old_time);
        REQUIRE(build_index(options).ok());
        auto cache = dir / "index" / kHashCacheFileName;
        REQUIRE(fs::exists(cache));
        write_file(cache, read_file(cache) + "12 34 not-hex x/extra.md\n");
        write_file(page, edited);
        set_mtime(page, old_time);
        auto report = build_index(options);
        REQUIRE(report.ok());
        CHECK(report.value().changed == 1);
    }
}

TEST_CASE("results do not depend on the number of threads or the file order", "[index][integration]") {
    TempDir dir;
    auto one = fixture_build(fixtures() / "corpus", dir / "one");
    one.threads = 1;
    // Small shards, so that the 25 pages are built by several workers and merged.
    auto two = fixture_build(fixtures() / "corpus", dir / "two");
    two.threads = 2;
    two.part_pages = 4;
    auto eight = fixture_build(fixtures() / "corpus", dir / "eight");
    eight.threads = 8;
    eight.part_pages = 2;   // 13 shards: merged in several passes
    REQUIRE(build_index(one).ok());
    REQUIRE(build_index(two).ok());
    REQUIRE(build_index(eight).ok());
    auto reference = answers(dir / "one");
    CHECK(answers(dir / "two") == reference);
    CHECK(answers(dir / "eight") == reference);
    CHECK(read_index_stats(dir / "one").value().content_hash == read_index_stats(dir / "eight").value().content_hash);
    CHECK(documents_in_order(dir / "two") == documents_in_order(dir / "one"));
    CHECK(documents_in_order(dir / "eight") == documents_in_order(dir / "one"));
    CHECK(read_index_stats(dir / "eight").value().pages == 25);
}

TEST_CASE("a build with nothing to do still reports the collection's warnings", "[index][integration]") {
    TempDir dir;
    write_file(dir / "src/a/aspirin.md", "---\ntitle: Aspirin\n---\n# Aspirin\n### Usage\nPain.\n");
    write_file(dir / "src/a/aspirin-tablets.md", "---\ntitle: Aspirin\n---\n# Aspirin\n### Usage\nFever.\n");
    auto options = fixture_build(dir / "src", dir / "index");
    auto codes = [](const BuildReport& report) {
        std::vector<std::string> out;
        for (const auto& d : report.diagnostics) out.push_back(d.path + " " + d.code);
        return out;
    };
    auto first = build_index(options);
    REQUIRE(first.ok());
    auto first_codes = codes(first.value());
    REQUIRE(std::count(first_codes.begin(), first_codes.end(), "a/aspirin.md duplicate-title") == 1);
    auto again = build_index(options);
    REQUIRE(again.ok());
    CHECK_FALSE(again.value().published);
    // Pages are not parsed again, so only findings about the collection repeat.
    auto again_codes = codes(again.value());
    CHECK(again_codes == std::vector<std::string>{"a/aspirin.md duplicate-title"});
}

TEST_CASE("two pages with the same URL: the second is an error", "[index][integration]") {
    TempDir dir;
    write_file(dir / "src/a/aspirin.md", "---\ntitle: Aspirin\n---\n# Aspirin\n### Usage\nPain.\n");
    write_file(dir / "src/b/aspirin.md", "---\ntitle: Aspirin\n---\n# Aspirin\n### Usage\nFever.\n");
    auto options = fixture_build(dir / "src", dir / "index");
    options.permalink = "/drugs/:basename/";
    auto report = build_index(options);
    REQUIRE(report.ok());
    CHECK(report.value().pages == 1);
    CHECK(report.value().skipped == 1);
    REQUIRE(report.value().errors() == 1);
    auto text = format_text(report.value().diagnostics.front());
    CHECK(text == "b/aspirin.md: error: same URL /drugs/aspirin/ as a/aspirin.md [duplicate-url]");
}

TEST_CASE("one writer at a time", "[index][integration]") {
    TempDir dir;
    fs::create_directories(dir / "index");
    int fd = ::open((dir / "index/.lock").c_str(), O_RDWR | O_CREAT, 0644);
    REQUIRE(fd >= 0);
    REQUIRE(::flock(fd, LOCK_EX) == 0);
    auto report = build_index(fixture_build(fixtures() / "corpus", dir / "index"));
    ::close(fd);
    REQUIRE_FALSE(report.ok());
    CHECK(report.error().message == (dir / "index").string() + ": another medsearch index is writing this index");
}

TEST_CASE("leftovers of a build that did not finish are removed by the next", "[index][integration]") {
    TempDir dir;
    auto options = fixture_build(fixtures() / "corpus", dir / "index");
    REQUIRE(build_index(options).ok());
    auto before = answers(dir / "index");
    fs::create_directories(dir / "index/tmp-gen-000009/db");
    write_file(dir / "index/tmp-gen-000009/db/postlist.glass", "half written");
    fs::create_directories(dir / "index/gen-000007");
    CHECK(answers(dir / "index") == before);  // readers never look at them
    options.mode = BuildMode::full;
    auto report = build_index(options);
    REQUIRE(report.ok());
    CHECK(report.value().generation == "gen-000008");
    CHECK_FALSE(fs::exists(dir / "index/tmp-gen-000009"));
    CHECK_FALSE(fs::exists(dir / "index/gen-000007"));
    CHECK(fs::exists(dir / "index/gen-000001"));  // the previous generation stays for readers
    CHECK(answers(dir / "index") == before);
}

TEST_CASE("a build killed at any moment leaves the previous index answering", "[index][integration]") {
    TempDir dir;
    // A source big enough that a build takes a while: the fixtures, twenty times.
    for (int copy = 0; copy < 20; ++copy)
        for (const auto& entry : fs::recursive_directory_iterator(fixtures() / "corpus")) {
            if (!entry.is_regular_file()) continue;
            auto name = entry.path().stem().string() + "-" + std::to_string(copy) + ".md";
            write_file(dir / "src" / entry.path().parent_path().filename() / name, read_file(entry.path()));
        }
    auto index = dir / "index";
    // The child builds from the same pages and config, so a build that
    // completes publishes an index that answers exactly as the first one.
    write_file(dir / "config.yaml", "source: " + (dir / "src").string() + "\nindex: " + index.string() +
                                        "\nsynonyms: " + (fixtures() / "synonyms.yaml").string() + "\n");
    auto rebuild = [&] {
        pid_t child = ::fork();
        REQUIRE(child >= 0);
        if (child == 0) {
            ::execl(program().c_str(), "medsearch", "-q", "--config", (dir / "config.yaml").c_str(), "index",
                    "--full", nullptr);
            ::_exit(127);
        }
        return child;
    };
    auto started = std::chrono::steady_clock::now();
    int status = 0;
    ::waitpid(rebuild(), &status, 0);
    REQUIRE(WIFEXITED(status));
    REQUIRE(WEXITSTATUS(status) == 0);
    auto build_time = std::chrono::steady_clock::now() - started;
    const auto before = answers(index);

    std::mt19937 random(20261127);
    std::uniform_int_distribution<long> moment(0, std::chrono::duration_cast<std::chrono::microseconds>(build_time).count());
    for (int round = 0; round < 12; ++round) {
        auto child = rebuild();
        std::this_thread::sleep_for(std::chrono::microseconds(moment(random)));
        ::kill(child, SIGKILL);
        ::waitpid(child, nullptr, 0);
        CAPTURE(round);
        CHECK(answers(index) == before);
    }
    ::waitpid(rebuild(), &status, 0);  // and the next build recovers on its own
    CHECK(WEXITSTATUS(status) == 0);
    CHECK(answers(index) == before);
    for (const auto& entry : fs::directory_iterator(index))
        CHECK_FALSE(entry.path().filename().string().starts_with("tmp-"));
}

TEST_CASE("a word only in sections without positions is still known for spelling", "[index][integration]") {
    TempDir dir;
    copy_tree(fixtures() / "corpus", dir / "src");
    // Three pages (the least a word needs to be a correction) that have the
    // word only in their side effects, which keep no words as written.
    for (const char* drug : {"alphadrin", "betadrin", "gammadrin"})
        write_file(dir / "src/x" / (std::string(drug) + ".md"),
                   "---\ntitle: " + std::string(drug) + "\n---\n\n# " + drug +
                       "\n### Usage\nColds.\n### Side Effects\nSome people get xerodermatitis.\n");
    IndexedFixtures indexed(dir / "src");
    auto exact = indexed.page("xerodermatitis");
    CHECK(exact.total == 3);
    CHECK_FALSE(exact.corrected);  // a known word is never "corrected"
    auto typo = indexed.page("xerodermatitus");
    CHECK(typo.corrected == std::optional<std::string>("xerodermatitis"));
    CHECK(typo.total == 3);
}

TEST_CASE("an index of another schema is rebuilt, not served or published", "[index][integration]") {
    TempDir dir;
    auto options = fixture_build(fixtures() / "corpus", dir / "index");
    REQUIRE(build_index(options).ok());
    auto current = read_current_generation(dir / "index");
    REQUIRE(current.ok());
    {
        Xapian::WritableDatabase db(current.value().path.string(), Xapian::DB_OPEN);
        db.set_metadata(schema::kMetaSchema, "1");
        db.commit();
    }
    auto searcher = Searcher::open(dir / "index", SearchSettings{});
    REQUIRE_FALSE(searcher.ok());
    CHECK(searcher.error().message ==
          current.value().path.string() + ": index has schema 1, this program's is " +
              std::to_string(schema::kVersion) + "; rebuild it with medsearch index --full");
    auto imported = import_index(dir / "index", dir / "served");
    REQUIRE_FALSE(imported.ok());
    CHECK(imported.error().message.ends_with(": index has schema 1, this program's is " +
                                             std::to_string(schema::kVersion)));
    auto rebuilt = build_index(options);
    REQUIRE(rebuilt.ok());
    CHECK(rebuilt.value().full);
    CHECK(rebuilt.value().full_reason == "index schema changed");
    CHECK(Searcher::open(dir / "index", SearchSettings{}).ok());
}

TEST_CASE("an index of enough pages compresses them with a dictionary that incremental builds keep",
          "[index][integration]") {
    TempDir dir;
    auto write_page = [&](int n, const std::string& extra) {
        auto name = "Zorbamide " + std::to_string(n);
        write_file(dir / "src/z" / ("zorbamide-" + std::to_string(n) + ".md"),
                   "---\ntitle: " + name + "\n---\n# " + name + "\n### Usage\n" + name +
                       " treats high blood pressure and prevents strokes.\n### Side Effects\nDizziness, headache "
                       "and nausea; contact your doctor if you notice swelling." + extra + "\n");
    };
    for (int n = 0; n < 80; ++n) write_page(n, "");
    auto dictionary = [&](const fs::path& index_dir) {
        auto opened = open_current_index(index_dir);
        REQUIRE(opened.ok());
        return opened.value().db.get_metadata(schema::kMetaPageDictionary);
    };
    REQUIRE(build_index(fixture_build(dir / "src", dir / "index")).ok());
    auto trained = dictionary(dir / "index");
    CHECK_FALSE(trained.empty());

    // Edit one page and remove another: the incremental build reads their old
    // stored pages (for the vocabulary) and writes the new one, all with the
    // dictionary of the full build.
    write_page(7, " Rarely, quillwort rash.");
    fs::remove(dir / "src/z/zorbamide-9.md");
    auto incremental = build_index(fixture_build(dir / "src", dir / "index"));
    REQUIRE(incremental.ok());
    CHECK_FALSE(incremental.value().full);
    CHECK(incremental.value().changed == 1);
    CHECK(incremental.value().removed == 1);
    CHECK(dictionary(dir / "index") == trained);
    REQUIRE(build_index(fixture_build(dir / "src", dir / "full")).ok());
    CHECK(vocabulary_of(dir / "index") == vocabulary_of(dir / "full"));

    auto searcher = Searcher::open(dir / "index", SearchSettings{});
    REQUIRE(searcher.ok());
    auto edited = searcher.value()->search({"quillwort", 0, 10});
    REQUIRE(edited.ok());
    REQUIRE(edited.value().hits.size() == 1);
    CHECK(edited.value().hits[0].path == "z/zorbamide-7.md");
    CHECK(edited.value().hits[0].snippet.find("<mark>quillwort</mark>") != std::string::npos);
    auto untouched = searcher.value()->search({"zorbamide 12", 0, 1});
    REQUIRE(untouched.ok());
    REQUIRE(untouched.value().hits.size() == 1);
    CHECK(untouched.value().hits[0].snippet.find("blood pressure") != std::string::npos);
}

// ---- names longer than a Xapian term ----------------------------------------

namespace {

// One word of `letters` letters: the stem repeated, then `tail`.
std::string long_word(const std::string& stem, std::size_t letters, const std::string& tail) {
    std::string word;
    while (word.size() + tail.size() < letters) word += stem;
    word.resize(letters - tail.size());
    return word + tail;
}

}  // namespace

TEST_CASE("a term longer than Xapian takes keeps its start and a hash of all of it", "[index][unit]") {
    const std::string start(300, 'x');
    struct Row {
        std::string term;
        bool whole;
    };
    const Row rows[] = {
        {"XCmetformin", true},
        {"XC" + std::string(schema::kMaxTermBytes - 2, 'a'), true},
        {"XC" + std::string(schema::kMaxTermBytes - 1, 'a'), false},
        {"XC" + start + "mab", false},
        {"XC" + start + "vir", false},
        {"XC" + std::string(100, 'a') + long_word("\xC3\xA9", 400, ""), false},  // 'é's: cut between characters
    };
    std::set<std::string> bounded;
    for (const auto& row : rows) {
        CAPTURE(row.term.size());
        auto term = schema::bounded_term(row.term);
        CHECK(term == schema::bounded_term(row.term));
        CHECK(term.size() <= schema::kMaxTermBytes);
        CHECK_FALSE(find_invalid_utf8(term));
        if (row.whole) {
            CHECK(term == row.term);
        } else {
            CHECK(term.size() >= schema::kMaxTermBytes - 1);
            CHECK(row.term.starts_with(term.substr(0, term.size() - 17)));
            CHECK(term[term.size() - 17] == '#');
        }
        bounded.insert(term);
    }
    CHECK(bounded.size() == std::size(rows));  // two names alike for 300 letters stay apart
    CHECK(schema::prefixed_term("XC", start) == schema::bounded_term("XC" + start));
    CHECK(schema::id_term(start) == schema::bounded_term("Q" + start));
}

TEST_CASE("pages with names longer than a Xapian term are indexed and found by them, and check agrees",
          "[index][integration]") {
    TempDir dir;
    copy_tree(fixtures() / "corpus", dir / "src");
    const auto name_a = long_word("Xylo", 300, "mab"), name_b = long_word("Xylo", 300, "vir");
    const auto folded = long_word("Folded", 260, "ine"), member = long_word("Quino", 250, "zine");
    write_file(dir / "src/x/long-a.md", "---\ntitle: " + name_a + "\n---\n### Usage\nPain.\n");
    write_file(dir / "src/x/long-b.md", "---\ntitle: " + name_b + "\n---\n### Usage\nFever.\n");
    write_file(dir / "src/x/folded.md", "---\ntitle: >\n  " + folded + "\n---\n### Usage\nCough.\n");
    write_file(dir / "src/x/combination.md",
               "---\ntitle: Paracetamol + " + member + "\n---\n### Usage\nPain and fever.\n");
    write_file(dir / "src/l/longword.md", "---\ntitle: Longword\n---\n### Usage\nTreats " + long_word("ab", 300, "") +
                                              " and " + long_word("cd", 70, "") + ".\n");

    auto report = build_index(fixture_build(dir / "src", dir / "index"));
    REQUIRE(report.ok());
    CHECK(report.value().errors() == 0);
    CHECK(report.value().skipped == 0);
    CHECK(report.value().pages == 30);

    auto searcher = Searcher::open(dir / "index", SearchSettings{});
    REQUIRE(searcher.ok());
    struct Row {
        std::string query;
        std::vector<std::string> paths;  // the first hits
    };
    const Row rows[] = {
        {name_a, {"x/long-a.md"}},
        {name_b, {"x/long-b.md"}},
        {folded, {"x/folded.md"}},
        {member, {"x/combination.md"}},
        {"longword", {"l/longword.md"}},
    };
    for (const auto& row : rows) {
        CAPTURE(row.query);
        auto page = searcher.value()->search({row.query, 0, 10});
        REQUIRE(page.ok());
        std::vector<std::string> paths;
        for (const auto& hit : page.value().hits) paths.push_back(hit.path);
        paths.resize(std::min(paths.size(), row.paths.size() + 1));
        CHECK(paths == row.paths);  // and nothing else: the other long name is apart
    }

    auto checked = check_sources({dir / "src", "/composition/:path/", 1, {}, kDefaultMaxPageBytes});
    REQUIRE(checked.ok());
    CHECK(checked.value().errors() == 0);
}

TEST_CASE("a document Xapian would refuse is an error at the line its text comes from", "[index][unit]") {
    Monograph page;
    page.path = "a/aspirin.md";
    page.title = std::string(250, 'A') + "spirin";
    page.sections.push_back({"usage", "Usage", "usage", 7, "Pain and " + std::string(300, 'z') + "."});
    struct Row {
        const char* what;
        std::string term;
        std::size_t value_bytes;
        int line;  // 0: accepted
        const char* message;
    };
    const Row rows[] = {
        {"terms and a value that fit", "XCaspirin", 1000, 0, ""},
        {"a term of the title", "XC" + std::string(250, 'a') + "spirin", 10, 3, "a term of 258 bytes ('XCaaaa"},
        {"a term of a section", "Z" + std::string(300, 'z'), 10, 7, "a term of 301 bytes ('Zzzzz"},
        {"a term from nowhere", "XS" + std::string(250, 'q'), 10, 1, "is longer than the index takes (245)"},
        {"a stored page too large", "XCaspirin", schema::kMaxValueBytes + 1, 1,
         "its stored form is 67108865 bytes, more than the index takes (67108864)"},
    };
    for (const auto& row : rows) {
        CAPTURE(row.what);
        Xapian::Document doc;
        doc.add_boolean_term(row.term);
        doc.add_value(schema::kSlotPage, std::string(row.value_bytes, 'v'));
        auto refused = check_document(doc, page, 3);
        if (row.line == 0) {
            CHECK_FALSE(refused);
            continue;
        }
        REQUIRE(refused);
        CHECK(refused->path == "a/aspirin.md");
        CHECK(refused->line == row.line);
        CHECK(refused->severity == Severity::error);
        CHECK(refused->message.find(row.message) != std::string::npos);
    }
}

TEST_CASE("a page taken back leaves no words in the vocabulary", "[index][unit]") {
    TextIndexer text({});
    Xapian::Document kept, dropped;
    text.start_page();
    text.index(kept, "aspirin relieves pain", {}, 0);
    text.start_page();
    text.index(dropped, "paracetamol relieves fever", {}, 0);
    text.drop_page();
    Vocabulary vocabulary;
    text.add_vocabulary_to(vocabulary);
    CHECK(vocabulary == Vocabulary{{"aspirin", 1}, {"pain", 1}, {"relieves", 1}});
}
