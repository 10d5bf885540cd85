#include "build_stages.hpp"

#include "medsearch/common/log.hpp"
#include "parallel.hpp"

#include <algorithm>
#include <chrono>

namespace medsearch::detail {
namespace fs = std::filesystem;
namespace {

constexpr std::size_t kFlushEvery = 100;   // documents per inverter flush (measured: 100..250 best)
constexpr std::size_t kShardPages = 4096;  // pages per shard of a full build

double seconds_since(std::chrono::steady_clock::time_point start) {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

// The dictionary of a full build's stored pages (PageCodec), trained on up to
// kDictionarySamples sources spread evenly over the (sorted) files, leaving
// out unreadable files and URL clashes: the same whatever the number of
// threads. Incremental builds keep it.
std::string train_page_dictionary(const Sources& sources, std::size_t max_page_bytes) {
    constexpr std::size_t kDictionarySamples = 128;
    const auto& files = sources.files;
    std::vector<std::string> samples;
    const std::size_t wanted = std::min(files.size(), kDictionarySamples);
    for (std::size_t k = 0; k < wanted; ++k) {
        auto i = k * files.size() / wanted;
        if (sources.clash[i]) continue;
        if (auto bytes = read_source(files[i], max_page_bytes)) samples.push_back(std::move(bytes.value()));
    }
    return PageCodec::train(samples);
}

// How a full build splits the pages: into contiguous shards of at most
// kShardPages pages (or options.shard_pages), at least one per thread when
// there are pages enough (a few are not worth a second thread).
struct ShardLayout {
    std::size_t shards = 1;
    int threads = 1;
};

ShardLayout shard_layout(std::size_t pages, const BuildJob& job) {
    auto wanted = static_cast<std::size_t>(std::max(job.threads, 1));
    std::size_t parallel = std::min(wanted, std::max<std::size_t>(1, pages / 64));
    std::size_t shard_pages = job.options.shard_pages > 0 ? job.options.shard_pages : kShardPages;
    ShardLayout layout;
    layout.shards = std::max(parallel, (pages + shard_pages - 1) / shard_pages);
    layout.threads = static_cast<int>(std::min(wanted, layout.shards));
    return layout;
}

struct Shard {
    fs::path path;
    std::size_t begin = 0, end = 0;  // its files
    std::vector<CatalogEntry> catalog;
    std::vector<Diagnostic> diagnostics;
    Vocabulary vocabulary;
    std::size_t skipped = 0;
    std::string error;
};

// Writes one shard's pages, in file order, into a database of its own.
class ShardWriter {
  public:
    ShardWriter(const BuildJob& job, const PageCodec& codec, Shard& shard)
        : job_(job),
          shard_(shard),
          db_(shard.path.string(), Xapian::DB_CREATE_OR_OVERWRITE | Xapian::DB_BACKEND_GLASS | Xapian::DB_NO_SYNC),
          builder_(job.inputs.stopwords, codec) {}

    void add(std::size_t file) {
        const auto& source = job_.sources.files[file];
        if (job_.sources.clash[file]) {
            ++shard_.skipped;
            return;
        }
        auto bytes = read_source(source, job_.options.max_page_bytes);
        if (!bytes) {
            shard_.diagnostics.push_back(unreadable(source, bytes.error().message));
            ++shard_.skipped;
            return;
        }
        auto hash = hash_bytes(bytes.value());
        auto outcome = index_page(job_, {file, std::move(bytes.value()), hash}, builder_);
        std::move(outcome.diagnostics.begin(), outcome.diagnostics.end(), std::back_inserter(shard_.diagnostics));
        if (!outcome.entry) {
            ++shard_.skipped;
            return;
        }
        db_.add_document(outcome.document);
        shard_.catalog.push_back(std::move(*outcome.entry));
        // Xapian's inverter slows down as its maps grow: flushing small
        // batches is faster overall than one large flush.
        if (shard_.catalog.size() % kFlushEvery == 0) db_.commit();
    }

    void finish() {
        db_.commit();
        builder_.add_vocabulary_to(shard_.vocabulary);
    }

  private:
    const BuildJob& job_;
    Shard& shard_;
    Xapian::WritableDatabase db_;
    DocumentBuilder builder_;
};

// A shard's failure is kept in the shard: the others go on, and the build
// reports the first.
void build_shard(const BuildJob& job, const PageCodec& codec, Shard& shard, Progress& progress) {
    try {
        ShardWriter writer(job, codec, shard);
        for (std::size_t i = shard.begin; i < shard.end; ++i, progress.add(1)) writer.add(i);
        writer.finish();
    } catch (const Xapian::Error& e) {
        shard.error = e.get_description();
    } catch (const std::exception& e) {
        shard.error = e.what();
    }
}

// The shards' pages, in shard order (path order), and their reports.
Status gather_shards(std::vector<Shard>& shards, BuiltIndex& built, BuildReport& report) {
    for (auto& shard : shards) {
        if (!shard.error.empty()) return Error{Errc::index, "building the index: " + shard.error};
        std::move(shard.catalog.begin(), shard.catalog.end(), std::back_inserter(built.catalog));
        std::move(shard.diagnostics.begin(), shard.diagnostics.end(), std::back_inserter(report.diagnostics));
        report.skipped += shard.skipped;
        for (const auto& [word, pages] : shard.vocabulary) built.vocabulary[word] += pages;
    }
    report.added = built.catalog.size();
    return Ok{};
}

Status merge_shards(const std::vector<Shard>& shards, const fs::path& target) {
    try {
        Xapian::Database combined;
        for (const auto& shard : shards) combined.add_database(Xapian::Database(shard.path.string()));
        combined.compact(target.string(), shards.size() > 8 ? Xapian::DBCOMPACT_MULTIPASS : 0);
    } catch (const Xapian::Error& e) {
        return Error{Errc::index, "merging index shards: " + e.get_description()};
    }
    return Ok{};
}

}  // namespace

// Shards are built by the build's threads, then merged by compaction, so that
// document ids follow path order whatever the number of threads. Bounded
// shards keep the build linear in the number of pages: updating one large
// database gets slower as it grows, while compaction merges in one pass.
Result<BuiltIndex> build_full(const BuildJob& job, BuildReport& report) {
    auto started = std::chrono::steady_clock::now();
    const std::size_t n = job.sources.files.size();
    BuiltIndex built;
    built.page_dictionary = train_page_dictionary(job.sources, job.options.max_page_bytes);
    const PageCodec codec(built.page_dictionary);
    log_debug("index", "page dictionary: " + std::to_string(built.page_dictionary.size()) + " bytes, " +
                           std::to_string(seconds_since(started)) + " s");

    const auto layout = shard_layout(n, job);
    std::vector<Shard> shards(layout.shards);
    for (std::size_t s = 0; s < shards.size(); ++s) {
        shards[s].path = shards.size() == 1 ? job.target : job.scratch / ("shard-" + std::to_string(s));
        shards[s].begin = n * s / shards.size();
        shards[s].end = n * (s + 1) / shards.size();
    }
    Progress progress(job.options.progress, n);
    run_parallel(shards.size(), layout.threads, progress,
                 [&](std::size_t s, int) { build_shard(job, codec, shards[s], progress); });
    if (auto gathered = gather_shards(shards, built, report); !gathered) return gathered.error();
    log_debug("index", "shards built: " + std::to_string(seconds_since(started)) + " s");
    if (shards.size() == 1) return built;
    if (auto merged = merge_shards(shards, job.target); !merged) return merged.error();
    log_debug("index", "shards merged: " + std::to_string(seconds_since(started)) + " s");
    return built;
}

}  // namespace medsearch::detail
