#include "options.hpp"

#include "medsearch/common/defaults.hpp"

namespace medsearch::cli {

BuildOptions build_options(const Config& config) {
    BuildOptions options;
    options.source_dir = config.source_dir;
    options.index_dir = config.index_dir;
    options.permalink = config.permalink;
    options.synonyms_file = config.synonyms_file;
    options.brands_file = config.brands_file;
    options.medicines_file = config.medicines_file;
    options.essential_file = config.essential_file;
    options.stopwords_file = config.stopwords_file;
    options.threads = config.index_threads;
    options.max_page_bytes = config.max_page_bytes;
    return options;
}

CheckOptions check_options(const Config& config) {
    CheckOptions options;
    options.source_dir = config.source_dir;
    options.permalink = config.permalink;
    options.threads = config.index_threads;
    options.max_page_bytes = config.max_page_bytes;
    return options;
}

DictionaryFiles dictionary_files(const Config& config) {
    return {config.synonyms_file, config.medicines_file, config.brands_file};
}

SearchSettings search_settings(const Config& config) {
    SearchSettings settings;
    settings.snippet_bytes = config.snippet_bytes;
    settings.deadline = config.search_deadline;
    settings.shard_servers = config.shard_servers;
    return settings;
}

ServerOptions server_options(const Config& config) {
    ServerOptions options;
    options.index_dir = config.index_dir;
    options.host = config.host;
    options.port = config.port;
    // Connections do not hold a worker: searches need no more workers than cores.
    options.threads = defaults::threads_for(config.threads);
    options.site_url = config.site_url;
    options.public_url = config.public_url;
    options.search_name = config.search_name;
    options.cors_origins = config.cors_origins;
    options.search = search_settings(config);
    options.cache_bytes = static_cast<std::size_t>(config.cache_mb) << 20;
    options.max_connections_per_client = config.max_connections_per_client;
    options.query_log = config.query_log;
    options.query_log_max_bytes = static_cast<std::uint64_t>(config.query_log_max_mb) << 20;
    return options;
}

}  // namespace medsearch::cli
