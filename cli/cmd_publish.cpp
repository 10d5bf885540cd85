// medsearch publish and stats: an index folder's published generation.

#include "commands.hpp"
#include "output.hpp"

#include "medsearch/common/log.hpp"
#include "medsearch/indexer/builder.hpp"

#include <nlohmann/json.hpp>

#include <csignal>
#include <iostream>
#include <memory>

namespace medsearch::cli {
namespace {

int run_publish(const Config& config, const std::string& from, bool quiet) {
    // As for index: past a file size limit the copy fails with an error, not a signal.
    std::signal(SIGXFSZ, SIG_IGN);
    auto report = import_index(from, config.index_dir);
    if (!report) return fail(report.error());
    if (!quiet)
        log_info("index", "published " + report.value().generation + " (" + std::to_string(report.value().pages) +
                              " pages) in " + config.index_dir.string());
    return kOk;
}

int run_stats(const Config& config, bool json) {
    auto facts = read_index_stats(config.index_dir);
    if (!facts) return fail(facts.error());
    const auto& s = facts.value();
    nlohmann::json body = {{"generation", s.generation}, {"build_id", s.build_id}, {"built_at", s.built_at},
                           {"pages", s.pages}, {"terms", s.terms}, {"synonyms", s.synonyms},
                           {"bytes", s.bytes}, {"content_hash", s.content_hash}, {"schema", s.schema}};
    if (json) {
        std::cout << body.dump() << "\n";
        return kOk;
    }
    for (auto& [key, value] : body.items())
        std::cout << key << ": " << (value.is_string() ? value.get<std::string>() : value.dump()) << "\n";
    return kOk;
}

}  // namespace

Command add_publish_command(CLI::App& program, SharedFlags& shared) {
    auto* app = program.add_subcommand(
        "publish", "Serve an index built elsewhere (a CI artifact): switch --db to it atomically");
    auto from = std::make_shared<std::string>();
    app->add_option("--from", *from, "Index folder built elsewhere")->required()->check(CLI::ExistingDirectory);
    add_db_flag(*app, shared.config, "Index folder a server serves");
    return {app, [from, &shared](const Config& config) { return run_publish(config, *from, shared.global.quiet); }};
}

Command add_stats_command(CLI::App& program, SharedFlags& shared) {
    auto* app = program.add_subcommand("stats", "Facts about an index");
    auto json = std::make_shared<bool>(false);
    add_db_flag(*app, shared.config);
    add_json_flag(*app, *json, "As JSON");
    return {app, [json](const Config& config) { return run_stats(config, *json); }};
}

}  // namespace medsearch::cli
