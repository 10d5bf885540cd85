#pragma once
// The subcommands of `medsearch`. Each adds itself and its flags to the
// program and returns what runs it once the command line is parsed and the
// settings (config file, then flags) are loaded.

#include "flags.hpp"

#include "medsearch/common/config.hpp"

#include <CLI/CLI.hpp>

#include <functional>

namespace medsearch::cli {

// The flags every subcommand may read; they outlive the commands.
struct SharedFlags {
    GlobalFlags global;
    ConfigFlags config;
};

struct Command {
    CLI::App* app = nullptr;                 // parsed() when this is the command given
    std::function<int(const Config&)> run;   // the exit status
};

Command add_index_command(CLI::App& program, SharedFlags& shared);
Command add_check_command(CLI::App& program, SharedFlags& shared);
Command add_search_command(CLI::App& program, SharedFlags& shared);
Command add_suggest_command(CLI::App& program, SharedFlags& shared);
Command add_serve_command(CLI::App& program, SharedFlags& shared);
Command add_shard_server_command(CLI::App& program, SharedFlags& shared);
Command add_publish_command(CLI::App& program, SharedFlags& shared);
Command add_rollout_command(CLI::App& program, SharedFlags& shared);
Command add_stats_command(CLI::App& program, SharedFlags& shared);
Command add_report_command(CLI::App& program, SharedFlags& shared);

}  // namespace medsearch::cli
