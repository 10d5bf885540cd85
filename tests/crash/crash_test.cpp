// Kills `medsearch index --full`, `medsearch index` (incremental) and
// `medsearch publish` at random moments, and at each step of publishing, while
// `medsearch serve` answers queries on the same index folder. After every
// kill: the server still gives the answers it gave before, the next run of the
// same command succeeds without help, and nothing is left behind.
//   crash_test --medsearch PROGRAM --fixtures DIR [--kills N] [--deadline SECONDS]
// Prints the figures (kills per kind, queries answered) and exits 1 on any failure.
#include <httplib.h>
#include <nlohmann/json.hpp>

#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <random>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

namespace {

std::string program, fixtures;
fs::path work;
int failures = 0;

void fail(const std::string& what) {
    ++failures;
    std::fprintf(stderr, "FAIL: %s\n", what.c_str());
}

std::string read_file(const fs::path& file) {
    std::ifstream in(file, std::ios::binary);
    std::ostringstream out;
    out << in.rdbuf();
    return out.str();
}

void write_file(const fs::path& file, const std::string& bytes) {
    fs::create_directories(file.parent_path());
    std::ofstream(file, std::ios::binary) << bytes;
}

// Starts the program with `args`; stdout and stderr go to `log`.
pid_t start(const std::vector<std::string>& args, const fs::path& log, const std::string& fault = "") {
    pid_t child = ::fork();
    if (child == 0) {
        if (!fault.empty()) ::setenv("MEDSEARCH_FAULT_PUBLISH", fault.c_str(), 1);
        if (!std::freopen(log.c_str(), "a", stderr) || !std::freopen(log.c_str(), "a", stdout)) ::_exit(126);
        std::vector<char*> argv{const_cast<char*>("medsearch")};
        for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
        argv.push_back(nullptr);
        ::execv(program.c_str(), argv.data());
        ::_exit(127);
    }
    return child;
}

int finish(pid_t child) {
    int status = 0;
    ::waitpid(child, &status, 0);
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

int free_port() {
    int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address);
    socklen_t length = sizeof address;
    ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length);
    ::close(fd);
    return ntohs(address.sin_port);
}

// Queries with fewer than a hundred matches. The incremental builds add a
// word to one page and take it away again: that changes scores, so answers
// are compared as sets of pages.
const std::vector<std::string> kProbes = {"metformin", "amitriptyline ketamine", "albuterol", "amitrip",
                                          "high blood pressure", "crocin", "glimepiride"};

// "total: path path ..." (paths sorted) for a query, or an error text starting with '!'.
std::string answer(httplib::Client& client, const std::string& query) {
    auto response = client.Get("/search?q=" + httplib::detail::encode_query_param(query) + "&limit=100");
    if (!response) return "!no response (" + httplib::to_string(response.error()) + ")";
    if (response->status != 200) return "!status " + std::to_string(response->status) + ": " + response->body;
    auto body = nlohmann::json::parse(response->body, nullptr, false);
    if (body.is_discarded()) return "!not JSON";
    std::vector<std::string> paths;
    for (const auto& hit : body["hits"]) paths.push_back(hit.value("path", ""));
    std::sort(paths.begin(), paths.end());
    std::string out = std::to_string(body.value("total", 0)) + ":";
    for (const auto& path : paths) out += " " + path;
    return out;
}

std::map<std::string, std::string> answers(httplib::Client& client) {
    std::map<std::string, std::string> out;
    for (const auto& q : kProbes) out[q] = answer(client, q);
    return out;
}

unsigned long generation_number(const std::string& name) {
    return name.starts_with("gen-") ? std::strtoul(name.c_str() + 4, nullptr, 10) : 0;
}

std::string current_generation(const fs::path& index) {
    auto text = read_file(index / "CURRENT");
    while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.pop_back();
    return text;
}

// What a folder may hold between builds: CURRENT, generations up to its own
// (more than two only while readers may need them), the lock and the hash
// cache; `at_most` bounds the number of generations.
std::string leftovers(const fs::path& index, int at_most) {
    std::string out;
    int generations = 0;
    const auto current = generation_number(current_generation(index));
    for (const auto& entry : fs::directory_iterator(index)) {
        auto name = entry.path().filename().string();
        if (name.starts_with("gen-")) {
            ++generations;
            if (generation_number(name) > current) out += " " + name + " (newer than CURRENT)";
        } else if (name != "CURRENT" && name != ".lock" && name != ".source-hashes") {
            out += " " + name;
        }
    }
    if (generations > at_most) out += " " + std::to_string(generations) + " generations";
    return out;
}

// The generation the server says it serves.
std::string served_generation(int port) {
    httplib::Client client("127.0.0.1", port);
    auto response = client.Get("/healthz");
    if (!response || response->status != 200) return "";
    auto body = nlohmann::json::parse(response->body, nullptr, false);
    return body.is_discarded() ? "" : body.value("generation", "");
}

}  // namespace

int main(int argc, char** argv) {
    int wanted_kills = 100;
    double deadline_seconds = 240;
    for (int i = 1; i + 1 < argc; i += 2) {
        std::string flag = argv[i];
        if (flag == "--medsearch") program = fs::absolute(argv[i + 1]).string();
        else if (flag == "--fixtures") fixtures = fs::absolute(argv[i + 1]).string();
        else if (flag == "--kills") wanted_kills = std::atoi(argv[i + 1]);
        else if (flag == "--deadline") deadline_seconds = std::atof(argv[i + 1]);
    }
    if (program.empty() || fixtures.empty()) {
        std::fprintf(stderr, "usage: crash_test --medsearch PROGRAM --fixtures DIR [--kills N] [--deadline S]\n");
        return 2;
    }
    const auto started = Clock::now();
    auto elapsed = [&] { return std::chrono::duration<double>(Clock::now() - started).count(); };
    std::random_device seed_source;
    const auto seed = seed_source();
    std::mt19937 random(seed);
    work = fs::temp_directory_path() / ("medsearch-crash-" + std::to_string(::getpid()));
    fs::create_directories(work);
    const auto log = work / "log";

    // Sources: the fixtures twelve times, so that a build lasts long enough to
    // be killed in the middle of its steps.
    auto corpus = fs::path(fixtures) / "corpus";
    for (int copy = 0; copy < 12; ++copy)
        for (const auto& entry : fs::recursive_directory_iterator(corpus)) {
            if (!entry.is_regular_file()) continue;
            auto name = entry.path().stem().string() + "-" + std::to_string(copy) + ".md";
            write_file(work / "src" / entry.path().parent_path().filename() / name, read_file(entry.path()));
        }
    const auto changed_page = work / "src/a/albendazole-0.md";
    const auto original = read_file(changed_page);
    const auto index = work / "index", artifact = work / "artifact";
    auto config = [&](const fs::path& db) {
        auto file = work / (db.filename().string() + ".yaml");
        write_file(file, "source: " + (work / "src").string() + "\nindex: " + db.string() +
                             "\nsynonyms: " + (fs::path(fixtures) / "synonyms.yaml").string() + "\n");
        return file.string();
    };
    const auto index_config = config(index), artifact_config = config(artifact);
    using Args = std::vector<std::string>;
    const Args full = {"-q", "--config", index_config, "index", "--full"};
    const Args incremental = {"-q", "--config", index_config, "index"};
    const Args publish = {"-q", "--config", index_config, "publish", "--from", artifact.string()};
    if (finish(start(full, log)) != 0 || finish(start({"-q", "--config", artifact_config, "index"}, log)) != 0) {
        std::fprintf(stderr, "the first builds failed:\n%s", read_file(log).c_str());
        return 1;
    }

    const int port = free_port();
    pid_t server = start({"-q", "--config", index_config, "serve", "--listen", "127.0.0.1:" + std::to_string(port),
                          "--threads", "2", "--no-access-log", "--cache-mb", "0"},
                         work / "server.log");
    httplib::Client client("127.0.0.1", port);
    client.set_connection_timeout(2);
    client.set_read_timeout(10);
    for (int i = 0; i < 100 && answer(client, "metformin").starts_with("!"); ++i)
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    const auto before = answers(client);
    for (const auto& [query, got] : before)
        if (got.starts_with("!")) fail("the server does not answer '" + query + "': " + got);

    // Readers throughout: every answer must be the one from before, whatever
    // generation the server is on.
    std::atomic<bool> stop{false};
    std::atomic<long> queries{0}, wrong{0};
    std::thread reader([&] {
        httplib::Client own("127.0.0.1", port);
        own.set_read_timeout(10);
        for (std::size_t i = 0; !stop; ++i) {
            const auto& q = kProbes[i % kProbes.size()];
            auto got = answer(own, q);
            ++queries;
            if (got != before.at(q)) {
                if (++wrong <= 5) fail("while building, '" + q + "' gave " + got + " instead of " + before.at(q));
            }
        }
    });

    // How long each command takes, to kill it anywhere within its run.
    struct Kind {
        const char* name;
        const Args* args;
        bool changes_source;
        double seconds = 0;
        int kills = 0;
    };
    std::vector<Kind> kinds = {{"full build", &full, false}, {"incremental build", &incremental, true},
                               {"publish", &publish, false}};
    bool zebra = false;
    auto toggle_source = [&] {
        zebra = !zebra;
        write_file(changed_page, original + (zebra ? "\nzebrafish\n" : "\n"));
    };
    for (auto& kind : kinds) {
        if (kind.changes_source) toggle_source();
        auto t0 = Clock::now();
        if (finish(start(*kind.args, log)) != 0) fail(std::string(kind.name) + " failed");
        kind.seconds = std::chrono::duration<double>(Clock::now() - t0).count();
    }

    // After each kill: the same answers, the next run succeeds, nothing left.
    auto check_after = [&](const Kind& kind, const std::string& when) {
        if (answers(client) != before) fail(when + ": answers changed");
        if (kind.changes_source) toggle_source();
        if (int status = finish(start(*kind.args, log)); status != 0)
            fail(when + ": the next " + kind.name + " exited " + std::to_string(status));
        if (auto left = leftovers(index, 64); !left.empty()) fail(when + ": left behind:" + left);
        // The server follows: it serves what CURRENT names within moments.
        const auto wanted = current_generation(index);
        std::string serving;
        for (int i = 0; i < 100 && (serving = served_generation(port)) != wanted; ++i)
            std::this_thread::sleep_for(std::chrono::milliseconds(30));
        if (serving != wanted) fail(when + ": the server serves " + serving + ", not " + wanted);
        if (answers(client) != before) fail(when + ": answers changed after the next run");
    };

    int total_kills = 0, step_kills = 0;
    // Every step of publishing, for each command: the moments a random kill
    // rarely hits (between the two renames).
    for (auto& kind : kinds)
        for (int step = 1; step <= 7; ++step) {
            if (kind.changes_source) toggle_source();
            int status = finish(start(*kind.args, log, std::to_string(step) + ":kill"));
            if (status != 128 + SIGKILL) fail(std::string(kind.name) + " did not die at step " + std::to_string(step));
            ++kind.kills, ++total_kills, ++step_kills;
            check_after(kind, std::string(kind.name) + " killed at publishing step " + std::to_string(step));
        }
    // Random moments for the rest.
    while (total_kills < wanted_kills && elapsed() < deadline_seconds) {
        auto& kind = kinds[static_cast<std::size_t>(total_kills) % kinds.size()];
        if (kind.changes_source) toggle_source();
        std::uniform_int_distribution<long> moment(0, static_cast<long>(kind.seconds * 1.1e6));
        auto delay = moment(random);
        pid_t child = start(*kind.args, log);
        std::this_thread::sleep_for(std::chrono::microseconds(delay));
        ::kill(child, SIGKILL);
        finish(child);
        ++kind.kills, ++total_kills;
        check_after(kind, std::string(kind.name) + " killed after " + std::to_string(delay) + " us");
    }
    stop = true;
    reader.join();
    // Once readers have had time to move on, one more build leaves two generations.
    std::this_thread::sleep_for(std::chrono::milliseconds(2500));
    if (finish(start(full, log)) != 0) fail("the last full build failed");
    if (auto left = leftovers(index, 2); !left.empty()) fail("at the end, left behind:" + left);

    if (::waitpid(server, nullptr, WNOHANG) != 0) fail("the server died");
    ::kill(server, SIGTERM);
    finish(server);
    if (total_kills < wanted_kills)
        fail("only " + std::to_string(total_kills) + " kills before the deadline of " +
             std::to_string(deadline_seconds) + " s");
    std::printf("seed %u: %d kills (%d at publishing steps):", seed, total_kills, step_kills);
    for (const auto& kind : kinds) std::printf(" %s %d (runs %.2f s),", kind.name, kind.kills, kind.seconds);
    std::printf(" %ld queries answered during them, %ld wrong; %.1f s\n", queries.load(), wrong.load(), elapsed());
    if (failures == 0) {
        std::error_code ignored;
        fs::remove_all(work, ignored);
    } else {
        std::printf("kept %s for a look\n", work.c_str());
    }
    return failures == 0 ? 0 : 1;
}
