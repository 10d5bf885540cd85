#include "medsearch/server/http.hpp"

#include "medsearch/common/log.hpp"
#include "medsearch/common/text.hpp"
#include "medsearch/server/json.hpp"
#include "medsearch/server/web_assets.hpp"

#include <sys/socket.h>

#include <charconv>

namespace medsearch {
namespace {

// A connection holds its worker until it closes: after this many requests it
// goes to the back of the queue, so that hundreds of open connections share
// the workers without any waiting seconds.
constexpr std::size_t kRequestsPerConnection = 10;

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

void send(httplib::Response& res, const HttpResponse& response) {
    res.status = response.status;
    res.set_content(response.body, response.content_type.c_str());
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
    std::unique_ptr<HttpServer> server(new HttpServer(options));
    server->watcher_ = std::move(watcher.value());
    server->pool_ = std::make_unique<SearcherPool>(options.search);
    if (options.cache_bytes > 0) server->cache_ = std::make_unique<ResponseCache>(options.cache_bytes);
    server->install_routes();
    return server;
}

HttpServer::HttpServer(const ServerOptions& options) : options_(options) {}

HttpServer::~HttpServer() { stop(); }

void HttpServer::install_routes() {
    const int threads = options_.threads;
    server_.new_task_queue = [threads] { return new httplib::ThreadPool(static_cast<std::size_t>(threads)); };
    // cpp-httplib gives each connection a worker thread until it closes: a
    // short keep-alive stops idle browser connections from holding workers,
    // and a few requests per connection let waiting connections in.
    server_.set_keep_alive_max_count(kRequestsPerConnection);
    server_.set_keep_alive_timeout(1);
    // Small answers must not wait for Nagle's algorithm (40 ms per request).
    server_.set_tcp_nodelay(true);
    // The listening socket, to raise its backlog after bind (below).
    server_.set_socket_options([this](socket_t socket) {
        httplib::default_socket_options(socket);
        listen_socket_ = socket;
    });
    server_.set_payload_max_length(64 * 1024);

    auto with_searcher = [this](auto handler) {
        return [this, handler](const httplib::Request& req, httplib::Response& res) {
            // The same request on the same generation gets the same answer.
            auto snapshot = watcher_->latest();
            std::string key;
            if (cache_) {
                key = snapshot->generation().name + " " + req.path;
                for (const auto& [name, value] : req.params) key += "\x1f" + name + "=" + value;
                if (auto body = cache_->get(key)) {
                    res.set_content(*body, "application/json");
                    return;
                }
            }
            auto lease = pool_->acquire(snapshot);
            if (!lease) {
                send(res, error_response(lease.error()));
                return;
            }
            auto response = handler(req.params, *lease.value());
            if (cache_ && response.status == 200) cache_->put(key, response.body);
            send(res, response);
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
    if (options_.access_log)
        server_.set_logger([](const httplib::Request& req, const httplib::Response& res) {
            log_info("http", req.method + " " + req.target + " " + std::to_string(res.status));
        });
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
    if (!server_.listen_after_bind()) return Error{Errc::internal, "the HTTP server stopped with an error"};
    return Ok{};
}

void HttpServer::stop() { server_.stop(); }

bool HttpServer::is_running() const { return server_.is_running(); }

}  // namespace medsearch
