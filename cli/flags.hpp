#pragma once
// The flags several subcommands share, each declared once here. A flag that
// stands for a config key overrides the file (load_settings), and validation
// runs after the flags, so a flag and a key accept the same values.

#include "medsearch/common/config.hpp"
#include "medsearch/common/result.hpp"

#include <CLI/CLI.hpp>

#include <optional>
#include <string>
#include <vector>

namespace medsearch::cli {

// Before the subcommand: `medsearch --config FILE -q index ...`.
struct GlobalFlags {
    std::string config_file;  // empty: defaults only
    bool verbose = false;
    bool quiet = false;
};

// Flags that override a key of the config file when given.
struct ConfigFlags {
    std::optional<std::string> source, db, synonyms, medicines, brands, listen, site_url, public_url, search_name,
        query_log;
    std::optional<int> threads, index_threads, cache_mb, max_connections_per_client, deadline_ms, query_log_max_mb;
    std::vector<std::string> cors_origins;  // added to the file's list
    std::vector<std::string> shard_servers;  // replace the file's list
};

void add_global_flags(CLI::App& program, GlobalFlags& flags);

CLI::Option* add_source_flag(CLI::App& command, ConfigFlags& flags);
CLI::Option* add_db_flag(CLI::App& command, ConfigFlags& flags, const std::string& help = "Index folder");
void add_json_flag(CLI::App& command, bool& json, const std::string& help = "Print the JSON body the HTTP API returns");
// --threads of index (indexing threads) and of serve (HTTP workers).
void add_index_threads_flag(CLI::App& command, ConfigFlags& flags);
void add_http_threads_flag(CLI::App& command, ConfigFlags& flags);
void add_deadline_flag(CLI::App& command, ConfigFlags& flags);
// --shard-server HOST:PORT (repeatable): shard servers that match in place of the local shards.
void add_shard_servers_flag(CLI::App& command, ConfigFlags& flags);
void add_dictionary_flags(CLI::App& command, ConfigFlags& flags);
// --query-log FILE: where serve writes the searches and report reads them.
CLI::Option* add_query_log_flag(CLI::App& command, ConfigFlags& flags, const std::string& help);

// The config file when given, then the flags over it, then validation.
Result<Config> load_settings(const GlobalFlags& global, const ConfigFlags& flags);

}  // namespace medsearch::cli
