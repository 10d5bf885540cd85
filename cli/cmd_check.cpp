// medsearch check: the pages of a folder and the dictionaries, without
// indexing; or an index (--db).

#include "commands.hpp"
#include "options.hpp"
#include "output.hpp"

#include "medsearch/indexer/check.hpp"

#include <algorithm>
#include <filesystem>
#include <iostream>
#include <memory>

namespace medsearch::cli {
namespace {

struct CheckFlags {
    std::string format = "text";
    std::string path_prefix;
    bool strict = false;
};

DiagnosticFormat format_of(const std::string& name) {
    return name == "json" ? DiagnosticFormat::json : name == "github" ? DiagnosticFormat::github : DiagnosticFormat::text;
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

std::size_t count_errors(const std::vector<Diagnostic>& diagnostics) {
    return static_cast<std::size_t>(std::count_if(diagnostics.begin(), diagnostics.end(),
                                                  [](const Diagnostic& d) { return d.severity == Severity::error; }));
}

// Annotations name files from the repository's root: the current folder.
std::string page_prefix(const CheckFlags& flags, const Config& config) {
    if (format_of(flags.format) != DiagnosticFormat::github || !flags.path_prefix.empty()) return flags.path_prefix;
    std::error_code ec;
    auto relative = std::filesystem::relative(config.source_dir, std::filesystem::current_path(), ec);
    return ec || relative.empty() || relative == "." ? "" : relative.generic_string();
}

int check_pages(const Config& config, const CheckFlags& flags, bool quiet) {
    auto format = format_of(flags.format);
    auto options = check_options(config);
    if (!quiet && format == DiagnosticFormat::text) options.progress = progress_bar();
    auto report = check_sources(options);
    if (!report) return fail(report.error());
    const auto& r = report.value();
    auto dictionaries = check_dictionaries(dictionary_files(config), r.catalog);
    print_findings({r.diagnostics, dictionaries, r.pages}, format, page_prefix(flags, config));
    std::cout.flush();
    auto errors = count_errors(r.diagnostics) + count_errors(dictionaries);
    auto warnings = r.diagnostics.size() + dictionaries.size() - errors;
    if (format != DiagnosticFormat::json)
        std::cerr << r.pages << " pages checked: " << errors << " errors, " << warnings << " warnings ("
                  << static_cast<int>(r.seconds * 1000) << " ms)\n";
    return errors > 0 || (flags.strict && warnings > 0) ? kFailed : kOk;
}

int run_check(const Config& config, const CheckFlags& flags, const SharedFlags& shared) {
    int index_status = kOk;
    if (shared.config.db) {
        index_status = check_index_dir(config.index_dir);
        if (!shared.config.source) return index_status;
    }
    int pages_status = check_pages(config, flags, shared.global.quiet);
    return pages_status != kOk ? pages_status : index_status;
}

}  // namespace

Command add_check_command(CLI::App& program, SharedFlags& shared) {
    auto* app = program.add_subcommand("check", "Check monographs and dictionaries without indexing them, or an index");
    auto flags = std::make_shared<CheckFlags>();
    add_source_flag(*app, shared.config);
    add_db_flag(*app, shared.config, "Check this index instead (with --source: as well)");
    app->add_option("--format", flags->format, "text, json or github (GitHub Actions annotations)")
        ->check(CLI::IsMember({"text", "json", "github"}));
    app->add_option("--path-prefix", flags->path_prefix,
                    "Prepended to page paths in github annotations (default: the source folder, from here)");
    app->add_flag("--strict", flags->strict, "Warnings fail too (exit 1)");
    add_dictionary_flags(*app, shared.config);
    return {app, [flags, &shared](const Config& config) { return run_check(config, *flags, shared); }};
}

}  // namespace medsearch::cli
