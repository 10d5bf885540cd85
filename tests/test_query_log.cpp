// The query log (serve --query-log), its keystroke folding, the zero-result
// metric, and `medsearch report` on a log.
#include "http/query_log_writer.hpp"
#include "http/search_folding.hpp"
#include "http_support.hpp"

#include "medsearch/common/config.hpp"
#include "medsearch/server/query_log.hpp"

#include <nlohmann/json.hpp>

#include <atomic>
#include <future>
#include <set>
#include <sstream>

using namespace medsearch;
using namespace medsearch::test;
using namespace std::chrono_literals;

namespace {

LoggedSearch searched(const std::string& query, std::uint64_t total = 1) {
    LoggedSearch search;
    search.time = "2026-12-05T10:00:00Z";
    search.query = query;
    search.total = total;
    return search;
}

std::vector<std::string> queries_of(const std::vector<LoggedSearch>& searches) {
    std::vector<std::string> out;
    for (const auto& s : searches) out.push_back(s.query);
    return out;
}

std::vector<nlohmann::json> json_lines(const std::string& text) {
    std::vector<nlohmann::json> out;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);) out.push_back(nlohmann::json::parse(line));
    return out;
}

std::string zero_results_metric(const std::string& metrics) {
    auto at = metrics.find("\nmedsearch_search_zero_results_total ");
    if (at == std::string::npos) return "missing";
    auto start = at + std::string("\nmedsearch_search_zero_results_total ").size();
    return metrics.substr(start, metrics.find('\n', start) - start);
}

}  // namespace

TEST_CASE("a query that extends, shortens or fixes a typo of the one before refines it", "[query-log][unit]") {
    struct Row {
        const char* previous;
        const char* next;
        bool refines;
    };
    const Row rows[] = {
        {"amitr", "amitrip", true},             // typing on
        {"amitriptyline", "amitrip", true},     // deleting back
        {"metfromin", "metformin", true},       // a typo fixed
        {"Metformin", "metformin  side", true}, // case and spaces do not count
        {"metformin", "paracetamol", false},    // another search
        {"cetirizine", "levocetirizine", false},
    };
    for (const auto& row : rows) {
        CAPTURE(row.previous, row.next);
        CHECK(refines(row.previous, row.next) == row.refines);
    }
}

TEST_CASE("keystrokes are folded: the query settled on is kept once its window has passed", "[query-log][unit]") {
    SearchFolder folder(3s);
    const SearchFolder::TimePoint t0{};
    const std::uint64_t visitor = client_key("192.0.2.7", "Firefox"), other = client_key("192.0.2.8", "Firefox");
    CHECK(folder.add(visitor, searched("amitr"), t0).empty());
    CHECK(folder.add(visitor, searched("amitrip"), t0 + 1s).empty());
    CHECK(folder.add(other, searched("amitr"), t0 + 1500ms).empty());
    CHECK(folder.add(visitor, searched("amitriptyline"), t0 + 2s).empty());
    // Each refinement restarts the window: at 4.6 s the visitor's last search is 2.6 s old.
    CHECK(queries_of(folder.take_settled(t0 + 4600ms)) == std::vector<std::string>{"amitr"});
    CHECK(folder.take_settled(t0 + 4900ms).empty());
    CHECK(queries_of(folder.take_settled(t0 + 5100ms)) == std::vector<std::string>{"amitriptyline"});
    CHECK(folder.held() == 0);

    // Another search from the same client settles the one before at once.
    CHECK(folder.add(visitor, searched("metformin"), t0 + 10s).empty());
    CHECK(queries_of(folder.add(visitor, searched("paracetamol"), t0 + 11s)) ==
          std::vector<std::string>{"metformin"});
    // The same query again after the window is a search of its own.
    CHECK(queries_of(folder.add(visitor, searched("paracetamol"), t0 + 15s)) ==
          std::vector<std::string>{"paracetamol"});
    CHECK(queries_of(folder.take_all()) == std::vector<std::string>{"paracetamol"});
}

TEST_CASE("held clients are bounded: past the bound the oldest is settled early", "[query-log][unit]") {
    SearchFolder folder(3s, 2);
    const SearchFolder::TimePoint t0{};
    CHECK(folder.add(1, searched("codeine"), t0).empty());
    CHECK(folder.add(2, searched("morphine"), t0 + 1ms).empty());
    CHECK(queries_of(folder.add(3, searched("ketamine"), t0 + 2ms)) == std::vector<std::string>{"codeine"});
    CHECK(folder.held() == 2);
}

TEST_CASE("a full queue drops searches and counts them rather than waiting for the disk", "[query-log][unit]") {
    std::promise<void> disk_free;
    auto disk = disk_free.get_future().share();
    std::atomic<int> writes{0};
    std::vector<std::string> lines;
    QueryLogSettings settings;
    settings.queue_capacity = 4;
    settings.window = 0ms;
    settings.poll_interval = 5ms;
    QueryLog log(settings, [&](std::string_view batch) -> Status {
        if (batch.empty()) return Ok{};
        if (writes++ == 0) disk.wait();  // a disk that hangs on the first write
        for (const auto& line : json_lines(std::string(batch))) lines.push_back(line["query"].get<std::string>());
        return Ok{};
    });
    REQUIRE(log.record(1, searched("first")));
    for (int i = 0; i < 400 && writes.load() == 0; ++i) std::this_thread::sleep_for(5ms);
    REQUIRE(writes.load() == 1);  // the writer is stuck on the disk
    auto started = std::chrono::steady_clock::now();
    int accepted = 0;
    for (int i = 0; i < 10; ++i) accepted += log.record(100 + static_cast<std::uint64_t>(i), searched("q" + std::to_string(i)));
    CHECK(std::chrono::steady_clock::now() - started < 100ms);
    CHECK(accepted == 4);
    CHECK(log.dropped() == 6);
    disk_free.set_value();
    log.close();
    CHECK(log.written() == 5);
    CHECK(lines == std::vector<std::string>{"first", "q0", "q1", "q2", "q3"});
}

TEST_CASE("the query log moves to FILE.1 when it would grow past its size", "[query-log][unit]") {
    TempDir dir;
    auto file = dir / "queries.log";
    auto opened = RotatingFile::open(file, 100);
    REQUIRE(opened.ok());
    auto& log = *opened.value();
    const std::string line40 = std::string(39, 'a') + "\n", other40 = std::string(39, 'b') + "\n",
                      third40 = std::string(39, 'c') + "\n";
    REQUIRE(log.append(line40).ok());
    REQUIRE(log.append(line40).ok());  // 80 bytes: fits
    CHECK_FALSE(fs::exists(dir / "queries.log.1"));
    REQUIRE(log.append(other40).ok());  // 120 would not
    CHECK(read_file(dir / "queries.log.1") == line40 + line40);
    CHECK(read_file(file) == other40);
    REQUIRE(log.append(other40).ok());
    REQUIRE(log.append(third40).ok());  // one previous file is kept
    CHECK(read_file(dir / "queries.log.1") == other40 + other40);
    CHECK(read_file(file) == third40);
}

TEST_CASE("a server with a query log writes the searches settled on, with nothing of the client",
          "[query-log][http][integration]") {
    FixtureIndex index;
    TempDir dir;
    auto log_file = dir / "queries.log";
    std::string metrics;
    {
        TestServer server(index.index(), [&](ServerOptions& options) {
            options.query_log = log_file;
            options.cache_bytes = 1 << 20;
        });
        auto client = server.client();
        httplib::Headers agent = {{"User-Agent", "QueryLogTestAgent/1.0"}};
        // Another client: were completions logged, this one would have a line of its own.
        REQUIRE(client.Get("/suggest?q=levoflox", {{"User-Agent", "SuggestingAgent/1.0"}})->status == 200);
        for (const char* typed : {"amitr", "amitrip", "amitriptyline"})
            REQUIRE(client.Get((std::string("/search?q=") + typed).c_str(), agent)->status == 200);
        auto nothing = client.Get("/search?q=xqzvwk", agent);
        REQUIRE(nothing->status == 200);
        REQUIRE(nlohmann::json::parse(nothing->body)["total"] == 0);
        REQUIRE(client.Get("/search?q=xqzvwk&offset=10", agent)->status == 200);  // the next page: the same search
        metrics = client.Get("/metrics")->body;
    }  // stopped: what was held is written
    CHECK(zero_results_metric(metrics) == "2");
    auto text = read_file(log_file);
    auto lines = json_lines(text);
    REQUIRE(lines.size() == 2);
    CHECK(lines[0]["query"] == "amitriptyline");
    CHECK(lines[0]["total"].get<int>() > 0);
    CHECK(lines[1]["query"] == "xqzvwk");
    CHECK(lines[1]["total"] == 0);
    std::set<std::string> keys;
    for (const auto& [key, value] : lines[1].items()) keys.insert(key);
    CHECK(keys == std::set<std::string>{"time", "query", "total", "corrected", "did_you_mean", "topic", "took_ms"});
    CHECK(lines[1]["time"].get<std::string>().size() == 20);  // 2026-12-05T04:31:32Z
    CHECK(lines[1]["time"].get<std::string>().back() == 'Z');
    CHECK(text.find("127.0.0.1") == std::string::npos);
    CHECK(text.find("QueryLogTestAgent") == std::string::npos);
}

TEST_CASE("a server whose query log cannot be opened does not start, and says which file",
          "[query-log][http][integration]") {
    FixtureIndex index;
    TempDir dir;
    ServerOptions options;
    options.index_dir = index.index();
    options.port = 0;
    options.query_log = dir / "no-such-folder" / "queries.log";
    auto created = HttpServer::create(options);
    REQUIRE_FALSE(created.ok());
    CHECK(created.error().message == options.query_log.string() +
                                         ": cannot open the query log: No such file or directory");
}

TEST_CASE("every search answered with no result is counted in /metrics, from the cache too, log or no log",
          "[query-log][http][integration]") {
    FixtureIndex index;
    TestServer server(index.index(), [](ServerOptions& options) { options.cache_bytes = 1 << 20; });
    auto client = server.client();
    CHECK(zero_results_metric(client.Get("/metrics")->body) == "0");
    REQUIRE(client.Get("/search?q=xqzvwk")->status == 200);
    REQUIRE(client.Get("/search?q=xqzvwk")->status == 200);  // answered from the cache
    REQUIRE(client.Get("/search?q=metformin")->status == 200);
    REQUIRE(client.Get("/suggest?q=xqzvwk")->status == 200);
    CHECK(zero_results_metric(client.Get("/metrics")->body) == "2");
}

namespace {

// A log as a server writes it, with two bad lines (3 and the over-long 12).
std::string sample_log() {
    auto line = [](const std::string& day, const std::string& query, int total, const std::string& extra = "") {
        return "{\"time\":\"" + day + "T09:00:00Z\",\"query\":" + nlohmann::json(query).dump() +
               ",\"total\":" + std::to_string(total) + ",\"corrected\":null,\"did_you_mean\":[]" + extra +
               ",\"topic\":null,\"took_ms\":0.5}\n";
    };
    std::string log;
    log += line("2026-12-01", "metformin", 5);
    log += line("2026-12-01", "levofloxasin", 0);
    log += "this is not JSON\n";
    log += line("2026-12-01", "Metformin", 5);
    log += line("2026-12-02", "levofloxasin", 0);
    log += line("2026-12-02", "levofloxasin", 0);
    log += line("2026-12-02", "glucofage", 0);
    log += line("2026-12-02", "glucofage", 0);
    log += line("2026-12-02", "allergy pills", 0);
    log += line("2026-12-02", "<script>alert(1)</script>", 0);
    log += line("2026-12-02", "codeine", 2);
    log += "{\"query\":\"" + std::string(9000, 'x') + "\"}\n";
    log += "{\"time\":\"2026-12-03T09:00:00Z\",\"query\":\"hydroxizine\",\"total\":0,\"corrected\":null,"
           "\"did_you_mean\":[\"hydroxyzine\",\"hydralazine\"],\"topic\":null,\"took_ms\":1}\n";
    log += line("2026-12-03", "metformin", 5);
    return log;
}

struct ReportFixture {
    FixtureIndex index;
    TempDir dir;
    fs::path log = dir / "queries.log";
    ReportFixture() { write_file(log, sample_log()); }
    CommandResult report(const std::string& flags) {
        return run(quoted(program()) + " -q report --query-log " + quoted(log) + " --db " + quoted(index.index()) +
                   " " + flags);
    }
};

nlohmann::json proposal_for(const nlohmann::json& body, const std::string& query) {
    for (const auto& p : body["proposals"])
        if (p["query"] == query) return p;
    return nullptr;
}

}  // namespace

TEST_CASE_METHOD(ReportFixture, "report counts searches, skips malformed lines and proposes what to add",
                 "[query-log][cli][integration]") {
    auto result = report("--format json");
    REQUIRE(result.status == 0);
    auto body = nlohmann::json::parse(result.out);
    CHECK(body["lines"] == 14);
    CHECK(body["searches"] == 12);
    CHECK(body["malformed"]["lines"] == 2);
    CHECK(body["malformed"]["first_line"] == 3);
    CHECK(body["frequent"][0]["query"] == "levofloxasin");  // as many as metformin: by query
    CHECK(body["frequent"][1]["query"] == "metformin");  // as first typed; "Metformin" is the same query
    CHECK(body["frequent"][1]["searches"] == 3);
    CHECK(body["zero_result_searches"] == 8);
    CHECK(body["zero_results"][0]["query"] == "levofloxasin");
    CHECK(body["zero_results"][0]["searches"] == 3);
    CHECK(body["few_results"].size() == 1);
    CHECK(body["few_results"][0]["query"] == "codeine");
    CHECK(body["corrected"].size() == 1);
    CHECK(body["corrected"][0]["did_you_mean"] == nlohmann::json{"hydroxyzine", "hydralazine"});
    CHECK(body["per_day"] == nlohmann::json::parse(R"([{"date":"2026-12-01","searches":3},
        {"date":"2026-12-02","searches":7},{"date":"2026-12-03","searches":2}])"));

    auto spelling = proposal_for(body, "levofloxasin");
    REQUIRE(spelling.is_object());
    CHECK(spelling["searches"] == 3);
    CHECK(spelling["file"] == "data/synonyms.yaml");
    CHECK(spelling["where"] == "spellings");
    CHECK(spelling["line"] == "- [levofloxacin, levofloxasin]");
    auto brand = proposal_for(body, "glucofage");
    REQUIRE(brand.is_object());
    CHECK(brand["searches"] == 2);
    CHECK(brand["file"] == "data/brands.txt");
    CHECK(brand["line"] == "glucofage = metformin");
    auto lay = proposal_for(body, "allergy pills");
    REQUIRE(lay.is_object());
    CHECK(lay["file"] == "data/medicines.yaml");
    CHECK(lay["where"] == "classes: antihistamines, names");
    CHECK(lay["line"] == "allergy pills");
}

TEST_CASE_METHOD(ReportFixture, "report as text says what to add and how many lines it skipped",
                 "[query-log][cli][integration]") {
    auto result = report("");
    REQUIRE(result.status == 0);
    CHECK(result.out.find("2 malformed lines skipped (the first: line 3: not a JSON object)") != std::string::npos);
    CHECK(result.out.find("       3  levofloxasin\n          data/synonyms.yaml (spellings): "
                          "- [levofloxacin, levofloxasin]\n") != std::string::npos);
    CHECK(result.out.find("data/brands.txt: glucofage = metformin") != std::string::npos);
}

TEST_CASE_METHOD(ReportFixture, "report as HTML is one page with a chart, every query escaped",
                 "[query-log][cli][integration]") {
    auto result = report("--format html");
    REQUIRE(result.status == 0);
    const auto& page = result.out;
    CHECK(page.find("&lt;script&gt;alert(1)&lt;/script&gt;") != std::string::npos);
    CHECK(page.find("<script") == std::string::npos);
    CHECK(page.find("<svg") != std::string::npos);
    CHECK(page.find("<title>2026-12-02: 7</title>") != std::string::npos);
    // Well formed: every element opened is closed (void elements aside), nothing loaded from elsewhere.
    write_file(dir / "report.html", page);
    auto checked = run("python3 -c '\n"
                       "import html.parser, sys\n"
                       "class P(html.parser.HTMLParser):\n"
                       "    def __init__(s):\n"
                       "        super().__init__(); s.open = []; s.bad = []\n"
                       "    def handle_starttag(s, tag, attrs):\n"
                       "        if tag in (\"meta\", \"br\", \"img\", \"link\"): s.bad += [tag] if tag in (\"img\", \"link\") else []; return\n"
                       "        if tag in (\"script\", \"iframe\"): s.bad.append(tag)\n"
                       "        if any(k in (\"src\", \"href\") for k, v in attrs): s.bad.append(tag)\n"
                       "        s.open.append(tag)\n"
                       "    def handle_endtag(s, tag):\n"
                       "        if not s.open or s.open.pop() != tag: s.bad.append(\"/\" + tag)\n"
                       "p = P(); p.feed(open(sys.argv[1]).read()); p.close()\n"
                       "print(\"ok\" if not p.bad and not p.open else p.bad + p.open)\n"
                       "' " + quoted(dir / "report.html"));
    CHECK(checked.out == "ok\n");
}

TEST_CASE_METHOD(ReportFixture, "report --since keeps the searches from that day and refuses what is not a date",
                 "[query-log][cli][integration]") {
    auto result = report("--since 2026-12-03 --format json");
    REQUIRE(result.status == 0);
    auto body = nlohmann::json::parse(result.out);
    CHECK(body["searches"] == 2);
    CHECK(body["since"] == "2026-12-03");
    CHECK(body["zero_results"].size() == 1);
    CHECK(body["zero_results"][0]["query"] == "hydroxizine");
    for (const char* bad : {"2026-13-01", "2026-02-30", "yesterday", "2026-1-5"}) {
        CAPTURE(bad);
        CHECK(report(std::string("--since ") + bad).status == 2);
    }
}

TEST_CASE("the query log's file is relative to the config file, its size limit in MiB",
          "[query-log][config][unit]") {
    TempDir dir;
    write_file(dir / "site" / "config.yaml", "query_log: logs/queries.log\nquery_log_max_mb: 8\n");
    auto config = load_config(dir / "site" / "config.yaml");
    REQUIRE(config.ok());
    CHECK(config.value().query_log == dir / "site" / "logs" / "queries.log");
    CHECK(config.value().query_log_max_mb == 8);
    CHECK(Config{}.query_log.empty());  // off unless asked for
    CHECK(Config{}.query_log_max_mb == 64);
}

TEST_CASE("a query log line is read back as written; a bad one says why", "[query-log][unit]") {
    LoggedSearch search = searched("amitriptiline", 3);
    search.corrected = "amitriptyline";
    search.did_you_mean = {"a", "b"};
    search.topic = "Allergy tablets (antihistamines)";
    search.took_ms = 1.234;
    auto line = to_json_line(search);
    auto back = parse_logged_search(line);
    REQUIRE(back.ok());
    CHECK(back.value().query == "amitriptiline");
    CHECK(back.value().total == 3);
    CHECK(back.value().corrected == std::optional<std::string>("amitriptyline"));
    CHECK(back.value().did_you_mean == std::vector<std::string>{"a", "b"});
    CHECK(back.value().topic == std::optional<std::string>("Allergy tablets (antihistamines)"));
    CHECK(back.value().took_ms == Approx(1.23));
    CHECK(parse_logged_search(R"({"time":"2026-12-05T00:00:00Z","query":"x","total":-1})").error().message ==
          "'total' must be a whole number");
    CHECK(parse_logged_search(R"({"time":"soon","query":"x","total":1})").error().message ==
          "'time' must be a date and time (YYYY-MM-DDTHH:MM:SSZ)");
    CHECK(utc_timestamp(std::chrono::system_clock::time_point{}) == "1970-01-01T00:00:00Z");
}
