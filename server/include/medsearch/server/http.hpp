#pragma once
// The HTTP API: GET /search, /suggest, /healthz, /metrics, and the search page
// and widget files (built into the program). Open connections wait in an epoll
// set; a few worker threads, one Searcher each, answer the requests that have
// arrived whole. A watcher switches the searchers to a newly published index
// without a restart. server/src/http/ holds the parts; cpp-httplib parses
// requests there, behind the types of this header.

#include "medsearch/common/defaults.hpp"
#include "medsearch/common/result.hpp"
#include "medsearch/server/searcher.hpp"

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace medsearch {

// A request's query parameters, decoded; a name may come more than once.
using QueryParams = std::multimap<std::string, std::string>;

// A request as the routes see it.
struct HttpRequest {
    std::string method;
    std::string path;
    QueryParams params;
    std::vector<std::pair<std::string, std::string>> headers;
    std::string remote_address;  // the peer's address
    // The value of a header (name case-insensitive), or "".
    std::string header(std::string_view name) const;
};

struct HttpResponse {
    int status = 200;
    std::string body;
    std::string content_type = "application/json";
    std::vector<std::pair<std::string, std::string>> headers;  // besides Content-Type and Content-Length
};

// Route handlers, callable without a network (tests). `answered`, when
// given, sees the page of a search answered 200 (the query log, the metrics).
HttpResponse handle_search(const QueryParams& params, Searcher& searcher,
                           const std::function<void(const SearchPage&)>& answered = {});
HttpResponse handle_suggest(const QueryParams& params, Searcher& searcher);

struct ServerOptions {
    std::filesystem::path index_dir;
    std::string host = defaults::kHost;
    int port = defaults::kPort;  // 0: any free port
    int threads = defaults::threads_for(defaults::kThreads);  // workers, one searcher each; connections do not hold one
    int max_connections = defaults::kMaxConnections;  // open connections; past it 503 + Retry-After (lowered to fit the fd limit)
    // Open connections from one client address (IPv6: one /64), trusted
    // proxies not counted; past it that client gets 503 + Retry-After; 0: no limit.
    int max_connections_per_client = defaults::kMaxConnectionsPerClient;
    std::chrono::milliseconds header_timeout{10000};      // to read a request once its first byte came
    std::chrono::milliseconds keep_alive_timeout{60000};  // an idle connection is closed after this
    std::chrono::milliseconds write_timeout{10000};       // a client that does not read its answer
    std::chrono::milliseconds drain_timeout{10000};       // on stop, for requests already read
    // Peers whose X-Real-IP / X-Forwarded-For name the client in the access
    // log; the proxy limits its clients' connections, so they are not limited here.
    std::vector<std::string> trusted_proxies;
    std::string site_url;  // the medicine site: result links of the search page point there
    // This server as browsers reach it, for /opensearch.xml; empty: the
    // request's Host. The name browsers show for the search; empty: the site's host.
    std::string public_url;
    std::string search_name;
    std::vector<std::string> cors_origins;
    SearchSettings search;
    bool access_log = true;
    std::size_t cache_bytes = std::size_t{defaults::kCacheMb} << 20;  // answers kept for repeated requests; 0: none
    std::chrono::milliseconds reload_interval{200};
    // One JSON line per search a visitor settled on (docs/query-log.md); empty:
    // none. Past query_log_max_bytes the file moves to FILE.1 and starts again.
    std::filesystem::path query_log;
    std::uint64_t query_log_max_bytes = std::uint64_t{defaults::kQueryLogMaxMb} << 20;
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
    // The name of the generation being served ("gen-000007").
    std::string generation() const;
    // Checks for a newly published generation now, not at the next poll.
    void refresh_index();
    // Index generations loaded since the start, the first included.
    std::uint64_t generations_loaded() const;
    // The cap on open connections in force, after the fd limit.
    std::size_t max_connections() const;
    // The body of GET /metrics.
    std::string metrics_text() const;

    struct Parts;  // server/src/http/parts.hpp

  private:
    explicit HttpServer(std::unique_ptr<Parts> parts);
    std::unique_ptr<Parts> parts_;
};

// Raises the soft limit on open files to the hard limit; returns the limit in force.
struct FileLimit {
    std::uint64_t before = 0;
    std::uint64_t now = 0;
};
FileLimit raise_file_limit();

}  // namespace medsearch
