// medsearch serve: the HTTP API and the search page, until SIGINT or SIGTERM.

#include "commands.hpp"
#include "options.hpp"
#include "output.hpp"

#include "medsearch/common/defaults.hpp"
#include "medsearch/common/log.hpp"
#include "medsearch/server/http.hpp"
#include "medsearch/server/shard_server.hpp"

#include <csignal>
#include <memory>
#include <pthread.h>
#include <thread>

namespace medsearch::cli {
namespace {

// Serving flags that are not config keys.
struct ServeFlags {
    int max_connections = defaults::kMaxConnections;
    std::vector<std::string> trusted_proxies;
    bool no_access_log = false;
};

// SIGINT and SIGTERM are taken by one thread that stops the server (stopping
// from a signal handler would not be async-signal-safe); the mask is
// inherited by every thread started after this.
sigset_t block_stop_signals() {
    sigset_t stop_signals;
    sigemptyset(&stop_signals);
    sigaddset(&stop_signals, SIGINT);
    sigaddset(&stop_signals, SIGTERM);
    sigaddset(&stop_signals, SIGUSR1);  // sent when the server stops on its own
    pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);
    return stop_signals;
}

void log_serving(HttpServer& server, const ServerOptions& options, int port, const FileLimit& files) {
    log_info("http", "serving " + server.generation() + " on http://" + options.host + ":" + std::to_string(port) +
                         "/ with " + std::to_string(options.threads) + " workers; open files limit " +
                         std::to_string(files.now) +
                         (files.now != files.before ? " (raised from " + std::to_string(files.before) + ")" : "") +
                         ", at most " + std::to_string(server.max_connections()) + " connections" +
                         (options.max_connections_per_client > 0
                              ? ", " + std::to_string(options.max_connections_per_client) + " per client"
                              : std::string()) +
                         (options.query_log.empty() ? std::string() : "; query log " + options.query_log.string()));
}

int run_serve(const Config& config, const ServeFlags& flags, bool quiet) {
    auto options = server_options(config);
    options.access_log = !flags.no_access_log && !quiet;
    options.max_connections = flags.max_connections;
    options.trusted_proxies = flags.trusted_proxies;
    // Each open connection is a file descriptor: the soft limit (often 1024) goes up to the hard one.
    auto files = raise_file_limit();
    auto stop_signals = block_stop_signals();
    auto server = HttpServer::create(options);
    if (!server) return fail(server.error());
    auto port = server.value()->bind();
    if (!port) return fail(port.error());
    std::thread stopper([&] {
        int signal = 0;
        sigwait(&stop_signals, &signal);
        if (signal != SIGUSR1) log_info("http", "stopping: answering the requests in flight");
        server.value()->stop();
    });
    log_serving(*server.value(), options, port.value(), files);
    auto ran = server.value()->run();
    pthread_kill(stopper.native_handle(), SIGUSR1);  // wakes it if the server stopped on its own
    stopper.join();
    if (!ran) return fail(ran.error());
    log_info("http", "stopped");
    return kOk;
}

void add_connection_flags(CLI::App& app, SharedFlags& shared, ServeFlags& flags) {
    app.add_option("--max-connections", flags.max_connections,
                   "Open connections before new ones get 503 (default " + std::to_string(defaults::kMaxConnections) +
                       ", lowered to fit the file limit)")
        ->check(CLI::Range(defaults::kMaxConnectionsRange.low, defaults::kMaxConnectionsRange.high));
    app.add_option("--max-connections-per-client", shared.config.max_connections_per_client,
                   "Open connections from one client address before its new ones get 503 (default " +
                       std::to_string(defaults::kMaxConnectionsPerClient) +
                       "; 0: no limit; trusted proxies are not limited)")
        ->check(CLI::Range(defaults::kMaxConnectionsPerClientRange.low, defaults::kMaxConnectionsPerClientRange.high));
    app.add_option("--trusted-proxy", flags.trusted_proxies,
                   "Address of a reverse proxy whose X-Real-IP/X-Forwarded-For is logged as the client (repeatable)");
}

}  // namespace

Command add_serve_command(CLI::App& program, SharedFlags& shared) {
    auto* app = program.add_subcommand("serve", "Serve the index over HTTP");
    auto flags = std::make_shared<ServeFlags>();
    add_db_flag(*app, shared.config);
    app->add_option("--listen", shared.config.listen, "HOST:PORT (default " + std::string(defaults::kHost) + ":" +
                                                          std::to_string(defaults::kPort) + ")");
    add_http_threads_flag(*app, shared.config);
    add_connection_flags(*app, shared, *flags);
    app->add_option("--site-url", shared.config.site_url, "The site's address, for result links on the search page");
    app->add_option("--public-url", shared.config.public_url,
                    "This server's address as browsers reach it, for /opensearch.xml (default: the request's Host)");
    app->add_option("--search-name", shared.config.search_name,
                    "The search's name in a browser's address bar (default: the site's host name)");
    app->add_option("--cors-origin", shared.config.cors_origins,
                    "Origin allowed to call the API from a browser (repeatable)");
    add_shard_servers_flag(*app, shared.config);
    app->add_flag("--no-access-log", flags->no_access_log, "Do not log each request");
    app->add_option("--cache-mb", shared.config.cache_mb,
                    "MiB of answers kept for repeated requests (default " + std::to_string(defaults::kCacheMb) +
                        "; 0: none)")
        ->check(CLI::Range(defaults::kCacheMbRange.low, defaults::kCacheMbRange.high));
    add_deadline_flag(*app, shared.config);
    add_query_log_flag(*app, shared.config,
                       "Write each search people settled on to FILE, one JSON line each (no client address)");
    app->add_option("--query-log-max-mb", shared.config.query_log_max_mb,
                    "MiB of query log before it moves to FILE.1 and starts again (default " +
                        std::to_string(defaults::kQueryLogMaxMb) + ")")
        ->check(CLI::Range(defaults::kQueryLogMaxMbRange.low, defaults::kQueryLogMaxMbRange.high));
    return {app, [flags, &shared](const Config& config) { return run_serve(config, *flags, shared.global.quiet); }};
}

Command add_shard_server_command(CLI::App& program, SharedFlags& shared) {
    auto* app = program.add_subcommand("shard-server", "Serve one shard of the index over Xapian's remote protocol");
    auto options = std::make_shared<ShardServerOptions>();
    add_db_flag(*app, shared.config);
    app->add_option("--shard", options->shard, "The shard K to serve (shard-K of each published generation)")
        ->required()
        ->check(CLI::Range(0, 999999));
    app->add_option("--port", options->port, "TCP port to listen on")->required()->check(CLI::Range(1, 65535));
    app->add_option("--host", options->host, "Address to listen on (default 127.0.0.1)");
    return {app, [options](const Config& config) {
                auto serving = *options;
                serving.index_dir = config.index_dir;
                auto ran = run_shard_server(serving);
                return ran ? kOk : fail(ran.error());
            }};
}

}  // namespace medsearch::cli
