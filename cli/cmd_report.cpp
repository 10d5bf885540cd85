// medsearch report: what people searched for and did not find, from the
// query log `serve --query-log` writes, with proposals read in the index.

#include "commands.hpp"
#include "output.hpp"

#include "medsearch/common/log.hpp"
#include "medsearch/server/report.hpp"

#include <filesystem>
#include <iostream>
#include <memory>

namespace medsearch::cli {
namespace {

struct ReportFlags {
    std::string format = "text";
    std::string since;
    std::size_t top = 25;
    bool db_given = false;
};

int run_report(const Config& config, const ReportFlags& flags) {
    if (config.query_log.empty())
        return fail(Error{Errc::bad_input, "report needs --query-log FILE (or query_log in the config file)"});
    if (auto problem = report_date_problem(flags.since); !flags.since.empty() && !problem.empty())
        return fail(Error{Errc::bad_input, "--since must be " + problem});
    ReportOptions options;
    options.log_file = config.query_log;
    options.since = flags.since;
    options.top = flags.top;
    options.index_dir = config.index_dir;
    // Without --db, the config's index is used when there is one: the counts need none.
    std::error_code ec;
    if (!flags.db_given && !std::filesystem::exists(config.index_dir, ec)) {
        log_warn("report", "no index at " + config.index_dir.string() + " (--db): no proposals");
        options.index_dir.clear();
    }
    auto report = make_report(options);
    if (!report) return fail(report.error());
    if (flags.format == "json") std::cout << report_json(report.value());
    else if (flags.format == "html") std::cout << report_html(report.value());
    else std::cout << report_text(report.value());
    return kOk;
}

}  // namespace

Command add_report_command(CLI::App& program, SharedFlags& shared) {
    auto* app = program.add_subcommand("report", "What people searched for and did not find, from a query log");
    auto flags = std::make_shared<ReportFlags>();
    add_query_log_flag(*app, shared.config, "Query log written by serve --query-log (default: query_log of the config)");
    app->add_option("--since", flags->since, "Only searches of this day (UTC, YYYY-MM-DD) and later");
    app->add_option("--format", flags->format, "text (default), json, or html (one self-contained page)")
        ->check(CLI::IsMember({"text", "json", "html"}));
    app->add_option("--top", flags->top, "Rows of each list (default 25)")->check(CLI::Range(1, 10000));
    auto* db = add_db_flag(*app, shared.config, "Index whose names the proposals are read in (default: the config's)");
    return {app, [flags, db](const Config& config) {
                flags->db_given = db->count() > 0;
                return run_report(config, *flags);
            }};
}

}  // namespace medsearch::cli
