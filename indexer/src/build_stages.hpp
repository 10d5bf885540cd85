#pragma once
// The stages of `medsearch index`, in the order build_index runs them:
//
//   load_inputs       build_inputs.cpp  stopwords, dictionaries and their hashes
//   plan_build        build_plan.cpp    a full build (and why) or an update: pages to
//                                       add, replace and remove, dictionaries to write
//   update_generation update.cpp        an update applied to a copy of the generation
//   build_full        full_build.cpp    every page, in shards on the build's threads
//   (metadata, publish) builder.cpp     the metadata written last, then the switch
//
// index_page (page.cpp) turns one source file into a document for either kind.

#include "medsearch/common/catalog.hpp"
#include "medsearch/common/index_layout.hpp"
#include "medsearch/common/monograph.hpp"
#include "medsearch/common/synonyms.hpp"
#include "medsearch/common/topics.hpp"
#include "medsearch/common/vocabulary.hpp"
#include "medsearch/indexer/builder.hpp"
#include "medsearch/indexer/document.hpp"
#include "medsearch/indexer/hash_cache.hpp"

#include <xapian.h>

#include <cstdint>
#include <filesystem>
#include <future>
#include <optional>
#include <string>
#include <vector>

namespace medsearch::detail {

// A database of a generation not yet published, made durable by publishing it.
inline constexpr int kOpenScratch = Xapian::DB_OPEN | Xapian::DB_BACKEND_GLASS | Xapian::DB_NO_SYNC;

// ---- inputs besides the pages (build_inputs.cpp) ------------------------------

struct IndexInputs {
    // The dictionaries' texts (synonyms, medicines, essential medicines) and
    // the English words: parsed only when the index needs them written.
    std::string synonyms_text;
    std::string synonyms_origin;
    std::string brands_text;
    std::string brands_origin;
    std::string medicines_text;
    std::string medicines_origin;
    std::string essential_text;
    std::vector<std::filesystem::path> english_dictionaries;  // the installed word lists
    std::vector<std::string> stopwords;
    std::string document_hash;  // what documents depend on: schema, permalink, stopwords
    std::string synonyms_hash;  // of the dictionaries and the English words
};

Result<IndexInputs> load_inputs(const BuildOptions& options);

// The dictionaries, parsed and checked.
struct Dictionaries {
    SynonymTable synonyms;
    TopicTable topics;
};

Result<Dictionaries> parse_dictionaries(const IndexInputs& inputs);

// Replaces the synonym table and the dictionaries' metadata of `db`.
Status write_dictionaries(Xapian::WritableDatabase& db, const Dictionaries& dictionaries, const IndexInputs& inputs);

// ---- what every stage reads ----------------------------------------------------

// The source files of a build and what was learnt of them before reading.
struct Sources {
    std::vector<SourceFile> files;
    std::vector<FileStamp> stamps;  // sizes and times before any file is read (hash_cache.hpp)
    std::vector<bool> clash;        // find_url_clashes
    std::int64_t looked_ns = 0;     // when the stamps were taken
};

struct BuildJob {
    const BuildOptions& options;
    const IndexInputs& inputs;
    const Sources& sources;
    const std::optional<IndexGeneration>& current;  // the published generation, if any
    std::filesystem::path target;                   // the new generation's database
    std::filesystem::path scratch;                  // room beside it: shards, copies to check
    int threads;
};

// ---- one page (page.cpp) ------------------------------------------------------------

struct PageSource {
    std::size_t file = 0;  // in Sources::files
    std::string bytes;
    std::uint64_t hash = 0;  // hash_bytes() of the bytes
};

struct PageOutcome {
    std::optional<CatalogEntry> entry;  // set when the page is indexed
    Xapian::Document document;
    std::vector<Diagnostic> diagnostics;
};

PageOutcome index_page(const BuildJob& job, PageSource page, DocumentBuilder& builder);

// The error of a source file that could not be read.
Diagnostic unreadable(const SourceFile& file, const std::string& message);

// ---- the plan (build_plan.cpp) ----------------------------------------------------

// A page an update reads again: new, or changed since the current generation.
struct PageChange {
    PageSource source;
    bool is_new = false;  // else its document is replaced
};

// What an update counts and reports. It joins the build's report only if the
// update stands: a full build instead counts every page again.
struct UpdateTally {
    std::size_t added = 0, changed = 0, removed = 0, unchanged = 0, skipped = 0;
    std::vector<Diagnostic> diagnostics;
};

struct BuildPlan {
    std::string full_reason;  // empty: an update of the current generation
    // The dictionaries to write: for a full build, or when they changed;
    // otherwise an update keeps the current generation's.
    std::optional<Dictionaries> dictionaries;

    // An update's pages: kept as they are, read again, and removed (paths).
    std::vector<CatalogEntry> kept;
    std::vector<PageChange> changed;
    std::vector<std::string> removed;
    UpdateTally tally;
    std::vector<CatalogEntry> current_catalog;  // the published generation's
    std::string page_dictionary;                // the published generation's, which an update keeps
    // Xapian's check of the generation an update copies (database_damage),
    // running while the pages are read and the copy changed.
    std::future<std::string> current_damage;

    bool full() const { return !full_reason.empty(); }
    bool changes_nothing() const { return !full() && changed.empty() && removed.empty() && !dictionaries; }
};

// Fails only when the dictionaries a build must write do not parse.
Result<BuildPlan> plan_build(const BuildJob& job, const std::string& recovered);

// Turns the plan into a full build for `why`: parses the dictionaries if the
// update would have kept them.
Status plan_full_build(BuildPlan& plan, std::string why, const IndexInputs& inputs);

// ---- building -----------------------------------------------------------------------------

// The new generation's content besides its metadata.
struct BuiltIndex {
    std::vector<CatalogEntry> catalog;  // sorted by path
    Vocabulary vocabulary;
    std::string page_dictionary;
};

// What became of an update (update.cpp).
struct Update {
    enum class Outcome { updated, nothing_to_do, start_over };
    Outcome outcome = Outcome::nothing_to_do;
    BuiltIndex built;      // updated: the copy's catalog and vocabulary
    std::string why_full;  // start_over: why a full build must replace it
};

// Copies the current generation to the target and applies the plan's changes
// to the copy; the original stays untouched for readers. An error only when
// storage ran out, which a full build would too.
Result<Update> update_generation(const BuildJob& job, BuildPlan& plan);

// Every page, indexed into the target (full_build.cpp); counts and reports
// each page in `report`.
Result<BuiltIndex> build_full(const BuildJob& job, BuildReport& report);

}  // namespace medsearch::detail
