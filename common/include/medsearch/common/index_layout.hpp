#pragma once
// The folder of an index:
//   INDEXDIR/CURRENT       names the published generation ("gen-000007"); replaced
//                          by an atomic rename, so readers see the old or the new one
//   INDEXDIR/gen-000007/   a complete Xapian database (or shards: below), never
//                          changed once published, with the indexer's seal
//   INDEXDIR/gen-000006/   the previous generation, kept for readers still on it
//   INDEXDIR/.lock         held by the one writer (indexer) at a time
//   INDEXDIR/.source-hashes  the indexer's cache of source file hashes
// Anything else named gen-* or tmp-* was left by a build that did not finish;
// the next build removes it.

#include "medsearch/common/result.hpp"

#include <xapian.h>

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace medsearch {

inline constexpr const char* kCurrentFileName = "CURRENT";
inline constexpr const char* kLockFileName = ".lock";
inline constexpr const char* kGenerationPrefix = "gen-";

struct IndexGeneration {
    std::string name;             // "gen-000007"
    std::filesystem::path path;   // INDEXDIR/gen-000007
    unsigned long number = 0;     // 7
};

// 7 for "gen-000007"; 0 for a name that is not a generation's.
unsigned long generation_number(std::string_view name);

// What CURRENT names; not_found when the folder holds no published index.
Result<IndexGeneration> read_current_generation(const std::filesystem::path& index_dir);

// A generation is one Xapian glass database, or shards: a folder holding a
// stub file (kShardStubFileName, Xapian's format) of "glass shard-N" lines,
// one per shard folder beside it, searched together as one
// (Database::add_database). Any other line refuses the generation.
inline constexpr const char* kShardStubFileName = "XAPIANDB";

// Opens the database of a generation folder, for reading: its stub when it
// has one, else the glass database it is. Throws Xapian::Error.
Xapian::Database open_generation_database(const std::filesystem::path& generation);

// The folder of shard `shard` in a generation ("shard-3"), and the stub file
// that lists `count` of them, as open_generation_database() reads it.
std::string shard_folder_name(unsigned shard);
std::string shard_stub_text(unsigned count);

// The glass databases of a generation: its shards, or itself. Throws
// Xapian::DatabaseOpeningError for a stub file that is not ours.
std::vector<std::filesystem::path> generation_databases(const std::filesystem::path& generation);

// The UUID of each database of `db`, in order (Xapian joins them with ':').
std::vector<std::string> shard_uuids(const Xapian::Database& db);

// The revision of a generation's database, by which what is kept of it is
// known to be current; 0 for shards, which Xapian gives no one revision and
// which are never changed once published.
Xapian::rev generation_revision(const Xapian::Database& db);

// Whether a database can serve: it opens and its metadata holds build facts,
// which a build writes in the commit that completes it (of whatever schema).
bool is_complete_generation(const std::filesystem::path& database);

// The generation folders of `index_dir` ("gen-" and a number), newest first.
std::vector<std::string> list_generations(const std::filesystem::path& index_dir);

// The newest generation of `index_dir` that is complete, if any.
std::optional<IndexGeneration> newest_complete_generation(const std::filesystem::path& index_dir);

struct OpenedIndex {
    Xapian::Database db;
    IndexGeneration generation;
    std::string fallback;  // why CURRENT was not followed, when it was not
};

// Opens the published generation, retrying if a newer one replaced it
// meanwhile. When CURRENT is missing, damaged or names a generation that
// cannot serve, opens the newest complete generation instead and says so on
// stderr (once per message and process). Readers never write: the next
// `medsearch index` or `publish` repairs CURRENT.
Result<OpenedIndex> open_current_index(const std::filesystem::path& index_dir);

}  // namespace medsearch
