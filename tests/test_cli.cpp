#include "medsearch/common/index_layout.hpp"
#include "medsearch/common/index_metadata.hpp"
#include "medsearch/common/schema.hpp"
#include "support.hpp"

#include <nlohmann/json.hpp>

#include <xapian.h>

#include <algorithm>
#include <fstream>
#include <thread>

using namespace medsearch;
using namespace medsearch::test;

namespace {

// took_ms differs from run to run: golden files hold 0.
std::string without_timing(const std::string& jsonl) {
    std::string out;
    std::istringstream lines(jsonl);
    for (std::string line; std::getline(lines, line);) {
        auto body = nlohmann::json::parse(line);
        if (body.contains("took_ms")) body["took_ms"] = 0;
        out += body.dump(1) + "\n";
    }
    return out;
}

// Compares with tests/golden/<name>; MEDSEARCH_UPDATE_GOLDEN=1 rewrites it.
void check_golden(const std::string& name, const std::string& actual) {
    auto file = project_root() / "tests" / "golden" / name;
    if (std::getenv("MEDSEARCH_UPDATE_GOLDEN")) write_file(file, actual);
    REQUIRE(fs::exists(file));
    CHECK(actual == read_file(file));
}

struct CliFixture {
    TempDir dir;
    fs::path index = dir / "index";
    CliFixture() {
        write_file(dir / "config.yaml", "source: " + (fixtures() / "corpus").string() + "\nindex: " +
                                            index.string() + "\nsynonyms: " +
                                            (fixtures() / "synonyms.yaml").string() + "\nbrands: " +
                                            (fixtures() / "brands.txt").string() + "\nmedicines: " +
                                            (fixtures() / "everyday-medicines.yaml").string() + "\n");
        auto built = run(quoted(program()) + " -q --config " + quoted(dir / "config.yaml") + " index");
        REQUIRE(built.status == 0);
    }
    std::string medsearch() const { return quoted(program()) + " --config " + quoted(dir / "config.yaml"); }
};

}  // namespace

TEST_CASE_METHOD(CliFixture, "search --json prints the HTTP body, and batch mode answers line by line",
                 "[cli][integration]") {
    const std::string queries =
        "amitriptyline\nmetformin side effects\namitriptiline\nalbuterol\namitrip\nketamine amitriptyline\n"
        "high blood pressure\n\nbad \xFF query\ncrocin\n";
    auto result = run(medsearch() + " search --json --limit 3 -", queries);
    CHECK(result.status == 1);  // two lines were bad queries
    check_golden("search.jsonl", without_timing(result.out));
}

TEST_CASE_METHOD(CliFixture, "search for a person prints titles, URLs and snippets", "[cli][integration]") {
    auto result = run(medsearch() + " search --limit 2 'metformin side effects'");
    CHECK(result.status == 0);
    CHECK(result.out.find("1. Metformin  /composition/m/metformin/#side-effects\n") != std::string::npos);
    CHECK(result.out.find("   [Side Effects] **Metformin** may cause") != std::string::npos);
    auto single = run(medsearch() + " search --json amitriptyline");
    auto body = nlohmann::json::parse(single.out);
    CHECK(body["hits"][0]["path"] == "a/amitriptyline.md");
}

TEST_CASE_METHOD(CliFixture, "suggest and stats", "[cli][integration]") {
    auto suggest = run(medsearch() + " suggest --json levo");
    CHECK(suggest.status == 0);
    auto body = nlohmann::json::parse(suggest.out);
    // Equally popular single drugs: the shorter name first.
    CHECK(body["suggestions"][0]["label"] == "Levofloxacin");
    CHECK(body["suggestions"][1]["label"] == "Levocetirizine");
    auto stats = run(medsearch() + " stats --json");
    CHECK(stats.status == 0);
    auto facts = nlohmann::json::parse(stats.out);
    CHECK(facts["pages"] == 25);
    CHECK(facts["generation"] == "gen-000001");
}

TEST_CASE("check reports like a compiler, as JSON, or as GitHub annotations", "[cli][integration]") {
    auto pages = quoted(fixtures() / "pages");
    auto text = run(quoted(program()) + " check --source " + pages);
    CHECK(text.status == 1);
    check_golden("check.txt", text.out);
    auto github = run(quoted(program()) + " check --format github --path-prefix content --source " + pages);
    CHECK(github.status == 1);
    check_golden("check.github.txt", github.out);
    auto json = run(quoted(program()) + " check --format json --source " + pages);
    CHECK(json.status == 1);
    auto body = nlohmann::json::parse(json.out);
    CHECK(body["pages"] == 9);
    CHECK(body["errors"] == 3);
    CHECK(body["diagnostics"][0] == nlohmann::json({{"path", "bold-labels.md"}, {"line", 2},
                                                    {"severity", "warning"}, {"code", "title-mismatch"},
                                                    {"message", "title 'Paracetamol + Caffeine' does not match "
                                                                "the file name 'bold-labels'"}}));
}

TEST_CASE("warnings fail check only with --strict", "[cli][integration]") {
    TempDir dir;
    write_file(dir / "src/r/refusal.md", read_file(fixtures() / "pages/refusal.md"));
    auto lenient = run(quoted(program()) + " check --source " + quoted(dir / "src"));
    CHECK(lenient.status == 0);
    auto strict = run(quoted(program()) + " check --strict --source " + quoted(dir / "src"));
    CHECK(strict.status == 1);
}

TEST_CASE("check annotates the dictionaries it is given at their lines; their warnings fail only with --strict",
          "[cli][integration]") {
    auto check = quoted(program()) + " check --format github --source " + quoted(fixtures() / "everyday");
    REQUIRE(run(check + " --strict").status == 0);  // the pages alone have nothing to say
    auto medicines = fixtures() / "dictionaries" / "medicines.yaml";
    auto lenient = run(check + " --medicines " + quoted(medicines));
    CHECK(lenient.status == 0);
    CHECK(lenient.out.find("::warning file=" + medicines.string() +
                           ",line=11,title=medsearch no-page::'chlorphenamine' of 'antihistamines' has no page: "
                           "the searcher leaves it out\n") != std::string::npos);
    CHECK(run(check + " --strict --medicines " + quoted(medicines)).status == 1);
    auto twice = fixtures() / "dictionaries" / "medicines-name-twice.yaml";
    auto broken = run(check + " --medicines " + quoted(twice));
    CHECK(broken.status == 1);
    CHECK(broken.out == "::error file=" + twice.string() +
                            ",line=14,title=medsearch dictionary::'allergy tablets' names both 'antihistamines' and "
                            "'hay-fever'\n");
}

TEST_CASE_METHOD(CliFixture, "search and serve take a deadline of 1..60000 ms", "[cli][integration]") {
    auto searched = run(medsearch() + " search --json --deadline-ms 60000 amitriptyline");
    CHECK(searched.status == 0);
    CHECK(nlohmann::json::parse(searched.out)["partial"] == false);
    CHECK(run(medsearch() + " search --deadline-ms 0 amitriptyline").status == 2);
    CHECK(run(medsearch() + " search --deadline-ms 60001 amitriptyline").status == 2);
    CHECK(run(medsearch() + " serve --deadline-ms 0").status == 2);
    auto usage = run(quoted(program()) + " serve --help");
    CHECK(usage.out.find("--deadline-ms") != std::string::npos);
}

TEST_CASE("index exits 1 when a page was skipped, and usage errors exit 2", "[cli][integration]") {
    TempDir dir;
    write_file(dir / "src/a/aspirin.md", "---\ntitle: Aspirin\n---\n# Aspirin\n### Usage\nPain.\n");
    write_file(dir / "src/b/broken.md", "no front matter\n");
    auto indexed = run(quoted(program()) + " -q index --source " + quoted(dir / "src") + " --db " + quoted(dir / "idx"));
    CHECK(indexed.status == 1);
    auto searched = run(quoted(program()) + " search --json --db " + quoted(dir / "idx") + " aspirin");
    CHECK(nlohmann::json::parse(searched.out)["hits"][0]["path"] == "a/aspirin.md");
    CHECK(run(quoted(program()) + " search").status == 2);
    CHECK(run(quoted(program()) + " frobnicate").status == 2);
    CHECK(run(quoted(program()) + " search --db " + quoted(dir / "nowhere") + " x").status == 1);
    auto version = run(quoted(program()) + " --version");
    CHECK(version.out.starts_with("medsearch "));
    CHECK(version.out.find("Xapian 1.") != std::string::npos);
#ifdef MEDSEARCH_MIMALLOC
    // Linked is not enough: malloc must really be mimalloc's.
    CHECK(version.out.find("mimalloc 2.") != std::string::npos);
#endif
}

TEST_CASE("index --threads overrides the configuration file even with 0 for one per core", "[cli][integration]") {
    TempDir dir;
    write_file(dir / "config.yaml", "index_threads: 1\n");
    auto built = run(quoted(program()) + " -q --config " + quoted(dir / "config.yaml") + " index --source " +
                     quoted(fixtures() / "corpus") + " --db " + quoted(dir / "index") + " --threads 0");
    REQUIRE(built.status == 0);
    auto opened = open_current_index(dir / "index");
    REQUIRE(opened.ok());
    auto facts = decode_build_facts(opened.value().db.get_metadata(schema::kMetaBuild));
    REQUIRE(facts.ok());
    CHECK(facts.value().threads == static_cast<int>(std::max(1u, std::thread::hardware_concurrency())));
}

namespace {

// Overwrites one 8 KiB block in the middle of a table file with zeros.
void zero_middle_block(const fs::path& table) {
    constexpr std::size_t kBlock = 8192;
    auto blocks = fs::file_size(table) / kBlock;
    REQUIRE(blocks >= 3);
    std::fstream file(table, std::ios::in | std::ios::out | std::ios::binary);
    file.seekp(static_cast<std::streamoff>(blocks / 2 * kBlock));
    const std::string zeros(kBlock, '\0');
    file.write(zeros.data(), static_cast<std::streamsize>(zeros.size()));
    REQUIRE(file.good());
}

}  // namespace

TEST_CASE_METHOD(CliFixture, "search and stats answer from the newest complete generation when CURRENT is damaged",
                 "[cli][integration]") {
    struct Row {
        const char* damage;
        std::string current;  // "-": no CURRENT
        const char* warning;
    };
    const Row rows[] = {
        {"garbage", "junk\n", "CURRENT: does not name a generation: 'junk'; serving gen-000001"},
        {"missing", "-", "CURRENT is missing; serving gen-000001, the newest complete generation"},
    };
    auto errors = dir / "stderr";
    for (const auto& row : rows) {
        CAPTURE(row.damage);
        if (row.current == "-") fs::remove(index / "CURRENT");
        else write_file(index / "CURRENT", row.current);
        auto searched = run(medsearch() + " search --json metformin 2> " + quoted(errors));
        CHECK(searched.status == 0);
        CHECK(nlohmann::json::parse(searched.out)["hits"][0]["path"] == "m/metformin.md");
        CHECK(read_file(errors).find(std::string("warning: index: ") + index.string() + "/" + row.warning) !=
              std::string::npos);
        auto stats = run(medsearch() + " stats --json 2> " + quoted(errors));
        CHECK(stats.status == 0);
        CHECK(nlohmann::json::parse(stats.out)["generation"] == "gen-000001");
        CHECK(read_file(errors).find(row.warning) != std::string::npos);
        CHECK(fs::exists(index / "CURRENT") == (row.current != "-"));  // readers write nothing
    }
}

TEST_CASE_METHOD(CliFixture, "check --db finds zeroed blocks, and the next build is a full one that checks sound",
                 "[cli][integration]") {
    auto errors = dir / "stderr";
    auto sound = run(medsearch() + " check --db " + quoted(index) + " 2> " + quoted(errors));
    CHECK(sound.status == 0);
    CHECK(sound.out.empty());
    CHECK(read_file(errors).find("/gen-000001: 25 pages, sound") != std::string::npos);

    zero_middle_block(index / "gen-000001/postlist.glass");
    auto damaged = run(medsearch() + " check --db " + quoted(index) + " 2> " + quoted(errors));
    CHECK(damaged.status == 1);
    CHECK(damaged.out.starts_with((index / "gen-000001").string() + ": error: DatabaseCorruptError: "));
    CHECK(read_file(errors).find("/gen-000001: damaged (1 problem); the next medsearch index repairs it") !=
          std::string::npos);

    // Nothing changed in the pages, yet the build does not say "up to date".
    auto rebuilt = run(medsearch() + " index 2> " + quoted(errors));
    CHECK(rebuilt.status == 0);
    CAPTURE(read_file(errors));
    CHECK(read_file(errors).find("info: index: published gen-000002: 25 pages (25 added") != std::string::npos);
    CHECK(read_file(errors).find("; full build (current index damaged: DatabaseCorruptError: ") != std::string::npos);
    auto repaired = run(medsearch() + " check --db " + quoted(index) + " 2> " + quoted(errors));
    CHECK(repaired.status == 0);
    CHECK(read_file(errors).find("/gen-000002: 25 pages, sound") != std::string::npos);
}

TEST_CASE_METHOD(CliFixture, "check --db compares the catalog with the documents and the content hash",
                 "[cli][integration]") {
    {
        Xapian::WritableDatabase db((index / "gen-000001").string(), Xapian::DB_OPEN);
        db.delete_document(schema::id_term("m/metformin.md"));
        db.commit();
    }
    auto damaged = run(medsearch() + " check --db " + quoted(index));
    CHECK(damaged.status == 1);
    const auto where = (index / "gen-000001").string() + ": error: ";
    CHECK(damaged.out == where + "its build facts count 25 pages, the database holds 24\n" + where +
                             "its catalog lists 25 pages, the database holds 24\n" + where +
                             "m/metformin.md: in the catalog, with 0 documents\n");
    {
        Xapian::WritableDatabase db((index / "gen-000001").string(), Xapian::DB_OPEN);
        db.set_metadata(schema::kMetaCatalog, db.get_metadata(schema::kMetaCatalog) + " ");
        db.commit();
    }
    auto tampered = run(medsearch() + " check --db " + quoted(index));
    CHECK(tampered.status == 1);
    CHECK(tampered.out.find("does not match the content hash of its build facts") != std::string::npos);
}

TEST_CASE_METHOD(CliFixture, "rollout stages on every replica before it activates, and activates none when one cannot",
                 "[cli][integration]") {
    auto errors = dir / "stderr";
    auto replicas = " --replica " + quoted(dir / "r1") + " --replica " + quoted(dir / "r2");
    write_file(dir / "a-file", "");
    auto refused = run(medsearch() + " rollout --from " + quoted(index) + replicas + " --replica " +
                       quoted(dir / "a-file/index") + " 2> " + quoted(errors));
    CAPTURE(read_file(errors));
    CHECK(refused.status == 1);
    CHECK(read_file(errors).find("a-file/index: not staged: ") != std::string::npos);
    CHECK(read_file(errors).find("not activated: 1 of 3 replicas could not stage") != std::string::npos);
    CHECK_FALSE(fs::exists(dir / "r1/CURRENT"));
    CHECK(fs::exists(dir / "r1/staged/db"));

    auto done = run(medsearch() + " rollout --from " + quoted(index) + replicas + " 2> " + quoted(errors));
    CAPTURE(read_file(errors));
    CHECK(done.status == 0);
    CHECK(read_file(dir / "r1/CURRENT") == "gen-000001\n");
    CHECK(read_file(dir / "r2/CURRENT") == "gen-000001\n");
    auto stats = run(medsearch() + " stats --json --db " + quoted(dir / "r2"));
    auto built = run(medsearch() + " stats --json --db " + quoted(index));
    CHECK(nlohmann::json::parse(stats.out)["build_id"] == nlohmann::json::parse(built.out)["build_id"]);

    auto nothing = run(medsearch() + " publish --activate --db " + quoted(dir / "r1") + " 2> " + quoted(errors));
    CHECK(nothing.status != 0);
    CHECK(read_file(errors).find("nothing is staged (medsearch publish --stage --from DIR)") != std::string::npos);
    auto no_source = run(medsearch() + " publish --db " + quoted(dir / "r1") + " 2> " + quoted(errors));
    CHECK(no_source.status != 0);
    CHECK(read_file(errors).find("publish needs --from DIR (or --activate)") != std::string::npos);
}
