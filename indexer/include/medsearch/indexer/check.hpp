#pragma once
// `medsearch check`: every page of a source folder parsed and checked, nothing
// written. The same checks run during `medsearch index` on the pages it reads.
// The dictionaries are checked against the pages too.

#include "medsearch/common/catalog.hpp"
#include "medsearch/common/defaults.hpp"
#include "medsearch/common/result.hpp"
#include "medsearch/indexer/builder.hpp"
#include "medsearch/indexer/diagnostics.hpp"
#include "medsearch/indexer/sources.hpp"

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace medsearch {

struct CheckOptions {
    std::filesystem::path source_dir;
    std::string permalink = defaults::kPermalink;
    int threads = defaults::kThreads;
    ProgressFn progress;
    std::size_t max_page_bytes = defaults::kMaxPageBytes;  // larger source files are refused
};

struct CheckReport {
    std::size_t pages = 0;  // pages read
    std::vector<Diagnostic> diagnostics;  // paths relative to the source folder
    double seconds = 0;
    std::vector<CatalogEntry> catalog;    // the pages index would index, with their ingredients

    std::size_t errors() const;
    std::size_t warnings() const;
};

Result<CheckReport> check_sources(const CheckOptions& options);

// Pages that would get the URL of a page before them (an error each); true at
// their index.
std::vector<bool> find_url_clashes(const std::vector<SourceFile>& files, const std::string& permalink,
                                   std::vector<Diagnostic>& diagnostics);

// Findings about the collection as a whole: duplicate titles.
void add_collection_diagnostics(const std::vector<CatalogEntry>& pages,
                                std::vector<Diagnostic>& diagnostics);

// The dictionaries `check` reads against the pages; empty: the built-in copy.
struct DictionaryFiles {
    std::filesystem::path synonyms_file;
    std::filesystem::path medicines_file;
    std::filesystem::path brands_file = {};  // empty: the built-in one
};

// The dictionaries against the pages (CheckReport::catalog): errors are what
// stops a build (a file that is not YAML, an unknown key, an empty entry, a
// name given to two topics) and a synonym name written in two entries; a
// warning is a name the searcher leaves out because no page has it (a member
// of a class or condition, read as the searcher reads it; a brand's generic
// name; a group of other names none of which has a page). Each finding names
// the file (as given) and the line of the name. A dictionary not given (the
// built-in copy, written for a whole collection) is checked for errors only.
std::vector<Diagnostic> check_dictionaries(const DictionaryFiles& files, const std::vector<CatalogEntry>& pages);

// `medsearch check --db`: the generation readers open, checked by Xapian
// (Database::check: every block of every table) and against our own
// metadata: schema, build facts, content hash, and a document with a stored
// page for each catalog entry. Reads only.
struct IndexCheckReport {
    std::string generation;             // the generation checked
    std::size_t pages = 0;              // documents in it
    std::vector<std::string> problems;  // empty: sound
    double seconds = 0;
};
// An error only when there is no index to check.
Result<IndexCheckReport> check_index(const std::filesystem::path& index_dir);

// The content hash of an index's build facts: of what its documents depend on
// besides pages (schema::kMetaDerivation), its dictionaries' hash and its catalog.
std::string content_hash(std::string_view derivation, std::string_view synonyms_hash, std::string_view catalog);

// What Xapian's Database::check finds wrong in the database at `path` (its
// first findings), or empty. The check opens tables for writing: a database
// this process may not write is checked through a copy in a folder made in
// `scratch` and removed after.
std::string database_damage(const std::filesystem::path& path, const std::filesystem::path& scratch);

// A generation's seal: the size and XXH3 hash of each of its files, written
// when it is published (seal.cpp). A generation whose files still match its
// seal is as sound as when it was published: checking that reads each file
// once, where Xapian's check walks every block of every table.
inline constexpr const char* kSealFile = "medsearch.seal";
struct SealCheck {
    enum class State { sound, changed, missing };
    State state = State::missing;
    std::string what;  // the file that differs, when changed
};
SealCheck check_seal(const std::filesystem::path& db);

// The damage of a published generation an update is about to copy: none when
// its seal holds, else what database_damage() finds, else a metadata value
// readers could not read (a generation changed through Xapian since, or
// published before seals, may still be sound).
std::string published_damage(const std::filesystem::path& db, const std::filesystem::path& scratch);

// {"pages": n, "errors": n, "warnings": n, "diagnostics": [{path, line, severity, code, message}]}
std::string diagnostics_json(const std::vector<Diagnostic>& diagnostics, std::size_t pages);

}  // namespace medsearch
