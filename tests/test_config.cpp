#include "medsearch/common/config.hpp"
#include "support.hpp"

using namespace medsearch;
using namespace medsearch::test;

TEST_CASE("config paths are relative to the config file", "[config][unit]") {
    TempDir dir;
    write_file(dir / "site/config.yaml",
               "source: pages\nindex: /var/lib/idx\nlisten: 0.0.0.0:9000\nthreads: 8\n"
               "cors_origins: [https://medicine.example.org/]\nmax_connections_per_client: 64\n"
               "shard_servers: [10.0.0.7:7301, \"[::1]:7302\"]\n");
    auto config = load_config(dir / "site/config.yaml");
    REQUIRE(config.ok());
    CHECK(config.value().source_dir == dir / "site/pages");
    CHECK(config.value().index_dir == "/var/lib/idx");
    CHECK(config.value().host == "0.0.0.0");
    CHECK(config.value().port == 9000);
    CHECK(config.value().threads == 8);
    CHECK(config.value().cors_origins == std::vector<std::string>{"https://medicine.example.org"});
    CHECK(config.value().max_connections_per_client == 64);
    CHECK(config.value().shard_servers == std::vector<std::string>{"10.0.0.7:7301", "[::1]:7302"});
}

TEST_CASE("config defaults come from one place, and search_deadline_ms sets the search deadline", "[config][unit]") {
    auto empty = parse_config("", "config.yaml");
    REQUIRE(empty.ok());
    CHECK(empty.value().search_deadline == defaults::kSearchDeadline);
    CHECK(empty.value().permalink == defaults::kPermalink);
    auto config = parse_config("search_deadline_ms: 10000\n", "config.yaml");
    REQUIRE(config.ok());
    CHECK(config.value().search_deadline == std::chrono::milliseconds(10000));
    CHECK(validate_config(config.value()).ok());
    auto out_of_range = config.value();
    out_of_range.search_deadline = std::chrono::milliseconds(0);
    REQUIRE_FALSE(validate_config(out_of_range).ok());
    CHECK(validate_config(out_of_range).error().message == "search deadline (ms) must be 1..60000, got 0");
}

TEST_CASE("config errors name the file and line", "[config][unit]") {
    struct Row {
        std::string yaml, message;
    };
    const Row rows[] = {
        {"source: x\nsorce: y\n", "config.yaml:2: unknown key 'sorce'"},
        {"threads: 300\n", "config.yaml:1: threads must be 0..256, got 300"},
        {"listen: 127.0.0.1:70000\n", "config.yaml:1: port must be 0..65535, got '70000'"},
        {"threads: many\n", "config.yaml:1: 'threads' must be a whole number"},
        {"max_connections_per_client: -1\n", "config.yaml:1: max_connections_per_client must be 0..1000000, got -1"},
        {"permalink: /drugs/\n", "config.yaml:1: permalink must contain :path or :basename, got '/drugs/'"},
        {"permalink: \":basename\"\n",
         "config.yaml:1: permalink must start with '/' (a path of the site) or http:// or https://, got ':basename'"},
        {"permalink: javascript:alert(1)/:path\n",
         "config.yaml:1: permalink must start with '/' (a path of the site) or http:// or https://, got "
         "'javascript:alert(1)/:path'"},
        {"permalink: //evil.example/:path\n",
         "config.yaml:1: permalink must start with '/' (a path of the site) or http:// or https://, got "
         "'//evil.example/:path'"},
        {"permalink: \"/d/:path/<b>\"\n",
         "config.yaml:1: permalink must not contain spaces, control characters, quotes, '<', '>', '\\' or '`', "
         "got '/d/:path/<b>'"},
        {"site_url: javascript://x\n", "config.yaml:1: site_url looks like https://example.org, got 'javascript://x'"},
        {"cors_origins: [medicine.example.org]\n",
         "config.yaml:1: an origin looks like https://example.org, got 'medicine.example.org'"},
        {"shard_servers: [10.0.0.7:7301, 10.0.0.8]\n",
         "config.yaml:1: a shard server must be HOST:PORT, got '10.0.0.8'"},
        {"shard_servers: 10.0.0.7:7301\n", "config.yaml:1: shard_servers must be a list of HOST:PORT"},
        {"source: [unclosed\n", "config.yaml:2: end of sequence flow not found"},
        {"search_deadline_ms: 0\n", "config.yaml:1: search_deadline_ms must be 1..60000, got 0"},
        {"query_log: q.log\nquery_log_max_mb: 0\n", "config.yaml:2: query_log_max_mb must be 1..65536, got 0"},
        {"query_log: [a, b]\n", "config.yaml:1: 'query_log' must be a value"},
    };
    for (const auto& row : rows) {
        CAPTURE(row.yaml);
        TempDir dir;
        write_file(dir / "config.yaml", row.yaml);
        auto config = load_config(dir / "config.yaml");
        REQUIRE_FALSE(config.ok());
        auto message = config.error().message;
        CHECK(message.substr(message.find("config.yaml")) == row.message);
    }
}

TEST_CASE("permalinks follow the site's pattern", "[config][unit]") {
    CHECK(expand_permalink("/composition/:path/", "a/amitriptyline.md") == "/composition/a/amitriptyline/");
    CHECK(expand_permalink("/drugs/:basename.html", "a/amitriptyline.md") == "/drugs/amitriptyline.html");
    CHECK(expand_permalink("/:dir/:basename/", "a/b/c.md") == "/a/b/c/");
    CHECK(expand_permalink("https://medicine.example.org/:path/", "a/b.md") == "https://medicine.example.org/a/b/");
}

TEST_CASE("what a file's name puts into a URL is percent-encoded", "[config][unit]") {
    struct Row {
        const char *pattern, *path, *url;
    };
    const Row rows[] = {
        {"/composition/:path/", "i/<img src=x onerror=alert(1)>.md",
         "/composition/i/%3Cimg%20src%3Dx%20onerror%3Dalert%281%29%3E/"},
        {"/:basename", "j/javascript:alert(1).md", "/javascript%3Aalert%281%29"},
        {"/c/:path/", "a/a?b#c%d\"e'f.md", "/c/a/a%3Fb%23c%25d%22e%27f/"},
        {"/c/:path/", "s/s\xc3\xa9rum line\n.md", "/c/s/s%C3%A9rum%20line%0A/"},
        {"/c/:path/", "a/amoxicillin-clavulanic_acid~2.md", "/c/a/amoxicillin-clavulanic_acid~2/"},
    };
    for (const auto& row : rows) {
        CAPTURE(row.path);
        CHECK(expand_permalink(row.pattern, row.path) == row.url);
        CHECK(permalink_problem(row.pattern).empty());
    }
}

TEST_CASE("listen addresses are checked", "[config][unit]") {
    std::string host;
    int port = 0;
    CHECK(parse_listen_address("127.0.0.1:8080", host, port).ok());
    CHECK(host == "127.0.0.1");
    CHECK(port == 8080);
    auto bad = parse_listen_address("localhost", host, port);
    REQUIRE_FALSE(bad.ok());
    CHECK(bad.error().message == "listen address must be HOST:PORT, got 'localhost'");
}
