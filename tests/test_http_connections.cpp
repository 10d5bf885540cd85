// Open connections against the server: slow senders, idle keep-alive
// connections, the connection cap, a stop with requests in flight, /metrics.
#include "medsearch/server/http.hpp"
#include "http_support.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <nlohmann/json.hpp>

#include <atomic>
#include <chrono>
#include <regex>
#include <thread>

extern char** environ;

using namespace medsearch;
using namespace medsearch::test;
using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

namespace {

// A raw client socket: what a browser, a slow client or an attacker holds.
class Socket {
  public:
    explicit Socket(int port) {
        fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
        sockaddr_in addr{};
        addr.sin_family = AF_INET;
        addr.sin_port = htons(static_cast<uint16_t>(port));
        addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        connected_ = fd_ >= 0 && ::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
    }
    ~Socket() {
        if (fd_ >= 0) ::close(fd_);
    }
    Socket(const Socket&) = delete;
    Socket(Socket&& other) noexcept : fd_(other.fd_), connected_(other.connected_) { other.fd_ = -1; }
    bool connected() const { return connected_; }
    bool send(std::string_view bytes) {
        while (!bytes.empty()) {
            ssize_t n = ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
            if (n <= 0) return false;
            bytes.remove_prefix(static_cast<std::size_t>(n));
        }
        return true;
    }
    // One whole response (headers and Content-Length body), or "" on timeout or close.
    std::string response(milliseconds timeout = milliseconds(5000)) {
        auto until = Clock::now() + timeout;
        for (;;) {
            auto end = buffer_.find("\r\n\r\n");
            if (end != std::string::npos) {
                std::smatch m;
                std::string head = buffer_.substr(0, end);
                std::size_t length = 0;
                if (std::regex_search(head, m, std::regex("Content-Length: (\\d+)", std::regex::icase)))
                    length = std::stoul(m[1]);
                if (buffer_.size() >= end + 4 + length) {
                    std::string out = buffer_.substr(0, end + 4 + length);
                    buffer_.erase(0, out.size());
                    return out;
                }
            }
            auto left = std::chrono::duration_cast<milliseconds>(until - Clock::now()).count();
            if (left <= 0) return "";
            pollfd p{fd_, POLLIN, 0};
            if (::poll(&p, 1, static_cast<int>(left)) <= 0) return "";
            char buf[8192];
            ssize_t n = ::recv(fd_, buf, sizeof buf, 0);
            if (n <= 0) return "";
            buffer_.append(buf, static_cast<std::size_t>(n));
        }
    }
    // Whether the server closed the connection within `timeout`.
    bool closed_by_peer(milliseconds timeout) {
        pollfd p{fd_, POLLIN, 0};
        if (::poll(&p, 1, static_cast<int>(timeout.count())) <= 0) return false;
        char buf[256];
        return ::recv(fd_, buf, sizeof buf, 0) <= 0;
    }

  private:
    int fd_ = -1;
    bool connected_ = false;
    std::string buffer_;
};

std::string get(const std::string& target) {
    return "GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";
}

int status_of(const std::string& response) {
    if (response.size() < 12 || response.compare(0, 9, "HTTP/1.1 ") != 0) return 0;
    return std::stoi(response.substr(9, 3));
}

std::string body_of(const std::string& response) {
    auto end = response.find("\r\n\r\n");
    return end == std::string::npos ? "" : response.substr(end + 4);
}

// Enough file descriptors for a thousand connections on both ends.
void raise_files_for_test(rlim_t wanted) {
    rlimit limit{};
    REQUIRE(getrlimit(RLIMIT_NOFILE, &limit) == 0);
    if (limit.rlim_cur < wanted) {
        limit.rlim_cur = std::min<rlim_t>(wanted, limit.rlim_max);
        setrlimit(RLIMIT_NOFILE, &limit);
        getrlimit(RLIMIT_NOFILE, &limit);
    }
    INFO("the open files limit (hard " << limit.rlim_max << ") must allow " << wanted);
    REQUIRE(limit.rlim_cur >= wanted);
}

// Milliseconds a fresh client waits for GET target.
long answer_ms(int port, const std::string& target, int* status = nullptr) {
    auto start = Clock::now();
    Socket client(port);
    REQUIRE(client.connected());
    REQUIRE(client.send(get(target)));
    auto response = client.response(milliseconds(10000));
    if (status) *status = status_of(response);
    return std::chrono::duration_cast<milliseconds>(Clock::now() - start).count();
}

double metric(const std::string& text, const std::string& series) {
    auto at = text.find("\n" + series + " ");
    if (at == std::string::npos) return 0;
    return std::stod(text.substr(at + series.size() + 2));
}

}  // namespace

TEST_CASE("slow senders do not keep another client's search waiting", "[http][integration]") {
    raise_files_for_test(512);
    FixtureIndex dir;
    TestServer server(dir.index());

    // 64 connections (many times the workers) trickle their request headers.
    std::vector<Socket> slow;
    for (int i = 0; i < 64; ++i) {
        slow.emplace_back(server.port());
        REQUIRE(slow.back().connected());
        REQUIRE(slow.back().send("GET /search?q=ketamine HTTP/1.1\r\n"));
    }
    std::atomic<bool> done{false};
    std::thread trickle([&] {
        for (int round = 0; round < 100 && !done; ++round) {
            for (auto& s : slow) s.send("X");
            std::this_thread::sleep_for(milliseconds(50));
        }
    });
    std::this_thread::sleep_for(milliseconds(200));
    int status = 0;
    long ms = answer_ms(server.port(), "/search?q=ketamine", &status);
    int health = 0;
    long health_ms = answer_ms(server.port(), "/healthz", &health);
    done = true;
    trickle.join();
    CHECK(status == 200);
    CHECK(ms < 200);
    CHECK(health == 200);
    CHECK(health_ms < 200);
}

TEST_CASE("a request not sent whole within the header deadline gets 408 and the close", "[http][integration]") {
    FixtureIndex dir;
    TestServer server(dir.index(), [](ServerOptions& o) { o.header_timeout = milliseconds(300); });
    Socket slow(server.port());
    REQUIRE(slow.send("GET /search?q=ketamine HTTP/1.1\r\nHost: x\r\n"));
    // Bytes that keep coming do not extend the deadline.
    for (int i = 0; i < 4; ++i) {
        std::this_thread::sleep_for(milliseconds(100));
        slow.send("X-Slow: 1\r\n");
    }
    auto response = slow.response(milliseconds(3000));
    CHECK(status_of(response) == 408);
    CHECK(body_of(response) == R"({"error":{"status":408,"message":"the request was not sent in time"}})");
    CHECK(slow.closed_by_peer(milliseconds(3000)));
}

TEST_CASE("a thousand idle keep-alive connections, then a new request is answered", "[http][integration]") {
    raise_files_for_test(4096);
    FixtureIndex dir;
    TestServer server(dir.index());

    std::vector<Socket> idle;
    idle.reserve(1024);
    for (int i = 0; i < 1024; ++i) {
        idle.emplace_back(server.port());
        REQUIRE(idle.back().connected());
        REQUIRE(idle.back().send(get("/healthz")));
    }
    int answered = 0;
    for (auto& s : idle) answered += status_of(s.response()) == 200;
    CHECK(answered == 1024);

    // All 1,024 stay open and idle; a new client is answered at once.
    int status = 0;
    long ms = answer_ms(server.port(), "/search?q=ketamine", &status);
    CHECK(status == 200);
    CHECK(ms < 1000);
    // And the idle connections are still usable.
    int again = 0;
    for (int i = 0; i < 1024; i += 97) {
        REQUIRE(idle[static_cast<std::size_t>(i)].send(get("/search?q=metformin")));
        again += status_of(idle[static_cast<std::size_t>(i)].response()) == 200;
    }
    CHECK(again == 11);
    auto metrics = server.http().metrics_text();
    CHECK(metric(metrics, "medsearch_http_open_connections") >= 1024);
}

TEST_CASE("past the connection cap a client gets 503 with Retry-After, and the server recovers",
          "[http][integration]") {
    FixtureIndex dir;
    TestServer server(dir.index(), [](ServerOptions& o) { o.max_connections = 8; });
    REQUIRE(server.http().max_connections() == 8);
    {
        std::vector<Socket> held;
        for (int i = 0; i < 8; ++i) {
            held.emplace_back(server.port());
            REQUIRE(held.back().send(get("/healthz")));
            REQUIRE(status_of(held.back().response()) == 200);
        }
        Socket extra(server.port());
        REQUIRE(extra.send(get("/search?q=ketamine")));
        auto refused = extra.response();
        CHECK(status_of(refused) == 503);
        CHECK(refused.find("\r\nRetry-After: 1\r\n") != std::string::npos);
        CHECK(body_of(refused) == R"({"error":{"status":503,"message":"too many connections, retry shortly"}})");
        CHECK(extra.closed_by_peer(milliseconds(3000)));
        // The connections within the cap are still served.
        REQUIRE(held[0].send(get("/search?q=ketamine")));
        CHECK(status_of(held[0].response()) == 200);
    }
    // Once those close, new clients are served again.
    int status = 0;
    for (int i = 0; i < 100 && status != 200; ++i) {
        answer_ms(server.port(), "/search?q=ketamine", &status);
        if (status != 200) std::this_thread::sleep_for(milliseconds(20));
    }
    CHECK(status == 200);
    CHECK(metric(server.http().metrics_text(), "medsearch_http_connections_refused_total") >= 1);
}

TEST_CASE("/metrics counts requests by route and status, latency and the cache", "[http][integration]") {
    FixtureIndex dir;
    TestServer server(dir.index(), [](ServerOptions& o) { o.cache_bytes = 1 << 20; });
    auto scrape = [&] {
        Socket s(server.port());
        REQUIRE(s.send(get("/metrics")));
        auto response = s.response();
        REQUIRE(status_of(response) == 200);
        CHECK(response.find("Content-Type: text/plain; version=0.0.4") != std::string::npos);
        return body_of(response);
    };
    const std::string ok = "medsearch_http_requests_total{route=\"/search\",status=\"200\"}";
    const std::string bad = "medsearch_http_requests_total{route=\"/search\",status=\"400\"}";
    const std::string count = "medsearch_http_request_duration_seconds_count{route=\"/search\"}";
    const std::string inf = "medsearch_http_request_duration_seconds_bucket{route=\"/search\",le=\"+Inf\"}";
    auto before = scrape();
    int status = 0;
    answer_ms(server.port(), "/search?q=ketamine", &status);
    REQUIRE(status == 200);
    answer_ms(server.port(), "/search?q=ketamine", &status);  // from the cache
    answer_ms(server.port(), "/search?q=metformin", &status);
    answer_ms(server.port(), "/search?q=x&limit=0", &status);
    REQUIRE(status == 400);
    answer_ms(server.port(), "/no-such-page", &status);
    auto after = scrape();
    CHECK(metric(after, ok) - metric(before, ok) == 3);
    CHECK(metric(after, bad) - metric(before, bad) == 1);
    CHECK(metric(after, count) - metric(before, count) == 4);
    CHECK(metric(after, inf) == metric(after, count));
    CHECK(metric(after, "medsearch_http_requests_total{route=\"other\",status=\"404\"}") == 1);
    CHECK(metric(after, "medsearch_cache_hits_total") - metric(before, "medsearch_cache_hits_total") == 1);
    CHECK(metric(after, "medsearch_cache_misses_total") - metric(before, "medsearch_cache_misses_total") == 3);
    CHECK(metric(after, "medsearch_http_in_flight_requests") == 1);  // the scrape itself
    CHECK(metric(after, "medsearch_http_open_connections") >= 1);
    CHECK(metric(after, "medsearch_index_pages") == 25);
    CHECK(metric(after, "medsearch_index_generation") == 1);
    CHECK(after.find("medsearch_index_info{generation=\"gen-000001\"} 1\n") != std::string::npos);
    CHECK(metric(after, "medsearch_index_age_seconds") >= 0);
}

TEST_CASE("SIGTERM with requests in flight: every one is answered and the server exits 0",
          "[http][integration]") {
    raise_files_for_test(1024);
    FixtureIndex dir;
    auto log = dir.path() / "serve.log";
    std::string db = dir.index().string(), log_path = log.string(), prog = program().string();
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, 2, log_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    std::vector<std::string> args = {prog, "serve", "--db", db, "--listen", "127.0.0.1:0", "--threads", "2",
                                     "--cache-mb", "0", "--no-access-log"};
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    pid_t pid = 0;
    REQUIRE(posix_spawn(&pid, prog.c_str(), &actions, nullptr, argv.data(), environ) == 0);
    posix_spawn_file_actions_destroy(&actions);
    int port = 0;
    std::regex serving("on http://127\\.0\\.0\\.1:(\\d+)/");
    for (int i = 0; i < 500 && port == 0; ++i) {
        std::smatch m;
        std::string text = read_file(log);
        if (std::regex_search(text, m, serving)) port = std::stoi(m[1]);
        else std::this_thread::sleep_for(milliseconds(10));
    }
    if (port == 0) kill(pid, SIGKILL);
    REQUIRE(port != 0);

    // Connections already accepted, each with a request sent just before the
    // signal: more work than the two workers finish before the stop.
    constexpr int kClients = 256;
    std::vector<Socket> clients;
    for (int i = 0; i < kClients; ++i) {
        clients.emplace_back(port);
        REQUIRE(clients.back().send(get("/healthz")));
        REQUIRE(status_of(clients.back().response()) == 200);
    }
    for (auto& c : clients) REQUIRE(c.send(get("/search?q=ketamine+amitriptyline+side+effects&limit=100&explain=1")));
    REQUIRE(kill(pid, SIGTERM) == 0);
    int answered = 0;
    for (auto& c : clients) answered += status_of(c.response(milliseconds(10000))) == 200;
    CHECK(answered == kClients);

    int status = -1;
    for (int i = 0; i < 1000; ++i) {
        if (waitpid(pid, &status, WNOHANG) == pid) break;
        status = -1;
        std::this_thread::sleep_for(milliseconds(10));
    }
    if (status == -1) {
        kill(pid, SIGKILL);
        waitpid(pid, &status, 0);
        FAIL("medsearch serve did not exit within 10 s of SIGTERM");
    }
    CHECK(WIFEXITED(status));
    CHECK(WEXITSTATUS(status) == 0);
    // No new connection is taken once it stopped.
    Socket late(port);
    CHECK_FALSE(late.connected());
}

namespace {

// GET /search for "ketamine <tag>": its answer names the query, so each
// answer shows which request it belongs to.
std::string tagged(const std::string& tag) {
    return "GET /search?q=ketamine%20" + tag + "&limit=1 HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";
}

bool answers(const std::string& response, const std::string& tag) {
    return status_of(response) == 200 &&
           body_of(response).find("\"query\":\"ketamine " + tag + "\"") != std::string::npos;
}

}  // namespace

TEST_CASE("pipelined requests in one send are each answered once, in order", "[http][integration]") {
    FixtureIndex dir;
    TestServer server(dir.index());
    Socket client(server.port());
    REQUIRE(client.connected());
    // More than one worker's turn (16) in a single write: the rest are
    // answered on later turns, by whichever worker takes the connection.
    constexpr int kRequests = 40;
    for (int round = 0; round < 3; ++round) {
        std::string burst;
        for (int i = 0; i < kRequests; ++i) burst += tagged("r" + std::to_string(round) + "n" + std::to_string(i));
        REQUIRE(client.send(burst));
        int in_order = 0;
        for (int i = 0; i < kRequests; ++i) {
            auto response = client.response(milliseconds(10000));
            const std::string tag = "r" + std::to_string(round) + "n" + std::to_string(i);
            INFO("round " << round << ", request " << i << ": " << response.substr(0, 200));
            CHECK(answers(response, tag));
            in_order += answers(response, tag);
        }
        CHECK(in_order == kRequests);
    }
    // Nothing answered twice: no bytes follow the last answer.
    CHECK(client.response(milliseconds(300)).empty());
}

TEST_CASE("concurrent keep-alive clients sending back to back each get their own answers",
          "[http][integration]") {
    FixtureIndex dir;
    TestServer server(dir.index());
    constexpr int kClients = 8, kBursts = 6, kPerBurst = 5;
    std::atomic<int> matched{0}, wrong{0}, extra{0};
    std::vector<std::thread> clients;
    for (int c = 0; c < kClients; ++c) {
        clients.emplace_back([&, c] {
            Socket s(server.port());
            if (!s.connected()) {
                wrong += kBursts * kPerBurst;
                return;
            }
            for (int b = 0; b < kBursts; ++b) {
                // Requests written one right after another, partly in one
                // send, while the previous answers may still be on their way.
                std::string burst;
                for (int i = 0; i < kPerBurst; ++i) {
                    auto one = tagged("c" + std::to_string(c) + "b" + std::to_string(b) + "n" + std::to_string(i));
                    if (i % 2 == 0) {
                        burst += one;
                    } else {
                        s.send(burst + one);
                        burst.clear();
                    }
                }
                s.send(burst);
                for (int i = 0; i < kPerBurst; ++i) {
                    auto tag = "c" + std::to_string(c) + "b" + std::to_string(b) + "n" + std::to_string(i);
                    if (answers(s.response(milliseconds(20000)), tag)) ++matched;
                    else ++wrong;
                }
            }
            if (!s.response(milliseconds(300)).empty()) ++extra;
        });
    }
    for (auto& t : clients) t.join();
    CHECK(wrong == 0);
    CHECK(extra == 0);
    CHECK(matched == kClients * kBursts * kPerBurst);
}
