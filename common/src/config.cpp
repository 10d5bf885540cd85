#include "medsearch/common/config.hpp"

#include "medsearch/common/embedded_data.hpp"
#include "medsearch/common/text.hpp"
#include "medsearch/common/text_analysis.hpp"
#include "yaml_error.hpp"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <charconv>
#include <functional>
#include <map>
#include <fstream>
#include <sstream>

namespace medsearch {
namespace {

Error bad(const std::filesystem::path& file, const YAML::Node& node, const std::string& what) {
    return yaml_error(file.string(), node, what);
}

std::string range_text(defaults::Range range) {
    return std::to_string(range.low) + ".." + std::to_string(range.high);
}

// One key of a config file and its value; paths in it are relative to the file's folder.
struct Setting {
    std::string key;
    const YAML::Node& value;
    const std::filesystem::path& file;

    std::filesystem::path resolve(const std::string& text) const {
        std::filesystem::path path(text);
        auto base = file.parent_path();
        return path.is_absolute() || base.empty() ? path : base / path;
    }
};

Result<std::string> text_of(const Setting& s) {
    if (!s.value.IsScalar()) return bad(s.file, s.value, "'" + s.key + "' must be a value");
    return s.value.as<std::string>();
}

Result<int> number_of(const Setting& s, defaults::Range range) {
    int parsed = 0;
    if (!s.value.IsScalar() || !YAML::convert<int>::decode(s.value, parsed))
        return bad(s.file, s.value, "'" + s.key + "' must be a whole number");
    if (!range.contains(parsed))
        return bad(s.file, s.value, s.key + " must be " + range_text(range) + ", got " + std::to_string(parsed));
    return parsed;
}

Status set_path(const Setting& s, std::filesystem::path& out) {
    auto text = text_of(s);
    if (!text) return text.error();
    out = s.resolve(text.value());
    return Ok{};
}

template <typename T>
Status set_number(const Setting& s, defaults::Range range, T& out) {
    auto n = number_of(s, range);
    if (!n) return n.error();
    out = static_cast<T>(n.value());
    return Ok{};
}

Status set_permalink(const Setting& s, Config& config) {
    auto text = text_of(s);
    if (!text) return text.error();
    if (auto problem = permalink_problem(text.value()); !problem.empty())
        return bad(s.file, s.value, problem + ", got '" + text.value() + "'");
    config.permalink = text.value();
    return Ok{};
}

Status set_site_url(const Setting& s, Config& config) {
    auto text = text_of(s);
    if (!text) return text.error();
    if (!text.value().starts_with("https://") && !text.value().starts_with("http://"))
        return bad(s.file, s.value, "site_url looks like https://example.org, got '" + text.value() + "'");
    config.site_url = text.value();
    return Ok{};
}

// A text setting that `problem` accepts (an empty answer) or says what is wrong with.
Status set_checked_text(const Setting& s, std::string (*problem)(std::string_view), std::string& out) {
    auto text = text_of(s);
    if (!text) return text.error();
    if (auto wrong = problem(text.value()); !wrong.empty()) return bad(s.file, s.value, wrong);
    out = text.value();
    return Ok{};
}

Status set_listen(const Setting& s, Config& config) {
    auto text = text_of(s);
    if (!text) return text.error();
    auto parsed = parse_listen_address(text.value(), config.host, config.port);
    if (!parsed) return bad(s.file, s.value, parsed.error().message);
    return Ok{};
}

Status set_cors_origins(const Setting& s, Config& config) {
    if (!s.value.IsSequence()) return bad(s.file, s.value, "cors_origins must be a list of origins");
    for (const auto& origin : s.value) {
        auto text = origin.as<std::string>();
        if (text != "*" && text.find("://") == std::string::npos)
            return bad(s.file, origin, "an origin looks like https://example.org, got '" + text + "'");
        while (!text.empty() && text.back() == '/') text.pop_back();
        config.cors_origins.push_back(text);
    }
    return Ok{};
}

Status set_shard_servers(const Setting& s, Config& config) {
    if (!s.value.IsSequence()) return bad(s.file, s.value, "shard_servers must be a list of HOST:PORT");
    for (const auto& server : s.value) {
        auto text = server.as<std::string>();
        std::string host;
        int port = 0;
        if (auto parsed = parse_host_port(text, "a shard server", host, port); !parsed)
            return bad(s.file, server, parsed.error().message);
        config.shard_servers.push_back(text);
    }
    return Ok{};
}

Status set_search_deadline(const Setting& s, Config& config) {
    int ms = 0;
    if (auto set = set_number(s, defaults::kSearchDeadlineMsRange, ms); !set) return set;
    config.search_deadline = std::chrono::milliseconds(ms);
    return Ok{};
}

// Every key a config file may have, and what it sets.
using Apply = Status (*)(const Setting&, Config&);
const std::map<std::string, Apply, std::less<>>& config_keys() {
    static const std::map<std::string, Apply, std::less<>> keys = {
        {"source", [](const Setting& s, Config& c) { return set_path(s, c.source_dir); }},
        {"index", [](const Setting& s, Config& c) { return set_path(s, c.index_dir); }},
        {"synonyms", [](const Setting& s, Config& c) { return set_path(s, c.synonyms_file); }},
        {"brands", [](const Setting& s, Config& c) { return set_path(s, c.brands_file); }},
        {"stopwords", [](const Setting& s, Config& c) { return set_path(s, c.stopwords_file); }},
        {"medicines", [](const Setting& s, Config& c) { return set_path(s, c.medicines_file); }},
        {"essential_medicines", [](const Setting& s, Config& c) { return set_path(s, c.essential_file); }},
        {"permalink", set_permalink},
        {"site_url", set_site_url},
        {"public_url", [](const Setting& s, Config& c) { return set_checked_text(s, public_url_problem, c.public_url); }},
        {"search_name",
         [](const Setting& s, Config& c) { return set_checked_text(s, search_name_problem, c.search_name); }},
        {"listen", set_listen},
        {"cors_origins", set_cors_origins},
        {"shard_servers", set_shard_servers},
        {"threads", [](const Setting& s, Config& c) { return set_number(s, defaults::kThreadsRange, c.threads); }},
        {"index_threads",
         [](const Setting& s, Config& c) { return set_number(s, defaults::kThreadsRange, c.index_threads); }},
        {"cache_mb", [](const Setting& s, Config& c) { return set_number(s, defaults::kCacheMbRange, c.cache_mb); }},
        {"max_connections_per_client",
         [](const Setting& s, Config& c) {
             return set_number(s, defaults::kMaxConnectionsPerClientRange, c.max_connections_per_client);
         }},
        {"query_log", [](const Setting& s, Config& c) { return set_path(s, c.query_log); }},
        {"query_log_max_mb",
         [](const Setting& s, Config& c) { return set_number(s, defaults::kQueryLogMaxMbRange, c.query_log_max_mb); }},
        {"max_page_bytes",
         [](const Setting& s, Config& c) { return set_number(s, defaults::kMaxPageBytesRange, c.max_page_bytes); }},
        {"snippet_bytes",
         [](const Setting& s, Config& c) { return set_number(s, defaults::kSnippetBytesRange, c.snippet_bytes); }},
        {"search_deadline_ms", set_search_deadline},
    };
    return keys;
}

// "NAME must be LOW..HIGH, got N" when `value` is out of range.
Status check_range(std::string_view name, defaults::Range range, long long value) {
    if (range.contains(value)) return Ok{};
    return Error{Errc::bad_input,
                 std::string(name) + " must be " + range_text(range) + ", got " + std::to_string(value)};
}

}  // namespace

Status parse_listen_address(std::string_view text, std::string& host, int& port) {
    return parse_host_port(text, "listen address", host, port);
}

Status parse_host_port(std::string_view text, std::string_view what, std::string& host, int& port) {
    auto colon = text.rfind(':');
    if (colon == std::string_view::npos || colon == 0)
        return Error{Errc::bad_input, std::string(what) + " must be HOST:PORT, got '" + std::string(text) + "'"};
    int value = 0;
    auto digits = text.substr(colon + 1);
    auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), value);
    if (ec != std::errc{} || end != digits.data() + digits.size() || !defaults::kPortRange.contains(value))
        return Error{Errc::bad_input, "port must be " + range_text(defaults::kPortRange) + ", got '" +
                                          std::string(digits) + "'"};
    host = std::string(text.substr(0, colon));
    port = value;
    return Ok{};
}

Result<Config> load_config(const std::filesystem::path& file) {
    std::ifstream in(file, std::ios::binary);
    if (!in) return Error{Errc::bad_input, file.string() + ": cannot read config file"};
    std::ostringstream content;
    content << in.rdbuf();
    return parse_config(content.str(), file);
}

Result<Config> parse_config(std::string_view yaml_text, const std::filesystem::path& file) {
    Config config;
    auto loaded = load_yaml(yaml_text, file.string());
    if (!loaded) return loaded.error();
    const auto& root = loaded.value();
    if (root.IsNull()) return config;
    if (!root.IsMap()) return bad(file, root, "config must be a mapping of keys to values");
    try {
        for (const auto& item : root) {
            Setting setting{item.first.as<std::string>(), item.second, file};
            auto apply = config_keys().find(setting.key);
            if (apply == config_keys().end()) return bad(file, item.first, "unknown key '" + setting.key + "'");
            if (auto set = apply->second(setting, config); !set) return set.error();
        }
    } catch (const YAML::Exception& e) {
        return yaml_error(file.string(), e);
    }
    return config;
}

Status validate_config(const Config& config) {
    const Status checks[] = {
        check_range("port", defaults::kPortRange, config.port),
        check_range("threads", defaults::kThreadsRange, config.threads),
        check_range("index threads", defaults::kThreadsRange, config.index_threads),
        check_range("max connections per client", defaults::kMaxConnectionsPerClientRange,
                    config.max_connections_per_client),
        check_range("query log max MiB", defaults::kQueryLogMaxMbRange, config.query_log_max_mb),
        check_range("search deadline (ms)", defaults::kSearchDeadlineMsRange, config.search_deadline.count()),
    };
    for (const auto& status : checks)
        if (!status) return status;
    if (auto problem = public_url_problem(config.public_url); !config.public_url.empty() && !problem.empty())
        return Error{Errc::bad_input, problem};
    if (auto problem = search_name_problem(config.search_name); !config.search_name.empty() && !problem.empty())
        return Error{Errc::bad_input, problem};
    return Ok{};
}

std::string public_url_problem(std::string_view url) {
    bool scheme = url.starts_with("https://") || url.starts_with("http://");
    bool plain = std::none_of(url.begin(), url.end(), [](char ch) {
        auto c = static_cast<unsigned char>(ch);
        return c <= 0x20 || c == 0x7f || ch == '"' || ch == '<' || ch == '>' || ch == '?' || ch == '#';
    });
    if (scheme && plain && url.size() > 8) return {};
    return "public_url looks like https://search.example.org, got '" + std::string(url) + "'";
}

std::string search_name_problem(std::string_view name) {
    bool plain = std::none_of(name.begin(), name.end(), [](char ch) {
        auto c = static_cast<unsigned char>(ch);
        return c < 0x20 || c == 0x7f;
    });
    if (plain && !name.empty() && !find_invalid_utf8(name)) {
        std::size_t characters = 0;
        for (std::size_t i = 0; i < name.size(); ++characters) next_code_point(name, i);
        if (characters <= 16) return {};
    }
    return "search_name must be 1..16 characters of text, got '" + std::string(name) + "'";
}

namespace {

// A path's bytes as a URL path keeps them: RFC 3986 unreserved characters and
// '/' as they are, every other byte (':', '?', '#', '%', quotes, '<', spaces,
// controls, UTF-8) as %XX.
std::string percent_encode_path(std::string_view path) {
    static constexpr char kHex[] = "0123456789ABCDEF";
    std::string out;
    out.reserve(path.size());
    for (char ch : path) {
        auto c = static_cast<unsigned char>(ch);
        bool keep = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
                    c == '.' || c == '_' || c == '~' || c == '/';
        if (keep) {
            out.push_back(ch);
        } else {
            out.push_back('%');
            out.push_back(kHex[c >> 4]);
            out.push_back(kHex[c & 15]);
        }
    }
    return out;
}

}  // namespace

std::string permalink_problem(std::string_view pattern) {
    if (pattern.find(":path") == std::string_view::npos && pattern.find(":basename") == std::string_view::npos)
        return "permalink must contain :path or :basename";
    bool web = pattern.starts_with("https://") || pattern.starts_with("http://");
    if (!web && (!pattern.starts_with('/') || pattern.starts_with("//")))
        return "permalink must start with '/' (a path of the site) or http:// or https://";
    for (char ch : pattern) {
        auto c = static_cast<unsigned char>(ch);
        if (c <= ' ' || c == 0x7f || c == '"' || c == '\'' || c == '<' || c == '>' || c == '\\' || c == '`')
            return "permalink must not contain spaces, control characters, quotes, '<', '>', '\\' or '`'";
    }
    return {};
}

std::string expand_permalink(std::string_view pattern, std::string_view relative_path) {
    std::string path = percent_encode_path(relative_path);
    if (auto dot = path.rfind('.'); dot != std::string::npos && path.find('/', dot) == std::string::npos)
        path.erase(dot);
    auto slash = path.rfind('/');
    std::string basename = slash == std::string::npos ? path : path.substr(slash + 1);
    std::string dir = slash == std::string::npos ? "" : path.substr(0, slash);
    std::string url;
    for (std::size_t i = 0; i < pattern.size();) {
        auto rest = pattern.substr(i);
        if (rest.starts_with(":path")) {
            url += path;
            i += 5;
        } else if (rest.starts_with(":basename")) {
            url += basename;
            i += 9;
        } else if (rest.starts_with(":dir")) {
            url += dir;
            i += 4;
        } else {
            url.push_back(pattern[i++]);
        }
    }
    return url;
}

Result<std::string> read_data_file(const std::filesystem::path& file,
                                   std::string_view builtin_name) {
    if (file.empty()) {
        auto builtin = embedded_data(builtin_name);
        if (!builtin) return Error{Errc::internal, "no built-in " + std::string(builtin_name)};
        return std::string(*builtin);
    }
    std::ifstream in(file, std::ios::binary);
    if (!in) return Error{Errc::bad_input, file.string() + ": cannot read file"};
    // Read in place at the file's size (word lists run to megabytes); a file
    // that grows meanwhile is read to its end all the same.
    std::string content;
    std::error_code ec;
    auto size = std::filesystem::file_size(file, ec);
    if (!ec) {
        content.resize(static_cast<std::size_t>(size));
        in.read(content.data(), static_cast<std::streamsize>(content.size()));
        content.resize(static_cast<std::size_t>(in.gcount()));
        if (in.gcount() < static_cast<std::streamsize>(size)) return content;
    }
    in.clear();
    std::ostringstream rest;
    rest << in.rdbuf();
    return content + rest.str();
}

}  // namespace medsearch
