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

// AddressSanitizer keeps freed memory back on purpose (its quarantine) and
// the sanitizers multiply what is resident: memory figures mean nothing there.
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
constexpr bool kSanitized = true;
#else
constexpr bool kSanitized = false;
#endif

using namespace medsearch;
using namespace medsearch::test;
using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

namespace {

// Where a raw client connects from and how much it lets the kernel hold.
struct Peer {
    const char* address = "127.0.0.1";  // any 127.x.y.z is this machine: another client
    int receive_buffer = 0;              // SO_RCVBUF in bytes; 0: the system's
};

// A raw client socket: what a browser, a slow client or an attacker holds.
class Socket {
  public:
    explicit Socket(int port, Peer peer = {}) {
        fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
        if (fd_ < 0) return;
        if (peer.receive_buffer > 0)
            setsockopt(fd_, SOL_SOCKET, SO_RCVBUF, &peer.receive_buffer, sizeof peer.receive_buffer);
        sockaddr_in from{};
        from.sin_family = AF_INET;
        inet_pton(AF_INET, peer.address, &from.sin_addr);
        sockaddr_in addr{};
        addr.sin_family = AF_INET;
        addr.sin_port = htons(static_cast<uint16_t>(port));
        addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        connected_ = ::bind(fd_, reinterpret_cast<sockaddr*>(&from), sizeof from) == 0 &&
                     ::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
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
    // Sends what the kernel takes now, without waiting; the bytes taken.
    std::size_t offer(std::string_view bytes) {
        ssize_t n = ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
        return n > 0 ? static_cast<std::size_t>(n) : 0;
    }
    // Whether bytes (or the close) are waiting to be read, within `timeout`.
    bool readable(milliseconds timeout) {
        pollfd p{fd_, POLLIN, 0};
        return ::poll(&p, 1, static_cast<int>(timeout.count())) > 0;
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

// `medsearch serve` as its own process on a free loopback port, its stderr
// in serve.log: for what only a separate process shows (its memory, its exit
// status, its log). Killed at the end if still running.
class ServeProcess {
  public:
    ServeProcess(const FixtureIndex& dir, const std::vector<std::string>& flags) : log_(dir.path() / "serve.log") {
        std::string prog = program().string(), log_path = log_.string();
        std::vector<std::string> args = {prog, "serve", "--db", dir.index().string(), "--listen", "127.0.0.1:0"};
        args.insert(args.end(), flags.begin(), flags.end());
        std::vector<char*> argv;
        for (auto& a : args) argv.push_back(a.data());
        argv.push_back(nullptr);
        posix_spawn_file_actions_t actions;
        posix_spawn_file_actions_init(&actions);
        posix_spawn_file_actions_addopen(&actions, 2, log_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
        int spawned = posix_spawn(&pid_, prog.c_str(), &actions, nullptr, argv.data(), environ);
        posix_spawn_file_actions_destroy(&actions);
        REQUIRE(spawned == 0);
        std::regex serving("on http://127\\.0\\.0\\.1:(\\d+)/");
        for (int i = 0; i < 500 && port_ == 0; ++i) {
            std::smatch m;
            std::string text = read_file(log_);
            if (std::regex_search(text, m, serving)) port_ = std::stoi(m[1]);
            else std::this_thread::sleep_for(milliseconds(10));
        }
        REQUIRE(port_ != 0);
    }
    ~ServeProcess() {
        if (pid_ <= 0) return;
        kill(pid_, SIGKILL);
        waitpid(pid_, nullptr, 0);
    }
    ServeProcess(const ServeProcess&) = delete;
    ServeProcess& operator=(const ServeProcess&) = delete;
    int port() const { return port_; }
    pid_t pid() const { return pid_; }
    std::string log() const { return read_file(log_); }
    // Resident memory now, in KiB (VmRSS).
    long rss_kib() const {
        std::string status = read_file("/proc/" + std::to_string(pid_) + "/status");
        auto at = status.find("VmRSS:");
        return at == std::string::npos ? -1 : std::stol(status.substr(at + 6));
    }
    // The wait status once it exits; -1 if it did not within 10 s.
    int wait_exit() {
        for (int i = 0; i < 1000; ++i) {
            int status = 0;
            if (waitpid(pid_, &status, WNOHANG) == pid_) {
                pid_ = 0;
                return status;
            }
            std::this_thread::sleep_for(milliseconds(10));
        }
        return -1;
    }

  private:
    fs::path log_;
    pid_t pid_ = 0;
    int port_ = 0;
};

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
    // One client address holds them all here; the limit per client is tested below.
    TestServer server(dir.index(), [](ServerOptions& o) { o.max_connections_per_client = 0; });

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
    ServeProcess server(dir, {"--threads", "2", "--cache-mb", "0", "--no-access-log"});
    const int port = server.port();

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
    REQUIRE(kill(server.pid(), SIGTERM) == 0);
    int answered = 0;
    for (auto& c : clients) answered += status_of(c.response(milliseconds(10000))) == 200;
    CHECK(answered == kClients);

    int status = server.wait_exit();
    if (status == -1) FAIL("medsearch serve did not exit within 10 s of SIGTERM");
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

TEST_CASE("a thousand clients that pipeline requests and never read cost the server little memory, "
          "given back when they leave",
          "[http][integration]") {
    if (kSanitized) {
        WARN("left out under a sanitizer: its allocator keeps freed memory");
        return;
    }
    raise_files_for_test(4096);
    FixtureIndex dir;
    // All from one address here; the limit per client has tests of its own.
    ServeProcess server(dir, {"--threads", "2", "--cache-mb", "0", "--no-access-log", "--max-connections-per-client",
                              "1000"});
    // Each route once: the searchers and the answers' buffers are in the baseline.
    for (int i = 0; i < 4; ++i) {
        answer_ms(server.port(), "/medsearch.js");
        answer_ms(server.port(), "/search?q=ketamine");
    }
    std::this_thread::sleep_for(milliseconds(300));
    const long before = server.rss_kib();
    REQUIRE(before > 0);

    // Each client writes 64 KiB of requests for the widget script (22 KB
    // each) at once and reads nothing; its small receive buffer leaves the
    // answers to the server.
    std::string burst;
    while (burst.size() < 64 * 1024) burst += get("/medsearch.js");
    constexpr int kClients = 1000;
    std::vector<Socket> clients;
    clients.reserve(kClients);
    for (int i = 0; i < kClients; ++i) {
        clients.emplace_back(server.port(), Peer{"127.0.0.1", 4096});
        REQUIRE(clients.back().connected());
        REQUIRE(clients.back().offer(burst) > 0);
    }
    // Every client is being answered: what it does not read waits in the server.
    int answered = 0;
    const auto until = Clock::now() + std::chrono::seconds(10);
    for (auto& c : clients) {
        auto left = std::chrono::duration_cast<milliseconds>(until - Clock::now());
        answered += c.readable(std::max(milliseconds(0), left));
    }
    CHECK(answered == kClients);
    long peak = 0;
    for (int i = 0; i < 10; ++i) {
        peak = std::max(peak, server.rss_kib());
        std::this_thread::sleep_for(milliseconds(100));
    }
    INFO("resident memory: " << before << " KiB before, " << peak << " KiB with the clients");
    CHECK(peak - before < 100 * 1024);

    clients.clear();
    long after = peak;
    for (int i = 0; i < 50 && after - before >= 2 * 1024; ++i) {
        std::this_thread::sleep_for(milliseconds(100));
        after = server.rss_kib();
    }
    INFO("and " << after << " KiB once they left");
    CHECK(after - before < 2 * 1024);
}

TEST_CASE("a client that does not read its answers is paused, then closed at the write timeout",
          "[http][integration]") {
    FixtureIndex dir;
    TestServer server(dir.index(), [](ServerOptions& o) { o.write_timeout = milliseconds(500); });
    const std::string answered = R"(medsearch_http_requests_total{route="/medsearch.js",status="200"})";
    Socket client(server.port(), Peer{"127.0.0.1", 4096});
    REQUIRE(client.connected());
    std::string burst;
    for (int i = 0; i < 200; ++i) burst += get("/medsearch.js");
    const auto start = Clock::now();
    REQUIRE(client.offer(burst) == burst.size());
    // The socket takes a few answers (22 KB each) before its buffers are
    // full; the other requests then wait unread instead of filling the
    // server's memory with answers.
    std::this_thread::sleep_for(milliseconds(300));
    const double count = metric(server.http().metrics_text(), answered);
    CHECK(count >= 1);
    CHECK(count <= 8);
    bool closed = false;
    for (int i = 0; i < 60 && !closed; ++i) {
        std::this_thread::sleep_for(milliseconds(50));
        closed = metric(server.http().metrics_text(), "medsearch_http_open_connections") == 0;
    }
    CHECK(closed);
    CHECK(std::chrono::duration_cast<milliseconds>(Clock::now() - start).count() >= 500);
    CHECK(metric(server.http().metrics_text(), "medsearch_http_connections_timed_out_total") == 1);
    CHECK(metric(server.http().metrics_text(), answered) <= 8);
}

TEST_CASE("one client past its connection limit gets 503 while another client is answered",
          "[http][integration]") {
    FixtureIndex dir;
    TestServer server(dir.index(), [](ServerOptions& o) {
        o.max_connections = 32;
        o.max_connections_per_client = 4;
    });
    std::vector<Socket> held;
    for (int i = 0; i < 4; ++i) {
        held.emplace_back(server.port());
        REQUIRE(held.back().send(get("/healthz")));
        REQUIRE(status_of(held.back().response()) == 200);
    }
    Socket extra(server.port());
    REQUIRE(extra.send(get("/search?q=ketamine")));
    auto refused = extra.response();
    CHECK(status_of(refused) == 503);
    CHECK(refused.find("\r\nRetry-After: 1\r\n") != std::string::npos);
    CHECK(body_of(refused) ==
          R"({"error":{"status":503,"message":"too many connections from this client, retry shortly"}})");
    CHECK(extra.closed_by_peer(milliseconds(3000)));

    // The same client opens more idle connections than the whole server takes...
    std::vector<Socket> flood;
    for (int i = 0; i < 40; ++i) flood.emplace_back(server.port());
    for (int i = 0; i < 200; ++i) {
        if (metric(server.http().metrics_text(), "medsearch_http_connections_accepted_total") >= 45) break;
        std::this_thread::sleep_for(milliseconds(10));
    }
    REQUIRE(metric(server.http().metrics_text(), "medsearch_http_connections_accepted_total") >= 45);
    // ... and another client is answered as usual, as are the first one's connections within its limit.
    Socket other(server.port(), Peer{"127.0.0.2"});
    REQUIRE(other.connected());
    REQUIRE(other.send(get("/search?q=ketamine")));
    CHECK(status_of(other.response()) == 200);
    REQUIRE(held[0].send(get("/search?q=ketamine")));
    CHECK(status_of(held[0].response()) == 200);
    CHECK(metric(server.http().metrics_text(), "medsearch_http_connections_refused_per_client_total") >= 37);
    CHECK(metric(server.http().metrics_text(), "medsearch_http_connections_refused_total") == 0);

    // Once it closes connections, that client is served again.
    held.clear();
    flood.clear();
    int status = 0;
    for (int i = 0; i < 100 && status != 200; ++i) {
        answer_ms(server.port(), "/healthz", &status);
        if (status != 200) std::this_thread::sleep_for(milliseconds(20));
    }
    CHECK(status == 200);
}

TEST_CASE("a trusted proxy's connections are not limited per client, other peers are", "[http][integration]") {
    FixtureIndex dir;
    TestServer server(dir.index(), [](ServerOptions& o) {
        o.max_connections_per_client = 2;
        o.trusted_proxies = {"127.0.0.1"};
    });
    std::vector<Socket> proxy, client;
    int proxied = 0;
    for (int i = 0; i < 6; ++i) {
        proxy.emplace_back(server.port());
        REQUIRE(proxy.back().send(get("/healthz")));
        proxied += status_of(proxy.back().response()) == 200;
    }
    CHECK(proxied == 6);
    std::vector<int> statuses;
    for (int i = 0; i < 3; ++i) {
        client.emplace_back(server.port(), Peer{"127.0.0.2"});
        REQUIRE(client.back().send(get("/healthz")));
        statuses.push_back(status_of(client.back().response()));
    }
    CHECK(statuses == std::vector<int>{200, 200, 503});
}

TEST_CASE("conflicting or malformed framing gets 400 and the connection closed", "[http][integration]") {
    FixtureIndex dir;
    TestServer server(dir.index());
    struct Row {
        const char* what;
        std::string request, message;
    };
    const std::string head = "GET /healthz HTTP/1.1\r\nHost: x\r\n";
    const Row rows[] = {
        {"two different lengths", head + "Content-Length: 0\r\nContent-Length: 5\r\n\r\nhello",
         "more than one Content-Length"},
        {"two equal lengths", head + "Content-Length: 5\r\nContent-Length: 5\r\n\r\nhello",
         "more than one Content-Length"},
        {"a list for a length", head + "Content-Length: 5, 5\r\n\r\nhello", "bad Content-Length"},
        {"chunked", head + "Transfer-Encoding: chunked\r\n\r\n0\r\n\r\n", "chunked request bodies are not accepted"},
        {"a space before Transfer-Encoding's colon", head + "Transfer-Encoding : chunked\r\n\r\n0\r\n\r\n",
         "bad header line"},
        {"a space before any header's colon", "GET /healthz HTTP/1.1\r\nHost : x\r\n\r\n", "bad header line"},
        {"a folded header line", head + "X-Note: a\r\n b\r\n\r\n", "bad header line"},
        {"a bare LF in a header", head + "X-Note: a\nContent-Length: 5\r\n\r\nhello", "bad header line"},
        {"a NUL in a header", head + std::string("X-Note: a\0b\r\n\r\n", 13), "bad header line"},
        {"a header line without a colon", head + "X-Note\r\n\r\n", "bad header line"},
        {"no request line", "GARBAGE\r\n\r\n", "bad request line"},
        {"two spaces in the request line", "GET  /healthz HTTP/1.1\r\nHost: x\r\n\r\n", "bad request line"},
        {"a control character in the target", "GET /health\x01z HTTP/1.1\r\nHost: x\r\n\r\n", "bad request line"},
        {"another protocol", "GET /healthz HTTP/2.0\r\nHost: x\r\n\r\n", "bad request line"},
    };
    for (const auto& row : rows) {
        CAPTURE(row.what);
        Socket s(server.port());
        REQUIRE(s.connected());
        // A sound request right behind: it must not be answered either.
        REQUIRE(s.send(row.request + get("/healthz")));
        auto response = s.response();
        CHECK(status_of(response) == 400);
        CHECK(response.find("\r\nConnection: close\r\n") != std::string::npos);
        CHECK(body_of(response) == R"({"error":{"status":400,"message":")" + row.message + "\"}}");
        CHECK(s.closed_by_peer(milliseconds(3000)));
    }
    // Sound requests still pass: an empty line first is allowed (RFC 9112 2.2),
    // and so is one Content-Length.
    Socket ok(server.port());
    REQUIRE(ok.send("\r\n" + get("/healthz") + head + "Content-Length: 5\r\n\r\nhello"));
    CHECK(status_of(ok.response()) == 200);
    CHECK(status_of(ok.response()) == 200);
    CHECK(metric(server.http().metrics_text(), "medsearch_http_bad_framing_total") == std::size(rows));
}

TEST_CASE("control characters a client sends are escaped in the access log", "[http][integration]") {
    FixtureIndex dir;
    ServeProcess server(dir, {"--threads", "2", "--cache-mb", "0", "--trusted-proxy", "127.0.0.1"});
    Socket s(server.port());
    REQUIRE(s.send("GET /%0aforged%20line%1b[2J\\ HTTP/1.1\r\nHost: x\r\nX-Real-IP: 10.0.0.1\x1b[31m\r\n\r\n"));
    REQUIRE(status_of(s.response()) == 404);
    std::string log;
    for (int i = 0; i < 100 && log.find(" 404 ") == std::string::npos; ++i) {
        std::this_thread::sleep_for(milliseconds(10));
        log = server.log();
    }
    const std::string expected = R"(info: http: 10.0.0.1\x1b[31m GET /\x0aforged line\x1b[2J\x5c 404 )";
    CHECK(log.find(expected) != std::string::npos);
    CHECK(log.find('\x1b') == std::string::npos);
    CHECK(log.find("\nforged") == std::string::npos);
}
