#pragma once
// Connections apart from workers. cpp-httplib accepts, parses and routes, but
// instead of giving each connection a thread until it closes, every open
// connection waits in one epoll set: an idle keep-alive connection, a slow
// sender or a slow reader costs a file descriptor and a buffer, no thread. A
// worker takes a connection only when a whole request has arrived, answers it
// into a buffer (cpp-httplib's process_request on that buffer) and goes back
// to the set; what the socket does not take at once is sent as it drains.
// A connection's next request is read and answered only once the socket has
// taken the previous answers, so a client that does not read costs its
// unsent answer and no more; buffers are released while a connection idles.

#include "medsearch/common/result.hpp"
#include "medsearch/server/http.hpp"

#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <unordered_map>
#include <unordered_set>
#include <vector>

namespace medsearch {

struct ConnectionLimits {
    std::size_t workers = 2;               // threads that answer requests (one searcher each)
    std::size_t max_connections = 10000;   // open connections; past it: 503 and close
    // Open connections from one client address (an IPv6 client: its /64);
    // past it that client gets 503 and close; 0: no limit.
    std::size_t max_connections_per_client = 256;
    // Peers not limited per address (trusted proxies: many clients share one
    // connection, so the proxy limits them); only the global cap applies.
    std::vector<std::string> unlimited_peers;
    std::chrono::milliseconds header_timeout{10000};      // first byte of a request to its end
    std::chrono::milliseconds keep_alive_timeout{60000};  // idle between requests
    std::chrono::milliseconds write_timeout{10000};       // an answer the client does not read
    std::size_t max_header_bytes = 16 * 1024;             // request line and headers
    std::size_t max_body_bytes = 64 * 1024;
    std::size_t requests_per_connection = 10000;  // then Connection: close
};

// Counters read by /metrics; all relaxed atomics.
struct ConnectionCounters {
    std::atomic<std::int64_t> open{0};         // connections open now
    std::atomic<std::int64_t> in_flight{0};    // requests being answered now
    std::atomic<std::uint64_t> accepted{0};
    std::atomic<std::uint64_t> refused{0};     // answered 503: over max_connections or shutting down
    std::atomic<std::uint64_t> refused_client{0};  // 503 or closed: over max_connections_per_client
    std::atomic<std::uint64_t> timed_out{0};   // closed by a deadline (408 for an unfinished request); not by a stop
    std::atomic<std::uint64_t> bad_framing{0}; // 400/413/431 before routing (then closed)
};

// An HTTP/1.1 server of our own types: routes take an HttpRequest and fill
// an HttpResponse. Inside, cpp-httplib parses and routes each request that has
// arrived whole (the Engine, connections.cpp).
class EventServer {
  public:
    using Handler = std::function<void(const HttpRequest&, HttpResponse&)>;
    // Called once an answer is written: the request, its status and body size.
    using Logger = std::function<void(const HttpRequest&, int status, std::size_t body_bytes)>;
    using ExceptionHandler = std::function<void(const HttpRequest&, HttpResponse&, const std::string& what)>;

    explicit EventServer(ConnectionLimits limits);
    ~EventServer();
    EventServer(const EventServer&) = delete;
    EventServer& operator=(const EventServer&) = delete;

    void get(const std::string& path, Handler handler);
    // OPTIONS requests whose path matches `pattern` (a regular expression).
    void options(const std::string& pattern, Handler handler);
    // Runs after every routed request, to add headers (CORS).
    void after_routing(Handler handler);
    // An answer of status 400 and more that has no body yet.
    void on_error(Handler handler);
    void on_exception(ExceptionHandler handler);
    void on_answered(Logger logger);

    // Binds `host`:`port` (0: any free port) with a full backlog; returns the port.
    Result<int> bind(const std::string& host, int port);
    // Starts the workers and the deadline sweeper, then accepts until stop(); blocks.
    bool listen();
    // Stops accepting: listen() returns. Safe from any thread.
    void stop();
    bool is_running() const;
    // After listen() returned: closes idle connections, lets requests already
    // read be answered and sent for up to `deadline`, then closes the rest.
    // True when nothing was cut off.
    bool drain(std::chrono::milliseconds deadline);

    const ConnectionCounters& counters() const;
    const ConnectionLimits& limits() const;

    class Engine;  // cpp-httplib's server with its connections in an epoll set

  private:
    std::unique_ptr<Engine> engine_;
};

// When the request the calling worker is answering started (for its log line).
std::chrono::steady_clock::time_point current_request_start();


}  // namespace medsearch
