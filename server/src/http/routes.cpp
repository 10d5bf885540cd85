// The routes of the API and the web files, over our own request and response
// types (connections.hpp).
#include "http/opensearch.hpp"
#include "http/parts.hpp"
#include "http/web_assets.hpp"

#include "medsearch/common/log.hpp"
#include "medsearch/common/text.hpp"
#include "medsearch/server/json.hpp"

#include <chrono>
#include <cstdio>
#include <functional>
#include <optional>

namespace medsearch {
namespace {

// Bytes a client chose (path, method, forwarded address) as one line of
// printable text: a log line stays one line and sends no terminal escapes.
std::string printable(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    for (char ch : text) {
        auto byte = static_cast<unsigned char>(ch);
        if (byte >= 0x20 && byte < 0x7f && ch != '\\') {
            out += ch;
        } else {
            char escaped[5];
            std::snprintf(escaped, sizeof escaped, "\\x%02x", static_cast<unsigned>(byte));
            out += escaped;
        }
    }
    return out;
}

// The client a request came from: the peer, or behind a trusted proxy the
// address it names.
std::string client_address(const HttpRequest& req, const ServerOptions& options) {
    bool trusted = false;
    for (const auto& proxy : options.trusted_proxies)
        if (proxy == req.remote_address) trusted = true;
    if (trusted) {
        auto real = req.header("X-Real-IP");
        if (!real.empty() && real.size() <= 64) return real;
        // The last address is the one the trusted proxy saw; earlier ones the client wrote.
        auto forwarded = req.header("X-Forwarded-For");
        if (auto comma = forwarded.rfind(','); comma != std::string::npos) forwarded.erase(0, comma + 1);
        while (!forwarded.empty() && forwarded.front() == ' ') forwarded.erase(0, 1);
        if (!forwarded.empty() && forwarded.size() <= 64) return forwarded;
    }
    return req.remote_address;
}

// What the query log and the metrics keep of a search answer: nothing of the client.
LoggedSearch logged_search(const SearchPage& page) {
    LoggedSearch search;
    search.query = page.query;
    search.total = page.total;
    search.corrected = page.corrected;
    for (const auto& offered : page.did_you_mean) search.did_you_mean.push_back(offered.text);
    if (page.topic) search.topic = page.topic->label;
    search.took_ms = page.took_ms;
    return search;
}

// A search answered, by a searcher or from the cache: every one with no
// result is counted; the query log gets the first page of results only (the
// next pages are the same search).
void count_search(HttpServer::Parts& parts, const HttpRequest& req, LoggedSearch search) {
    if (search.total == 0) parts.metrics.zero_result_search();
    if (!parts.query_log) return;
    auto offset = req.params.find("offset");
    if (offset != req.params.end() && offset->second != "0") return;
    search.time = utc_timestamp(std::chrono::system_clock::now());
    auto client = client_key(client_address(req, parts.options), req.header("User-Agent"));
    (void)parts.query_log->record(client, std::move(search));
}

// A route's handler given a leased searcher; it sets `search` when it answers a search.
using ApiHandler = std::function<HttpResponse(const QueryParams&, Searcher&, std::optional<LoggedSearch>& search)>;

// Which build answered: replicas behind a load balancer are told apart by it.
void name_build(HttpResponse& res, const Snapshot& snapshot) {
    res.headers.emplace_back("X-Medsearch-Build", snapshot.build_id());
    res.headers.emplace_back("X-Medsearch-Generation", snapshot.generation().name);
}

// /search and /suggest on `snapshot`: a searcher on it, or the same request
// on it answered from the cache (with what the query log needs of the answer).
void answer_on(HttpServer::Parts& parts, const std::shared_ptr<const Snapshot>& snapshot, const HttpRequest& req,
               HttpResponse& res, std::optional<LoggedSearch>& search, const ApiHandler& handler) {
    std::string key;
    if (parts.cache) {
        key = snapshot->generation().name + " " + req.path;
        for (const auto& [name, value] : req.params) key += "\x1f" + name + "=" + value;
        if (auto body = parts.cache->get(key, &search)) {
            parts.metrics.cache_hit();
            res.body = std::move(*body);
            return;
        }
        parts.metrics.cache_miss();
    }
    auto lease = parts.pool->acquire(snapshot);
    if (!lease) {
        res = error_response(lease.error());
        return;
    }
    res = handler(req.params, *lease.value(), search);
    // The cache keeps bodies only: answers of another type are not kept.
    if (parts.cache && res.status == 200 && res.content_type == HttpResponse{}.content_type)
        parts.cache->put(key, res.body, search);
}

// The generation being served answers, and the answer says which it was.
void answer_with_searcher(HttpServer::Parts& parts, const HttpRequest& req, HttpResponse& res,
                          std::optional<LoggedSearch>& search, const ApiHandler& handler) {
    auto snapshot = parts.watcher->latest();
    answer_on(parts, snapshot, req, res, search, handler);
    name_build(res, *snapshot);
}

void install_api(HttpServer::Parts& parts) {
    parts.server.get("/search", [&parts](const HttpRequest& req, HttpResponse& res) {
        std::optional<LoggedSearch> search;
        answer_with_searcher(parts, req, res, search,
                             [](const QueryParams& params, Searcher& searcher, std::optional<LoggedSearch>& out) {
                                 return handle_search(params, searcher,
                                                      [&out](const SearchPage& page) { out = logged_search(page); });
                             });
        if (search) count_search(parts, req, std::move(*search));
    });
    // Completions of what is being typed: never counted or logged.
    parts.server.get("/suggest", [&parts](const HttpRequest& req, HttpResponse& res) {
        std::optional<LoggedSearch> none;
        answer_with_searcher(parts, req, res, none,
                             [](const QueryParams& params, Searcher& searcher, std::optional<LoggedSearch>&) {
                                 return handle_suggest(params, searcher);
                             });
    });
}

void install_status(HttpServer::Parts& parts) {
    parts.server.get("/healthz", [&parts](const HttpRequest&, HttpResponse& res) {
        auto snapshot = parts.watcher->latest();
        res.body = "{\"status\":\"ok\",\"generation\":\"" + snapshot->generation().name + "\",\"build\":\"" +
                   snapshot->build_id() + "\",\"pages\":" + std::to_string(snapshot->pages().size()) + "}";
        name_build(res, *snapshot);
    });
    parts.server.get("/metrics", [&parts](const HttpRequest&, HttpResponse& res) {
        res.body = render_metrics(parts);
        res.content_type = "text/plain; version=0.0.4; charset=utf-8";
    });
}

// The search page and the widget, built into the program.
void install_web_files(HttpServer::Parts& parts) {
    for (const auto& asset : web_assets()) {
        std::string body(asset.bytes);
        if (asset.route == "/" && !parts.options.site_url.empty()) {
            // The search page links results to the site, not to this server.
            const std::string tag = "<script src=\"/medsearch.js\"";
            if (auto at = body.find(tag); at != std::string::npos)
                body.insert(at + tag.size(), " data-site=\"" + html_escape(parts.options.site_url) + "\"");
        }
        parts.server.get(std::string(asset.route), [body, type = std::string(asset.content_type)](
                                                       const HttpRequest&, HttpResponse& res) {
            res.body = body;
            res.content_type = type;
            res.headers.emplace_back("Cache-Control", "public, max-age=300");
        });
    }
}

// A browser offers the site's search from its address bar.
void install_opensearch(HttpServer::Parts& parts) {
    parts.server.get("/opensearch.xml", [&parts](const HttpRequest& req, HttpResponse& res) {
        res.body = opensearch_description(search_short_name(parts.options), public_base_url(req, parts.options));
        res.content_type = "application/opensearchdescription+xml; charset=utf-8";
        res.headers.emplace_back("Cache-Control", "public, max-age=3600");
    });
}

// CORS: only the configured origins may call the API from a browser.
void install_cors(HttpServer::Parts& parts) {
    auto allowed = [&parts](const std::string& origin) {
        for (const auto& o : parts.options.cors_origins)
            if (o == "*" || o == origin) return true;
        return false;
    };
    parts.server.after_routing([allowed](const HttpRequest& req, HttpResponse& res) {
        auto origin = req.header("Origin");
        if (origin.empty() || !allowed(origin)) return;
        res.headers.emplace_back("Access-Control-Allow-Origin", origin);
        res.headers.emplace_back("Vary", "Origin");
    });
    parts.server.options(".*", [allowed](const HttpRequest& req, HttpResponse& res) {
        auto origin = req.header("Origin");
        if (origin.empty() || !allowed(origin)) {
            res.status = 403;
            res.body = error_json(403, "origin not allowed");
            return;
        }
        res.status = 204;
        res.headers = {{"Access-Control-Allow-Methods", "GET, OPTIONS"},
                       {"Access-Control-Allow-Headers", "Content-Type"},
                       {"Access-Control-Max-Age", "600"}};
    });
}

// No exception leaves a worker; every error has a JSON body; one log line
// per request.
void install_errors_and_log(HttpServer::Parts& parts) {
    parts.server.on_exception([](const HttpRequest& req, HttpResponse& res, const std::string& what) {
        log_error("http", printable(req.method) + " " + printable(req.path) + ": " + what);
        res.status = 500;
        res.body = error_json(500, "internal error");
    });
    parts.server.on_error([](const HttpRequest&, HttpResponse& res) {
        res.body = error_json(res.status, res.status == 404 ? "no such route" : "request failed");
    });
    // Called once the answer is written, on the worker's thread.
    parts.server.on_answered([&parts](const HttpRequest& req, int status, std::size_t bytes) {
        double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - current_request_start()).count();
        auto route = Metrics::route_index(req.path);
        parts.metrics.record(route, status, seconds);
        if (!parts.options.access_log) return;
        // The route, not the query: queries are what people typed.
        std::string_view path = Metrics::kRoutes[route] == "other" ? std::string_view(req.path).substr(0, 128)
                                                                     : Metrics::kRoutes[route];
        char figures[96];
        std::snprintf(figures, sizeof figures, " %d %.2f ms %zu B", status, seconds * 1000, bytes);
        auto method = std::string_view(req.method).substr(0, 16);
        log_info("http", printable(client_address(req, parts.options)) + " " + printable(method) + " " +
                             printable(path) + figures);
    });
}

}  // namespace

void install_routes(HttpServer::Parts& parts) {
    install_api(parts);
    install_status(parts);
    install_web_files(parts);
    install_opensearch(parts);
    install_cors(parts);
    install_errors_and_log(parts);
}

}  // namespace medsearch
