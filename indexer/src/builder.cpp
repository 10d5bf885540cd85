#include "medsearch/indexer/builder.hpp"

#include "medsearch/common/index_metadata.hpp"
#include "medsearch/common/log.hpp"
#include "medsearch/common/schema.hpp"
#include "medsearch/indexer/check.hpp"
#include "build_stages.hpp"
#include "index_dir.hpp"
#include "parallel.hpp"

#include <xapian.h>

#include <algorithm>
#include <chrono>
#include <ctime>
#include <unordered_map>

namespace medsearch {
namespace fs = std::filesystem;
namespace {

using detail::BuildJob;
using detail::BuildPlan;
using detail::BuiltIndex;

double seconds_since(std::chrono::steady_clock::time_point start) {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

std::string utc_now() {
    auto now = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
    std::tm tm{};
    gmtime_r(&now, &tm);
    char buffer[32];
    std::strftime(buffer, sizeof buffer, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return buffer;
}

// Sizes and times of the files before any of them is read (hash_cache.hpp),
// and the pages that would take another page's URL.
detail::Sources look_at_sources(std::vector<SourceFile> files, const BuildOptions& options, BuildReport& report) {
    detail::Sources sources;
    sources.looked_ns = wall_clock_ns();
    sources.stamps.reserve(files.size());
    for (const auto& file : files) sources.stamps.push_back(stamp_file(file.absolute));
    sources.clash = find_url_clashes(files, options.permalink, report.diagnostics);
    sources.files = std::move(files);
    return sources;
}

// What an update counted joins the report once the update stands.
void add_tally(BuildReport& report, detail::UpdateTally& tally) {
    report.added = tally.added;
    report.changed = tally.changed;
    report.removed = tally.removed;
    report.unchanged = tally.unchanged;
    report.skipped = tally.skipped;
    std::move(tally.diagnostics.begin(), tally.diagnostics.end(), std::back_inserter(report.diagnostics));
}

// Carries the plan out: an update of the current generation, else (or when
// the update cannot stand) a full build. Empty when nothing changed, so that
// nothing is published.
Result<std::optional<BuiltIndex>> carry_out(const BuildJob& job, BuildPlan& plan, BuildReport& report) {
    using Outcome = detail::Update::Outcome;
    if (!plan.full()) {
        auto update = detail::update_generation(job, plan);
        if (!update) return update.error();
        if (update.value().outcome != Outcome::start_over) {
            add_tally(report, plan.tally);
            if (update.value().outcome == Outcome::nothing_to_do) return std::optional<BuiltIndex>();
            return std::optional(std::move(update.value().built));
        }
        // What the update counted and reported goes, with its copy.
        (void)detail::remove_tree(job.target);
        auto replanned = detail::plan_full_build(plan, std::move(update.value().why_full), job.inputs);
        if (!replanned) return replanned.error();
    }
    report.full = true;
    report.full_reason = plan.full_reason;
    auto built = detail::build_full(job, report);
    if (!built) return built.error();
    return std::optional(std::move(built.value()));
}

// What the metadata says of the build itself.
struct BuildSummary {
    const std::string& generation;
    bool full = false;
};

void write_metadata(Xapian::WritableDatabase& db, const BuildJob& job, const BuiltIndex& built,
                    const BuildSummary& summary) {
    auto catalog = encode_catalog(built.catalog);
    BuildFacts facts;
    facts.schema = schema::kVersion;
    facts.generation = summary.generation;
    facts.content_hash = content_hash(job.inputs.document_hash, job.inputs.synonyms_hash, catalog);
    facts.build_id = std::to_string(generation_number(summary.generation)) + "-" + facts.content_hash.substr(0, 8);
    facts.built_at = utc_now();
    facts.pages = built.catalog.size();
    facts.full = summary.full;
    facts.threads = job.threads;
    db.set_metadata(schema::kMetaSchema, std::to_string(schema::kVersion));
    db.set_metadata(schema::kMetaDerivation, encode_input_hash(job.inputs.document_hash));
    db.set_metadata(schema::kMetaCatalog, catalog);
    db.set_metadata(schema::kMetaBuild, encode_build_facts(facts));
    db.set_metadata(schema::kMetaSynonymsHash, encode_input_hash(job.inputs.synonyms_hash));
    db.set_metadata(schema::kMetaStopwords, encode_word_list(job.inputs.stopwords));
    db.set_metadata(schema::kMetaVocabulary, encode_vocabulary(built.vocabulary));
    db.set_metadata(schema::kMetaPageDictionary, built.page_dictionary);
}

// The dictionaries when the plan has them (else the copied generation keeps
// its own), and the metadata. Commits here need not reach the disk:
// publishing fsyncs every file of the generation once, at the end.
Status write_generation(const BuildJob& job, const BuildPlan& plan, const BuiltIndex& built,
                        const BuildSummary& summary) {
    try {
        // Once, in the first database: where Xapian reads the metadata of a
        // database of shards, and where shard servers read it.
        Xapian::WritableDatabase db(generation_databases(job.target).front().string(), detail::kOpenScratch);
        if (plan.dictionaries)
            if (auto written = detail::write_dictionaries(db, *plan.dictionaries, job.inputs); !written)
                return written;
        write_metadata(db, job, built, summary);
        db.commit();
        db.close();
    } catch (const Xapian::Error& e) {
        return Error{Errc::index, "writing the index: " + e.get_description()};
    }
    return Ok{};
}

// Remembers the hash of every page now in the index, for the next build.
void save_source_hashes(const BuildJob& job, const std::vector<CatalogEntry>& catalog) {
    const auto& sources = job.sources;
    std::unordered_map<std::string_view, std::uint64_t> hashes;
    for (const auto& entry : catalog) hashes.emplace(entry.path, entry.source_hash);
    HashCache cache;
    for (std::size_t i = 0; i < sources.files.size(); ++i)
        if (auto it = hashes.find(sources.files[i].relative); it != hashes.end())
            cache.remember(sources.files[i].relative, sources.stamps[i], it->second, sources.looked_ns);
    if (auto saved = cache.save(job.options.index_dir); !saved)
        log_warn("index", "source hashes not kept for the next build: " + saved.error().message);
}

// How a build ended, whether it published or not.
struct Ending {
    const std::vector<CatalogEntry>& pages;  // in the index now
    const std::string& generation;           // published, or the current one that stays
    bool published = false;
    std::chrono::steady_clock::time_point started;
};

BuildReport finish(BuildReport& report, const Ending& ending) {
    add_collection_diagnostics(ending.pages, report.diagnostics);
    std::stable_sort(report.diagnostics.begin(), report.diagnostics.end(), [](const auto& a, const auto& b) {
        return std::tie(a.path, a.line) < std::tie(b.path, b.line);
    });
    report.generation = ending.generation;
    report.published = ending.published;
    report.pages = ending.pages.size();
    report.seconds = seconds_since(ending.started);
    return std::move(report);
}

// Plans the changes (a full build or an update), carries them out in a new
// generation, writes its metadata and publishes it.
Result<BuildReport> build_and_publish(const BuildOptions& options) {
    const auto started = std::chrono::steady_clock::now();
    auto inputs = detail::load_inputs(options);
    if (!inputs) return inputs.error();
    auto files = scan_sources(options.source_dir);
    if (!files) return files.error();
    auto lock = detail::IndexLock::acquire(options.index_dir);
    if (!lock) return lock.error();
    log_debug("index", "inputs read, sources listed: " + std::to_string(seconds_since(started)) + " s");

    BuildReport report;
    auto serving = detail::find_serving_generation(options.index_dir);
    if (!serving) return serving.error();
    report.recovered = serving.value().recovered;
    if (!report.recovered.empty()) log_warn("index", report.recovered);
    const auto& current = serving.value().generation;
    auto generation = detail::NewGeneration::start(options.index_dir, current ? current->name : "");
    if (!generation) return generation.error();

    const auto sources = look_at_sources(std::move(files.value()), options, report);
    const BuildJob job{options, inputs.value(), sources, current, generation.value().db(),
                       generation.value().scratch(), detail::thread_count(options.threads)};
    auto plan = detail::plan_build(job, report.recovered);
    if (!plan) return plan.error();
    log_debug("index", "planned: " + std::to_string(seconds_since(started)) + " s");
    auto built = carry_out(job, plan.value(), report);
    if (!built) return built.error();
    log_debug("index", "pages indexed: " + std::to_string(seconds_since(started)) + " s");
    if (!built.value()) {
        save_source_hashes(job, plan.value().current_catalog);
        return finish(report, {plan.value().current_catalog, current->name, false, started});
    }
    const auto& index = *built.value();
    auto written = write_generation(job, plan.value(), index, {generation.value().name(), report.full});
    if (!written) return written.error();
    log_debug("index", "metadata written: " + std::to_string(seconds_since(started)) + " s");
    auto published = generation.value().publish();
    if (!published) return published.error();
    log_debug("index", "published: " + std::to_string(seconds_since(started)) + " s");
    save_source_hashes(job, index.catalog);
    return finish(report, {index.catalog, generation.value().name(), true, started});
}

}  // namespace

std::size_t BuildReport::errors() const {
    return static_cast<std::size_t>(std::count_if(diagnostics.begin(), diagnostics.end(),
                                                  [](const auto& d) { return d.severity == Severity::error; }));
}

std::size_t BuildReport::warnings() const { return diagnostics.size() - errors(); }

Result<BuildReport> build_index(const BuildOptions& options) {
    auto report = build_and_publish(options);
    if (!report) return detail::explain_storage_error(report.error());
    return report;
}

Result<IndexStats> read_index_stats(const fs::path& index_dir) {
    auto opened = open_current_index(index_dir);
    if (!opened) return opened.error();
    IndexStats stats;
    try {
        auto& db = opened.value().db;
        const auto& generation = opened.value().generation;
        if (auto mismatch = schema::schema_mismatch(db); !mismatch.empty())
            return Error{Errc::index, generation.path.string() + ": " + mismatch};
        auto facts = decode_build_facts(db.get_metadata(schema::kMetaBuild));
        if (!facts) return Error{Errc::index, generation.path.string() + ": " + facts.error().message};
        stats.generation = generation.name;
        stats.build_id = facts.value().build_id;
        stats.built_at = facts.value().built_at;
        stats.content_hash = facts.value().content_hash;
        stats.schema = facts.value().schema;
        stats.pages = db.get_doccount();
        for (auto it = db.allterms_begin(); it != db.allterms_end(); ++it) ++stats.terms;
        for (auto it = db.synonym_keys_begin(); it != db.synonym_keys_end(); ++it) ++stats.synonyms;
    } catch (const Xapian::Error& e) {
        return Error{Errc::index, e.get_description()};
    }
    std::error_code ec;
    for (const auto& entry : fs::recursive_directory_iterator(opened.value().generation.path, ec))
        if (entry.is_regular_file()) stats.bytes += entry.file_size();
    return stats;
}

}  // namespace medsearch
