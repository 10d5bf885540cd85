// HttpServer: the parts of a server, started and stopped.
#include "http/parts.hpp"

#include "medsearch/common/log.hpp"

#include <sys/resource.h>

#include <charconv>
#include <cstdio>

namespace medsearch {
namespace {

// File descriptors kept back from connections: the searchers' index files,
// logs, the listening socket.
constexpr std::uint64_t kReservedFiles = 64;
constexpr std::uint64_t kFilesPerSearcher = 16;

ConnectionLimits connection_limits(const ServerOptions& options) {
    ConnectionLimits limits;
    limits.workers = static_cast<std::size_t>(std::max(1, options.threads));
    limits.header_timeout = options.header_timeout;
    limits.keep_alive_timeout = options.keep_alive_timeout;
    limits.write_timeout = options.write_timeout;
    limits.max_connections_per_client = static_cast<std::size_t>(std::max(0, options.max_connections_per_client));
    limits.unlimited_peers = options.trusted_proxies;
    std::uint64_t cap = static_cast<std::uint64_t>(std::max(1, options.max_connections));
    rlimit files{};
    if (getrlimit(RLIMIT_NOFILE, &files) == 0 && files.rlim_cur != RLIM_INFINITY) {
        std::uint64_t reserved = kReservedFiles + kFilesPerSearcher * limits.workers;
        std::uint64_t budget = files.rlim_cur > reserved ? files.rlim_cur - reserved : 16;
        // Room for the connections past the cap that are still answered 503.
        cap = std::min(cap, std::max<std::uint64_t>(16, budget * 4 / 5));
    }
    limits.max_connections = static_cast<std::size_t>(cap);
    return limits;
}

}  // namespace

Result<std::unique_ptr<HttpServer>> HttpServer::create(const ServerOptions& options) {
    auto watcher = IndexWatcher::start(options.index_dir, options.reload_interval);
    if (!watcher) return watcher.error();
    auto parts = std::make_unique<Parts>(options, connection_limits(options));
    parts->watcher = std::move(watcher.value());
    parts->pool = std::make_unique<SearcherPool>(options.search);
    if (options.cache_bytes > 0) parts->cache = std::make_unique<ResponseCache>(options.cache_bytes);
    if (!options.query_log.empty()) {
        QueryLogSettings settings;
        settings.file = options.query_log;
        settings.max_bytes = options.query_log_max_bytes;
        auto log = QueryLog::open(settings);
        if (!log) return log.error();
        parts->query_log = std::move(log.value());
    }
    install_routes(*parts);
    return std::unique_ptr<HttpServer>(new HttpServer(std::move(parts)));
}

HttpServer::HttpServer(std::unique_ptr<Parts> parts) : parts_(std::move(parts)) {}

HttpServer::~HttpServer() { stop(); }

Result<int> HttpServer::bind() {
    auto port = parts_->server.bind(parts_->options.host, parts_->options.port);
    // The port chosen for port 0, for what names this server's address.
    if (port) parts_->options.port = port.value();
    return port;
}

Status HttpServer::run() {
    bool listened = parts_->server.listen();
    auto in_flight = parts_->server.counters().in_flight.load();
    if (!parts_->server.drain(parts_->options.drain_timeout))
        log_warn("http", "stopped after " + std::to_string(parts_->options.drain_timeout.count()) +
                             " ms with connections still busy (closed); " + std::to_string(in_flight) +
                             " requests were in flight at the stop");
    // The searches answered until now, held or queued, are written before run() returns.
    if (parts_->query_log) parts_->query_log->close();
    if (!listened) return Error{Errc::internal, "the HTTP server stopped with an error"};
    return Ok{};
}

void HttpServer::stop() { parts_->server.stop(); }

bool HttpServer::is_running() const { return parts_->server.is_running(); }

std::string HttpServer::generation() const { return parts_->watcher->latest()->generation().name; }

void HttpServer::refresh_index() { parts_->watcher->refresh(); }

std::uint64_t HttpServer::generations_loaded() const { return parts_->watcher->loads(); }

std::size_t HttpServer::max_connections() const { return parts_->server.limits().max_connections; }

std::string HttpServer::metrics_text() const { return render_metrics(*parts_); }

std::string render_metrics(const HttpServer::Parts& parts) {
    std::string out;
    out.reserve(16384);
    parts.metrics.render(out);
    const auto& c = parts.server.counters();
    auto snapshot = parts.watcher->latest();
    const auto& generation = snapshot->generation().name;
    double age = -1;
    std::error_code ec;
    auto published = std::filesystem::last_write_time(parts.options.index_dir / generation, ec);
    if (!ec)
        age = std::chrono::duration<double>(std::filesystem::file_time_type::clock::now() - published).count();
    long long generation_number = 0;
    if (auto dash = generation.rfind('-'); dash != std::string::npos)
        std::from_chars(generation.data() + dash + 1, generation.data() + generation.size(), generation_number);
    char text[4096];
    std::snprintf(
        text, sizeof text,
        "# HELP medsearch_http_in_flight_requests Requests being answered now.\n"
        "# TYPE medsearch_http_in_flight_requests gauge\nmedsearch_http_in_flight_requests %lld\n"
        "# HELP medsearch_http_open_connections Client connections open now.\n"
        "# TYPE medsearch_http_open_connections gauge\nmedsearch_http_open_connections %lld\n"
        "# HELP medsearch_http_max_connections The cap on open connections.\n"
        "# TYPE medsearch_http_max_connections gauge\nmedsearch_http_max_connections %zu\n"
        "# HELP medsearch_http_workers Worker threads, one searcher each.\n"
        "# TYPE medsearch_http_workers gauge\nmedsearch_http_workers %zu\n"
        "# HELP medsearch_http_connections_accepted_total Connections accepted.\n"
        "# TYPE medsearch_http_connections_accepted_total counter\nmedsearch_http_connections_accepted_total %llu\n"
        "# HELP medsearch_http_connections_refused_total Connections answered 503 (over the cap or stopping).\n"
        "# TYPE medsearch_http_connections_refused_total counter\nmedsearch_http_connections_refused_total %llu\n"
        "# HELP medsearch_http_connections_refused_per_client_total Connections refused (503 or closed) over "
        "the limit per client.\n"
        "# TYPE medsearch_http_connections_refused_per_client_total counter\n"
        "medsearch_http_connections_refused_per_client_total %llu\n"
        "# HELP medsearch_http_bad_framing_total Requests refused before routing (400, 413, 431), then closed.\n"
        "# TYPE medsearch_http_bad_framing_total counter\nmedsearch_http_bad_framing_total %llu\n"
        "# HELP medsearch_http_connections_timed_out_total Connections closed by a deadline.\n"
        "# TYPE medsearch_http_connections_timed_out_total counter\nmedsearch_http_connections_timed_out_total %llu\n"
        "# HELP medsearch_index_info The generation being served.\n"
        "# TYPE medsearch_index_info gauge\nmedsearch_index_info{generation=\"%s\"} 1\n"
        "# HELP medsearch_index_generation Number of the generation being served.\n"
        "# TYPE medsearch_index_generation gauge\nmedsearch_index_generation %lld\n"
        "# HELP medsearch_index_age_seconds Time since the served generation was published.\n"
        "# TYPE medsearch_index_age_seconds gauge\nmedsearch_index_age_seconds %.1f\n"
        "# HELP medsearch_index_pages Pages in the served generation.\n"
        "# TYPE medsearch_index_pages gauge\nmedsearch_index_pages %zu\n"
        "# HELP medsearch_cache_bytes Bytes held by the response cache.\n"
        "# TYPE medsearch_cache_bytes gauge\nmedsearch_cache_bytes %zu\n",
        static_cast<long long>(c.in_flight.load()), static_cast<long long>(c.open.load()),
        parts.server.limits().max_connections, parts.server.limits().workers, static_cast<unsigned long long>(c.accepted.load()),
        static_cast<unsigned long long>(c.refused.load()), static_cast<unsigned long long>(c.refused_client.load()),
        static_cast<unsigned long long>(c.bad_framing.load()), static_cast<unsigned long long>(c.timed_out.load()),
        generation.c_str(), generation_number, age, snapshot->pages().size(), parts.cache ? parts.cache->bytes() : 0);
    out += text;
    if (parts.query_log) {
        std::snprintf(text, sizeof text,
                      "# HELP medsearch_query_log_written_total Searches written to the query log.\n"
                      "# TYPE medsearch_query_log_written_total counter\nmedsearch_query_log_written_total %llu\n"
                      "# HELP medsearch_query_log_dropped_total Searches not logged: the writer's queue was full or the "
                      "file could not be written.\n"
                      "# TYPE medsearch_query_log_dropped_total counter\nmedsearch_query_log_dropped_total %llu\n",
                      static_cast<unsigned long long>(parts.query_log->written()),
                      static_cast<unsigned long long>(parts.query_log->dropped()));
        out += text;
    }
    return out;
}

}  // namespace medsearch
