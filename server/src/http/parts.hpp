#pragma once
// What an HttpServer is made of: the index watcher, the searchers, the
// response cache, the metrics and the connections; routes.cpp puts the
// routes on them.

#include "http/connections.hpp"
#include "http/index_watcher.hpp"
#include "http/metrics.hpp"
#include "http/query_log_writer.hpp"
#include "http/response_cache.hpp"
#include "http/searcher_pool.hpp"

#include "medsearch/server/http.hpp"

#include <memory>

namespace medsearch {

struct HttpServer::Parts {
    Parts(const ServerOptions& server_options, ConnectionLimits limits)
        : options(server_options), server(std::move(limits)) {}

    ServerOptions options;
    std::unique_ptr<IndexWatcher> watcher;
    std::unique_ptr<SearcherPool> pool;
    std::unique_ptr<ResponseCache> cache;  // null when caching is off
    Metrics metrics;
    std::unique_ptr<QueryLog> query_log;  // null when there is no query log; outlives the routes
    EventServer server;
};

// GET /search, /suggest, /healthz, /metrics, the web files, CORS, errors and
// the access log.
void install_routes(HttpServer::Parts& parts);

// The body of GET /metrics.
std::string render_metrics(const HttpServer::Parts& parts);

// The answer for an error: 400, 404, 503 (a shard server unreachable, named)
// or 500 (whose details go to the log only).
HttpResponse error_response(const Error& error);

}  // namespace medsearch
