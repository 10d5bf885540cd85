// medsearch: the one program. Each subcommand parses its flags, loads the
// config, calls one library function and maps the result to an exit code:
// 0 ok, 1 failure (including pages skipped or checks failed), 2 usage.

#include "medsearch/common/config.hpp"
#include "medsearch/common/log.hpp"
#include "medsearch/common/text.hpp"
#include "medsearch/indexer/builder.hpp"
#include "medsearch/indexer/check.hpp"
#include "medsearch/server/http.hpp"
#include "medsearch/server/json.hpp"
#include "medsearch/server/searcher.hpp"

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>
#include <xapian.h>
#ifdef MEDSEARCH_MIMALLOC
#include <mimalloc.h>
#endif

#include <unistd.h>

#include <chrono>
#include <csignal>
#include <pthread.h>
#include <thread>
#include <cstdio>
#include <iostream>
#include <optional>

namespace {

using namespace medsearch;

constexpr int kOk = 0, kFailed = 1, kUsage = 2;

// "medsearch 0.1.0 (Xapian 1.4.22, mimalloc 2.0.9)": the allocator is named
// only when it really serves this process's allocations.
std::string version_text() {
    std::string allocator = "system malloc";
#ifdef MEDSEARCH_MIMALLOC
    std::string probe(256, 'x');  // on the heap, beyond the small-string buffer
    if (mi_is_in_heap_region(probe.data())) {
        int v = mi_version();
        allocator = "mimalloc " + std::to_string(v / 100) + "." + std::to_string(v / 10 % 10) + "." +
                    std::to_string(v % 10);
    }
#endif
    return std::string("medsearch ") + MEDSEARCH_VERSION + " (Xapian " + Xapian::version_string() + ", " +
           allocator + ")";
}

struct CommonFlags {
    std::string config;
    std::string source, db;
    std::optional<int> threads;  // given: overrides the file, 0 included (one per core)
};

// The config file when given, then the flags over it.
Result<Config> load_settings(const CommonFlags& flags) {
    Config config;
    if (!flags.config.empty()) {
        auto loaded = load_config(flags.config);
        if (!loaded) return loaded.error();
        config = loaded.value();
    }
    if (!flags.source.empty()) config.source_dir = flags.source;
    if (!flags.db.empty()) config.index_dir = flags.db;
    auto valid = validate_config(config);
    if (!valid) return valid.error();
    return config;
}

int fail(const Error& error) {
    log_error("medsearch", error.message);
    return error.code == Errc::bad_input ? kUsage : kFailed;
}

// "[=====>    ] 3200/6447 pages  4100 pages/s  ETA 1s" on a terminal; nothing otherwise.
ProgressFn progress_bar() {
    if (!::isatty(STDERR_FILENO)) return {};
    auto started = std::make_shared<std::chrono::steady_clock::time_point>(std::chrono::steady_clock::now());
    return [started](std::size_t done, std::size_t total) {
        if (total == 0) return;
        double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - *started).count();
        double rate = seconds > 0 ? static_cast<double>(done) / seconds : 0;
        int width = 30, filled = static_cast<int>(width * static_cast<double>(done) / static_cast<double>(total));
        std::string bar(static_cast<std::size_t>(filled), '=');
        if (filled < width) bar += '>' + std::string(static_cast<std::size_t>(width - filled - 1), ' ');
        double eta = rate > 0 ? static_cast<double>(total - done) / rate : 0;
        std::fprintf(stderr, "\r[%s] %zu/%zu pages  %.0f pages/s  ETA %.0fs ", bar.c_str(), done, total, rate, eta);
        if (done == total) std::fputs("\r\033[K", stderr);
        std::fflush(stderr);
    };
}

void print_diagnostics(const std::vector<Diagnostic>& diagnostics, const std::string& format,
                       const std::string& path_prefix, std::size_t pages) {
    if (format == "json") {
        std::cout << diagnostics_json(diagnostics, pages) << "\n";
        return;
    }
    for (const auto& d : diagnostics)
        std::cout << (format == "github" ? format_github(d, path_prefix) : format_text(d)) << "\n";
}

// <mark> as bold on a terminal, as **...** elsewhere; entities decoded.
std::string terminal_snippet(std::string_view html, bool tty) {
    std::string out;
    for (std::size_t i = 0; i < html.size();) {
        auto rest = html.substr(i);
        auto replace = [&](std::string_view from, std::string_view to) {
            if (!rest.starts_with(from)) return false;
            out += to;
            i += from.size();
            return true;
        };
        if (replace("<mark>", tty ? "\033[1m" : "**") || replace("</mark>", tty ? "\033[0m" : "**") ||
            replace("&amp;", "&") || replace("&lt;", "<") || replace("&gt;", ">") || replace("&quot;", "\"") ||
            replace("&#39;", "'"))
            continue;
        out.push_back(html[i++]);
    }
    return out;
}

void print_page(const SearchPage& page) {
    bool tty = ::isatty(STDOUT_FILENO);
    if (page.corrected) std::cout << "Showing results for: " << *page.corrected << "\n";
    for (const auto& e : page.expanded) std::cout << "Also searching " << e.to << " for " << e.from << "\n";
    std::cout << page.total << " results (" << page.took_ms << " ms)\n";
    for (const auto& hit : page.hits) {
        std::cout << "\n" << hit.rank << ". " << hit.title << "  " << hit.url << "\n";
        if (!hit.snippet.empty())
            std::cout << "   [" << hit.section_label << "] " << terminal_snippet(hit.snippet, tty) << "\n";
    }
}

// `check --db`: each problem on stdout, the verdict on stderr.
int check_index_dir(const std::filesystem::path& index_dir) {
    auto report = check_index(index_dir);
    if (!report) return fail(report.error());
    const auto& r = report.value();
    auto where = (index_dir / r.generation).string();
    for (const auto& problem : r.problems) std::cout << where << ": error: " << problem << "\n";
    std::cout.flush();
    if (!r.problems.empty()) {
        std::cerr << where << ": damaged (" << r.problems.size() << (r.problems.size() == 1 ? " problem" : " problems")
                  << "); the next medsearch index repairs it\n";
        return kFailed;
    }
    std::cerr << where << ": " << r.pages << " pages, sound (" << static_cast<int>(r.seconds * 1000) << " ms)\n";
    return kOk;
}

}  // namespace

int main(int argc, char** argv) {
    CLI::App app{"medsearch: full-text search for drug monographs"};
    app.require_subcommand(1);
    app.set_version_flag("--version", version_text());
    CommonFlags flags;
    bool verbose = false, quiet = false;
    app.add_option("--config", flags.config, "YAML config file (data/config.yaml)")->check(CLI::ExistingFile);
    app.add_flag("-v,--verbose", verbose, "More log output");
    app.add_flag("-q,--quiet", quiet, "Only errors on stderr");

    // index
    auto* index = app.add_subcommand("index", "Build or update the index from a folder of monographs");
    bool full = false;
    index->add_option("--source", flags.source, "Folder of Markdown monographs");
    index->add_option("--db", flags.db, "Index folder");
    index->add_flag("--full", full, "Rebuild every page, not only the changed ones");
    index->add_option("--threads", flags.threads, "Indexing threads (default: one per core)")->check(CLI::Range(0, 256));

    // check
    auto* check = app.add_subcommand("check", "Check monographs without indexing them, or an index");
    std::string format = "text", path_prefix;
    bool strict = false;
    auto* source_flag = check->add_option("--source", flags.source, "Folder of Markdown monographs");
    auto* db_flag = check->add_option("--db", flags.db, "Check this index instead (with --source: as well)");
    check->add_option("--format", format, "text, json or github (GitHub Actions annotations)")
        ->check(CLI::IsMember({"text", "json", "github"}));
    check->add_option("--path-prefix", path_prefix,
                      "Prepended to file paths in github annotations (default: the source folder, from here)");
    check->add_flag("--strict", strict, "Warnings fail too (exit 1)");

    // search
    auto* search = app.add_subcommand("search", "Search the index");
    std::string query;
    bool json = false, explain = false;
    unsigned limit = 10, offset = 0;
    search->add_option("--db", flags.db, "Index folder");
    search->add_option("query", query, "The query; '-' reads one query per line from stdin")->required();
    search->add_flag("--json", json, "Print the JSON body the HTTP API returns");
    search->add_option("--limit", limit, "Hits per page (1..100)");
    search->add_option("--offset", offset, "Hits to skip");
    search->add_flag("--explain", explain, "Add score details to each hit (JSON)");

    // suggest
    auto* suggest = app.add_subcommand("suggest", "Complete a half-typed drug name");
    unsigned suggest_limit = 8;
    suggest->add_option("--db", flags.db, "Index folder");
    suggest->add_option("query", query, "What has been typed so far")->required();
    suggest->add_option("--limit", suggest_limit, "Suggestions (1..50)");
    suggest->add_flag("--json", json, "Print the JSON body the HTTP API returns");

    // serve
    auto* serve = app.add_subcommand("serve", "Serve the index over HTTP");
    std::string listen;
    int http_threads = 0;
    std::vector<std::string> origins;
    bool no_access_log = false;
    serve->add_option("--db", flags.db, "Index folder");
    serve->add_option("--listen", listen, "HOST:PORT (default 127.0.0.1:8080)");
    serve->add_option("--threads", http_threads, "Worker threads, one searcher each (default: one per core)")
        ->check(CLI::Range(1, 256));
    int max_connections = 10000;
    serve->add_option("--max-connections", max_connections,
                      "Open connections before new ones get 503 (default 10000, lowered to fit the file limit)")
        ->check(CLI::Range(1, 1000000));
    int max_per_client = -1;
    serve->add_option("--max-connections-per-client", max_per_client,
                      "Open connections from one client address before its new ones get 503 (default 256; 0: no "
                      "limit; trusted proxies are not limited)")
        ->check(CLI::Range(0, 1000000));
    std::vector<std::string> trusted_proxies;
    serve->add_option("--trusted-proxy", trusted_proxies,
                      "Address of a reverse proxy whose X-Real-IP/X-Forwarded-For is logged as the client (repeatable)");
    std::string site_url;
    serve->add_option("--site-url", site_url, "The site's address, for result links on the search page");
    serve->add_option("--cors-origin", origins, "Origin allowed to call the API from a browser (repeatable)");
    serve->add_flag("--no-access-log", no_access_log, "Do not log each request");
    int cache_mb = -1;
    serve->add_option("--cache-mb", cache_mb, "MiB of answers kept for repeated requests (default 16; 0: none)")
        ->check(CLI::Range(0, 4096));

    // publish
    auto* publish = app.add_subcommand("publish", "Serve an index built elsewhere (a CI artifact): switch --db to it atomically");
    std::string from;
    publish->add_option("--from", from, "Index folder built elsewhere")->required()->check(CLI::ExistingDirectory);
    publish->add_option("--db", flags.db, "Index folder a server serves");

    // stats
    auto* stats = app.add_subcommand("stats", "Facts about an index");
    stats->add_option("--db", flags.db, "Index folder");
    stats->add_flag("--json", json, "As JSON");

    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        return app.exit(e) == 0 ? kOk : kUsage;
    }
    set_log_level(quiet ? LogLevel::error : verbose ? LogLevel::debug : LogLevel::info);
    // Past a file size limit (ulimit -f) a write fails with EFBIG, which the
    // writers report ("File too large"), instead of killing the process.
    if (*index || *publish) std::signal(SIGXFSZ, SIG_IGN);

    auto settings = load_settings(flags);
    if (!settings) return fail(settings.error());
    auto& config = settings.value();
    if (flags.threads) config.index_threads = *flags.threads;

    if (*index) {
        BuildOptions options;
        options.source_dir = config.source_dir;
        options.index_dir = config.index_dir;
        options.permalink = config.permalink;
        options.synonyms_file = config.synonyms_file;
        options.medicines_file = config.medicines_file;
        options.essential_file = config.essential_file;
        options.stopwords_file = config.stopwords_file;
        options.mode = full ? BuildMode::full : BuildMode::incremental;
        options.threads = config.index_threads;
        options.max_page_bytes = config.max_page_bytes;
        if (!quiet) options.progress = progress_bar();
        auto report = build_index(options);
        if (!report) return fail(report.error());
        const auto& r = report.value();
        for (const auto& d : r.diagnostics)
            if (d.severity == Severity::error || !quiet) std::cerr << format_text(d) << "\n";
        char summary[512];
        std::snprintf(summary, sizeof summary,
                      "%s %s: %zu pages (%zu added, %zu changed, %zu removed, %zu unchanged), %zu skipped, "
                      "%zu errors, %zu warnings, %.2f s",
                      r.published ? "published" : "up to date", r.generation.c_str(), r.pages, r.added,
                      r.changed, r.removed, r.unchanged, r.skipped, r.errors(), r.warnings(), r.seconds);
        std::string line = summary;
        if (r.full) line += "; full build" + (r.full_reason.empty() ? "" : " (" + r.full_reason + ")");
        if (!quiet) log_info("index", line);
        return r.skipped > 0 || r.errors() > 0 ? kFailed : kOk;
    }

    int index_status = kOk;
    if (*check && *db_flag) {
        index_status = check_index_dir(config.index_dir);
        if (!*source_flag) return index_status;
    }
    if (*check) {
        CheckOptions options{config.source_dir, config.permalink, config.index_threads, {}, config.max_page_bytes};
        if (!quiet && format == "text") options.progress = progress_bar();
        auto report = check_sources(options);
        if (!report) return fail(report.error());
        const auto& r = report.value();
        // Annotations name files from the repository's root: the current folder.
        if (format == "github" && path_prefix.empty()) {
            std::error_code ec;
            auto relative = std::filesystem::relative(config.source_dir, std::filesystem::current_path(), ec);
            path_prefix = ec || relative.empty() || relative == "." ? "" : relative.generic_string();
        }
        print_diagnostics(r.diagnostics, format, path_prefix, r.pages);
        std::cout.flush();
        if (format != "json")
            std::cerr << r.pages << " pages checked: " << r.errors() << " errors, " << r.warnings()
                      << " warnings (" << static_cast<int>(r.seconds * 1000) << " ms)\n";
        return r.errors() > 0 || (strict && r.warnings() > 0) ? kFailed : index_status;
    }

    if (*search || *suggest) {
        auto searcher = Searcher::open(config.index_dir, SearchSettings{config.snippet_bytes});
        if (!searcher) return fail(searcher.error());
        if (*suggest) {
            auto page = searcher.value()->suggest({query, suggest_limit});
            if (!page) return fail(page.error());
            if (json) {
                std::cout << to_json(page.value()) << "\n";
            } else {
                for (const auto& s : page.value().suggestions)
                    std::cout << s.label << (s.detail.empty() ? "" : "  (" + s.detail + ")") << "  " << s.url << "\n";
            }
            return kOk;
        }
        auto run_one = [&](const std::string& text) -> int {
            auto page = searcher.value()->search({text, offset, limit, explain});
            if (!page) {
                if (json) {
                    int status = page.error().code == Errc::bad_input ? 400 : 500;
                    std::cout << error_json(status, page.error().message) << "\n";
                    return kFailed;
                }
                return fail(page.error());
            }
            if (json) {
                std::cout << to_json(page.value()) << "\n";
            } else {
                print_page(page.value());
            }
            return kOk;
        };
        if (query != "-") return run_one(query);
        // Batch: one query per line in, one JSON line out, in order; a bad
        // query gives an error line and the batch goes on.
        int status = kOk;
        std::string line;
        while (std::getline(std::cin, line)) {
            if (!line.empty() && line.back() == '\r') line.pop_back();
            if (run_one(line) != kOk) status = kFailed;
            std::cout.flush();
        }
        return status;
    }

    if (*serve) {
        ServerOptions options;
        options.index_dir = config.index_dir;
        options.host = config.host;
        options.port = config.port;
        if (!listen.empty()) {
            auto parsed = parse_listen_address(listen, options.host, options.port);
            if (!parsed) return fail(parsed.error());
        }
        options.threads = http_threads > 0 ? http_threads : config.threads;
        // Connections do not hold a worker: searches need no more workers than cores.
        if (options.threads == 0) options.threads = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
        options.site_url = site_url.empty() ? config.site_url : site_url;
        options.cors_origins = config.cors_origins;
        options.cors_origins.insert(options.cors_origins.end(), origins.begin(), origins.end());
        options.search.snippet_bytes = config.snippet_bytes;
        options.access_log = !no_access_log && !quiet;
        options.cache_bytes = static_cast<std::size_t>(cache_mb >= 0 ? cache_mb : config.cache_mb) << 20;
        options.max_connections = max_connections;
        options.max_connections_per_client = max_per_client >= 0 ? max_per_client : config.max_connections_per_client;
        options.trusted_proxies = trusted_proxies;
        // Each open connection is a file descriptor: the soft limit (often 1024) goes up to the hard one.
        auto files = raise_file_limit();
        // SIGINT and SIGTERM are taken by one thread that stops the server
        // (stopping from a signal handler would not be async-signal-safe); the
        // mask is inherited by every thread started after this.
        sigset_t stop_signals;
        sigemptyset(&stop_signals);
        sigaddset(&stop_signals, SIGINT);
        sigaddset(&stop_signals, SIGTERM);
        sigaddset(&stop_signals, SIGUSR1);  // sent below when the server stops on its own
        pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);
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
        log_info("http", "serving " + server.value()->generation() + " on http://" +
                             options.host + ":" + std::to_string(port.value()) + "/ with " +
                             std::to_string(options.threads) + " workers; open files limit " +
                             std::to_string(files.now) +
                             (files.now != files.before ? " (raised from " + std::to_string(files.before) + ")" : "") +
                             ", at most " + std::to_string(server.value()->max_connections()) + " connections" +
                             (options.max_connections_per_client > 0
                                  ? ", " + std::to_string(options.max_connections_per_client) + " per client"
                                  : std::string()));
        auto ran = server.value()->run();
        pthread_kill(stopper.native_handle(), SIGUSR1);  // wakes it if the server stopped on its own
        stopper.join();
        if (!ran) return fail(ran.error());
        log_info("http", "stopped");
        return kOk;
    }

    if (*publish) {
        auto report = import_index(from, config.index_dir);
        if (!report) return fail(report.error());
        if (!quiet)
            log_info("index", "published " + report.value().generation + " (" + std::to_string(report.value().pages) +
                                  " pages) in " + config.index_dir.string());
        return kOk;
    }

    if (*stats) {
        auto facts = read_index_stats(config.index_dir);
        if (!facts) return fail(facts.error());
        const auto& s = facts.value();
        nlohmann::json body = {{"generation", s.generation}, {"build_id", s.build_id}, {"built_at", s.built_at},
                               {"pages", s.pages}, {"terms", s.terms}, {"synonyms", s.synonyms},
                               {"bytes", s.bytes}, {"content_hash", s.content_hash}, {"schema", s.schema}};
        if (json) {
            std::cout << body.dump() << "\n";
        } else {
            for (auto& [key, value] : body.items()) std::cout << key << ": " << (value.is_string() ? value.get<std::string>() : value.dump()) << "\n";
        }
        return kOk;
    }
    return kUsage;
}
