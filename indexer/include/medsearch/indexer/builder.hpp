#pragma once
// Builds or updates an index folder from a folder of Markdown monographs.
//
// Every build writes a new generation and publishes it with one atomic rename
// (see index_layout.hpp): readers see the previous index or the new one, and a
// build killed at any point leaves the previous index as it was.
// Incremental by default: only pages whose bytes changed are parsed again.

#include "medsearch/common/defaults.hpp"
#include "medsearch/common/result.hpp"
#include "medsearch/common/word_list.hpp"
#include "medsearch/indexer/diagnostics.hpp"
#include "medsearch/indexer/sources.hpp"

#include <cstddef>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

namespace medsearch {

enum class BuildMode { incremental, full };

// Called now and then from the building thread: pages done of total.
using ProgressFn = std::function<void(std::size_t done, std::size_t total)>;

struct BuildOptions {
    std::filesystem::path source_dir;
    std::filesystem::path index_dir;
    std::string permalink = defaults::kPermalink;
    std::filesystem::path synonyms_file;   // empty: built-in list
    std::filesystem::path brands_file;     // empty: built-in list
    std::filesystem::path stopwords_file;  // empty: built-in list
    std::filesystem::path medicines_file;  // kinds of medicine and conditions; empty: built-in list
    std::filesystem::path essential_file;  // essential-medicines list; empty: built-in list
    // English dictionaries for telling everyday words from misspelled drug
    // names; those not installed are left out.
    std::vector<std::filesystem::path> english_dictionaries = default_english_dictionaries();
    BuildMode mode = BuildMode::incremental;
    int threads = defaults::kThreads;      // 0: one per core
    // Shards of each generation (docs/deploy.md, "Shards"): pages go to the
    // shard their path hashes to. An index of shards is always built in full.
    unsigned shards = 1;
    std::size_t part_pages = 0;            // pages per part of a full build's database; 0: the default (4096)
    std::size_t max_page_bytes = defaults::kMaxPageBytes;  // larger source files are refused
    ProgressFn progress;
};

struct BuildReport {
    std::string generation;       // published generation, or the unchanged current one
    bool full = false;            // whether every page was indexed again
    std::string full_reason;      // why, when the mode asked for incremental
    bool published = false;       // false when nothing changed
    std::size_t pages = 0;        // pages in the index now
    std::size_t added = 0, changed = 0, removed = 0, unchanged = 0;
    std::size_t skipped = 0;      // pages left out because of an error
    std::string recovered;        // how a missing or damaged CURRENT was recovered, if it was
    std::vector<Diagnostic> diagnostics;
    double seconds = 0;

    std::size_t errors() const;
    std::size_t warnings() const;
};

Result<BuildReport> build_index(const BuildOptions& options);

// Facts about a published index, for `medsearch stats`.
struct IndexStats {
    std::string generation;
    std::string build_id;
    std::string built_at;       // UTC, ISO 8601
    std::size_t pages = 0;
    std::size_t terms = 0;      // distinct terms
    std::size_t synonyms = 0;   // synonym keys
    std::uintmax_t bytes = 0;   // size of the generation on disk
    std::string content_hash;   // of the sources, config and data files that made it
    int schema = 0;
};

Result<IndexStats> read_index_stats(const std::filesystem::path& index_dir);

}  // namespace medsearch

namespace medsearch {

// Publishes the current index of another index folder (a CI build's artifact)
// as the next generation of `index_dir`, with the same atomic switch as a
// build: a server on `index_dir` picks it up, and a copy that fails half-way
// leaves the served index as it was.
struct ImportReport {
    std::string generation;  // the generation now published in index_dir
    std::size_t pages = 0;
    std::string recovered;   // how a missing or damaged CURRENT was recovered, if it was
};

Result<ImportReport> import_index(const std::filesystem::path& from_dir, const std::filesystem::path& index_dir);

// The same in two steps, for replicas that must switch together: stage copies
// and checks the artifact into INDEXDIR/staged (durable, never served), and
// activate publishes what is staged as the next generation. A rollout stages
// on every replica and activates only when all have it (docs/deploy.md).
struct StageReport {
    std::string build_id;  // BuildFacts::build_id of what is staged
    std::size_t pages = 0;
};

Result<StageReport> stage_index(const std::filesystem::path& from_dir, const std::filesystem::path& index_dir);
// With `build_id`, refuses to activate anything but that build.
Result<ImportReport> activate_staged(const std::filesystem::path& index_dir, const std::string& build_id = "");

}  // namespace medsearch
