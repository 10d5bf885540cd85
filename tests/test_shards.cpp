// A generation of shards (index_layout.hpp: Xapian's stub file listing one
// database per shard) answers as the one database it was split from.
#include "medsearch/common/index_layout.hpp"
#include "medsearch/common/schema.hpp"
#include "medsearch/indexer/check.hpp"
#include "medsearch/indexer/shards.hpp"
#include "medsearch/server/http.hpp"
#include "medsearch/server/shard_server.hpp"
#include "support.hpp"

#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cmath>
#include <thread>

using namespace medsearch;
using namespace medsearch::test;

namespace {

bool close_to(double a, double b) { return std::fabs(a - b) <= 1e-9 * std::max(std::fabs(a), std::fabs(b)); }

const char* const kQueries[] = {
    "codeine", "metformin", "metformin hydrochloride", "glimepiride metformin", "glucophage", "augmentin",
    "amoxicillin and clavulanic acid", "amoxicillin clav", "acetaminophen", "paracetamol", "cetirizine",
    "cetirizine ophthalmic", "clonazepam", "levoc", "levoflo", "amitrip", "ketamine amitriptyline",
    "name:ketamine", "nausea", "side-effects:nausea", "Side-Effects:NAUSEA", "side-effects:(rash vomiting)",
    "side-effects:headache AND precautions:pregnancy", "nausea NOT side-effects:nausea", "usage:helminthiasis",
    "dosage:500", "500", "worm infection", "antihistamine NOT eyes", "side effects of metformin",
    "metformin dose", "how does codeine work", "painkiller", "metfromin", "met*", "diabetes tablets",
};

// The same pages in the same order with the same scores, sections and totals.
void check_same_answers(Searcher& expected_by, Searcher& answered_by, bool snippets) {
    for (const char* query : kQueries) {
        INFO("query: " << query);
        auto expected = expected_by.search({query, 0, 10});
        auto answered = answered_by.search({query, 0, 10});
        REQUIRE(expected.ok());
        if (!answered) FAIL(answered.error().message);
        const auto& e = expected.value();
        const auto& a = answered.value();
        CHECK(a.total == e.total);
        CHECK(a.corrected == e.corrected);
        CHECK(a.intent == e.intent);
        REQUIRE(a.hits.size() == e.hits.size());
        for (std::size_t i = 0; i < e.hits.size(); ++i) {
            INFO("hit " << i + 1 << ": " << e.hits[i].path << " " << e.hits[i].score);
            CHECK(a.hits[i].path == e.hits[i].path);
            CHECK(close_to(a.hits[i].score, e.hits[i].score));
            CHECK(a.hits[i].section == e.hits[i].section);
            if (snippets) CHECK(a.hits[i].snippet == e.hits[i].snippet);
        }
        CHECK(a.facets == e.facets);
    }
}

// A loopback port nothing listens on now.
int free_port() {
    int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t size = sizeof address;
    REQUIRE(::bind(fd, reinterpret_cast<sockaddr*>(&address), size) == 0);
    REQUIRE(::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &size) == 0);
    ::close(fd);
    return ntohs(address.sin_port);
}

bool accepts_connections(int port) {
    int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    address.sin_port = htons(static_cast<std::uint16_t>(port));
    bool connected = ::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0;
    ::close(fd);
    return connected;
}

// `medsearch shard-server` as its own process, its log in the given file;
// stopped (SIGTERM, which stops its connections' processes too) at the end.
class ShardServerProcess {
  public:
    ShardServerProcess(const fs::path& index, unsigned shard, const fs::path& log) : port_(free_port()) {
        std::vector<std::string> args = {program().string(), "shard-server", "--db",   index.string(),
                                         "--shard",          std::to_string(shard), "--port", std::to_string(port_)};
        std::vector<char*> argv;
        for (auto& a : args) argv.push_back(a.data());
        argv.push_back(nullptr);
        posix_spawn_file_actions_t actions;
        posix_spawn_file_actions_init(&actions);
        // Nothing of the test's own output: a process left behind must not hold CTest's pipe.
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
        posix_spawn_file_actions_addopen(&actions, 1, log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
        posix_spawn_file_actions_adddup2(&actions, 1, 2);
        int spawned = posix_spawn(&pid_, args[0].c_str(), &actions, nullptr, argv.data(), environ);
        posix_spawn_file_actions_destroy(&actions);
        REQUIRE(spawned == 0);
        for (int i = 0; i < 1000 && !accepts_connections(port_); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(10));
        INFO(read_file(log));
        REQUIRE(accepts_connections(port_));
    }
    ~ShardServerProcess() { stop(); }
    ShardServerProcess(const ShardServerProcess&) = delete;
    ShardServerProcess& operator=(const ShardServerProcess&) = delete;
    std::string address() const { return "127.0.0.1:" + std::to_string(port_); }
    int port() const { return port_; }
    void stop() {
        if (pid_ <= 0) return;
        kill(pid_, SIGTERM);
        waitpid(pid_, nullptr, 0);
        pid_ = 0;
    }

  private:
    int port_;
    pid_t pid_ = 0;
};

}  // namespace

TEST_CASE("a stub file names only shard folders of its own generation", "[shards][unit]") {
    TempDir dir;
    fs::create_directories(dir / "gen-000001");
    {
        Xapian::WritableDatabase shard((dir / "gen-000001/shard-0").string(), Xapian::DB_CREATE | Xapian::DB_BACKEND_GLASS);
        Xapian::Document doc;
        doc.add_term("Qa");
        shard.add_document(doc);
        shard.set_metadata(schema::kMetaBuild, "facts");
        shard.commit();
    }
    const auto generation = dir / "gen-000001";
    write_file(generation / kShardStubFileName, shard_stub_text(1) + "\n");
    CHECK(open_generation_database(generation).get_doccount() == 1);
    CHECK(is_complete_generation(generation));
    for (const char* stub : {"glass ../gen-000002/shard-0\n", "remote 127.0.0.1:1\n", "auto shard-0\n", "glass shard-\n",
                             "glass shard-0 extra\n", "inmemory\n", "", "\n\n"}) {
        CAPTURE(stub);
        write_file(generation / kShardStubFileName, stub);
        CHECK_THROWS_AS(open_generation_database(generation), Xapian::DatabaseOpeningError);
        CHECK_FALSE(is_complete_generation(generation));
    }
    write_file(generation / kShardStubFileName, "glass shard-7\n");  // a shard that is not there
    CHECK_THROWS_AS(open_generation_database(generation), Xapian::DatabaseOpeningError);

    // Only a database numbered without gaps is split: the shards could not number it alike.
    {
        Xapian::WritableDatabase gaps((dir / "gaps").string(), Xapian::DB_CREATE | Xapian::DB_BACKEND_GLASS);
        gaps.add_document(Xapian::Document());
        gaps.add_document(Xapian::Document());
        gaps.delete_document(1);
        gaps.commit();
    }
    auto refused = split_into_shards(Xapian::Database((dir / "gaps").string()), dir / "split", 2);
    REQUIRE_FALSE(refused.ok());
    CHECK(refused.error().message.find("gaps") != std::string::npos);
    CHECK_FALSE(fs::exists(dir / "split"));
}

TEST_CASE_METHOD(IndexedFixtures, "a generation split into shards answers every query as the whole one",
                 "[shards][integration]") {
    TempDir dir;
    const auto whole = index_dir() / "gen-000001";
    REQUIRE(Xapian::Database(whole.string()).get_doccount() == Xapian::Database(whole.string()).get_lastdocid());
    for (unsigned count : {2u, 3u, 4u}) {
        const auto sharded = dir / ("shards-" + std::to_string(count));
        REQUIRE(split_into_shards(Xapian::Database(whole.string()), sharded / "gen-000001", count).ok());
        write_file(sharded / kCurrentFileName, "gen-000001\n");
        auto opened = Searcher::open(sharded, SearchSettings{});
        if (!opened) FAIL(opened.error().message);
        check_same_answers(searcher(), *opened.value(), true);
    }
}

TEST_CASE_METHOD(IndexedFixtures, "shards served by shard servers answer as the local shards, and one that is down is named",
                 "[shards][integration]") {
    if (!shard_server_built()) FAIL("medsearch was built without the shard server: run scripts/install-deps");
    TempDir dir;
    const auto index = dir / "index";
    REQUIRE(split_into_shards(Xapian::Database((index_dir() / "gen-000001").string()), index / "gen-000001", 2).ok());
    write_file(index / kCurrentFileName, "gen-000001\n");
    ShardServerProcess first(index, 0, dir / "shard-0.log"), second(index, 1, dir / "shard-1.log");
    SearchSettings remote_settings;
    remote_settings.deadline = std::chrono::milliseconds(10000);  // snippets for every hit, however slow the machine
    remote_settings.shard_servers = {first.address(), second.address()};
    SearchSettings local_settings;
    local_settings.deadline = remote_settings.deadline;
    auto local = Searcher::open(index, local_settings);
    auto remote = Searcher::open(index, remote_settings);
    REQUIRE(local.ok());
    REQUIRE(remote.ok());
    check_same_answers(*local.value(), *remote.value(), true);

    SECTION("shard servers listed in another order are refused, not searched") {
        remote_settings.shard_servers = {second.address(), first.address()};
        auto swapped = Searcher::open(index, remote_settings);
        REQUIRE(swapped.ok());
        auto answer = swapped.value()->search({"metformin", 0, 10});
        REQUIRE_FALSE(answer.ok());
        CHECK(answer.error().code == Errc::unavailable);
        CHECK(answer.error().message.find(second.address() + " does not serve gen-000001/shard-0") != std::string::npos);
    }
    SECTION("a shard server that is down gets 503 naming it; back up, searches go on") {
        second.stop();
        auto answer = remote.value()->search({"metformin", 0, 10});
        REQUIRE_FALSE(answer.ok());
        CHECK(answer.error().code == Errc::unavailable);
        CHECK(answer.error().message.find(second.address()) != std::string::npos);
        auto response = handle_search({{"q", "metformin"}}, *remote.value());
        CHECK(response.status == 503);
        CHECK(response.body.find(second.address()) != std::string::npos);
        CHECK(response.body.find(first.address()) == std::string::npos);
    }
    SECTION("a shard server follows the published generation, and a searcher of the old one is refused") {
        REQUIRE(split_into_shards(Xapian::Database((index_dir() / "gen-000001").string()), index / "gen-000002", 2).ok());
        write_file(index / kCurrentFileName, "gen-000002\n");
        // Within the shard servers' reload interval, the old generation is no longer served.
        // Meanwhile a searcher of the old one gets its answers, or a refusal.
        Result<SearchPage> answer = Error{};
        for (int i = 0; i < 500; ++i) {
            answer = remote.value()->search({"metformin", 0, 10});
            if (!answer && answer.error().message.find("does not serve") != std::string::npos) break;
            if (answer) CHECK(answer.value().hits.size() == 4);
            std::this_thread::sleep_for(std::chrono::milliseconds(20));
        }
        REQUIRE_FALSE(answer.ok());
        CHECK(answer.error().code == Errc::unavailable);
        CHECK(answer.error().message.find("does not serve gen-000001/shard-") != std::string::npos);
        // Once every shard server serves the new one, so does a searcher of it.
        auto renewed = Searcher::open(index, remote_settings);
        REQUIRE(renewed.ok());
        for (int i = 0; i < 500 && !renewed.value()->search({"metformin", 0, 10}); ++i)
            std::this_thread::sleep_for(std::chrono::milliseconds(20));
        auto local_renewed = Searcher::open(index, local_settings);
        REQUIRE(local_renewed.ok());
        CHECK(local_renewed.value()->search({"metformin", 0, 10}).value().hits.size() == 4);
        check_same_answers(*local_renewed.value(), *renewed.value(), false);
    }
}

TEST_CASE_METHOD(IndexedFixtures, "an index built as shards answers as one database and is sealed whole",
                 "[shards][integration]") {
    TempDir dir;
    copy_tree(fixtures() / "corpus", dir / "pages");
    auto options = fixture_build(dir / "pages", dir / "index");
    options.shards = 3;
    options.part_pages = 4;  // several parts per shard, compacted into it
    auto built = build_index(options);
    REQUIRE(built.ok());
    const auto generation = dir / "index" / built.value().generation;
    CHECK(read_file(generation / kShardStubFileName) == shard_stub_text(3));
    const auto databases = generation_databases(generation);
    REQUIRE(databases.size() == 3);
    Xapian::doccount pages = 0;
    for (const auto& shard : databases) {
        Xapian::Database db(shard.string());
        CHECK(db.get_doccount() > 0);  // the fixtures' paths hash to every shard
        // The metadata and synonyms once, in the first shard.
        CHECK(db.get_metadata(schema::kMetaBuild).empty() == (shard != databases.front()));
        CHECK((db.synonym_keys_begin() == db.synonym_keys_end()) == (shard != databases.front()));
        pages += db.get_doccount();
    }
    CHECK(pages == Xapian::Database((index_dir() / "gen-000001").string()).get_doccount());
    CHECK(check_seal(generation).state == SealCheck::State::sound);
    write_file(databases[1] / "postlist.glass", read_file(databases[1] / "postlist.glass") + "x");
    auto broken = check_seal(generation);
    CHECK(broken.state == SealCheck::State::changed);
    CHECK(broken.what == "shard-1/postlist.glass changed");

    auto stats = read_index_stats(dir / "index");
    REQUIRE(stats.ok());
    CHECK(stats.value().pages == pages);
    CHECK(stats.value().bytes > 0);

    // The same answers as the one database built from the same pages.
    options.shards = 2;
    auto rebuilt = build_index(options);
    REQUIRE(rebuilt.ok());
    CHECK(rebuilt.value().full);
    CHECK(rebuilt.value().full_reason == "an index of 2 shards");
    CHECK(generation_databases(dir / "index" / rebuilt.value().generation).size() == 2);
    SearchSettings settings;
    settings.deadline = std::chrono::milliseconds(10000);
    auto sharded = Searcher::open(dir / "index", settings);
    REQUIRE(sharded.ok());
    check_same_answers(searcher(), *sharded.value(), true);

    // Back to one database: built in full, since shards are not updated in place.
    options.shards = 1;
    auto whole = build_index(options);
    REQUIRE(whole.ok());
    CHECK(whole.value().full_reason == "the current index is shards");
    CHECK(generation_databases(dir / "index" / whole.value().generation).size() == 1);
}
