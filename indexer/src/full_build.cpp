#include "build_stages.hpp"

#include "medsearch/common/log.hpp"
#include "parallel.hpp"

#include <algorithm>
#include <chrono>
#include <fstream>

namespace medsearch::detail {
namespace fs = std::filesystem;
namespace {

constexpr std::size_t kFlushEvery = 100;   // documents per inverter flush (measured: 100..250 best)
constexpr std::size_t kPartPages = 4096;  // pages per part of a full build

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

// How a full build splits the pages: each shard of the index (one, unless
// BuildOptions::shards) into contiguous parts of at most kPartPages pages (or
// options.part_pages), at least one part per thread when there are pages
// enough (a few are not worth a second thread).
struct PartLayout {
    std::size_t parts_per_shard = 1;
    int threads = 1;
};

PartLayout part_layout(std::size_t pages, std::size_t shards, const BuildJob& job) {
    auto wanted = static_cast<std::size_t>(std::max(job.threads, 1));
    std::size_t parallel = std::min(wanted, std::max<std::size_t>(1, pages / 64));
    std::size_t part_pages = job.options.part_pages > 0 ? job.options.part_pages : kPartPages;
    std::size_t shard_pages = (pages + shards - 1) / shards;
    PartLayout layout;
    layout.parts_per_shard = std::max((parallel + shards - 1) / shards, (shard_pages + part_pages - 1) / part_pages);
    layout.threads = static_cast<int>(std::min(wanted, layout.parts_per_shard * shards));
    return layout;
}

struct Part {
    fs::path path;
    std::size_t shard = 0;            // of the index
    std::vector<std::size_t> files;   // in Sources::files, in path order
    std::vector<CatalogEntry> catalog;
    std::vector<Diagnostic> diagnostics;
    Vocabulary vocabulary;
    std::size_t skipped = 0;
    std::string error;
};

// Writes one part's pages, in file order, into a database of its own.
class PartWriter {
  public:
    PartWriter(const BuildJob& job, const PageCodec& codec, Part& part)
        : job_(job),
          part_(part),
          db_(part.path.string(), Xapian::DB_CREATE_OR_OVERWRITE | Xapian::DB_BACKEND_GLASS | Xapian::DB_NO_SYNC),
          builder_(job.inputs.stopwords, codec) {}

    void add(std::size_t file) {
        const auto& source = job_.sources.files[file];
        if (job_.sources.clash[file]) {
            ++part_.skipped;
            return;
        }
        auto bytes = read_source(source, job_.options.max_page_bytes);
        if (!bytes) {
            part_.diagnostics.push_back(unreadable(source, bytes.error().message));
            ++part_.skipped;
            return;
        }
        auto hash = hash_bytes(bytes.value());
        auto outcome = index_page(job_, {file, std::move(bytes.value()), hash}, builder_);
        std::move(outcome.diagnostics.begin(), outcome.diagnostics.end(), std::back_inserter(part_.diagnostics));
        if (!outcome.entry) {
            ++part_.skipped;
            return;
        }
        db_.add_document(outcome.document);
        part_.catalog.push_back(std::move(*outcome.entry));
        // Xapian's inverter slows down as its maps grow: flushing small
        // batches is faster overall than one large flush.
        if (part_.catalog.size() % kFlushEvery == 0) db_.commit();
    }

    void finish() {
        db_.commit();
        builder_.add_vocabulary_to(part_.vocabulary);
    }

  private:
    const BuildJob& job_;
    Part& part_;
    Xapian::WritableDatabase db_;
    DocumentBuilder builder_;
};

// A part's failure is kept in the part: the others go on, and the build
// reports the first.
void build_part(const BuildJob& job, const PageCodec& codec, Part& part, Progress& progress) {
    try {
        PartWriter writer(job, codec, part);
        for (auto file : part.files) {
            writer.add(file);
            progress.add(1);
        }
        writer.finish();
    } catch (const Xapian::Error& e) {
        part.error = e.get_description();
    } catch (const std::exception& e) {
        part.error = e.what();
    }
}

// The parts' pages, sorted by path, and their reports.
Status gather_parts(std::vector<Part>& parts, BuiltIndex& built, BuildReport& report) {
    for (auto& part : parts) {
        if (!part.error.empty()) return Error{Errc::index, "building the index: " + part.error};
        std::move(part.catalog.begin(), part.catalog.end(), std::back_inserter(built.catalog));
        std::move(part.diagnostics.begin(), part.diagnostics.end(), std::back_inserter(report.diagnostics));
        report.skipped += part.skipped;
        for (const auto& [word, pages] : part.vocabulary) built.vocabulary[word] += pages;
    }
    std::sort(built.catalog.begin(), built.catalog.end(), [](const auto& a, const auto& b) { return a.path < b.path; });
    report.added = built.catalog.size();
    return Ok{};
}

// Each shard of the index from its parts, by compaction (which keeps their
// order and fills the tables' blocks), the shards in parallel; a shard of one
// part was written in place.
Status merge_parts(const std::vector<Part>& parts, const std::vector<fs::path>& shards, int threads) {
    std::vector<std::string> errors(shards.size());
    const ProgressFn silent;
    Progress none(silent, 0);
    run_parallel(shards.size(), threads, none, [&](std::size_t shard, int) {
        try {
            Xapian::Database combined;
            std::size_t count = 0;
            for (const auto& part : parts)
                if (part.shard == shard && part.path != shards[shard]) {
                    combined.add_database(Xapian::Database(part.path.string()));
                    ++count;
                }
            if (count > 0) combined.compact(shards[shard].string(), count > 8 ? Xapian::DBCOMPACT_MULTIPASS : 0);
        } catch (const Xapian::Error& e) {
            errors[shard] = e.get_description();
        }
    });
    for (const auto& error : errors)
        if (!error.empty()) return Error{Errc::index, "merging the parts of the index: " + error};
    return Ok{};
}

// The files of each shard of the index, in path order: all of them for one
// shard; else each page goes to the shard its path hashes to, wherever it
// is built.
std::vector<std::vector<std::size_t>> files_by_shard(const Sources& sources, std::size_t shards) {
    std::vector<std::vector<std::size_t>> files(shards);
    for (std::size_t i = 0; i < sources.files.size(); ++i)
        files[shards == 1 ? 0 : hash_bytes(sources.files[i].relative) % shards].push_back(i);
    return files;
}

// The databases the shards are written to: the generation itself, or its
// shard folders beside Xapian's stub file naming them.
Result<std::vector<fs::path>> shard_databases(const BuildJob& job, std::size_t shards) {
    if (shards == 1) return std::vector<fs::path>{job.target};
    std::vector<fs::path> paths;
    std::error_code ec;
    fs::create_directories(job.target, ec);
    for (unsigned shard = 0; shard < shards; ++shard) paths.push_back(job.target / shard_folder_name(shard));
    std::ofstream stub(job.target / kShardStubFileName);
    stub << shard_stub_text(static_cast<unsigned>(shards));
    stub.close();
    if (ec || !stub) return Error{Errc::index, (job.target / kShardStubFileName).string() + ": cannot write"};
    return paths;
}

// Splits each shard's files into parts; the part of an index of one part is
// written in place, the others are compacted into their shard.
std::vector<Part> plan_parts(const BuildJob& job, const std::vector<fs::path>& shards) {
    const auto files = files_by_shard(job.sources, shards.size());
    const auto layout = part_layout(job.sources.files.size(), shards.size(), job);
    std::vector<Part> parts;
    for (std::size_t shard = 0; shard < shards.size(); ++shard) {
        const auto& mine = files[shard];
        const auto count = std::min<std::size_t>(layout.parts_per_shard, std::max<std::size_t>(1, mine.size()));
        for (std::size_t k = 0; k < count; ++k) {
            Part part;
            part.shard = shard;
            bool in_place = count == 1 && shards.size() == 1;
            part.path = in_place ? shards[shard] : job.scratch / ("part-" + std::to_string(parts.size()));
            part.files.assign(mine.begin() + static_cast<std::ptrdiff_t>(mine.size() * k / count),
                              mine.begin() + static_cast<std::ptrdiff_t>(mine.size() * (k + 1) / count));
            parts.push_back(std::move(part));
        }
    }
    return parts;
}

}  // namespace

// Parts are built by the build's threads, then merged by compaction, so that
// document ids follow path order whatever the number of threads. Bounded
// parts keep the build linear in the number of pages: updating one large
// database gets slower as it grows, while compaction merges in one pass.
Result<BuiltIndex> build_full(const BuildJob& job, BuildReport& report) {
    auto started = std::chrono::steady_clock::now();
    BuiltIndex built;
    built.page_dictionary = train_page_dictionary(job.sources, job.options.max_page_bytes);
    const PageCodec codec(built.page_dictionary);
    log_debug("index", "page dictionary: " + std::to_string(built.page_dictionary.size()) + " bytes, " +
                           std::to_string(seconds_since(started)) + " s");

    auto shards = shard_databases(job, std::max<std::size_t>(1, job.options.shards));
    if (!shards) return shards.error();
    auto parts = plan_parts(job, shards.value());
    const auto layout = part_layout(job.sources.files.size(), shards.value().size(), job);
    Progress progress(job.options.progress, job.sources.files.size());
    run_parallel(parts.size(), std::min(layout.threads, static_cast<int>(parts.size())), progress,
                 [&](std::size_t k, int) { build_part(job, codec, parts[k], progress); });
    if (auto gathered = gather_parts(parts, built, report); !gathered) return gathered.error();
    log_debug("index", std::to_string(parts.size()) + " parts built: " + std::to_string(seconds_since(started)) + " s");
    if (auto merged = merge_parts(parts, shards.value(), layout.threads); !merged) return merged.error();
    log_debug("index", "parts merged: " + std::to_string(seconds_since(started)) + " s");
    return built;
}

}  // namespace medsearch::detail
