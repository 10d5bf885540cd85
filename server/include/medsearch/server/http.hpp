#pragma once
// The HTTP API: GET /search, /suggest, /healthz, /metrics, and the search page
// and widget files (built into the program). Open connections wait in an epoll
// set (connections.hpp); a few worker threads, one Searcher each, answer the
// requests that have arrived whole. A watcher switches the searchers to a newly
// published index without a restart.

#include "medsearch/common/result.hpp"
#include "medsearch/server/connections.hpp"
#include "medsearch/server/metrics.hpp"
#include "medsearch/server/response_cache.hpp"
#include "medsearch/server/searcher.hpp"

#include <httplib.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace medsearch {

// Polls INDEXDIR/CURRENT and loads each newly published generation once.
class IndexWatcher {
  public:
    static Result<std::unique_ptr<IndexWatcher>> start(std::filesystem::path index_dir,
                                                       std::chrono::milliseconds interval);
    ~IndexWatcher();

    std::shared_ptr<const Snapshot> latest() const;
    // Checks CURRENT now (the poll does it every interval).
    void refresh();

  private:
    IndexWatcher(std::filesystem::path index_dir, std::shared_ptr<const Snapshot> first,
                 std::chrono::milliseconds interval);

    std::filesystem::path index_dir_;
    mutable std::mutex mutex_;
    std::shared_ptr<const Snapshot> latest_;
    std::chrono::milliseconds interval_;
    std::mutex stop_mutex_;
    std::condition_variable stop_signal_;
    bool stopping_ = false;
    std::thread thread_;
};

// Searchers for the worker threads: a request leases one for its duration, so
// it sees one index generation from start to end.
class SearcherPool {
  public:
    explicit SearcherPool(SearchSettings settings);

    class Lease {
      public:
        Lease(SearcherPool& pool, std::unique_ptr<Searcher> searcher);
        Lease(Lease&&) = default;
        ~Lease();
        Searcher& operator*() { return *searcher_; }
        Searcher* operator->() { return searcher_.get(); }

      private:
        SearcherPool* pool_;
        std::unique_ptr<Searcher> searcher_;
    };

    // A searcher on `snapshot` (the generation the request was read against).
    Result<Lease> acquire(const std::shared_ptr<const Snapshot>& snapshot);

  private:
    SearchSettings settings_;
    std::mutex mutex_;
    std::vector<std::unique_ptr<Searcher>> idle_;
};

struct HttpResponse {
    int status = 200;
    std::string body;
    std::string content_type = "application/json";
};

// Route handlers, callable without a network (tests).
HttpResponse handle_search(const httplib::Params& params, Searcher& searcher);
HttpResponse handle_suggest(const httplib::Params& params, Searcher& searcher);

struct ServerOptions {
    std::filesystem::path index_dir;
    std::string host = "127.0.0.1";
    int port = 8080;  // 0: any free port
    int threads = 16;  // workers, one searcher each; connections do not hold one
    int max_connections = 10000;  // open connections; past it 503 + Retry-After (lowered to fit the fd limit)
    // Open connections from one client address (IPv6: one /64), trusted
    // proxies not counted; past it that client gets 503 + Retry-After; 0: no limit.
    int max_connections_per_client = 256;
    std::chrono::milliseconds header_timeout{10000};      // to read a request once its first byte came
    std::chrono::milliseconds keep_alive_timeout{60000};  // an idle connection is closed after this
    std::chrono::milliseconds write_timeout{10000};       // a client that does not read its answer
    std::chrono::milliseconds drain_timeout{10000};       // on stop, for requests already read
    // Peers whose X-Real-IP / X-Forwarded-For name the client in the access
    // log; the proxy limits its clients' connections, so they are not limited here.
    std::vector<std::string> trusted_proxies;
    std::string site_url;  // the medicine site: result links of the search page point there
    std::vector<std::string> cors_origins;
    SearchSettings search;
    bool access_log = true;
    std::size_t cache_bytes = 16u << 20;  // answers kept for repeated requests; 0: none
    std::chrono::milliseconds reload_interval{200};
};

class HttpServer {
  public:
    static Result<std::unique_ptr<HttpServer>> create(const ServerOptions& options);
    ~HttpServer();

    // Binds the listening socket; returns the port (useful with port 0).
    Result<int> bind();
    // Serves until stop(), then answers what was already read (drain_timeout); blocks.
    Status run();
    // Stops accepting; run() returns once in-flight requests are answered. Safe from any thread.
    void stop();
    bool is_running() const;
    IndexWatcher& watcher() { return *watcher_; }
    // The name of the generation being served ("gen-000007").
    std::string generation() const;
    // The cap on open connections in force, after the fd limit.
    std::size_t max_connections() const { return server_.limits().max_connections; }
    // The body of GET /metrics.
    std::string metrics_text() const;

  private:
    explicit HttpServer(const ServerOptions& options, ConnectionLimits limits);
    void install_routes();
    std::string client_address(const httplib::Request& req) const;

    ServerOptions options_;
    std::unique_ptr<IndexWatcher> watcher_;
    std::unique_ptr<SearcherPool> pool_;
    std::unique_ptr<ResponseCache> cache_;  // null when caching is off
    Metrics metrics_;
    EventServer server_;
    socket_t listen_socket_ = INVALID_SOCKET;  // cpp-httplib declares socket_t globally
};

}  // namespace medsearch
