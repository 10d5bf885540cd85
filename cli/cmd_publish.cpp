// medsearch publish, rollout and stats: an index folder's published generation.

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

// What publish and activate say of the generation they made current.
int report_published(const Result<ImportReport>& report, const std::string& verb, const Config& config, bool quiet) {
    if (!report) return fail(report.error());
    if (!quiet)
        log_info("index", verb + " " + report.value().generation + " (" + std::to_string(report.value().pages) +
                              " pages) in " + config.index_dir.string());
    return kOk;
}

int run_stage(const Config& config, const std::string& from, bool quiet) {
    auto staged = stage_index(from, config.index_dir);
    if (!staged) return fail(staged.error());
    if (!quiet)
        log_info("index", "staged build " + staged.value().build_id + " (" + std::to_string(staged.value().pages) +
                              " pages) in " + config.index_dir.string() + "; not served until activated");
    return kOk;
}

struct PublishFlags {
    std::string from;
    bool stage = false;
    bool activate = false;
    std::string build;
};

int run_publish(const Config& config, const PublishFlags& flags, bool quiet) {
    // As for index: past a file size limit a copy fails with an error, not a signal.
    std::signal(SIGXFSZ, SIG_IGN);
    if (flags.activate) return report_published(activate_staged(config.index_dir, flags.build), "activated", config, quiet);
    if (flags.from.empty()) return fail(Error{Errc::bad_input, "publish needs --from DIR (or --activate)"});
    if (flags.stage) return run_stage(config, flags.from, quiet);
    return report_published(import_index(flags.from, config.index_dir), "published", config, quiet);
}

// Stages on every replica, then activates on every one; one that cannot
// stage leaves them all on the build they serve.
int run_rollout(const std::string& from, const std::vector<std::string>& replicas, bool quiet) {
    std::signal(SIGXFSZ, SIG_IGN);
    std::string build;
    std::vector<std::string> failed;
    bool same_build = true;
    for (const auto& replica : replicas) {
        auto staged = stage_index(from, replica);
        if (!staged) {
            log_error("rollout", replica + ": not staged: " + staged.error().message);
            failed.push_back(replica);
            continue;
        }
        same_build = same_build && (build.empty() || build == staged.value().build_id);
        build = staged.value().build_id;
        if (!quiet) log_info("rollout", replica + ": staged build " + build);
    }
    if (!same_build) {
        log_error("rollout", from + " changed while it was staged (another build published there); not activated");
        return kFailed;
    }
    if (!failed.empty()) {
        log_error("rollout", "not activated: " + std::to_string(failed.size()) + " of " +
                                 std::to_string(replicas.size()) + " replicas could not stage; every replica keeps "
                                 "the build it serves");
        return kFailed;
    }
    for (const auto& replica : replicas) {
        auto activated = activate_staged(replica, build);
        if (!activated) {
            log_error("rollout", replica + ": not activated: " + activated.error().message);
            failed.push_back(replica);
        } else if (!quiet) {
            log_info("rollout", replica + ": serving build " + build + " as " + activated.value().generation);
        }
    }
    if (failed.empty()) return kOk;
    log_error("rollout", std::to_string(failed.size()) + " replicas failed to activate build " + build +
                             " and serve the previous one: take them out of the load balancer");
    return kFailed;
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
    auto flags = std::make_shared<PublishFlags>();
    auto* from = app->add_option("--from", flags->from, "Index folder built elsewhere")->check(CLI::ExistingDirectory);
    auto* stage = app->add_flag("--stage", flags->stage, "Copy and check it into --db without serving it yet");
    stage->needs(from);
    auto* activate = app->add_flag("--activate", flags->activate, "Serve what --stage copied")->excludes(from);
    app->add_option("--build", flags->build, "With --activate: only if the staged build is this one (as staged)")
        ->needs(activate);
    add_db_flag(*app, shared.config, "Index folder a server serves");
    return {app, [flags, &shared](const Config& config) { return run_publish(config, *flags, shared.global.quiet); }};
}

Command add_rollout_command(CLI::App& program, SharedFlags& shared) {
    auto* app = program.add_subcommand(
        "rollout", "Publish an index built elsewhere on several replicas' index folders, all or none");
    auto from = std::make_shared<std::string>();
    auto replicas = std::make_shared<std::vector<std::string>>();
    app->add_option("--from", *from, "Index folder built elsewhere")->required()->check(CLI::ExistingDirectory);
    app->add_option("--replica", *replicas, "A replica's index folder (repeat for each)")->required();
    return {app, [from, replicas, &shared](const Config&) { return run_rollout(*from, *replicas, shared.global.quiet); }};
}

Command add_stats_command(CLI::App& program, SharedFlags& shared) {
    auto* app = program.add_subcommand("stats", "Facts about an index");
    auto json = std::make_shared<bool>(false);
    add_db_flag(*app, shared.config);
    add_json_flag(*app, *json, "As JSON");
    return {app, [json](const Config& config) { return run_stats(config, *json); }};
}

}  // namespace medsearch::cli
