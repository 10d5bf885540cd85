#pragma once
// Shared test helpers: scratch folders, fixture paths, a fixture index, and
// running the medsearch program.

#include "medsearch/indexer/builder.hpp"
#include "medsearch/server/searcher.hpp"

#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <memory>
#include <random>
#include <sstream>
#include <string>

namespace medsearch::test {

namespace fs = std::filesystem;

inline fs::path fixtures() { return MEDSEARCH_FIXTURES_DIR; }
inline fs::path project_root() { return MEDSEARCH_SOURCE_DIR; }
inline fs::path program() { return MEDSEARCH_PROGRAM; }
// The shared corpus, if this machine has it.
inline fs::path rxhive() { return project_root() / ".." / "shared" / "corpus" / "rxhive"; }

// A unique folder, removed with everything in it.
class TempDir {
  public:
    TempDir() {
        std::random_device random;
        path_ = fs::temp_directory_path() / ("medsearch-test-" + std::to_string(random()) + std::to_string(random()));
        fs::create_directories(path_);
    }
    ~TempDir() {
        std::error_code ignored;
        fs::remove_all(path_, ignored);
    }
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;
    const fs::path& path() const { return path_; }
    fs::path operator/(const std::string& name) const { return path_ / name; }

  private:
    fs::path path_;
};

inline std::string read_file(const fs::path& file) {
    std::ifstream in(file, std::ios::binary);
    std::ostringstream content;
    content << in.rdbuf();
    return content.str();
}

inline void write_file(const fs::path& file, const std::string& bytes) {
    fs::create_directories(file.parent_path());
    std::ofstream(file, std::ios::binary) << bytes;
}

// Copies a folder of fixtures into a scratch folder that tests may change.
inline void copy_tree(const fs::path& from, const fs::path& to) {
    fs::create_directories(to);
    fs::copy(from, to, fs::copy_options::recursive | fs::copy_options::overwrite_existing);
}

inline BuildOptions fixture_build(const fs::path& source, const fs::path& index) {
    BuildOptions options;
    options.source_dir = source;
    options.index_dir = index;
    options.synonyms_file = fixtures() / "synonyms.yaml";
    options.brands_file = fixtures() / "brands.txt";
    // The tests' own dictionaries, whatever the machine has installed.
    options.medicines_file = fixtures() / "everyday-medicines.yaml";
    options.english_dictionaries = {fixtures() / "english-words.txt"};
    options.threads = 2;
    return options;
}

// The test corpus (tests/fixtures/corpus), or the pages under `source`,
// indexed once per test case.
class IndexedFixtures {
  public:
    explicit IndexedFixtures(const fs::path& source = fixtures() / "corpus") {
        auto built = build_index(fixture_build(source, dir_ / "index"));
        REQUIRE(built.ok());
        auto opened = Searcher::open(dir_ / "index", SearchSettings{});
        REQUIRE(opened.ok());
        searcher_ = std::move(opened.value());
    }
    Searcher& searcher() { return *searcher_; }
    const fs::path& index_dir() const { return index_; }

    // Paths of the hits, best first.
    std::vector<std::string> paths(const std::string& query, unsigned limit = 10) {
        auto page = searcher_->search({query, 0, limit});
        REQUIRE(page.ok());
        std::vector<std::string> out;
        for (const auto& hit : page.value().hits) out.push_back(hit.path);
        return out;
    }
    SearchPage page(const std::string& query, unsigned limit = 10) {
        auto page = searcher_->search({query, 0, limit});
        REQUIRE(page.ok());
        return page.value();
    }

  private:
    TempDir dir_;
    fs::path index_ = dir_ / "index";
    std::unique_ptr<Searcher> searcher_;
};

struct CommandResult {
    int status = -1;
    std::string out;
};

// Runs a shell command line, capturing stdout (stderr goes to the test log).
inline CommandResult run(const std::string& command_line, const std::string& input = "") {
    TempDir scratch;
    auto in_file = scratch / "stdin", out_file = scratch / "stdout";
    write_file(in_file, input);
    auto full = command_line + " < '" + in_file.string() + "' > '" + out_file.string() + "'";
    int raw = std::system(full.c_str());
    CommandResult result;
    result.status = WIFEXITED(raw) ? WEXITSTATUS(raw) : -1;
    result.out = read_file(out_file);
    return result;
}

inline std::string quoted(const fs::path& path) { return "'" + path.string() + "'"; }

}  // namespace medsearch::test
