#include "flags.hpp"

#include "medsearch/common/defaults.hpp"

namespace medsearch::cli {
namespace {

CLI::Validator range_of(defaults::Range range) { return CLI::Range(range.low, range.high); }

Status apply_flags(const ConfigFlags& flags, Config& config) {
    if (flags.source) config.source_dir = *flags.source;
    if (flags.db) config.index_dir = *flags.db;
    if (flags.synonyms) config.synonyms_file = *flags.synonyms;
    if (flags.medicines) config.medicines_file = *flags.medicines;
    if (flags.brands) config.brands_file = *flags.brands;
    if (flags.threads) config.threads = *flags.threads;
    if (flags.index_threads) config.index_threads = *flags.index_threads;
    if (flags.cache_mb) config.cache_mb = *flags.cache_mb;
    if (flags.max_connections_per_client) config.max_connections_per_client = *flags.max_connections_per_client;
    if (flags.deadline_ms) config.search_deadline = std::chrono::milliseconds(*flags.deadline_ms);
    if (flags.site_url) config.site_url = *flags.site_url;
    if (flags.public_url) config.public_url = *flags.public_url;
    if (flags.search_name) config.search_name = *flags.search_name;
    if (flags.query_log) config.query_log = *flags.query_log;
    if (flags.query_log_max_mb) config.query_log_max_mb = *flags.query_log_max_mb;
    config.cors_origins.insert(config.cors_origins.end(), flags.cors_origins.begin(), flags.cors_origins.end());
    if (!flags.shard_servers.empty()) config.shard_servers = flags.shard_servers;
    for (const auto& server : config.shard_servers) {
        std::string host;
        int port = 0;
        if (auto parsed = parse_host_port(server, "a shard server", host, port); !parsed) return parsed;
    }
    if (flags.listen) return parse_listen_address(*flags.listen, config.host, config.port);
    return Ok{};
}

}  // namespace

void add_global_flags(CLI::App& program, GlobalFlags& flags) {
    program.add_option("--config", flags.config_file, "YAML config file (data/config.yaml)")->check(CLI::ExistingFile);
    program.add_flag("-v,--verbose", flags.verbose, "More log output");
    program.add_flag("-q,--quiet", flags.quiet, "Only errors on stderr");
}

CLI::Option* add_source_flag(CLI::App& command, ConfigFlags& flags) {
    return command.add_option("--source", flags.source, "Folder of Markdown monographs");
}

CLI::Option* add_db_flag(CLI::App& command, ConfigFlags& flags, const std::string& help) {
    return command.add_option("--db", flags.db, help);
}

void add_json_flag(CLI::App& command, bool& json, const std::string& help) { command.add_flag("--json", json, help); }

void add_index_threads_flag(CLI::App& command, ConfigFlags& flags) {
    command.add_option("--threads", flags.index_threads, "Indexing threads (default: one per core)")
        ->check(range_of(defaults::kThreadsRange));
}

void add_http_threads_flag(CLI::App& command, ConfigFlags& flags) {
    // 0 is left to the config file, where it means one per core.
    command.add_option("--threads", flags.threads, "Worker threads, one searcher each (default: one per core)")
        ->check(CLI::Range(1, defaults::kThreadsRange.high));
}

void add_shard_servers_flag(CLI::App& command, ConfigFlags& flags) {
    command.add_option("--shard-server", flags.shard_servers,
                       "HOST:PORT of the shard server of each shard of the index, in their order (repeatable; "
                       "medsearch shard-server)");
}

void add_deadline_flag(CLI::App& command, ConfigFlags& flags) {
    command
        .add_option("--deadline-ms", flags.deadline_ms,
                    "Milliseconds a search may take before it answers with what it has, marked partial (default " +
                        std::to_string(defaults::kSearchDeadline.count()) + ")")
        ->check(range_of(defaults::kSearchDeadlineMsRange));
}

void add_dictionary_flags(CLI::App& command, ConfigFlags& flags) {
    command.add_option("--synonyms", flags.synonyms, "Synonyms file to check (default: the built-in one)")
        ->check(CLI::ExistingFile);
    command.add_option("--medicines", flags.medicines, "Medicines file to check (default: the built-in one)")
        ->check(CLI::ExistingFile);
    command.add_option("--brands", flags.brands, "Brands file to check (default: the built-in one)")
        ->check(CLI::ExistingFile);
}

CLI::Option* add_query_log_flag(CLI::App& command, ConfigFlags& flags, const std::string& help) {
    return command.add_option("--query-log", flags.query_log, help);
}

Result<Config> load_settings(const GlobalFlags& global, const ConfigFlags& flags) {
    Config config;
    if (!global.config_file.empty()) {
        auto loaded = load_config(global.config_file);
        if (!loaded) return loaded.error();
        config = std::move(loaded.value());
    }
    if (auto applied = apply_flags(flags, config); !applied) return applied.error();
    if (auto valid = validate_config(config); !valid) return valid.error();
    return config;
}

}  // namespace medsearch::cli
