#include "medsearch/server/http.hpp"

#include "medsearch/common/log.hpp"
#include "medsearch/common/text.hpp"
#include "medsearch/server/json.hpp"
#include "medsearch/server/web_assets.hpp"

#include <sys/resource.h>
#include <sys/socket.h>

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

HttpResponse error_response(const Error& error) {
    int status = error.code == Errc::bad_input ? 400 : error.code == Errc::not_found ? 404 : 500;
    // Details of internal failures go to the log, not to the client.
    if (status == 500) log_error("http", error.message);
    return {status, error_json(status, status == 500 ? "internal error" : error.message)};
}

Result<unsigned> unsigned_param(const httplib::Params& params, const char* name, unsigned fallback) {
    auto it = params.find(name);
    if (it == params.end()) return fallback;
    const auto& text = it->second;
    unsigned value = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (text.empty() || ec != std::errc{} || end != text.data() + text.size())
        return Error{Errc::bad_input, std::string(name) + " must be a whole number, got '" + text + "'"};
    return value;
}

Result<std::string> query_param(const httplib::Params& params) {
    auto it = params.find("q");
    if (it == params.end()) return Error{Errc::bad_input, "missing query parameter 'q'"};
    return it->second;
}

bool flag_param(const httplib::Params& params, const char* name) {
    auto it = params.find(name);
    return it != params.end() && (it->second == "1" || it->second == "true");
}

// The body is moved, not copied as Response::set_content would.
void send(httplib::Response& res, HttpResponse&& response) {
    res.status = response.status;
    res.body = std::move(response.body);
    res.set_header("Content-Type", response.content_type);
}

}  // namespace

// ---- IndexWatcher -------------------------------------------------------------

Result<std::unique_ptr<IndexWatcher>> IndexWatcher::start(std::filesystem::path index_dir,
                                                          std::chrono::milliseconds interval) {
    auto opened = open_current_index(index_dir);
    if (!opened) return opened.error();
    auto snapshot = Snapshot::load(opened.value().db, opened.value().generation);
    if (!snapshot) return snapshot.error();
    return std::unique_ptr<IndexWatcher>(new IndexWatcher(std::move(index_dir), snapshot.value(), interval));
}

IndexWatcher::IndexWatcher(std::filesystem::path index_dir, std::shared_ptr<const Snapshot> first,
                           std::chrono::milliseconds interval)
    : index_dir_(std::move(index_dir)), latest_(std::move(first)), interval_(interval) {
    thread_ = std::thread([this] {
        std::unique_lock lock(stop_mutex_);
        while (!stop_signal_.wait_for(lock, interval_, [this] { return stopping_; })) {
            lock.unlock();
            refresh();
            lock.lock();
        }
    });
}

IndexWatcher::~IndexWatcher() {
    {
        std::lock_guard lock(stop_mutex_);
        stopping_ = true;
    }
    stop_signal_.notify_all();
    if (thread_.joinable()) thread_.join();
}

std::shared_ptr<const Snapshot> IndexWatcher::latest() const {
    std::lock_guard lock(mutex_);
    return latest_;
}

void IndexWatcher::refresh() {
    auto current = read_current_generation(index_dir_);
    if (!current || current.value().name == latest()->generation().name) return;
    auto opened = open_current_index(index_dir_);
    if (opened && opened.value().generation.name == latest()->generation().name) return;  // CURRENT dangles
    if (!opened) {
        log_warn("index", "cannot open the new index, still serving " + latest()->generation().name + ": " +
                              opened.error().message);
        return;
    }
    auto snapshot = Snapshot::load(opened.value().db, opened.value().generation);
    if (!snapshot) {
        log_warn("index", "cannot load the new index, still serving " + latest()->generation().name + ": " +
                              snapshot.error().message);
        return;
    }
    log_info("index", "now serving " + snapshot.value()->generation().name + " (" +
                          std::to_string(snapshot.value()->catalog().size()) + " pages)");
    std::lock_guard lock(mutex_);
    latest_ = snapshot.value();
}

// ---- SearcherPool -------------------------------------------------------------

SearcherPool::SearcherPool(SearchSettings settings) : settings_(std::move(settings)) {}

SearcherPool::Lease::Lease(SearcherPool& pool, std::unique_ptr<Searcher> searcher)
    : pool_(&pool), searcher_(std::move(searcher)) {}

SearcherPool::Lease::~Lease() {
    if (!searcher_) return;
    std::lock_guard lock(pool_->mutex_);
    pool_->idle_.push_back(std::move(searcher_));
}

Result<SearcherPool::Lease> SearcherPool::acquire(const std::shared_ptr<const Snapshot>& snapshot) {
    std::unique_ptr<Searcher> searcher;
    {
        std::lock_guard lock(mutex_);
        if (!idle_.empty()) {
            searcher = std::move(idle_.back());
            idle_.pop_back();
        }
    }
    if (!searcher) {
        try {
            searcher = std::make_unique<Searcher>(snapshot, settings_);
        } catch (const Xapian::Error& e) {
            return Error{Errc::index, e.get_description()};
        }
    } else {
        auto switched = searcher->use(snapshot);
        if (!switched) return switched.error();
    }
    return Lease(*this, std::move(searcher));
}

// ---- handlers -------------------------------------------------------------------

HttpResponse handle_search(const httplib::Params& params, Searcher& searcher) {
    SearchRequest request;
    auto q = query_param(params);
    if (!q) return error_response(q.error());
    request.query = q.value();
    auto limit = unsigned_param(params, "limit", 10);
    if (!limit) return error_response(limit.error());
    auto offset = unsigned_param(params, "offset", 0);
    if (!offset) return error_response(offset.error());
    request.limit = limit.value();
    request.offset = offset.value();
    request.explain = flag_param(params, "explain");
    auto page = searcher.search(request);
    if (!page) return error_response(page.error());
    return {200, to_json(page.value())};
}

HttpResponse handle_suggest(const httplib::Params& params, Searcher& searcher) {
    SuggestRequest request;
    auto q = query_param(params);
    if (!q) return error_response(q.error());
    request.query = q.value();
    auto limit = unsigned_param(params, "limit", 8);
    if (!limit) return error_response(limit.error());
    request.limit = limit.value();
    auto page = searcher.suggest(request);
    if (!page) return error_response(page.error());
    return {200, to_json(page.value())};
}

// ---- HttpServer -----------------------------------------------------------------

Result<std::unique_ptr<HttpServer>> HttpServer::create(const ServerOptions& options) {
    auto watcher = IndexWatcher::start(options.index_dir, options.reload_interval);
    if (!watcher) return watcher.error();
    std::unique_ptr<HttpServer> server(new HttpServer(options, connection_limits(options)));
    server->watcher_ = std::move(watcher.value());
    server->pool_ = std::make_unique<SearcherPool>(options.search);
    if (options.cache_bytes > 0) server->cache_ = std::make_unique<ResponseCache>(options.cache_bytes);
    server->install_routes();
    return server;
}

HttpServer::HttpServer(const ServerOptions& options, ConnectionLimits limits)
    : options_(options), server_(limits) {}

HttpServer::~HttpServer() { stop(); }

void HttpServer::install_routes() {
    // Small answers must not wait for Nagle's algorithm (40 ms per request).
    server_.set_tcp_nodelay(true);
    // The listening socket, to raise its backlog after bind (below).
    server_.set_socket_options([this](socket_t socket) {
        httplib::default_socket_options(socket);
        listen_socket_ = socket;
    });

    auto with_searcher = [this](auto handler) {
        return [this, handler](const httplib::Request& req, httplib::Response& res) {
            // The same request on the same generation gets the same answer.
            auto snapshot = watcher_->latest();
            std::string key;
            if (cache_) {
                key = snapshot->generation().name + " " + req.path;
                for (const auto& [name, value] : req.params) key += "\x1f" + name + "=" + value;
                if (auto body = cache_->get(key)) {
                    metrics_.cache_hit();
                    res.set_content(*body, "application/json");
                    return;
                }
                metrics_.cache_miss();
            }
            auto lease = pool_->acquire(snapshot);
            if (!lease) {
                send(res, error_response(lease.error()));
                return;
            }
            auto response = handler(req.params, *lease.value());
            if (cache_ && response.status == 200) cache_->put(key, response.body);
            send(res, std::move(response));
        };
    };
    server_.Get("/search", with_searcher(handle_search));
    server_.Get("/suggest", with_searcher(handle_suggest));
    server_.Get("/healthz", [this](const httplib::Request&, httplib::Response& res) {
        auto snapshot = watcher_->latest();
        std::string body = "{\"status\":\"ok\",\"generation\":\"" + snapshot->generation().name +
                           "\",\"pages\":" + std::to_string(snapshot->catalog().size()) + "}";
        res.set_content(body, "application/json");
    });
    server_.Get("/metrics", [this](const httplib::Request&, httplib::Response& res) {
        res.set_content(metrics_text(), "text/plain; version=0.0.4; charset=utf-8");
    });
    for (const auto& asset : web_assets()) {
        std::string body(asset.bytes);
        if (asset.route == "/" && !options_.site_url.empty()) {
            // The search page links results to the site, not to this server.
            const std::string tag = "<script src=\"/medsearch.js\"";
            if (auto at = body.find(tag); at != std::string::npos)
                body.insert(at + tag.size(), " data-site=\"" + html_escape(options_.site_url) + "\"");
        }
        auto serve = [body, type = std::string(asset.content_type)](const httplib::Request&, httplib::Response& res) {
            res.set_header("Cache-Control", "public, max-age=300");
            res.set_content(body, type.c_str());
        };
        server_.Get(std::string(asset.route), serve);
    }

    // CORS: only the configured origins may call the API from a browser.
    auto allowed = [this](const std::string& origin) {
        for (const auto& o : options_.cors_origins)
            if (o == "*" || o == origin) return true;
        return false;
    };
    server_.set_post_routing_handler([allowed](const httplib::Request& req, httplib::Response& res) {
        auto origin = req.get_header_value("Origin");
        if (!origin.empty() && allowed(origin)) {
            res.set_header("Access-Control-Allow-Origin", origin);
            res.set_header("Vary", "Origin");
        }
    });
    server_.Options(".*", [allowed](const httplib::Request& req, httplib::Response& res) {
        auto origin = req.get_header_value("Origin");
        if (origin.empty() || !allowed(origin)) {
            res.status = 403;
            res.set_content(error_json(403, "origin not allowed"), "application/json");
            return;
        }
        res.status = 204;
        res.set_header("Access-Control-Allow-Methods", "GET, OPTIONS");
        res.set_header("Access-Control-Allow-Headers", "Content-Type");
        res.set_header("Access-Control-Max-Age", "600");
    });

    server_.set_exception_handler([](const httplib::Request& req, httplib::Response& res, std::exception_ptr ep) {
        std::string what = "unknown exception";
        try {
            std::rethrow_exception(ep);
        } catch (const std::exception& e) {
            what = e.what();
        } catch (...) {
        }
        log_error("http", req.method + " " + req.path + ": " + what);
        res.status = 500;
        res.set_content(error_json(500, "internal error"), "application/json");
    });
    // cpp-httplib calls this for every status >= 400: keep bodies already written.
    server_.set_error_handler([](const httplib::Request&, httplib::Response& res) {
        if (res.body.empty())
            res.set_content(error_json(res.status, res.status == 404 ? "no such route" : "request failed"),
                            "application/json");
    });
    // Called by cpp-httplib once the answer is written, on the worker's thread.
    server_.set_logger([this](const httplib::Request& req, const httplib::Response& res) {
        double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - current_request_start()).count();
        auto route = Metrics::route_index(req.path);
        metrics_.record(route, res.status, seconds);
        if (!options_.access_log) return;
        // The route, not the query: queries are what people typed.
        std::string_view path = Metrics::kRoutes[route] == "other" ? std::string_view(req.path).substr(0, 128)
                                                                     : Metrics::kRoutes[route];
        std::string client = client_address(req);
        char line[512];
        std::snprintf(line, sizeof line, "%s %s %.*s %d %.2f ms %zu B", client.c_str(), req.method.c_str(),
                      static_cast<int>(path.size()), path.data(), res.status, seconds * 1000, res.body.size());
        log_info("http", line);
    });
}

std::string HttpServer::client_address(const httplib::Request& req) const {
    bool trusted = false;
    for (const auto& proxy : options_.trusted_proxies)
        if (proxy == req.remote_addr) trusted = true;
    if (trusted) {
        auto real = req.get_header_value("X-Real-IP");
        if (!real.empty() && real.size() <= 64) return real;
        // The last address is the one the trusted proxy saw; earlier ones the client wrote.
        auto forwarded = req.get_header_value("X-Forwarded-For");
        if (auto comma = forwarded.rfind(','); comma != std::string::npos) forwarded.erase(0, comma + 1);
        while (!forwarded.empty() && forwarded.front() == ' ') forwarded.erase(0, 1);
        if (!forwarded.empty() && forwarded.size() <= 64) return forwarded;
    }
    return req.remote_addr;
}

std::string HttpServer::metrics_text() const {
    std::string out;
    out.reserve(16384);
    metrics_.render(out);
    const auto& c = server_.counters();
    auto snapshot = watcher_->latest();
    const auto& generation = snapshot->generation().name;
    double age = -1;
    std::error_code ec;
    auto published = std::filesystem::last_write_time(options_.index_dir / generation, ec);
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
        server_.limits().max_connections, server_.limits().workers, static_cast<unsigned long long>(c.accepted.load()),
        static_cast<unsigned long long>(c.refused.load()), static_cast<unsigned long long>(c.timed_out.load()),
        generation.c_str(), generation_number, age, snapshot->catalog().size(), cache_ ? cache_->bytes() : 0);
    out += text;
    return out;
}

Result<int> HttpServer::bind() {
    int port = options_.port;
    if (port == 0) {
        port = server_.bind_to_any_port(options_.host);
        if (port < 0) return Error{Errc::bad_input, "cannot listen on " + options_.host};
    } else if (!server_.bind_to_port(options_.host, port)) {
        return Error{Errc::bad_input,
                     "cannot listen on " + options_.host + ":" + std::to_string(port) + " (in use?)"};
    }
    // cpp-httplib listens with a backlog of 5, compiled in: connections
    // beyond it wait for TCP's one-second retry. listen() again raises it.
    if (listen_socket_ != INVALID_SOCKET) ::listen(listen_socket_, SOMAXCONN);
    return port;
}

Status HttpServer::run() {
    server_.start();
    bool listened = server_.listen_after_bind();
    auto in_flight = server_.counters().in_flight.load();
    if (!server_.drain(options_.drain_timeout))
        log_warn("http", "stopped after " + std::to_string(options_.drain_timeout.count()) +
                             " ms with connections still busy (closed); " + std::to_string(in_flight) +
                             " requests were in flight at the stop");
    if (!listened) return Error{Errc::internal, "the HTTP server stopped with an error"};
    return Ok{};
}

void HttpServer::stop() { server_.stop(); }

bool HttpServer::is_running() const { return server_.is_running(); }

}  // namespace medsearch
