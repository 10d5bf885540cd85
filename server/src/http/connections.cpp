#include "http/connections.hpp"

#include <httplib.h>

#include <arpa/inet.h>
#include <fcntl.h>
#include <malloc.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <charconv>
#include <cstring>
#include <limits>
#include <string_view>

// mimalloc's, when the program links it (the server library does not know).
extern "C" void mi_collect(bool force) __attribute__((weak));
extern "C" void* mi_malloc(std::size_t size) __attribute__((weak));
extern "C" void mi_free(void* p) __attribute__((weak));

namespace medsearch {
namespace {

using Clock = std::chrono::steady_clock;
constexpr std::int64_t kNoDeadline = std::numeric_limits<std::int64_t>::max();
// Connections past the cap are still read and answered 503 (closing a socket
// with an unread request resets it, and the client would see no answer) up to
// a quarter more (at most this many); beyond that they are closed at once.
constexpr std::int64_t kRefusalAllowance = 1024;
// Answers are gathered up to this many bytes before they go to the socket;
// the next request is answered only once the socket has taken them all.
constexpr std::size_t kOutputBatch = 4 * 1024;
// Bytes the kernel keeps of a connection's answers beyond what is in flight:
// without a bound a client that does not read holds the send buffer, which
// the kernel sizes for throughput (megabytes on loopback).
constexpr std::size_t kUnsentBytes = 16 * 1024;
// An allocation of a size nothing else keeps, to take a fresh page.
constexpr std::size_t kFreshPageBytes = 70000;
// Bytes read at a time; more only once the requests read are answered.
constexpr std::size_t kReadChunk = 4 * 1024;
// Input discarded before closing after a refusal: a socket closed with unread
// bytes is reset, and the client may lose the answer before reading it.
constexpr std::size_t kLingerBytes = 64 * 1024;

std::int64_t now_ms() {
    return std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now().time_since_epoch()).count();
}

// The httplib loop hands over each accepted socket at once, in the accept
// thread: registering it is all the "task" does.
class InlineQueue : public httplib::TaskQueue {
  public:
    void enqueue(std::function<void()> fn) override { fn(); }
    void shutdown() override {}
};

bool iequals(std::string_view text, std::string_view lower) {
    if (text.size() != lower.size()) return false;
    for (std::size_t i = 0; i < lower.size(); ++i) {
        char ch = text[i];
        if (ch >= 'A' && ch <= 'Z') ch = static_cast<char>(ch - 'A' + 'a');
        if (ch != lower[i]) return false;
    }
    return true;
}

// RFC 9110 5.6.2: a method or a header name.
bool is_token(std::string_view text) {
    constexpr std::string_view kSymbols = "!#$%&'*+-.^_`|~";
    return !text.empty() && std::all_of(text.begin(), text.end(), [&](char ch) {
        return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
               kSymbols.find(ch) != std::string_view::npos;
    });
}

// METHOD SP request-target SP HTTP/1.x, nothing else.
bool valid_request_line(std::string_view line) {
    auto first = line.find(' ');
    auto second = first == std::string_view::npos ? first : line.find(' ', first + 1);
    if (second == std::string_view::npos) return false;
    auto target = line.substr(first + 1, second - first - 1);
    auto version = line.substr(second + 1);
    return is_token(line.substr(0, first)) && !target.empty() &&
           std::none_of(target.begin(), target.end(), [](unsigned char ch) { return ch <= ' ' || ch == 0x7f; }) &&
           (version == "HTTP/1.1" || version == "HTTP/1.0");
}

// What a request's head says about its body; status 0 when it is sound.
struct Framing {
    int status = 0;
    const char* message = "";
    std::size_t body = 0;  // Content-Length
};

// `head`: the request line and header lines, each ending in CRLF. Anything
// two parsers could read two ways is refused (RFC 9112 6.3): a space before
// a header's colon (5.1), a folded line (5.2), a bare CR or LF or a NUL in a
// value, a second Content-Length, any Transfer-Encoding.
Framing check_framing(std::string_view head) {
    auto bad = [](const char* message) { return Framing{400, message, 0}; };
    std::size_t at = head.find("\r\n");
    if (!valid_request_line(head.substr(0, at))) return bad("bad request line");
    Framing out;
    bool has_length = false;
    for (at += 2; at < head.size();) {
        std::size_t end = head.find("\r\n", at);
        std::string_view line = head.substr(at, end - at);
        at = end + 2;
        auto colon = line.find(':');
        if (colon == std::string_view::npos || !is_token(line.substr(0, colon))) return bad("bad header line");
        auto name = line.substr(0, colon);
        auto value = line.substr(colon + 1);
        if (value.find_first_of(std::string_view("\r\n\0", 3)) != std::string_view::npos)
            return bad("bad header line");
        if (iequals(name, "transfer-encoding")) return bad("chunked request bodies are not accepted");
        if (!iequals(name, "content-length")) continue;
        if (has_length) return bad("more than one Content-Length");
        has_length = true;
        while (!value.empty() && (value.front() == ' ' || value.front() == '\t')) value.remove_prefix(1);
        while (!value.empty() && (value.back() == ' ' || value.back() == '\t')) value.remove_suffix(1);
        auto [p, ec] = std::from_chars(value.data(), value.data() + value.size(), out.body);
        if (ec != std::errc{} || p != value.data() + value.size())
            return bad("bad Content-Length");
    }
    return out;
}

std::string plain_response(int status, const char* reason, std::string_view message, bool retry) {
    std::string body = "{\"error\":{\"status\":" + std::to_string(status) + ",\"message\":\"";
    body += message;  // our own fixed texts: nothing to escape
    body += "\"}}";
    std::string out = "HTTP/1.1 " + std::to_string(status) + " " + reason + "\r\n";
    out += "Content-Type: application/json\r\nConnection: close\r\n";
    if (retry) out += "Retry-After: 1\r\n";
    out += "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n";
    out += body;
    return out;
}

void address_of(const sockaddr_storage& addr, std::string& ip, int& port) {
    char text[INET6_ADDRSTRLEN] = "";
    if (addr.ss_family == AF_INET) {
        const auto& a = reinterpret_cast<const sockaddr_in&>(addr);
        inet_ntop(AF_INET, &a.sin_addr, text, sizeof text);
        port = ntohs(a.sin_port);
    } else if (addr.ss_family == AF_INET6) {
        const auto& a = reinterpret_cast<const sockaddr_in6&>(addr);
        inet_ntop(AF_INET6, &a.sin6_addr, text, sizeof text);
        port = ntohs(a.sin6_port);
    }
    ip = text;
}

// What one client's connections are counted by: its address, or for IPv6 its
// /64, since a host is usually given a whole /64 to pick addresses from.
std::string client_key(const sockaddr_storage& addr, const std::string& ip) {
    if (addr.ss_family != AF_INET6) return ip;
    auto a = reinterpret_cast<const sockaddr_in6&>(addr).sin6_addr;
    if (IN6_IS_ADDR_V4MAPPED(&a)) return ip;
    std::memset(a.s6_addr + 8, 0, 8);
    char text[INET6_ADDRSTRLEN] = "";
    inet_ntop(AF_INET6, &a, text, sizeof text);
    return std::string(text) + "/64";
}

// Freed buffers go back to the system. mimalloc (2.0) returns the pages of a
// segment a thread freed only when that thread next takes a fresh page there
// (after a delay), and an idle worker takes none: a forced collect frees its
// empty pages, and one page taken and given back has them returned.
// Under a sanitizer the sanitizer's allocator holds the memory: glibc's
// arenas are unused, and trimming them has crashed ASan builds.
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
constexpr bool kGlibcAllocator = false;
#else
constexpr bool kGlibcAllocator = true;
#endif

void release_free_memory() {
    if (mi_collect && mi_malloc && mi_free) {
        mi_collect(true);
        mi_free(mi_malloc(kFreshPageBytes));
    } else if (kGlibcAllocator) {
        malloc_trim(0);
    }
}

}  // namespace

// busy: a worker holds the connection; the others say what it waits for in
// the epoll set.
enum class ConnState : int { busy, idle, partial, writing };
// Why a connection's first request gets 503 instead of an answer.
enum class Refusal { none, server_full, client_full };

class EventServer::Engine : public httplib::Server {
  public:
    explicit Engine(ConnectionLimits limits);
    ~Engine() override;
    Engine(const Engine&) = delete;
    Engine& operator=(const Engine&) = delete;

    // Starts the workers and the deadline sweeper; call before listen_after_bind().
    void start();
    // After listen_after_bind() returned (stop() closes the listening socket):
    // closes idle connections, lets requests already read be answered and sent
    // for up to `deadline`, then closes the rest. True when nothing was cut off.
    bool drain(std::chrono::milliseconds deadline);

    const ConnectionCounters& counters() const { return counters_; }
    const ConnectionLimits& limits() const { return limits_; }

    struct Connection;
    int listen_socket = -1;  // to raise its backlog after bind

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

struct EventServer::Engine::Connection {
    int fd = -1;
    std::string remote_ip, local_ip;
    int remote_port = 0, local_port = 0;
    std::string client;       // counted in per_client_ under this key; empty: not counted
    std::string in;           // bytes received and not yet answered
    std::size_t scanned = 0;  // of `in`, searched for the end of the headers
    std::string out;          // answer bytes not yet sent
    std::size_t sent = 0;
    std::int64_t request_started = 0;  // first byte of the request being read
    std::size_t requests = 0;
    Refusal refuse = Refusal::none;  // its first request gets 503 instead, and why
    bool close_after = false;  // once `out` is sent
    bool peer_done = false;    // the client shut its side (or the sweeper did)
    // Read by the sweeper without the worker's knowledge.
    std::atomic<std::int64_t> deadline{kNoDeadline};
    std::atomic<ConnState> state{ConnState::idle};
    // The hand-over between the threads that hold the connection in turn (the
    // accept thread, then one worker at a time). The holder arms the socket
    // with this held, after storing the state it waits in; the worker the
    // event wakes takes the connection by setting `busy` with it held, so the
    // holder's last touch of the connection, the epoll_ctl, is over and all
    // it wrote is seen. EPOLLONESHOT gives one event per arming; this makes
    // that order explicit, to the memory model and to ThreadSanitizer (which
    // treats no EPOLL_CTL_MOD as a release). It is held only for that one
    // call: a worker taking a connection waits on no socket.
    std::mutex handover;
    std::atomic<bool> expired{false};
};

namespace {

// One request's bytes in, the answer's bytes out; no socket underneath.
class BufferStream : public httplib::Stream {
  public:
    BufferStream(const char* data, std::size_t size, std::string& out, int fd, const std::string& remote_ip,
                 int remote_port, const std::string& local_ip, int local_port)
        : data_(data), size_(size), out_(out), fd_(fd), remote_ip_(remote_ip), remote_port_(remote_port),
          local_ip_(local_ip), local_port_(local_port) {}
    bool is_readable() const override { return pos_ < size_; }
    bool is_writable() const override { return true; }
    ssize_t read(char* ptr, size_t size) override {
        std::size_t n = std::min(size, size_ - pos_);
        std::memcpy(ptr, data_ + pos_, n);
        pos_ += n;
        return static_cast<ssize_t>(n);
    }
    ssize_t write(const char* ptr, size_t size) override {
        out_.append(ptr, size);
        return static_cast<ssize_t>(size);
    }
    void get_remote_ip_and_port(std::string& ip, int& port) const override {
        ip = remote_ip_;
        port = remote_port_;
    }
    void get_local_ip_and_port(std::string& ip, int& port) const override {
        ip = local_ip_;
        port = local_port_;
    }
    socket_t socket() const override { return fd_; }

  private:
    const char* data_;
    std::size_t size_;
    std::size_t pos_ = 0;
    std::string& out_;
    int fd_;
    const std::string& remote_ip_;
    int remote_port_;
    const std::string& local_ip_;
    int local_port_;
};

thread_local Clock::time_point t_request_start;

}  // namespace

Clock::time_point current_request_start() { return t_request_start; }

EventServer::Engine::Engine(ConnectionLimits limits) : limits_(limits) {
    new_task_queue = [] { return new InlineQueue; };
    // Only the Keep-Alive header cpp-httplib writes: the deadlines are ours.
    set_keep_alive_timeout(std::max<time_t>(1, static_cast<time_t>(limits_.keep_alive_timeout.count() / 1000)));
    set_keep_alive_max_count(limits_.requests_per_connection);
    set_payload_max_length(limits_.max_body_bytes);
}

EventServer::Engine::~Engine() {
    stopping_ = true;
    for (auto& t : workers_)
        if (t.joinable()) t.join();
    if (sweeper_.joinable()) sweeper_.join();
    for (auto* c : table_) {
        ::close(c->fd);
        delete c;
    }
    table_.clear();
    if (epoll_ >= 0) ::close(epoll_);
}

void EventServer::Engine::start() {
    epoll_ = epoll_create1(EPOLL_CLOEXEC);
    for (std::size_t i = 0; i < std::max<std::size_t>(1, limits_.workers); ++i)
        workers_.emplace_back([this] { work(); });
    sweeper_ = std::thread([this] { sweep(); });
}

bool EventServer::Engine::process_and_close_socket(socket_t sock) {
    counters_.accepted.fetch_add(1, std::memory_order_relaxed);
    auto open = counters_.open.load(std::memory_order_relaxed);
    const auto cap = static_cast<std::int64_t>(limits_.max_connections);
    if (epoll_ < 0 || open >= cap + std::min(kRefusalAllowance, cap / 4 + 1)) {
        ::close(sock);
        counters_.refused.fetch_add(1, std::memory_order_relaxed);
        return true;
    }
    int flags = fcntl(sock, F_GETFL, 0);
    fcntl(sock, F_SETFL, flags | O_NONBLOCK);
    int one = 1;
    setsockopt(sock, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    int lowat = static_cast<int>(kUnsentBytes);
    setsockopt(sock, IPPROTO_TCP, TCP_NOTSENT_LOWAT, &lowat, sizeof lowat);
    auto* c = new Connection;
    c->fd = sock;
    c->refuse = open >= cap || draining_ ? Refusal::server_full : Refusal::none;
    sockaddr_storage addr{};
    socklen_t len = sizeof addr;
    std::string client;
    if (getpeername(sock, reinterpret_cast<sockaddr*>(&addr), &len) == 0) {
        address_of(addr, c->remote_ip, c->remote_port);
        client = client_key(addr, c->remote_ip);
    }
    len = sizeof addr;
    if (getsockname(sock, reinterpret_cast<sockaddr*>(&addr), &len) == 0) address_of(addr, c->local_ip, c->local_port);
    c->deadline = now_ms() + limits_.header_timeout.count();
    if (!admit(*c, client)) {
        ::close(sock);
        delete c;
        return true;
    }
    epoll_event ev{};
    ev.events = EPOLLIN | EPOLLONESHOT;
    ev.data.ptr = c;
    bool armed = false;
    {
        std::lock_guard handover(c->handover);  // handed to the workers
        armed = epoll_ctl(epoll_, EPOLL_CTL_ADD, sock, &ev) == 0;
    }
    if (!armed) close(c);
    return true;
}

// Counts the connection against its client's limit and registers it. Past
// the limit a client's connections are still read, to answer 503, up to as
// many again; false: beyond those, this one is closed at once.
bool EventServer::Engine::admit(Connection& c, const std::string& client) {
    const std::size_t limit = limits_.max_connections_per_client;
    const auto& peers = limits_.unlimited_peers;
    const bool counted =
        limit > 0 && !client.empty() && std::find(peers.begin(), peers.end(), c.remote_ip) == peers.end();
    std::lock_guard lock(table_mutex_);
    if (counted) {
        std::size_t& open = per_client_[client];
        if (open >= limit + std::min(limit, static_cast<std::size_t>(kRefusalAllowance))) {
            counters_.refused_client.fetch_add(1, std::memory_order_relaxed);
            return false;
        }
        if (open >= limit && c.refuse == Refusal::none) c.refuse = Refusal::client_full;
        ++open;
        c.client = client;
    }
    table_.insert(&c);
    counters_.open.fetch_add(1, std::memory_order_relaxed);
    return true;
}

void EventServer::Engine::work() {
    std::uint64_t collected = closed_.load(std::memory_order_relaxed);
    int collections = 0;  // still to run while idle
    while (!stopping_.load(std::memory_order_relaxed)) {
        epoll_event ev{};
        // One event at a time: a worker busy with a search holds no other
        // connection's turn.
        int n = epoll_wait(epoll_, &ev, 1, 100);
        if (n <= 0) {
            // Idle: what the connections closed since freed goes back. Twice,
            // a wait apart: mimalloc returns pages only a while (its decommit
            // delay) after they were freed.
            if (n == 0 && collected != closed_.load(std::memory_order_relaxed)) {
                collected = closed_.load(std::memory_order_relaxed);
                collections = 2;
            }
            if (n == 0 && collections > 0) {
                --collections;
                release_free_memory();
            }
            continue;
        }
        auto* c = static_cast<Connection*>(ev.data.ptr);
        {
            // Take it (see Connection::handover). Busy cannot be seen with one
            // event per arming; were it, its holder re-arms the socket, and
            // the readiness is reported again then.
            std::lock_guard handover(c->handover);
            if (c->state.exchange(ConnState::busy, std::memory_order_relaxed) == ConnState::busy) continue;
        }
        try {
            handle(*c);
        } catch (...) {
            close(c);
        }
    }
}

namespace {

// all: every byte there was moved (or the peer shut its side); some: a full
// chunk was read and more may wait.
enum class Io { all, some, blocked, failed };

Io flush(EventServer::Engine::Connection& c) {
    while (c.sent < c.out.size()) {
        ssize_t n = ::send(c.fd, c.out.data() + c.sent, c.out.size() - c.sent, MSG_NOSIGNAL);
        if (n > 0) {
            c.sent += static_cast<std::size_t>(n);
            continue;
        }
        if (n < 0 && errno == EINTR) continue;
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return Io::blocked;
        return Io::failed;
    }
    c.out.clear();
    c.sent = 0;
    return Io::all;
}

Io receive(EventServer::Engine::Connection& c) {
    char buf[kReadChunk];
    for (;;) {
        ssize_t n = ::recv(c.fd, buf, sizeof buf, 0);
        if (n > 0) {
            if (c.in.empty()) c.request_started = now_ms();
            c.in.append(buf, static_cast<std::size_t>(n));
            return static_cast<std::size_t>(n) == sizeof buf ? Io::some : Io::all;
        }
        if (n == 0) {
            c.peer_done = true;
            return Io::all;
        }
        if (errno == EINTR) continue;
        return errno == EAGAIN || errno == EWOULDBLOCK ? Io::blocked : Io::failed;
    }
}

// Reads what the client sent after the request being refused, so that
// closing does not reset the connection under the answer.
void discard_input(int fd) {
    char buf[kReadChunk];
    for (std::size_t total = 0; total < kLingerBytes;) {
        ssize_t n = ::recv(fd, buf, sizeof buf, 0);
        if (n <= 0) return;
        total += static_cast<std::size_t>(n);
    }
}

}  // namespace

void EventServer::Engine::handle(Connection& c) {
    c.deadline = kNoDeadline;
    int answered = 0;
    constexpr int kTurn = 16;  // requests answered in one go before others get a turn
    bool drained = false;      // the last read took all the socket had
    for (;;) {
        // Requests already read are answered until a batch of output is
        // ready; more is read only once the socket has taken all of it, so a
        // client that does not read its answers is not read either.
        bool waiting = false;
        while (!c.close_after && answered < kTurn && c.out.size() - c.sent < kOutputBatch) {
            if (!answer(c)) {
                waiting = true;
                break;
            }
            ++answered;
        }
        const Io sent = flush(c);
        if (sent == Io::failed) {
            close(&c);
            return;
        }
        if (sent == Io::blocked || c.close_after || answered == kTurn) break;
        if (!waiting) continue;
        if (drained || c.peer_done) break;
        const Io got = receive(c);
        if (got == Io::failed) {
            close(&c);
            return;
        }
        if (got == Io::blocked) break;
        drained = got == Io::all;
    }
    if (c.expired && answered == 0 && c.out.size() == c.sent) {
        if (c.in.empty() || c.close_after) {
            close(&c);
            return;
        }
        c.out = plain_response(408, "Request Timeout", "the request was not sent in time", false);
        c.sent = 0;
        c.close_after = true;
        if (flush(c) == Io::failed) {
            close(&c);
            return;
        }
    }
    const bool pending = c.sent < c.out.size();
    // A client that shut its side gets what it asked for, then the close.
    if (!pending && (c.close_after || (c.peer_done && answered == 0))) {
        if (!c.peer_done) discard_input(c.fd);
        close(&c);
        return;
    }
    // Buffers held while the connection waits: what the socket has not
    // taken yet and the bytes of requests not answered yet, no more.
    if (pending && c.sent > 0) c.out.erase(0, c.sent);
    c.sent = 0;
    c.out.shrink_to_fit();
    if (c.in.empty()) std::string().swap(c.in);
    else if (c.in.capacity() > c.in.size() + kReadChunk) c.in.shrink_to_fit();
    arm(c, answered == kTurn && !c.close_after);
}

bool EventServer::Engine::answer(Connection& c) {
    // RFC 9112 2.2: empty lines before a request line are ignored.
    std::size_t empty_lines = 0;
    while (c.scanned == 0 && c.in.compare(empty_lines, 2, "\r\n") == 0) empty_lines += 2;
    c.in.erase(0, empty_lines);
    if (c.in.empty()) return false;
    std::size_t from = c.scanned > 3 ? c.scanned - 3 : 0;
    std::size_t end = c.in.find("\r\n\r\n", from);
    auto reject = [&](int status, const char* reason, const char* message) {
        counters_.bad_framing.fetch_add(1, std::memory_order_relaxed);
        c.out += plain_response(status, reason, message, false);
        c.close_after = true;
        return true;
    };
    if (end == std::string::npos) {
        c.scanned = c.in.size();
        if (c.in.size() > limits_.max_header_bytes)
            return reject(431, "Request Header Fields Too Large", "request headers too large");
        return false;
    }
    const std::size_t header_bytes = end + 4;
    if (header_bytes > limits_.max_header_bytes)
        return reject(431, "Request Header Fields Too Large", "request headers too large");
    const auto framing = check_framing(std::string_view(c.in.data(), end + 2));
    if (framing.status != 0) return reject(framing.status, "Bad Request", framing.message);
    if (framing.body > limits_.max_body_bytes) return reject(413, "Payload Too Large", "request body too large");
    const std::size_t total = header_bytes + framing.body;
    if (c.in.size() < total) return false;
    if (c.refuse != Refusal::none) return refuse(c);
    const bool close_connection = draining_.load(std::memory_order_relaxed) ||
                                  ++c.requests >= limits_.requests_per_connection;
    bool closed = close_connection;
    BufferStream stream(c.in.data(), total, c.out, c.fd, c.remote_ip, c.remote_port, c.local_ip, c.local_port);
    t_request_start = Clock::now();
    counters_.in_flight.fetch_add(1, std::memory_order_relaxed);
    bool ok = process_request(stream, close_connection, closed, [](httplib::Request&) {});
    counters_.in_flight.fetch_sub(1, std::memory_order_relaxed);
    if (!ok || closed) c.close_after = true;
    c.in.erase(0, total);
    c.scanned = 0;
    c.request_started = c.in.empty() ? 0 : now_ms();
    return true;
}

bool EventServer::Engine::refuse(Connection& c) {
    const bool client = c.refuse == Refusal::client_full;
    (client ? counters_.refused_client : counters_.refused).fetch_add(1, std::memory_order_relaxed);
    c.out += plain_response(503, "Service Unavailable",
                            client ? "too many connections from this client, retry shortly"
                                   : "too many connections, retry shortly",
                            true);
    c.close_after = true;
    return true;
}

void EventServer::Engine::arm(Connection& c, bool more) {
    // Requests already read wait for no new bytes: a writable socket wakes them.
    const bool pending = c.sent < c.out.size() || more;
    const std::int64_t now = now_ms();
    ConnState state;
    std::int64_t deadline;
    if (pending) {
        state = ConnState::writing;
        deadline = now + limits_.write_timeout.count();
    } else if (!c.in.empty()) {
        state = ConnState::partial;
        deadline = c.request_started + limits_.header_timeout.count();
    } else {
        state = ConnState::idle;
        deadline = now + (c.requests == 0 ? limits_.header_timeout : limits_.keep_alive_timeout).count();
    }
    epoll_event ev{};
    ev.events = (pending ? EPOLLOUT : EPOLLIN) | EPOLLONESHOT;
    ev.data.ptr = &c;
    bool armed = false;
    {
        // Once the socket is armed another worker may own the connection: it
        // takes it after this block (Connection::handover), and nothing of it
        // is touched here after, unless arming failed (then no one else can
        // have it).
        std::lock_guard handover(c.handover);
        c.deadline = deadline;
        c.state = state;
        armed = epoll_ctl(epoll_, EPOLL_CTL_MOD, c.fd, &ev) == 0;
    }
    if (!armed) close(&c);
}

void EventServer::Engine::close(Connection* c) {
    {
        std::lock_guard lock(table_mutex_);
        table_.erase(c);
        if (auto it = per_client_.find(c->client); it != per_client_.end() && --it->second == 0) per_client_.erase(it);
    }
    epoll_ctl(epoll_, EPOLL_CTL_DEL, c->fd, nullptr);
    ::close(c->fd);
    delete c;
    counters_.open.fetch_sub(1, std::memory_order_relaxed);
    closed_.fetch_add(1, std::memory_order_relaxed);
}

// Called with table_mutex_ held, so the socket is still open. Shutting the
// socket down wakes the worker-free connection in the epoll set; the worker
// that takes it answers 408 or closes it. False if it was already expired.
bool EventServer::Engine::expire(Connection& c) {
    if (c.expired.exchange(true)) return false;
    ::shutdown(c.fd, c.state == ConnState::writing ? SHUT_RDWR : SHUT_RD);
    return true;
}

void EventServer::Engine::sweep() {
    while (!stopping_.load(std::memory_order_relaxed)) {
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
        const std::int64_t now = now_ms();
        const bool draining = draining_.load(std::memory_order_relaxed);
        std::lock_guard lock(table_mutex_);
        for (auto* c : table_) {
            std::int64_t deadline = c->deadline.load(std::memory_order_relaxed);
            if (deadline == kNoDeadline) continue;  // a worker has it
            auto state = c->state.load(std::memory_order_relaxed);
            if (now >= deadline) {
                if (expire(*c)) counters_.timed_out.fetch_add(1, std::memory_order_relaxed);
            } else if (draining && (state == ConnState::idle || state == ConnState::partial)) {
                expire(*c);
            }
        }
    }
}

bool EventServer::Engine::drain(std::chrono::milliseconds deadline) {
    draining_ = true;
    const auto until = Clock::now() + deadline;
    bool clean = false;
    while (Clock::now() < until) {
        {
            std::lock_guard lock(table_mutex_);
            if (table_.empty()) {
                clean = true;
                break;
            }
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    stopping_ = true;
    for (auto& t : workers_)
        if (t.joinable()) t.join();
    workers_.clear();
    if (sweeper_.joinable()) sweeper_.join();
    std::lock_guard lock(table_mutex_);
    for (auto* c : table_) {
        ::close(c->fd);
        delete c;
        counters_.open.fetch_sub(1, std::memory_order_relaxed);
    }
    table_.clear();
    per_client_.clear();
    return clean;
}

FileLimit raise_file_limit() {
    FileLimit out;
    rlimit limit{};
    if (getrlimit(RLIMIT_NOFILE, &limit) != 0) return out;
    out.before = limit.rlim_cur;
    if (limit.rlim_cur < limit.rlim_max) {
        limit.rlim_cur = limit.rlim_max;
        if (setrlimit(RLIMIT_NOFILE, &limit) != 0) getrlimit(RLIMIT_NOFILE, &limit);
    }
    out.now = limit.rlim_cur;
    return out;
}

// ---- EventServer: our types over the Engine -----------------------------------

namespace {

HttpRequest to_request(const httplib::Request& req) {
    HttpRequest out;
    out.method = req.method;
    out.path = req.path;
    out.params = req.params;
    out.headers.assign(req.headers.begin(), req.headers.end());
    out.remote_address = req.remote_addr;
    return out;
}

// The body is moved, not copied as Response::set_content would.
void write_response(HttpResponse&& from, httplib::Response& res) {
    res.status = from.status;
    res.body = std::move(from.body);
    res.set_header("Content-Type", from.content_type);
    for (const auto& [name, value] : from.headers) res.set_header(name, value);
}

}  // namespace

EventServer::EventServer(ConnectionLimits limits) : engine_(std::make_unique<Engine>(std::move(limits))) {}

EventServer::~EventServer() = default;

void EventServer::get(const std::string& path, Handler handler) {
    engine_->Get(path, [handler = std::move(handler)](const httplib::Request& req, httplib::Response& res) {
        HttpResponse response;
        handler(to_request(req), response);
        write_response(std::move(response), res);
    });
}

void EventServer::options(const std::string& pattern, Handler handler) {
    engine_->Options(pattern, [handler = std::move(handler)](const httplib::Request& req, httplib::Response& res) {
        HttpResponse response;
        handler(to_request(req), response);
        write_response(std::move(response), res);
    });
}

void EventServer::after_routing(Handler handler) {
    engine_->set_post_routing_handler([handler = std::move(handler)](const httplib::Request& req, httplib::Response& res) {
        HttpResponse extra;
        extra.status = res.status;
        handler(to_request(req), extra);
        for (const auto& [name, value] : extra.headers) res.set_header(name, value);
    });
}

void EventServer::on_error(Handler handler) {
    // cpp-httplib calls this for every status >= 400: bodies already written are kept.
    engine_->set_error_handler([handler = std::move(handler)](const httplib::Request& req, httplib::Response& res) {
        if (!res.body.empty()) return;
        HttpResponse response;
        response.status = res.status;
        handler(to_request(req), response);
        write_response(std::move(response), res);
    });
}

void EventServer::on_exception(ExceptionHandler handler) {
    engine_->set_exception_handler(
        [handler = std::move(handler)](const httplib::Request& req, httplib::Response& res, std::exception_ptr ep) {
            std::string what = "unknown exception";
            try {
                std::rethrow_exception(ep);
            } catch (const std::exception& e) {
                what = e.what();
            } catch (...) {
            }
            HttpResponse response;
            handler(to_request(req), response, what);
            write_response(std::move(response), res);
        });
}

void EventServer::on_answered(Logger logger) {
    engine_->set_logger([logger = std::move(logger)](const httplib::Request& req, const httplib::Response& res) {
        logger(to_request(req), res.status, res.body.size());
    });
}

Result<int> EventServer::bind(const std::string& host, int port) {
    // Small answers must not wait for Nagle's algorithm (40 ms per request).
    engine_->set_tcp_nodelay(true);
    engine_->set_socket_options([engine = engine_.get()](socket_t socket) {
        httplib::default_socket_options(socket);
        engine->listen_socket = socket;
    });
    if (port == 0) {
        port = engine_->bind_to_any_port(host);
        if (port < 0) return Error{Errc::bad_input, "cannot listen on " + host};
    } else if (!engine_->bind_to_port(host, port)) {
        return Error{Errc::bad_input, "cannot listen on " + host + ":" + std::to_string(port) + " (in use?)"};
    }
    // cpp-httplib listens with a backlog of 5, compiled in: connections
    // beyond it wait for TCP's one-second retry. listen() again raises it.
    if (engine_->listen_socket >= 0) ::listen(engine_->listen_socket, SOMAXCONN);
    return port;
}

bool EventServer::listen() {
    engine_->start();
    return engine_->listen_after_bind();
}

void EventServer::stop() { engine_->stop(); }

bool EventServer::is_running() const { return engine_->is_running(); }

bool EventServer::drain(std::chrono::milliseconds deadline) { return engine_->drain(deadline); }

const ConnectionCounters& EventServer::counters() const { return engine_->counters(); }

const ConnectionLimits& EventServer::limits() const { return engine_->limits(); }

std::string HttpRequest::header(std::string_view name) const {
    for (const auto& [key, value] : headers)
        if (key.size() == name.size() &&
            std::equal(key.begin(), key.end(), name.begin(), [](char a, char b) {
                return std::tolower(static_cast<unsigned char>(a)) == std::tolower(static_cast<unsigned char>(b));
            }))
            return value;
    return {};
}

}  // namespace medsearch
