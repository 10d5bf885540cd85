// Never lose an index, never stop on a page: recovery of a damaged CURRENT,
// a failure at each step of publishing, a full disk, and hostile files.
#include "medsearch/common/config.hpp"
#include "medsearch/common/index_layout.hpp"
#include "medsearch/indexer/builder.hpp"
#include "medsearch/indexer/check.hpp"
#include "medsearch/indexer/markdown.hpp"
#include "http_support.hpp"
#include "index_dir.hpp"
#include "support.hpp"

#include <linux/capability.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <csignal>
#include <functional>
#include <cstdlib>
#include <set>
#include <thread>

using namespace medsearch;
using namespace medsearch::test;

namespace {

// What a reader sees: the published generation's pages and one query's hits.
std::string served(const fs::path& index_dir) {
    auto searcher = Searcher::open(index_dir, SearchSettings{});
    REQUIRE(searcher.ok());
    auto page = searcher.value()->search({"metformin", 0, 10});
    REQUIRE(page.ok());
    std::string out = std::to_string(page.value().total) + ":";
    for (const auto& hit : page.value().hits) out += " " + hit.path;
    return out;
}

std::size_t total_for(const fs::path& index_dir, const std::string& query) {
    auto searcher = Searcher::open(index_dir, SearchSettings{});
    REQUIRE(searcher.ok());
    auto page = searcher.value()->search({query, 0, 10});
    REQUIRE(page.ok());
    return page.value().total;
}

std::set<std::string> entries(const fs::path& index_dir) {
    std::set<std::string> names;
    for (const auto& entry : fs::directory_iterator(index_dir)) names.insert(entry.path().filename().string());
    return names;
}

// Sets an environment variable for one scope.
class ScopedEnv {
  public:
    ScopedEnv(const char* name, const std::string& value) : name_(name) { ::setenv(name, value.c_str(), 1); }
    ~ScopedEnv() { ::unsetenv(name_); }
    ScopedEnv(const ScopedEnv&) = delete;
    ScopedEnv& operator=(const ScopedEnv&) = delete;

  private:
    const char* name_;
};

// A config file for the fixtures' dictionaries and `source`, indexed into dir/index.
fs::path write_config(const TempDir& dir, const fs::path& source) {
    auto config = dir / "config.yaml";
    write_file(config, "source: " + source.string() + "\nindex: " + (dir / "index").string() +
                           "\nsynonyms: " + (fixtures() / "synonyms.yaml").string() + "\nmedicines: " +
                           (fixtures() / "everyday-medicines.yaml").string() + "\n");
    return config;
}

// How the medsearch program is started: with `args`, SIGXFSZ at its default
// disposition, a limit on the size of the files it writes, and, when
// `bound_by_modes`, without the capabilities that let root ignore file modes
// (CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH), as any other user.
struct Spawn {
    std::vector<std::string> args;
    rlim_t file_size_limit = RLIM_INFINITY;
    bool bound_by_modes = false;
};

struct Ran {
    int status = -1;  // -1: killed by a signal
    std::string errors;
};

Ran spawn_medsearch(const Spawn& spawn, const fs::path& log) {
    std::vector<char*> argv{const_cast<char*>("medsearch")};
    for (const auto& arg : spawn.args) argv.push_back(const_cast<char*>(arg.c_str()));
    argv.push_back(nullptr);
    pid_t child = ::fork();
    REQUIRE(child >= 0);
    if (child == 0) {
        ::signal(SIGXFSZ, SIG_DFL);
        rlimit limit{spawn.file_size_limit, spawn.file_size_limit};
        if (::setrlimit(RLIMIT_FSIZE, &limit) != 0) ::_exit(124);
        // Dropped from the bounding set, they are not regained by exec.
        if (spawn.bound_by_modes && ::geteuid() == 0 &&
            (::prctl(PR_CAPBSET_DROP, CAP_DAC_OVERRIDE, 0, 0, 0) != 0 ||
             ::prctl(PR_CAPBSET_DROP, CAP_DAC_READ_SEARCH, 0, 0, 0) != 0))
            ::_exit(125);
        if (!std::freopen(log.c_str(), "w", stderr)) ::_exit(126);
        ::execv(program().c_str(), argv.data());
        ::_exit(127);
    }
    int status = 0;
    ::waitpid(child, &status, 0);
    Ran ran{WIFEXITED(status) ? WEXITSTATUS(status) : -1, read_file(log)};
    REQUIRE(ran.status != 124);
    REQUIRE(ran.status != 125);  // the test needs a user bound by file modes
    return ran;
}

const Diagnostic* diagnostic_for(const BuildReport& report, const std::string& path) {
    for (const auto& d : report.diagnostics)
        if (d.path == path && d.severity == Severity::error) return &d;
    return nullptr;
}

}  // namespace

// ---- recovery ---------------------------------------------------------------

TEST_CASE("a damaged, missing or dangling CURRENT is recovered from the newest complete generation",
          "[reliability][integration]") {
    struct Row {
        const char* damage;
        std::string current;  // what CURRENT holds; "-" for no CURRENT at all
        const char* reported;
    };
    const Row rows[] = {
        {"garbage", "not a generation\n", "does not name a generation"},
        {"empty", "", "does not name a generation"},
        {"missing", "-", "index/CURRENT is missing"},
        {"dangling", "gen-000009\n", "names gen-000009, which cannot serve"},
    };
    for (const auto& row : rows) {
        CAPTURE(row.damage);
        TempDir dir;
        auto options = fixture_build(fixtures() / "corpus", dir / "index");
        REQUIRE(build_index(options).ok());
        const auto before = served(dir / "index");
        if (row.current == "-") fs::remove(dir / "index/CURRENT");
        else write_file(dir / "index/CURRENT", row.current);
        // A generation that a publish moved into place but never named, broken.
        fs::create_directories(dir / "index/gen-000002");
        write_file(dir / "index/gen-000002/postlist.glass", "half written");

        auto report = build_index(options);
        REQUIRE(report.ok());
        CHECK_FALSE(report.value().full);  // the recovered generation is reused
        CHECK(report.value().recovered.find(row.reported) != std::string::npos);
        CHECK(report.value().recovered.find("recovered gen-000001, the newest complete generation") !=
              std::string::npos);
        CHECK(read_file(dir / "index/CURRENT") == "gen-000001\n");
        CHECK(served(dir / "index") == before);
        // Unfinished and unnamed: removed. The one that serves: kept.
        CHECK(entries(dir / "index") == std::set<std::string>{".lock", ".source-hashes", "CURRENT", "gen-000001"});
    }
}

TEST_CASE("readers open the newest complete generation when CURRENT is damaged or missing, and write nothing",
          "[reliability][integration]") {
    struct Row {
        const char* damage;
        std::string current;  // what CURRENT holds; "-" for no CURRENT at all
        const char* reported;
    };
    const Row rows[] = {
        {"garbage", "not a generation\n", "does not name a generation"},
        {"missing", "-", "index/CURRENT is missing"},
        {"dangling", "gen-000009\n", "gen-000009"},
    };
    TempDir dir;
    REQUIRE(build_index(fixture_build(fixtures() / "corpus", dir / "index")).ok());
    const auto before = served(dir / "index");
    for (const auto& row : rows) {
        CAPTURE(row.damage);
        if (row.current == "-") fs::remove(dir / "index/CURRENT");
        else write_file(dir / "index/CURRENT", row.current);
        const auto folder = entries(dir / "index");

        auto opened = open_current_index(dir / "index");
        REQUIRE(opened.ok());
        CHECK(opened.value().generation.name == "gen-000001");
        CHECK(opened.value().fallback.find(row.reported) != std::string::npos);
        CHECK(opened.value().fallback.find("serving gen-000001, the newest complete generation") != std::string::npos);
        CHECK(served(dir / "index") == before);
        auto stats = read_index_stats(dir / "index");
        REQUIRE(stats.ok());
        CHECK(stats.value().generation == "gen-000001");
        {
            TestServer server(dir / "index", [](ServerOptions& options) {
                options.reload_interval = std::chrono::milliseconds(10);
            });
            auto answer = server.client().Get("/search?q=metformin");
            REQUIRE(answer);
            CHECK(answer->status == 200);
            CHECK(answer->body.find("\"path\":\"m/metformin.md\"") != std::string::npos);
            // Its watcher keeps the generation it has: no reload at each poll.
            auto loaded = server.http().generations_loaded();
            std::this_thread::sleep_for(std::chrono::milliseconds(100));
            CHECK(server.http().generations_loaded() == loaded);
        }
        // Readers never repair: CURRENT is the writer's.
        CHECK(entries(dir / "index") == folder);
        if (row.current != "-") CHECK(read_file(dir / "index/CURRENT") == row.current);
    }
    // With no complete generation, readers fail as before.
    fs::remove_all(dir / "index/gen-000001");
    auto opened = open_current_index(dir / "index");
    REQUIRE_FALSE(opened.ok());
    CHECK(opened.error().message.find("gen-000009") != std::string::npos);
}

TEST_CASE("with nothing complete to recover, no generation is removed before a new one serves",
          "[reliability][integration]") {
    TempDir dir;
    auto options = fixture_build(fixtures() / "corpus", dir / "index");
    REQUIRE(build_index(options).ok());
    const auto before = served(dir / "index");
    write_file(dir / "index/CURRENT", "???");
    // Damaged beyond use: the build facts are what a build writes last.
    fs::remove_all(dir / "index/gen-000001");
    fs::create_directories(dir / "index/gen-000001");
    fs::create_directories(dir / "index/tmp-gen-000004/db");

    auto report = build_index(options);
    REQUIRE(report.ok());
    CHECK(report.value().full);
    CHECK(report.value().full_reason == "no complete generation");
    CHECK(report.value().recovered.find("no complete generation to recover") != std::string::npos);
    CHECK(report.value().generation == "gen-000002");  // numbered past the generation kept
    CHECK(served(dir / "index") == before);
    CHECK_FALSE(fs::exists(dir / "index/tmp-gen-000004"));
}

TEST_CASE("publish recovers a damaged CURRENT and keeps the generation that served", "[reliability][integration]") {
    TempDir dir;
    REQUIRE(build_index(fixture_build(fixtures() / "corpus", dir / "built")).ok());
    REQUIRE(build_index(fixture_build(fixtures() / "corpus", dir / "served")).ok());
    write_file(dir / "served/CURRENT", "junk");
    auto report = import_index(dir / "built", dir / "served");
    REQUIRE(report.ok());
    CHECK(report.value().recovered.find("recovered gen-000001") != std::string::npos);
    CHECK(report.value().generation == "gen-000002");
    CHECK(fs::exists(dir / "served/gen-000001"));  // the previous one, for readers still on it
    CHECK(read_file(dir / "served/CURRENT") == "gen-000002\n");
}

TEST_CASE("publish refuses an index with damaged tables", "[reliability][integration]") {
    TempDir dir;
    REQUIRE(build_index(fixture_build(fixtures() / "corpus", dir / "built")).ok());
    REQUIRE(build_index(fixture_build(fixtures() / "corpus", dir / "served")).ok());
    const auto before = served(dir / "served");
    auto table = dir / "built/gen-000001/postlist.glass";
    auto bytes = read_file(table);
    auto middle = bytes.size() / 8192 / 2 * 8192;
    bytes.replace(middle, 8192, std::string(8192, '\0'));
    write_file(table, bytes);
    auto report = import_index(dir / "built", dir / "served");
    REQUIRE_FALSE(report.ok());
    CHECK(report.error().message.find("gen-000001: damaged: DatabaseCorruptError: ") != std::string::npos);
    CHECK(report.error().message.ends_with("; not published"));
    CHECK(served(dir / "served") == before);
    CHECK(entries(dir / "served") == std::set<std::string>{".lock", ".source-hashes", "CURRENT", "gen-000001"});
}

TEST_CASE("a staged build is not served until it is activated, and only the build named is", "[reliability][integration]") {
    TempDir dir;
    copy_tree(fixtures() / "corpus", dir / "src");
    REQUIRE(build_index(fixture_build(dir / "src", dir / "served")).ok());
    REQUIRE(build_index(fixture_build(dir / "src", dir / "built")).ok());
    write_file(dir / "src/m/metformin.md",
               read_file(dir / "src/m/metformin.md") + "\nA zanzibarite sentence for the next build.\n");
    auto next = build_index(fixture_build(dir / "src", dir / "built"));
    REQUIRE(next.ok());
    REQUIRE(next.value().published);
    const auto before = served(dir / "served");

    CHECK(activate_staged(dir / "served").error().message.find("nothing is staged") != std::string::npos);
    auto staged = stage_index(dir / "built", dir / "served");
    REQUIRE(staged.ok());
    CHECK(staged.value().build_id.starts_with("2-"));
    CHECK(staged.value().pages == Xapian::Database((dir / "built/gen-000002").string()).get_doccount());
    // Staged: checked and durable, but CURRENT and what readers see are as before.
    CHECK(read_file(dir / "served/CURRENT") == "gen-000001\n");
    CHECK(served(dir / "served") == before);
    CHECK(total_for(dir / "served", "zanzibarite") == 0);
    CHECK(fs::exists(dir / "served/staged/db"));
    CHECK(check_seal(dir / "served/staged/db").state == SealCheck::State::sound);

    auto wrong = activate_staged(dir / "served", "1-00000000");
    REQUIRE_FALSE(wrong.ok());
    CHECK(wrong.error().message.find("the staged build is " + staged.value().build_id + ", not 1-00000000") !=
          std::string::npos);
    CHECK(read_file(dir / "served/CURRENT") == "gen-000001\n");

    auto activated = activate_staged(dir / "served", staged.value().build_id);
    REQUIRE(activated.ok());
    CHECK(activated.value().generation == "gen-000002");
    CHECK(read_file(dir / "served/CURRENT") == "gen-000002\n");
    CHECK_FALSE(fs::exists(dir / "served/staged"));
    CHECK(total_for(dir / "served", "zanzibarite") == 1);
    // A damaged artifact is refused at staging, and what was served stays.
    REQUIRE(build_index(fixture_build(dir / "src", dir / "broken")).ok());
    auto table = dir / "broken/gen-000001/postlist.glass";
    auto bytes = read_file(table);
    bytes.replace(bytes.size() / 8192 / 2 * 8192, 8192, std::string(8192, '\0'));
    write_file(table, bytes);
    auto damaged = stage_index(dir / "broken", dir / "served");
    REQUIRE_FALSE(damaged.ok());
    CHECK(damaged.error().message.ends_with("; not staged"));
    CHECK_FALSE(fs::exists(dir / "served/staged"));
    CHECK(read_file(dir / "served/CURRENT") == "gen-000002\n");
}

// ---- faults while publishing ------------------------------------------------

TEST_CASE("a failure at any step of publishing leaves an index that serves and a folder the next build cleans",
          "[reliability][integration]") {
    TempDir dir;
    copy_tree(fixtures() / "corpus", dir / "src");
    auto options = fixture_build(dir / "src", dir / "index");
    REQUIRE(build_index(options).ok());
    const auto before = served(dir / "index");
    for (int step = 1; step <= 7; ++step) {
        CAPTURE(step);
        // A change to publish: the page gains a word, then loses it again.
        write_file(dir / "src/m/metformin.md",
                   read_file(fixtures() / "corpus/m/metformin.md") + (step % 2 ? "\nzebrafish\n" : "\n"));
        for (auto mode : {BuildMode::incremental, BuildMode::full}) {
            options.mode = mode;
            {
                ScopedEnv fault("MEDSEARCH_FAULT_PUBLISH", std::to_string(step));
                auto report = build_index(options);
                REQUIRE_FALSE(report.ok());
                CHECK(report.error().message.find("(injected by MEDSEARCH_FAULT_PUBLISH=" + std::to_string(step) +
                                                  ")") != std::string::npos);
            }
            // Readers see the previous index or the new one, whole.
            CHECK(served(dir / "index") == before);
            auto report = build_index(options);
            REQUIRE(report.ok());
            CHECK(report.value().recovered.empty());
            CHECK(served(dir / "index") == before);
            // Nothing unfinished is left: no scratch, no generation newer than CURRENT's.
            auto current = read_current_generation(dir / "index");
            REQUIRE(current.ok());
            for (const auto& name : entries(dir / "index")) {
                CAPTURE(name);
                CHECK((name == ".lock" || name == ".source-hashes" || name == "CURRENT" ||
                       (name.starts_with("gen-") && generation_number(name) <= current.value().number)));
            }
        }
    }
}

TEST_CASE("publish fails cleanly at each step and the served index stays", "[reliability][integration]") {
    TempDir dir;
    REQUIRE(build_index(fixture_build(fixtures() / "corpus", dir / "built")).ok());
    REQUIRE(build_index(fixture_build(fixtures() / "corpus", dir / "served")).ok());
    const auto before = served(dir / "served");
    for (int step = 1; step <= 7; ++step) {
        CAPTURE(step);
        {
            ScopedEnv fault("MEDSEARCH_FAULT_PUBLISH", std::to_string(step));
            auto report = import_index(dir / "built", dir / "served");
            REQUIRE_FALSE(report.ok());
            CHECK(report.error().message.find("injected") != std::string::npos);
        }
        CHECK(served(dir / "served") == before);
        REQUIRE(import_index(dir / "built", dir / "served").ok());
        CHECK(served(dir / "served") == before);
        for (const auto& name : entries(dir / "served")) CHECK_FALSE(name.starts_with("tmp-"));
    }
}

TEST_CASE("a file size limit fails the build with what ran out, and the previous index serves",
          "[reliability][integration]") {
    TempDir dir;
    copy_tree(fixtures() / "corpus", dir / "src");
    const auto config = write_config(dir, dir / "src");
    const auto index = dir / "index";
    const auto log = dir / "stderr";
    // Files may not grow past the limit; SIGXFSZ at its default would kill
    // the program: it must ignore the signal itself to report EFBIG.
    const Spawn full{{"-q", "--config", config.string(), "index", "--full"}, 64 * 1024};
    const Spawn incremental{{"-q", "--config", config.string(), "index"}, 64 * 1024};
    REQUIRE(spawn_medsearch({{"-q", "--config", config.string(), "index"}}, log).status == 0);
    const auto before = served(index);
    for (const auto* run : {&full, &incremental}) {
        CAPTURE(run->args.back());
        write_file(dir / "src/m/metformin.md", read_file(fixtures() / "corpus/m/metformin.md") + "\nzebrafish\n");
        auto ran = spawn_medsearch(*run, log);
        CAPTURE(ran.errors);
        CHECK(ran.status == 1);
        CHECK(ran.errors.find("File too large") != std::string::npos);
        CHECK(ran.errors.find("(disk full or file size limit reached; the previous index still serves)") !=
              std::string::npos);
        CHECK(served(index) == before);
    }
    // The incremental one failed copying the generation it starts from.
    CHECK(read_file(log).find("error: medsearch: copying ") != std::string::npos);
    REQUIRE(spawn_medsearch({{"-q", "--config", config.string(), "index"}}, log).status == 0);
    for (const auto& name : entries(index)) CHECK_FALSE(name.starts_with("tmp-"));
}

TEST_CASE("a full disk or a failing disk during a copy says so", "[reliability][unit]") {
    TempDir dir;
    write_file(dir / "table", std::string(100000, 't'));
    auto copied = detail::copy_file_contents(dir / "table", "/dev/full");  // every write: ENOSPC
    REQUIRE_FALSE(copied.ok());
    CHECK(detail::explain_storage_error(copied.error()).message ==
          "copying /dev/full: No space left on device (disk full or file size limit reached; the previous index "
          "still serves)");
    struct Row {
        const char* message;
        const char* hint;
    };
    const Row rows[] = {
        {"writing the index: DatabaseError: Error writing block 8 (File too large)", "disk full or file size limit"},
        {"copying a/b: Disk quota exceeded", "disk full or file size limit"},
        {"copying a/b: Input/output error", "the disk may be full or failing"},
        {"copying a/b: Permission denied", ""},
    };
    for (const auto& row : rows) {
        CAPTURE(row.message);
        auto explained = detail::explain_storage_error(detail::explain_storage_error({Errc::index, row.message}));
        auto hint = explained.message.substr(std::string_view(row.message).size());
        CHECK(hint.find(row.hint) != std::string::npos);
        CHECK((hint.empty() || hint.find('(') == hint.rfind('(')));  // said once
    }
}

TEST_CASE("a read-only generation is updated through a writable copy, and removed when its time comes",
          "[reliability][integration]") {
    TempDir dir;
    copy_tree(fixtures() / "corpus", dir / "src");
    const auto config = write_config(dir, dir / "src");
    const auto index = dir / "index", log = dir / "stderr";
    REQUIRE(build_index(fixture_build(dir / "src", index)).ok());
    fs::create_directories(index / "tmp-gen-000007/db");
    write_file(index / "tmp-gen-000007/db/postlist.glass", "half written");
    REQUIRE(std::system(("chmod -R a-w " + quoted(index / "gen-000001") + " " + quoted(index / "tmp-gen-000007")).c_str()) == 0);

    // Xapian's check opens tables for writing: a read-only one is checked through a copy.
    auto checked = spawn_medsearch({{"check", "--db", index.string()}, RLIM_INFINITY, true}, log);
    CHECK(checked.status == 0);
    CHECK(checked.errors.find("/gen-000001: 25 pages, sound") != std::string::npos);

    const Spawn update{{"--config", config.string(), "index"}, RLIM_INFINITY, true};
    write_file(dir / "src/m/metformin.md", read_file(fixtures() / "corpus/m/metformin.md") + "\nzebrafish\n");
    auto ran = spawn_medsearch(update, log);
    CAPTURE(ran.errors);
    CHECK(ran.status == 0);
    CHECK(ran.errors.find("published gen-000002: 25 pages (0 added, 1 changed, 0 removed, 24 unchanged)") !=
          std::string::npos);
    CHECK(ran.errors.find("full build") == std::string::npos);
    CHECK(served(index).find("m/metformin.md") != std::string::npos);
    CHECK_FALSE(fs::exists(index / "tmp-gen-000007"));  // a read-only leftover goes too

    // Two builds on, the read-only generation is no reader's any more.
    std::this_thread::sleep_for(std::chrono::milliseconds(2100));
    write_file(dir / "src/m/metformin.md", read_file(fixtures() / "corpus/m/metformin.md"));
    ran = spawn_medsearch(update, log);
    CHECK(ran.status == 0);
    CHECK(entries(index) == std::set<std::string>{".lock", ".source-hashes", "CURRENT", "gen-000002", "gen-000003"});
}

TEST_CASE("a generation that cannot be copied is rebuilt in full", "[reliability][integration]") {
    TempDir dir;
    copy_tree(fixtures() / "corpus", dir / "src");
    const auto config = write_config(dir, dir / "src");
    const auto index = dir / "index", log = dir / "stderr";
    REQUIRE(build_index(fixture_build(dir / "src", index)).ok());
    // A file readers never open, unreadable: the copy fails, the generation serves.
    fs::permissions(index / "gen-000001/flintlock", fs::perms::none);
    write_file(dir / "src/m/metformin.md", read_file(fixtures() / "corpus/m/metformin.md") + "\nzebrafish\n");
    auto ran = spawn_medsearch({{"--config", config.string(), "index"}, RLIM_INFINITY, true}, log);
    CAPTURE(ran.errors);
    CHECK(ran.status == 0);
    CHECK(ran.errors.find("published gen-000002: 25 pages (25 added, 0 changed, 0 removed, 0 unchanged)") !=
          std::string::npos);
    CHECK(ran.errors.find("; full build (the current index could not be updated: copying " +
                          (index / "gen-000001/flintlock").string() + ": Permission denied)") != std::string::npos);
    for (const auto& name : entries(index)) CHECK_FALSE(name.starts_with("tmp-"));
    auto searcher = Searcher::open(index, SearchSettings{});
    REQUIRE(searcher.ok());
    auto page = searcher.value()->search({"zebrafish", 0, 10});
    REQUIRE(page.ok());
    REQUIRE(page.value().hits.size() == 1);
    CHECK(page.value().hits[0].path == "m/metformin.md");
}

TEST_CASE("a published generation is sealed, and any change to its files breaks the seal",
          "[reliability][integration]") {
    TempDir dir;
    copy_tree(fixtures() / "corpus", dir / "src");
    const auto index = dir / "index";
    REQUIRE(build_index(fixture_build(dir / "src", index)).ok());
    using State = SealCheck::State;
    CHECK(check_seal(index / "gen-000001").state == State::sound);

    struct Row {
        const char* change;
        std::function<void(const fs::path&)> make;
        State state;
        std::string what;
    };
    const Row rows[] = {
        {"one byte of a table", [](const fs::path& db) {
             auto bytes = read_file(db / "position.glass");
             bytes[bytes.size() / 2] = static_cast<char>(bytes[bytes.size() / 2] ^ 1);
             write_file(db / "position.glass", bytes);
         }, State::changed, "position.glass changed"},
        {"a table grown by a byte", [](const fs::path& db) {
             write_file(db / "termlist.glass", read_file(db / "termlist.glass") + "x");
         }, State::changed, "termlist.glass changed"},
        {"a file added", [](const fs::path& db) { write_file(db / "record.glass", ""); },
         State::changed, "record.glass was added"},
        {"a table removed", [](const fs::path& db) { fs::remove(db / "synonym.glass"); },
         State::changed, "synonym.glass is missing"},
        {"the seal removed", [](const fs::path& db) { fs::remove(db / kSealFile); }, State::missing, ""},
        {"the seal overwritten", [](const fs::path& db) { write_file(db / kSealFile, "medsearch-seal 1\nx\n"); },
         State::missing, ""},
    };
    for (const auto& row : rows) {
        CAPTURE(row.change);
        const auto copy = dir / "copy";
        fs::remove_all(copy);
        copy_tree(index / "gen-000001", copy);
        REQUIRE(check_seal(copy).state == State::sound);
        row.make(copy);
        auto checked = check_seal(copy);
        CHECK(checked.state == row.state);
        CHECK(checked.what == row.what);
    }

    // An update leaves a sealed generation; one whose seal is broken by a
    // change through Xapian is checked by Xapian, found sound and updated.
    write_file(dir / "src/m/metformin.md", read_file(fixtures() / "corpus/m/metformin.md") + "\nzebrafish\n");
    auto updated = build_index(fixture_build(dir / "src", index));
    REQUIRE(updated.ok());
    CHECK_FALSE(updated.value().full);
    CHECK(check_seal(index / "gen-000002").state == State::sound);
    {
        Xapian::WritableDatabase db((index / "gen-000002").string(), Xapian::DB_OPEN);
        db.set_metadata("unrelated", "value");
        db.commit();
    }
    CHECK(check_seal(index / "gen-000002").state == State::changed);
    write_file(dir / "src/m/metformin.md", read_file(fixtures() / "corpus/m/metformin.md"));
    updated = build_index(fixture_build(dir / "src", index));
    REQUIRE(updated.ok());
    CHECK_FALSE(updated.value().full);
    CHECK(check_seal(index / "gen-000003").state == State::sound);
}

// ---- hostile files ----------------------------------------------------------

TEST_CASE("FIFOs, sockets, outside links, huge files and binary pages are reported and skipped",
          "[reliability][integration]") {
    TempDir dir;
    copy_tree(fixtures() / "corpus", dir / "src");
    REQUIRE(::mkfifo((dir / "src/x.md").c_str(), 0644) == 0);  // would block a plain open() forever
    {
        int fd = ::socket(AF_UNIX, SOCK_STREAM, 0);
        REQUIRE(fd >= 0);
        sockaddr_un address{};
        address.sun_family = AF_UNIX;
        auto socket_path = (dir / "src/s.md").string();
        REQUIRE(socket_path.size() < sizeof address.sun_path);
        std::copy(socket_path.begin(), socket_path.end(), address.sun_path);
        REQUIRE(::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0);
        ::close(fd);
    }
    write_file(dir / "secret.md", "---\ntitle: Secret\n---\nnot for the index\n");
    fs::create_symlink(dir / "secret.md", dir / "src/outside.md");
    fs::create_symlink(dir / "src/m/metformin.md", dir / "src/inside.md");  // within the folder: fine
    write_file(dir / "src/big.md", "---\ntitle: Big\n---\n" + std::string(200 * 1024, 'a') + "\n");
    const char nul_page[] = "---\ntitle: Nul\n---\nline\nsecond \0 line\n";
    write_file(dir / "src/nul.md", std::string(nul_page, sizeof nul_page - 1));
    write_file(dir / "src/wide.md", "---\ntitle: Wide\n---\n" + std::string(70 * 1024, 'w') + "\n");
    std::string deep = "---\ntitle: Deep\n---\n";
    for (int i = 0; i < 5000; ++i) deep += "> ";
    write_file(dir / "src/deep.md", deep + "text\n");

    auto options = fixture_build(dir / "src", dir / "index");
    options.max_page_bytes = 100 * 1024;
    auto report = build_index(options);
    REQUIRE(report.ok());
    const auto& r = report.value();
    struct Expected {
        const char* path;
        int line;
        const char* message;
    };
    const Expected rows[] = {
        {"x.md", 0, "refused: a FIFO, not a regular file"},
        {"s.md", 0, "refused: a socket, not a regular file"},
        {"outside.md", 0, ", outside the source folder"},
        {"big.md", 0, "file is 204820 bytes, more than max_page_bytes (102400)"},
        {"nul.md", 5, "NUL byte at byte offset 31 (a binary file?)"},
        {"wide.md", 4, "line is 71680 bytes long, more than 65536"},
        {"deep.md", 4, "Markdown nested more than 100 levels deep"},
    };
    for (const auto& row : rows) {
        CAPTURE(row.path);
        const auto* d = diagnostic_for(r, row.path);
        REQUIRE(d != nullptr);
        CHECK(d->line == row.line);
        CHECK(d->message.find(row.message) != std::string::npos);
    }
    // Everything else is indexed, the link inside the folder included.
    CHECK(r.pages == 26);
    CHECK(r.skipped == 7);
    auto searcher = Searcher::open(dir / "index", SearchSettings{});
    REQUIRE(searcher.ok());
    auto secret = searcher.value()->search({"secret", 0, 10});
    REQUIRE(secret.ok());
    CHECK(secret.value().hits.empty());

    // `check` refuses the same files.
    CheckOptions check{dir / "src", "/composition/:path/", 1, {}, 100 * 1024};
    auto checked = check_sources(check);
    REQUIRE(checked.ok());
    CHECK(checked.value().errors() == 7);
}

TEST_CASE("the size limit comes from the config file", "[reliability][unit]") {
    auto config = parse_config("max_page_bytes: 1024\n", "config.yaml");
    REQUIRE(config.ok());
    CHECK(config.value().max_page_bytes == 1024);
    CHECK(parse_config("", "config.yaml").value().max_page_bytes == std::size_t{4} << 20);
    auto bad = parse_config("max_page_bytes: 0\n", "config.yaml");
    REQUIRE_FALSE(bad.ok());
    CHECK(bad.error().message == "config.yaml:1: max_page_bytes must be 1..1073741824, got 0");
}

TEST_CASE("deeply nested lists and quotes are refused, not walked", "[reliability][unit]") {
    std::string lists = "---\ntitle: Lists\n---\n";
    for (int i = 0; i < 400; ++i) lists += std::string(static_cast<std::size_t>(i) * 2, ' ') + "- item\n";
    auto parsed = parse_monograph("l/lists.md", lists, ParseOptions{});
    CHECK_FALSE(parsed.page);
    REQUIRE(parsed.diagnostics.size() == 1);
    CHECK(parsed.diagnostics[0].code == "too-deep");

    std::string shallow = "---\ntitle: Shallow\n---\n> > > > > > > > > > **Usage:** fine\n";
    CHECK(parse_monograph("s/shallow.md", shallow, ParseOptions{}).page);
}
