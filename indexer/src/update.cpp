#include "build_stages.hpp"

#include "medsearch/common/schema.hpp"
#include "index_dir.hpp"
#include "parallel.hpp"

#include <algorithm>
#include <cassert>
#include <memory>

namespace medsearch::detail {
namespace {

// The changed pages as documents, built by one DocumentBuilder per thread;
// the builders hold the new pages' vocabulary.
struct ParsedChanges {
    std::vector<PageOutcome> outcomes;  // one per BuildPlan::changed
    std::vector<std::unique_ptr<DocumentBuilder>> builders;
};

// `codec` outlives what this returns.
ParsedChanges parse_changes(const BuildJob& job, BuildPlan& plan, const PageCodec& codec) {
    ParsedChanges parsed;
    auto& changed = plan.changed;
    parsed.outcomes.resize(changed.size());
    int threads = changed.size() > 32 ? job.threads : 1;
    for (int t = 0; t < threads; ++t)
        parsed.builders.push_back(std::make_unique<DocumentBuilder>(job.inputs.stopwords, codec));
    parallel_for(changed.size(), threads, job.options.progress, [&](std::size_t k, int worker) {
        parsed.outcomes[k] = index_page(job, std::move(changed[k].source),
                                        *parsed.builders[static_cast<std::size_t>(worker)]);
    });
    return parsed;
}

// Counts the pages read again. A page of the index that no longer builds is
// removed from it, and counted as skipped.
void count_changes(const BuildJob& job, BuildPlan& plan, ParsedChanges& parsed) {
    auto& tally = plan.tally;
    tally.removed = plan.removed.size();
    for (std::size_t k = 0; k < plan.changed.size(); ++k) {
        auto& outcome = parsed.outcomes[k];
        std::move(outcome.diagnostics.begin(), outcome.diagnostics.end(), std::back_inserter(tally.diagnostics));
        const auto& change = plan.changed[k];
        if (outcome.entry) {
            (change.is_new ? tally.added : tally.changed) += 1;
            continue;
        }
        ++tally.skipped;
        if (!change.is_new) plan.removed.push_back(job.sources.files[change.source.file].relative);
    }
}

// Copies the published generation to the target and changes the copy: the
// original stays untouched for readers and for a build that does not finish.
// The vocabulary loses the words of the pages replaced or removed and gains
// those of the pages indexed now.
Status change_copy(const BuildJob& job, BuildPlan& plan, ParsedChanges& parsed, BuiltIndex& built) {
    auto copied = copy_database(job.current->path, job.target);
    if (!copied) return copied;
    try {
        Xapian::WritableDatabase db(job.target.string(), kOpenScratch);
        auto vocabulary = decode_vocabulary(db.get_metadata(schema::kMetaVocabulary));
        if (!vocabulary) return vocabulary.error();
        built.vocabulary = std::move(vocabulary.value());
        auto& words = *parsed.builders.front();
        auto forget = [&](const std::string& id_term) {
            auto found = db.postlist_begin(id_term);
            if (found != db.postlist_end(id_term))
                remove_words(built.vocabulary, words.vocabulary_of(db.get_document(*found)));
        };
        for (const auto& path : plan.removed) {
            auto id_term = schema::id_term(path);
            forget(id_term);
            db.delete_document(id_term);
        }
        for (std::size_t k = 0; k < plan.changed.size(); ++k) {
            auto& outcome = parsed.outcomes[k];
            if (!outcome.entry) continue;
            auto id_term = schema::id_term(outcome.entry->path);
            if (!plan.changed[k].is_new) forget(id_term);
            db.replace_document(id_term, outcome.document);
            plan.kept.push_back(std::move(*outcome.entry));
        }
        for (const auto& builder : parsed.builders) builder->add_vocabulary_to(built.vocabulary);
        db.commit();
    } catch (const Xapian::Error& e) {
        return Error{Errc::index, "updating a copy of " + job.current->path.string() + ": " + e.get_description()};
    }
    std::sort(plan.kept.begin(), plan.kept.end(), [](const auto& a, const auto& b) { return a.path < b.path; });
    return Ok{};
}

Update start_over(std::string why) { return Update{Update::Outcome::start_over, {}, std::move(why)}; }

}  // namespace

Result<Update> update_generation(const BuildJob& job, BuildPlan& plan) {
    assert(!plan.full() && plan.current_damage.valid());
    const PageCodec codec(plan.page_dictionary);
    auto parsed = parse_changes(job, plan, codec);
    count_changes(job, plan, parsed);
    const bool nothing_to_do = plan.changes_nothing();
    BuiltIndex built;
    auto changed = nothing_to_do ? Status(Ok{}) : change_copy(job, plan, parsed, built);
    // A damaged generation is rebuilt in full, even when no page changed.
    if (auto damage = plan.current_damage.get(); !damage.empty())
        return start_over("current index damaged: " + damage);
    if (nothing_to_do) return Update{};
    if (!changed) {
        if (!storage_hint(changed.error().message).empty()) return changed.error();  // a full build would run out too
        return start_over("the current index could not be updated: " + changed.error().message);
    }
    built.catalog = std::move(plan.kept);
    built.page_dictionary = plan.page_dictionary;
    return Update{Update::Outcome::updated, std::move(built), {}};
}

}  // namespace medsearch::detail
