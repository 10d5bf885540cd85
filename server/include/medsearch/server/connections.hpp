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

#include <httplib.h>

#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
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

class EventServer : public httplib::Server {
  public:
    explicit EventServer(ConnectionLimits limits);
    ~EventServer() override;
    EventServer(const EventServer&) = delete;
    EventServer& operator=(const EventServer&) = delete;

    // Starts the workers and the deadline sweeper; call before listen_after_bind().
    void start();
    // After listen_after_bind() returned (stop() closes the listening socket):
    // closes idle connections, lets requests already read be answered and sent
    // for up to `deadline`, then closes the rest. True when nothing was cut off.
    bool drain(std::chrono::milliseconds deadline);

    const ConnectionCounters& counters() const { return counters_; }
    const ConnectionLimits& limits() const { return limits_; }

    struct Connection;

  private:
    bool process_and_close_socket(socket_t sock) override;
    bool admit(Connection& c, const std::string& client);
    void work();
    void sweep();
    void handle(Connection& c);
    bool answer(Connection& c);
    bool refuse(Connection& c);
    void arm(Connection& c, bool more);
    void close(Connection* c);
    bool expire(Connection& c);

    ConnectionLimits limits_;
    ConnectionCounters counters_;
    int epoll_ = -1;
    std::atomic<bool> stopping_{false};  // workers and sweeper end
    std::atomic<bool> draining_{false};  // new requests get Connection: close
    std::mutex table_mutex_;             // guards table_ and per_client_; held while the sweeper touches a socket
    std::unordered_set<Connection*> table_;
    std::unordered_map<std::string, std::size_t> per_client_;  // open connections by client address
    std::atomic<std::uint64_t> closed_{0};  // connections closed so far: workers then return freed memory
    std::vector<std::thread> workers_;
    std::thread sweeper_;
};

// When the request the calling worker is answering started (for its log line).
std::chrono::steady_clock::time_point current_request_start();

// Raises the soft limit on open files to the hard limit; returns the limit in force.
struct FileLimit {
    std::uint64_t before = 0;
    std::uint64_t now = 0;
};
FileLimit raise_file_limit();

}  // namespace medsearch
