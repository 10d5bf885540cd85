#include "medsearch/common/config.hpp"

#include "medsearch/common/embedded_data.hpp"
#include "yaml_error.hpp"

#include <yaml-cpp/yaml.h>

#include <charconv>
#include <fstream>
#include <sstream>

namespace medsearch {
namespace {

Error bad(const std::filesystem::path& file, const YAML::Node& node, const std::string& what) {
    return yaml_error(file.string(), node, what);
}

}  // namespace

Status parse_listen_address(std::string_view text, std::string& host, int& port) {
    auto colon = text.rfind(':');
    if (colon == std::string_view::npos || colon == 0)
        return Error{Errc::bad_input,
                     "listen address must be HOST:PORT, got '" + std::string(text) + "'"};
    int value = 0;
    auto digits = text.substr(colon + 1);
    auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), value);
    if (ec != std::errc{} || end != digits.data() + digits.size() || value < 0 || value > 65535)
        return Error{Errc::bad_input,
                     "port must be 0..65535, got '" + std::string(digits) + "'"};
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
    YAML::Node root;
    try {
        root = YAML::Load(std::string(yaml_text));
    } catch (const YAML::Exception& e) {
        return yaml_error(file.string(), e);
    }
    if (root.IsNull()) return config;
    if (!root.IsMap()) return bad(file, root, "config must be a mapping of keys to values");
    auto base = file.parent_path();
    auto resolve = [&](const std::string& value) {
        std::filesystem::path path(value);
        return path.is_absolute() || base.empty() ? path : base / path;
    };
    try {
        for (const auto& item : root) {
            auto key = item.first.as<std::string>();
            const auto& value = item.second;
            auto scalar = [&]() -> Result<std::string> {
                if (!value.IsScalar()) return bad(file, value, "'" + key + "' must be a value");
                return value.as<std::string>();
            };
            auto integer = [&](int low, int high) -> Result<int> {
                int parsed = 0;
                if (!value.IsScalar() || !YAML::convert<int>::decode(value, parsed))
                    return bad(file, value, "'" + key + "' must be a whole number");
                if (parsed < low || parsed > high)
                    return bad(file, value,
                               key + " must be " + std::to_string(low) + ".." +
                                   std::to_string(high) + ", got " + std::to_string(parsed));
                return parsed;
            };
            if (key == "source" || key == "index" || key == "synonyms" || key == "stopwords" ||
                key == "medicines" || key == "essential_medicines" || key == "permalink" || key == "listen" ||
                key == "site_url") {
                auto text = scalar();
                if (!text) return text.error();
                if (key == "source") config.source_dir = resolve(text.value());
                if (key == "index") config.index_dir = resolve(text.value());
                if (key == "synonyms") config.synonyms_file = resolve(text.value());
                if (key == "stopwords") config.stopwords_file = resolve(text.value());
                if (key == "medicines") config.medicines_file = resolve(text.value());
                if (key == "essential_medicines") config.essential_file = resolve(text.value());
                if (key == "permalink") {
                    if (auto problem = permalink_problem(text.value()); !problem.empty())
                        return bad(file, value, problem + ", got '" + text.value() + "'");
                    config.permalink = text.value();
                }
                if (key == "site_url") {
                    if (!text.value().starts_with("https://") && !text.value().starts_with("http://"))
                        return bad(file, value, "site_url looks like https://example.org, got '" + text.value() + "'");
                    config.site_url = text.value();
                }
                if (key == "listen") {
                    auto parsed = parse_listen_address(text.value(), config.host, config.port);
                    if (!parsed) return bad(file, value, parsed.error().message);
                }
            } else if (key == "threads") {
                auto n = integer(0, 256);
                if (!n) return n.error();
                config.threads = n.value();
            } else if (key == "index_threads") {
                auto n = integer(0, 256);
                if (!n) return n.error();
                config.index_threads = n.value();
            } else if (key == "cache_mb") {
                auto n = integer(0, 4096);
                if (!n) return n.error();
                config.cache_mb = n.value();
            } else if (key == "max_connections_per_client") {
                auto n = integer(0, 1000000);
                if (!n) return n.error();
                config.max_connections_per_client = n.value();
            } else if (key == "max_page_bytes") {
                auto n = integer(1, 1 << 30);
                if (!n) return n.error();
                config.max_page_bytes = static_cast<std::size_t>(n.value());
            } else if (key == "snippet_bytes") {
                auto n = integer(40, 2000);
                if (!n) return n.error();
                config.snippet_bytes = static_cast<unsigned>(n.value());
            } else if (key == "cors_origins") {
                if (!value.IsSequence())
                    return bad(file, value, "cors_origins must be a list of origins");
                for (const auto& origin : value) {
                    auto text = origin.as<std::string>();
                    if (text != "*" && text.find("://") == std::string::npos)
                        return bad(file, origin,
                                   "an origin looks like https://example.org, got '" + text + "'");
                    while (!text.empty() && text.back() == '/') text.pop_back();
                    config.cors_origins.push_back(text);
                }
            } else {
                return bad(file, item.first, "unknown key '" + key + "'");
            }
        }
    } catch (const YAML::Exception& e) {
        return yaml_error(file.string(), e);
    }
    return config;
}

Status validate_config(const Config& config) {
    if (config.port < 0 || config.port > 65535)
        return Error{Errc::bad_input, "port must be 0..65535, got " + std::to_string(config.port)};
    if (config.threads < 0 || config.threads > 256)
        return Error{Errc::bad_input,
                     "threads must be 0..256, got " + std::to_string(config.threads)};
    if (config.index_threads < 0 || config.index_threads > 256)
        return Error{Errc::bad_input,
                     "index threads must be 0..256, got " + std::to_string(config.index_threads)};
    if (config.max_connections_per_client < 0 || config.max_connections_per_client > 1000000)
        return Error{Errc::bad_input, "max connections per client must be 0..1000000, got " +
                                          std::to_string(config.max_connections_per_client)};
    return Ok{};
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
    std::ostringstream content;
    content << in.rdbuf();
    return content.str();
}

}  // namespace medsearch
