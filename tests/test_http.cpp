#include "medsearch/common/config.hpp"
#include "medsearch/server/http.hpp"
#include "http_support.hpp"
#include "http/response_cache.hpp"

#include <nlohmann/json.hpp>

#include <atomic>
#include <thread>

using namespace medsearch;
using namespace medsearch::test;
using nlohmann::json;

namespace {

QueryParams params(std::initializer_list<std::pair<const char*, std::string>> list) {
    QueryParams out;
    for (const auto& [key, value] : list) out.emplace(key, value);
    return out;
}

class RunningServer : public TestServer {
  public:
    enum class Cache { on, off };
    explicit RunningServer(const fs::path& index_dir, std::vector<std::string> origins = {},
                           Cache cache = Cache::on)
        : TestServer(index_dir, [&](ServerOptions& options) {
              options.threads = 4;
              options.cors_origins = std::move(origins);
              options.cache_bytes = cache == Cache::off ? 0 : ServerOptions{}.cache_bytes;
              options.reload_interval = std::chrono::milliseconds(20);
          }) {}
};

}  // namespace

TEST_CASE_METHOD(IndexedFixtures, "GET /search answers with the result contract", "[http][integration]") {
    auto response = handle_search(params({{"q", "metformin side effects"}, {"limit", "2"}}), searcher());
    REQUIRE(response.status == 200);
    auto body = json::parse(response.body);
    CHECK(body["query"] == "metformin side effects");
    CHECK(body["total"].get<int>() >= 2);
    CHECK(body["took_ms"].is_number());
    CHECK(body["corrected"].is_null());
    CHECK(body["expanded"] == json::array());
    CHECK(body["intent"] == "side-effects");
    REQUIRE(body["hits"].size() == 2);
    const auto& hit = body["hits"][0];
    CHECK(hit["rank"] == 1);
    CHECK(hit["path"] == "m/metformin.md");
    CHECK(hit["url"] == "/composition/m/metformin/#side-effects");
    CHECK(hit["title"] == "Metformin");
    CHECK(hit["score"].is_number());
    CHECK(hit["section"] == "side-effects");
    CHECK(hit["section_label"] == "Side Effects");
    CHECK(hit["snippet"].get<std::string>().find("<mark>Metformin</mark>") != std::string::npos);
    CHECK(hit["matched"] == json::array({"name", "section"}));
}

TEST_CASE_METHOD(IndexedFixtures, "bad requests get 400 and a JSON error", "[http][integration]") {
    struct Row {
        QueryParams params;
        std::string message;
    };
    const Row rows[] = {
        {params({}), "missing query parameter 'q'"},
        {params({{"q", ""}}), "query 'q' is empty"},
        {params({{"q", std::string(1025, 'x')}}), "query 'q' is longer than 1024 bytes"},
        {params({{"q", "a\xC3"}}), "query 'q' is not valid UTF-8 (byte 1)"},
        {params({{"q", "metformin"}, {"limit", "abc"}}), "limit must be a whole number, got 'abc'"},
        {params({{"q", "metformin"}, {"limit", "-1"}}), "limit must be a whole number, got '-1'"},
        {params({{"q", "metformin"}, {"limit", "500"}}), "limit must be 1..100, got 500"},
        {params({{"q", "metformin"}, {"offset", "1e3"}}), "offset must be a whole number, got '1e3'"},
    };
    for (const auto& row : rows) {
        CAPTURE(row.message);
        auto response = handle_search(row.params, searcher());
        CHECK(response.status == 400);
        CHECK(response.body == json({{"error", {{"status", 400}, {"message", row.message}}}}).dump());
    }
}

TEST_CASE_METHOD(IndexedFixtures, "GET /suggest completes names, and brands resolve to the generic",
                 "[http][integration]") {
    auto response = handle_suggest(params({{"q", "amitr"}, {"limit", "3"}}), searcher());
    REQUIRE(response.status == 200);
    auto body = json::parse(response.body);
    REQUIRE(body["suggestions"].size() == 2);
    CHECK(body["suggestions"][0] == json({{"label", "Amitriptyline"}, {"detail", ""},
                                          {"url", "/composition/a/amitriptyline/"},
                                          {"path", "a/amitriptyline.md"}, {"kind", "drug"}}));
    CHECK(body["suggestions"][1]["label"] == "Amitriptyline + Ketamine");
    CHECK(body["suggestions"][1]["kind"] == "combination");

    auto brand = json::parse(handle_suggest(params({{"q", "croc"}}), searcher()).body);
    REQUIRE(brand["suggestions"].size() == 1);
    CHECK(brand["suggestions"][0]["label"] == "Crocin");
    CHECK(brand["suggestions"][0]["detail"] == "brand of Paracetamol");
    CHECK(brand["suggestions"][0]["kind"] == "brand");
    CHECK(brand["suggestions"][0]["url"] == "/composition/p/paracetamol/");

    auto typo = json::parse(handle_suggest(params({{"q", "amitryp"}}), searcher()).body);
    CHECK(typo["corrected"] == "amitriptyline");
    CHECK(typo["suggestions"][0]["label"] == "Amitriptyline");
}

TEST_CASE("a real server: search, health, pages, errors and CORS", "[http][integration]") {
    TempDir dir;
    REQUIRE(build_index(fixture_build(fixtures() / "corpus", dir / "index")).ok());
    RunningServer server(dir / "index", {"https://medicine.example.org"});
    auto client = server.client();

    auto found = client.Get("/search?q=ketamine");
    REQUIRE(found);
    CHECK(found->status == 200);
    CHECK(found->get_header_value("Content-Type") == "application/json");
    auto body = json::parse(found->body);
    CHECK(body["hits"][0]["path"] == "k/ketamine.md");
    CHECK(body["hits"][0]["snippet"].get<std::string>().find("<mark>Ketamine</mark>") != std::string::npos);

    auto bad = client.Get("/search?q=metformin&limit=0");
    REQUIRE(bad);
    CHECK(bad->status == 400);
    CHECK(json::parse(bad->body)["error"]["message"] == "limit must be 1..100, got 0");

    auto invalid = client.Get("/search?q=%FF");
    REQUIRE(invalid);
    CHECK(invalid->status == 400);

    auto health = client.Get("/healthz");
    REQUIRE(health);
    auto build = json::parse(health->body)["build"].get<std::string>();
    CHECK(build.starts_with("1-"));
    CHECK(json::parse(health->body) ==
          json({{"status", "ok"}, {"generation", "gen-000001"}, {"build", build}, {"pages", 25}}));
    // Every answer names the build and generation that gave it, a cached one and an error too.
    for (const char* path : {"/search?q=metformin", "/search?q=metformin", "/suggest?q=met", "/search?q=%FF", "/healthz"}) {
        INFO(path);
        auto answer = client.Get(path);
        REQUIRE(answer);
        CHECK(answer->get_header_value("X-Medsearch-Build") == build);
        CHECK(answer->get_header_value("X-Medsearch-Generation") == "gen-000001");
    }

    auto missing = client.Get("/nothing-here");
    REQUIRE(missing);
    CHECK(missing->status == 404);
    CHECK(json::parse(missing->body)["error"]["message"] == "no such route");

    auto page = client.Get("/");
    REQUIRE(page);
    CHECK(page->status == 200);
    CHECK(page->get_header_value("Content-Type") == "text/html; charset=utf-8");
    CHECK(page->body.find("medsearch.js") != std::string::npos);
    auto script = client.Get("/medsearch.js");
    REQUIRE(script);
    CHECK(script->status == 200);
    auto escape = client.Get("/../CMakeLists.txt");
    REQUIRE(escape);
    CHECK(escape->status == 404);

    httplib::Headers allowed{{"Origin", "https://medicine.example.org"}};
    auto cors = client.Get("/search?q=ketamine", allowed);
    REQUIRE(cors);
    CHECK(cors->get_header_value("Access-Control-Allow-Origin") == "https://medicine.example.org");
    auto preflight = client.Options("/search", allowed);
    REQUIRE(preflight);
    CHECK(preflight->status == 204);
    CHECK(preflight->get_header_value("Access-Control-Allow-Methods") == "GET, OPTIONS");
    httplib::Headers other{{"Origin", "https://evil.example.com"}};
    auto refused = client.Get("/search?q=ketamine", other);
    REQUIRE(refused);
    CHECK_FALSE(refused->has_header("Access-Control-Allow-Origin"));
    auto refused_preflight = client.Options("/search", other);
    REQUIRE(refused_preflight);
    CHECK(refused_preflight->status == 403);
}

TEST_CASE("a rebuilt index is served without a restart and without a failed or mixed request",
          "[http][integration]") {
    TempDir dir;
    copy_tree(fixtures() / "corpus", dir / "src");
    auto options = fixture_build(dir / "src", dir / "index");
    REQUIRE(build_index(options).ok());
    // Every request searched, so that searchers switch generations under load.
    RunningServer server(dir / "index", {}, RunningServer::Cache::off);

    // "tramadol" has no page before the rebuild and exactly one after; every
    // answer must be one of the two, never an error or something in between.
    // (As typed, a name no page has is answered by nothing: OR keeps the pages of pain.)
    auto first = server.client().Get("/search?q=tramadol%20OR%20pain&limit=50");
    REQUIRE(first);
    const std::size_t pain_pages = json::parse(first->body)["hits"].size();
    REQUIRE(pain_pages == 7);
    std::atomic<bool> done{false};
    std::atomic<int> requests{0}, failures{0}, before{0}, after{0};
    std::vector<std::thread> clients;
    for (int c = 0; c < 3; ++c)
        clients.emplace_back([&] {
            auto client = server.client();
            while (!done) {
                auto response = client.Get("/search?q=tramadol%20OR%20pain&limit=50");
                ++requests;
                if (!response || response->status != 200) {
                    ++failures;
                    continue;
                }
                auto body = json::parse(response->body);
                bool has_page = false;
                for (const auto& hit : body["hits"]) has_page = has_page || hit["path"] == "t/tramadol.md";
                std::size_t others = body["hits"].size() - (has_page ? 1 : 0);
                if (!has_page && others == pain_pages) ++before;
                else if (has_page && others == pain_pages) ++after;
                else ++failures;  // a mixture of two indexes
            }
        });
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    write_file(dir / "src/t/tramadol.md", "---\ntitle: Tramadol\n---\n# Tramadol\n### Usage\nModerate pain.\n");
    for (int rebuild = 0; rebuild < 4; ++rebuild) {
        options.mode = rebuild % 2 ? BuildMode::full : BuildMode::incremental;
        REQUIRE(build_index(options).ok());
        std::this_thread::sleep_for(std::chrono::milliseconds(60));
    }
    // The watcher serves the last generation within its poll, however slow
    // the machine (sanitizers): wait for it, within a bound.
    std::string serving;
    for (auto until = std::chrono::steady_clock::now() + std::chrono::seconds(20);
         serving != "gen-000004" && std::chrono::steady_clock::now() < until;) {
        if (auto health = server.client().Get("/healthz")) serving = json::parse(health->body)["generation"];
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    done = true;
    for (auto& t : clients) t.join();
    INFO(requests << " requests");
    CHECK(failures == 0);
    CHECK(before > 0);
    CHECK(after > 0);
    // Rebuild 2 (incremental, nothing changed since rebuild 1) publishes nothing.
    CHECK(serving == "gen-000004");
}

TEST_CASE("the response cache keeps the most recently used answers within its bytes", "[http][unit]") {
    ResponseCache cache(8 * 100);
    cache.put("a", std::string(90, 'a'));
    cache.put("b", std::string(90, 'b'));
    REQUIRE(cache.get("a"));
    CHECK(*cache.get("a") == std::string(90, 'a'));
    for (int i = 0; i < 7; ++i) cache.put("k" + std::to_string(i), std::string(90, 'x'));
    // 2 entries of 91 bytes and 7 of 92 do not fit in 800: the least recently used went.
    CHECK_FALSE(cache.get("b"));
    CHECK(cache.get("a"));
    CHECK(cache.bytes() <= 800);
    cache.put("huge", std::string(200, 'h'));  // more than an eighth of the budget
    CHECK_FALSE(cache.get("huge"));
    CHECK_FALSE(cache.get("missing"));
}

TEST_CASE("a repeated request is answered from the cache, a new index is not", "[http][integration]") {
    TempDir dir;
    copy_tree(fixtures() / "corpus", dir / "src");
    auto options = fixture_build(dir / "src", dir / "index");
    REQUIRE(build_index(options).ok());
    RunningServer server(dir / "index");
    auto client = server.client();
    auto first = client.Get("/search?q=tramadol");
    auto again = client.Get("/search?q=tramadol");
    REQUIRE(first);
    REQUIRE(again);
    CHECK(again->body == first->body);  // took_ms included: the same answer
    CHECK(json::parse(first->body)["hits"].empty());
    write_file(dir / "src/t/tramadol.md", "---\ntitle: Tramadol\n---\n# Tramadol\n### Usage\nPain.\n");
    REQUIRE(build_index(options).ok());
    for (int i = 0; i < 100; ++i) {
        auto health = client.Get("/healthz");
        if (health && json::parse(health->body)["generation"] == "gen-000002") break;
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    auto after = client.Get("/search?q=tramadol");
    REQUIRE(after);
    CHECK(json::parse(after->body)["hits"].at(0)["path"] == "t/tramadol.md");
}

namespace {

// An OpenSearch description as an XML parser reads it (Python's ElementTree):
// one line for the root, the name and each URL template.
std::string parsed_opensearch(const std::string& xml) {
    const char* script =
        "import sys, xml.etree.ElementTree as E\n"
        "ns = '{http://a9.com/-/spec/opensearch/1.1/}'\n"
        "root = E.fromstring(sys.stdin.buffer.read())\n"
        "print(root.tag)\n"
        "print('name', root.find(ns + 'ShortName').text)\n"
        "for url in root.findall(ns + 'Url'): print(url.get('type'), url.get('template'))\n";
    TempDir dir;
    write_file(dir / "parse.py", script);
    auto parsed = run("python3 " + quoted(dir / "parse.py"), xml);
    REQUIRE(parsed.status == 0);
    return parsed.out;
}

}  // namespace

TEST_CASE("a browser finds the site's search in /opensearch.xml and completes from /suggest",
          "[http][integration]") {
    TempDir dir;
    REQUIRE(build_index(fixture_build(fixtures() / "corpus", dir / "index")).ok());

    SECTION("the address and name come from the configuration") {
        TestServer server(dir / "index", [](ServerOptions& options) {
            options.public_url = "https://search.example.org/";
            options.site_url = "https://www.medicines.example.org";
        });
        auto xml = server.client().Get("/opensearch.xml");
        REQUIRE(xml);
        CHECK(xml->status == 200);
        CHECK(xml->get_header_value("Content-Type") == "application/opensearchdescription+xml; charset=utf-8");
        CHECK(parsed_opensearch(xml->body) ==
              "{http://a9.com/-/spec/opensearch/1.1/}OpenSearchDescription\n"
              "name medicines\n"
              "text/html https://search.example.org/?q={searchTerms}\n"
              "application/x-suggestions+json https://search.example.org/suggest?q={searchTerms}&format=opensearch\n"
              "application/opensearchdescription+xml https://search.example.org/opensearch.xml\n");
    }
    SECTION("without them, the request's host; a host that is not one is not written") {
        TestServer server(dir / "index", [](ServerOptions& options) { options.search_name = "Pharmacy <A&B>"; });
        auto xml = server.client().Get("/opensearch.xml", {{"Host", "search.local:8080"}});
        REQUIRE(xml);
        auto parsed = parsed_opensearch(xml->body);
        CHECK(parsed.find("name Pharmacy <A&B>\n") != std::string::npos);
        CHECK(parsed.find("text/html http://search.local:8080/?q={searchTerms}\n") != std::string::npos);
        auto hostile = server.client().Get("/opensearch.xml", {{"Host", "x\"/><Url template=\"javascript:1"}});
        REQUIRE(hostile);
        auto own = "text/html http://127.0.0.1:" + std::to_string(server.port()) + "/?q={searchTerms}\n";
        CHECK(parsed_opensearch(hostile->body).find(own) != std::string::npos);
    }
    SECTION("the search page links it, and suggestions come in the browsers' form") {
        TestServer server(dir / "index");
        auto page = server.client().Get("/");
        REQUIRE(page);
        CHECK(page->body.find("<link rel=\"search\" type=\"application/opensearchdescription+xml\"") !=
              std::string::npos);
        auto suggest = server.client().Get("/suggest?q=amitr&format=opensearch");
        REQUIRE(suggest);
        CHECK(suggest->get_header_value("Content-Type") == "application/x-suggestions+json");
        CHECK(json::parse(suggest->body) ==
              json::array({"amitr", {"Amitriptyline", "Amitriptyline + Ketamine"}, {"", ""}}));
        auto plain = server.client().Get("/suggest?q=amitr&format=json");
        REQUIRE(plain);
        CHECK(json::parse(plain->body)["suggestions"].size() == 2);
        auto unknown = server.client().Get("/suggest?q=amitr&format=xml");
        REQUIRE(unknown);
        CHECK(unknown->status == 400);
        CHECK(json::parse(unknown->body)["error"]["message"] == "format must be json or opensearch");
    }
}

TEST_CASE("the search's address and name in the configuration are checked", "[http][unit]") {
    CHECK(public_url_problem("https://search.example.org").empty());
    CHECK(public_url_problem("http://127.0.0.1:8080/search").empty());
    CHECK_FALSE(public_url_problem("search.example.org").empty());
    CHECK_FALSE(public_url_problem("https://x.org/\"><script>").empty());
    CHECK_FALSE(public_url_problem("https://x.org/?q=1").empty());
    CHECK(search_name_problem("Médicaments").empty());
    CHECK_FALSE(search_name_problem("").empty());
    CHECK_FALSE(search_name_problem("A name longer than sixteen").empty());
    CHECK_FALSE(search_name_problem("tab\there").empty());
    auto config = parse_config("listen: 127.0.0.1:8080\npublic_url: search.example.org\n", "config.yaml");
    REQUIRE_FALSE(config.ok());
    CHECK(config.error().message == "config.yaml:2: public_url looks like https://search.example.org, got 'search.example.org'");
}
