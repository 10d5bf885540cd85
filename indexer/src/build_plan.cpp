#include "build_stages.hpp"

#include "medsearch/common/index_metadata.hpp"
#include "medsearch/common/schema.hpp"
#include "medsearch/indexer/check.hpp"
#include "parallel.hpp"

#include <map>

namespace medsearch::detail {
namespace {

// Why the published generation cannot be updated (empty: it can). Reads what
// an update keeps of it into `plan`, and whether its dictionaries differ.
std::string read_current(const IndexGeneration& current, const IndexInputs& inputs, BuildPlan& plan,
                         bool& dictionaries_changed) {
    try {
        auto db = open_generation_database(current.path);
        if (!schema::schema_mismatch(db).empty()) return "index schema changed";
        auto derivation = decode_input_hash(db.get_metadata(schema::kMetaDerivation), schema::kMetaDerivation);
        if (!derivation) return derivation.error().message;
        if (derivation.value() != inputs.document_hash) return "permalink or stopwords changed";
        auto catalog = decode_catalog(db.get_metadata(schema::kMetaCatalog));
        if (!catalog) return catalog.error().message;
        plan.current_catalog = std::move(catalog.value());
        plan.page_dictionary = db.get_metadata(schema::kMetaPageDictionary);
        auto dictionaries = decode_input_hash(db.get_metadata(schema::kMetaSynonymsHash), schema::kMetaSynonymsHash);
        dictionaries_changed = !dictionaries || dictionaries.value() != inputs.synonyms_hash;
        return {};
    } catch (const Xapian::DatabaseCorruptError& e) {
        return "current index damaged: " + e.get_description();
    } catch (const Xapian::Error& e) {
        return "current index unreadable: " + e.get_description();
    }
}

std::string why_full(const BuildJob& job, const std::string& recovered, BuildPlan& plan,
                     bool& dictionaries_changed) {
    if (!job.current) return recovered.empty() ? "no index yet" : "no complete generation";
    if (job.options.mode == BuildMode::full) return "--full";
    if (job.options.shards > 1) return "an index of " + std::to_string(job.options.shards) + " shards";
    if (generation_databases(job.current->path).size() > 1) return "the current index is shards";
    return read_current(*job.current, job.inputs, plan, dictionaries_changed);
}

Status parse_dictionaries_into(BuildPlan& plan, const IndexInputs& inputs) {
    auto parsed = parse_dictionaries(inputs);
    if (!parsed) return parsed.error();
    plan.dictionaries = std::move(parsed.value());
    return Ok{};
}

// Which pages changed: compare the bytes' hash with the catalog's, without
// reading a file whose hash is remembered for its size and time.
void find_changes(const BuildJob& job, BuildPlan& plan) {
    const auto& sources = job.sources;
    auto& tally = plan.tally;
    auto hash_cache = HashCache::load(job.options.index_dir);
    std::map<std::string, const CatalogEntry*> known;
    for (const auto& entry : plan.current_catalog) known.emplace(entry.path, &entry);
    for (std::size_t i = 0; i < sources.files.size(); ++i) {
        const auto& file = sources.files[i];
        auto old = known.find(file.relative);
        const CatalogEntry* in_index = old != known.end() ? old->second : nullptr;
        if (sources.clash[i]) {
            ++tally.skipped;
            if (in_index) plan.removed.push_back(file.relative);
            continue;
        }
        if (in_index && hash_cache.find(file.relative, sources.stamps[i]) == in_index->source_hash) {
            plan.kept.push_back(*in_index);
            ++tally.unchanged;
            known.erase(old);
            continue;
        }
        auto bytes = read_source(file, job.options.max_page_bytes);
        if (!bytes) {
            tally.diagnostics.push_back(unreadable(file, bytes.error().message));
            ++tally.skipped;
            if (in_index) plan.removed.push_back(file.relative);
            continue;
        }
        auto hash = hash_bytes(bytes.value());
        if (in_index && in_index->source_hash == hash) {
            plan.kept.push_back(*in_index);
            ++tally.unchanged;
        } else {
            plan.changed.push_back({{i, std::move(bytes.value()), hash}, !in_index});
        }
        if (in_index) known.erase(old);
    }
    for (const auto& [path, entry] : known) plan.removed.push_back(path);
}

}  // namespace

Result<BuildPlan> plan_build(const BuildJob& job, const std::string& recovered) {
    BuildPlan plan;
    bool dictionaries_changed = true;
    plan.full_reason = why_full(job, recovered, plan, dictionaries_changed);
    if (plan.full() || dictionaries_changed)
        if (auto parsed = parse_dictionaries_into(plan, job.inputs); !parsed) return parsed.error();
    if (plan.full()) return plan;
    // An update copies the generation, damage included: its seal (or Xapian)
    // checks it while the pages are read and the copy changed, before
    // anything is published.
    plan.current_damage = run_beside([path = job.current->path, scratch = job.scratch] {
        return published_damage(path, scratch);
    });
    find_changes(job, plan);
    return plan;
}

Status plan_full_build(BuildPlan& plan, std::string why, const IndexInputs& inputs) {
    plan.full_reason = std::move(why);
    if (plan.dictionaries) return Ok{};
    return parse_dictionaries_into(plan, inputs);
}

}  // namespace medsearch::detail
