#pragma once
// data/config.yaml as a plain struct with defaults, validated in one place.
// Relative paths in a config file are relative to the file's folder.

#include "medsearch/common/defaults.hpp"
#include "medsearch/common/result.hpp"

#include <chrono>
#include <cstddef>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace medsearch {

struct Config {
    std::filesystem::path source_dir = defaults::kSourceDir;
    std::filesystem::path index_dir = defaults::kIndexDir;
    std::string permalink = defaults::kPermalink;  // :path, :basename, :dir
    std::filesystem::path synonyms_file;   // empty: the list built into the program
    std::filesystem::path brands_file;     // one brand a line; empty: the list built into the program
    std::filesystem::path stopwords_file;  // empty: the list built into the program
    std::filesystem::path medicines_file;  // kinds of medicine and conditions; empty: built in
    std::filesystem::path essential_file;  // essential-medicines list; empty: built in
    std::string host = defaults::kHost;
    int port = defaults::kPort;
    int threads = defaults::kThreads;        // HTTP workers, one searcher each; 0: one per core
    std::string site_url;                    // the site's address, for links on the search page
    std::string public_url;                  // this server as browsers reach it (/opensearch.xml)
    std::string search_name;                 // the search's name in a browser (at most 16 characters)
    std::vector<std::string> cors_origins;   // origins allowed to call the API
    // HOST:PORT of the shard servers that match for serve, in the order of
    // the generation's shards; empty: the shards of the index folder.
    std::vector<std::string> shard_servers;
    unsigned snippet_bytes = defaults::kSnippetBytes;  // length of a snippet, in bytes of text
    std::chrono::milliseconds search_deadline = defaults::kSearchDeadline;  // then a search answers in part
    int cache_mb = defaults::kCacheMb;       // MiB of answers kept for repeated requests; 0: none
    int max_connections_per_client = defaults::kMaxConnectionsPerClient;  // from one client address; 0: no limit
    std::filesystem::path query_log;         // one JSON line per search settled on; empty: no log
    int query_log_max_mb = defaults::kQueryLogMaxMb;  // then the log moves to FILE.1 and starts again
    int index_threads = defaults::kThreads;  // 0: one per core
    std::size_t max_page_bytes = defaults::kMaxPageBytes;  // larger source files are refused with an error
};

// Reads a config file; errors name the file and line ("config.yaml:7: ...").
Result<Config> load_config(const std::filesystem::path& file);

// The same for text already read; `file` names it in errors and anchors
// relative paths.
Result<Config> parse_config(std::string_view yaml_text, const std::filesystem::path& file);

// Checks ranges after flags have overridden the file.
Status validate_config(const Config& config);

// "127.0.0.1:8080" -> host, port; errors name the value.
Status parse_listen_address(std::string_view text, std::string& host, int& port);
// The same for an address named `what` in errors ("shard server").
Status parse_host_port(std::string_view text, std::string_view what, std::string& host, int& port);

// The site URL of a page: "a/amitriptyline.md" with "/composition/:path/" gives
// "/composition/a/amitriptyline/". What comes from the file's path is
// percent-encoded (RFC 3986), so no file name can add a scheme, a query or markup.
std::string expand_permalink(std::string_view pattern, std::string_view relative_path);

// Empty when `pattern` can only give a path ("/...", not "//...") or an
// http(s) URL, whatever the file names; else what is wrong with it.
std::string permalink_problem(std::string_view pattern);

// Empty when `url` is an http(s) address without spaces, quotes, query or
// fragment (public_url); else what is wrong with it.
std::string public_url_problem(std::string_view url);
// Empty when `name` is 1..16 characters of text (search_name); else what is wrong.
std::string search_name_problem(std::string_view name);

// Content of a data file, or the built-in copy when `file` is empty.
Result<std::string> read_data_file(const std::filesystem::path& file,
                                   std::string_view builtin_name);

}  // namespace medsearch
