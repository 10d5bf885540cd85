// medsearch index: build or update the index from a folder of monographs.

#include "commands.hpp"
#include "options.hpp"
#include "output.hpp"

#include "medsearch/common/log.hpp"

#include <csignal>
#include <cstdio>
#include <iostream>
#include <memory>

namespace medsearch::cli {
namespace {

struct IndexFlags {
    bool full = false;
    unsigned shards = 1;
};

// "published gen-000002: 6447 pages (0 added, 1 changed, ...), 0 skipped, ..."
std::string summary_line(const BuildReport& r) {
    char summary[512];
    std::snprintf(summary, sizeof summary,
                  "%s %s: %zu pages (%zu added, %zu changed, %zu removed, %zu unchanged), %zu skipped, "
                  "%zu errors, %zu warnings, %.2f s",
                  r.published ? "published" : "up to date", r.generation.c_str(), r.pages, r.added, r.changed,
                  r.removed, r.unchanged, r.skipped, r.errors(), r.warnings(), r.seconds);
    std::string line = summary;
    if (r.full) line += "; full build" + (r.full_reason.empty() ? "" : " (" + r.full_reason + ")");
    return line;
}

int run_index(const Config& config, const IndexFlags& flags, bool quiet) {
    // Past a file size limit (ulimit -f) a write fails with EFBIG, which the
    // writers report ("File too large"), instead of killing the process.
    std::signal(SIGXFSZ, SIG_IGN);
    auto options = build_options(config);
    options.mode = flags.full ? BuildMode::full : BuildMode::incremental;
    options.shards = flags.shards;
    if (!quiet) options.progress = progress_bar();
    auto report = build_index(options);
    if (!report) return fail(report.error());
    const auto& r = report.value();
    for (const auto& d : r.diagnostics)
        if (d.severity == Severity::error || !quiet) std::cerr << format_text(d) << "\n";
    if (!quiet) log_info("index", summary_line(r));
    return r.skipped > 0 || r.errors() > 0 ? kFailed : kOk;
}

}  // namespace

Command add_index_command(CLI::App& program, SharedFlags& shared) {
    auto* app = program.add_subcommand("index", "Build or update the index from a folder of monographs");
    auto flags = std::make_shared<IndexFlags>();
    add_source_flag(*app, shared.config);
    add_db_flag(*app, shared.config);
    app->add_flag("--full", flags->full, "Rebuild every page, not only the changed ones");
    app->add_option("--shards", flags->shards,
                    "Write each generation as N shard databases, pages split by a hash of their path, for "
                    "medsearch shard-server (default 1: one database; shards are always built in full)")
        ->check(CLI::Range(1, 256));
    add_index_threads_flag(*app, shared.config);
    return {app, [flags, &shared](const Config& config) { return run_index(config, *flags, shared.global.quiet); }};
}

}  // namespace medsearch::cli
