#include "medsearch/indexer/builder.hpp"

#include "medsearch/common/catalog.hpp"
#include "medsearch/common/config.hpp"
#include "medsearch/common/index_layout.hpp"
#include "medsearch/common/log.hpp"
#include "medsearch/common/schema.hpp"
#include "medsearch/common/synonyms.hpp"
#include "medsearch/common/topics.hpp"
#include "medsearch/common/text.hpp"
#include "medsearch/common/vocabulary.hpp"
#include "medsearch/indexer/check.hpp"
#include "medsearch/indexer/document.hpp"
#include "medsearch/indexer/hash_cache.hpp"
#include "medsearch/indexer/markdown.hpp"
#include "medsearch/indexer/sources.hpp"
#include "index_dir.hpp"
#include "parallel.hpp"

#include <nlohmann/json.hpp>
#include <xapian.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <ctime>
#include <future>
#include <map>
#include <unordered_map>

namespace medsearch {
namespace fs = std::filesystem;
namespace {

constexpr std::size_t kFlushEvery = 100;   // documents per inverter flush (measured: 100..250 best)
constexpr std::size_t kShardPages = 4096;  // pages per shard of a full build
// A database of a generation not yet published, made durable by publishing it.
constexpr int kOpenScratch = Xapian::DB_OPEN | Xapian::DB_BACKEND_GLASS | Xapian::DB_NO_SYNC;

// ---- inputs besides the pages ---------------------------------------------

struct IndexInputs {
    // The dictionaries (synonyms, medicines, essential medicines, English
    // words): parsed only when the index needs them written.
    std::string synonyms_text;
    std::string synonyms_origin;
    std::string medicines_text;
    std::string medicines_origin;
    std::string essential_text;
    std::string english_words;  // join_lines() of the words
    std::vector<std::string> stopwords;
    std::string document_hash;  // what documents depend on: schema, permalink, stopwords
    std::string synonyms_hash;
};

std::vector<std::string> parse_stopwords(std::string_view text) {
    std::vector<std::string> words;
    std::size_t start = 0;
    while (start < text.size()) {
        auto end = text.find('\n', start);
        auto line = text.substr(start, end == text.npos ? text.npos : end - start);
        start = end == text.npos ? text.size() : end + 1;
        line = trim(line.substr(0, line.find('#')));
        if (!line.empty()) words.emplace_back(line);
    }
    return words;
}

Result<IndexInputs> load_inputs(const BuildOptions& options) {
    IndexInputs inputs;
    auto synonyms_text = read_data_file(options.synonyms_file, "synonyms.yaml");
    if (!synonyms_text) return synonyms_text.error();
    inputs.synonyms_origin = options.synonyms_file.empty() ? std::string("built-in synonyms.yaml")
                                                           : options.synonyms_file.string();
    auto stopwords_text = read_data_file(options.stopwords_file, "stopwords.txt");
    if (!stopwords_text) return stopwords_text.error();
    inputs.stopwords = parse_stopwords(stopwords_text.value());
    inputs.document_hash = hex64(hash_bytes("schema=" + std::to_string(schema::kVersion) +
                                            "\npermalink=" + options.permalink +
                                            "\nstopwords=" + stopwords_text.value()));
    auto medicines_text = read_data_file(options.medicines_file, "medicines.yaml");
    if (!medicines_text) return medicines_text.error();
    inputs.medicines_origin = options.medicines_file.empty() ? std::string("built-in medicines.yaml")
                                                             : options.medicines_file.string();
    auto essential_text = read_data_file(options.essential_file, "essential-medicines.txt");
    if (!essential_text) return essential_text.error();
    std::vector<std::string> english;
    for (const auto& dictionary : options.english_dictionaries) {
        std::error_code error;
        if (!fs::is_regular_file(dictionary, error)) continue;
        auto text = read_data_file(dictionary, "");
        if (!text) return text.error();
        auto words = english_words(text.value());
        english.insert(english.end(), words.begin(), words.end());
    }
    std::sort(english.begin(), english.end());
    english.erase(std::unique(english.begin(), english.end()), english.end());
    inputs.english_words = join_lines(english);
    inputs.synonyms_hash = hex64(hash_bytes(synonyms_text.value() + '\0' + medicines_text.value() + '\0' +
                                            essential_text.value() + '\0' + inputs.english_words));
    inputs.synonyms_text = std::move(synonyms_text.value());
    inputs.medicines_text = std::move(medicines_text.value());
    inputs.essential_text = std::move(essential_text.value());
    return inputs;
}

// ---- the index folder -------------------------------------------------------

// ---- pages ------------------------------------------------------------------

struct PageOutcome {
    std::optional<CatalogEntry> entry;  // set when the page is indexed
    Xapian::Document document;
    std::vector<Diagnostic> diagnostics;
};

PageOutcome process_page(const SourceFile& file, std::string bytes, std::uint64_t hash,
                         const std::string& permalink, DocumentBuilder& builder) {
    PageOutcome outcome;
    auto parsed = parse_monograph(file.relative, std::move(bytes), ParseOptions{permalink});
    outcome.diagnostics = std::move(parsed.diagnostics);
    if (!parsed.page) return outcome;
    const auto& page = *parsed.page;
    auto built = builder.build(page, parsed.title_line);
    if (built.refused) {
        outcome.diagnostics.push_back(std::move(*built.refused));
        return outcome;
    }
    outcome.document = std::move(built.document);
    outcome.entry = CatalogEntry{page.path, page.title, page.url, hash, page.components};
    return outcome;
}

Diagnostic unreadable(const SourceFile& file, const std::string& message) {
    return {Severity::error, file.relative, 0, "unreadable", message};
}

double seconds_since(std::chrono::steady_clock::time_point start) {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

// ---- writing ----------------------------------------------------------------

std::string utc_now() {
    auto now = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
    std::tm tm{};
    gmtime_r(&now, &tm);
    char buffer[32];
    std::strftime(buffer, sizeof buffer, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return buffer;
}

struct Dictionaries {
    SynonymTable synonyms;
    TopicTable topics;
};

Result<Dictionaries> parse_dictionaries(const IndexInputs& inputs) {
    auto synonyms = parse_synonyms(inputs.synonyms_text, inputs.synonyms_origin);
    if (!synonyms) return synonyms.error();
    auto topics = parse_topics(inputs.medicines_text, inputs.medicines_origin);
    if (!topics) return topics.error();
    return Dictionaries{std::move(synonyms.value()), std::move(topics.value())};
}

void write_dictionaries(Xapian::WritableDatabase& db, const Dictionaries& dictionaries, const IndexInputs& inputs) {
    const auto& table = dictionaries.synonyms;
    std::vector<std::string> old_keys(db.synonym_keys_begin(), db.synonym_keys_end());
    for (const auto& key : old_keys) db.clear_synonyms(key);
    std::string kinds;
    for (const auto& [key, values] : table.expansions) {
        if (key.size() > schema::kMaxSynonymBytes) continue;
        for (const auto& value : values)
            if (value.size() <= schema::kMaxSynonymBytes) db.add_synonym(key, value);
        kinds += key + "\t" + std::string(to_string(table.kinds.at(key))) + "\n";
    }
    db.set_metadata(schema::kMetaSynonymKinds, kinds);
    db.set_metadata(schema::kMetaTopics, encode_topics(dictionaries.topics));
    db.set_metadata(schema::kMetaEssential, join_lines(parse_word_list(inputs.essential_text)));
    db.set_metadata(schema::kMetaEnglishWords, inputs.english_words);
}

struct Metadata {
    const IndexInputs& inputs;
    const std::vector<CatalogEntry>& catalog;
    const Vocabulary& vocabulary;
    const std::string& page_dictionary;
    std::string generation;
    bool full;
    int threads;
};


void write_metadata(Xapian::WritableDatabase& db, const Metadata& m) {
    auto catalog = encode_catalog(m.catalog);
    auto hash = content_hash(m.inputs.document_hash, m.inputs.synonyms_hash, catalog);
    nlohmann::json build = {
        {"generation", m.generation},
        {"build_id", std::to_string(generation_number(m.generation)) + "-" + hash.substr(0, 8)},
        {"built_at", utc_now()},
        {"pages", m.catalog.size()},
        {"content_hash", hash},
        {"full", m.full},
        {"threads", m.threads},
        {"schema", schema::kVersion},
    };
    db.set_metadata(schema::kMetaSchema, std::to_string(schema::kVersion));
    db.set_metadata(schema::kMetaDerivation, m.inputs.document_hash);
    db.set_metadata(schema::kMetaCatalog, catalog);
    db.set_metadata(schema::kMetaBuild, build.dump());
    db.set_metadata(schema::kMetaSynonymsHash, m.inputs.synonyms_hash);
    std::string stopwords;
    for (const auto& word : m.inputs.stopwords) stopwords += word + "\n";
    db.set_metadata(schema::kMetaStopwords, stopwords);
    db.set_metadata(schema::kMetaVocabulary, encode_vocabulary(m.vocabulary));
    db.set_metadata(schema::kMetaPageDictionary, m.page_dictionary);
}

struct Built {
    std::vector<CatalogEntry> catalog;
    std::vector<Diagnostic> diagnostics;
    Vocabulary vocabulary;
    std::string page_dictionary;
    std::size_t skipped = 0;
};

// The dictionary of a full build's stored pages (PageCodec), trained on up to
// kDictionarySamples sources spread evenly over the (sorted) files, leaving
// out unreadable files and URL clashes: the same whatever the number of
// threads. Incremental builds keep it.
std::string train_page_dictionary(const std::vector<SourceFile>& files, const std::vector<bool>& clash,
                                  std::size_t max_page_bytes) {
    constexpr std::size_t kDictionarySamples = 128;
    std::vector<std::string> samples;
    const std::size_t wanted = std::min(files.size(), kDictionarySamples);
    for (std::size_t k = 0; k < wanted; ++k) {
        auto i = k * files.size() / wanted;
        if (clash[i]) continue;
        if (auto bytes = read_source(files[i], max_page_bytes)) samples.push_back(std::move(bytes.value()));
    }
    return PageCodec::train(samples);
}

// Full build: contiguous shards of at most kShardPages pages (or
// options.shard_pages) built by `threads` workers, then merged by compaction,
// so that document ids follow path order whatever the number of threads.
// Bounded shards keep the build linear in the number of pages: updating one
// large database gets slower as it grows, while compaction merges in one pass.
Result<Built> build_full(const std::vector<SourceFile>& files, const std::vector<bool>& clash,
                         const BuildOptions& options, const IndexInputs& inputs,
                         const fs::path& target, const fs::path& scratch, int threads) {
    auto started = std::chrono::steady_clock::now();
    std::size_t n = files.size();
    // A few pages are not worth a second thread.
    auto wanted = static_cast<std::size_t>(std::max(threads, 1));
    std::size_t parallel = std::min(wanted, std::max<std::size_t>(1, n / 64));
    std::size_t shard_pages = options.shard_pages > 0 ? options.shard_pages : kShardPages;
    std::size_t shard_count = std::max(parallel, (n + shard_pages - 1) / shard_pages);
    threads = static_cast<int>(std::min(wanted, shard_count));
    struct Shard {
        fs::path path;
        std::vector<CatalogEntry> catalog;
        std::vector<Diagnostic> diagnostics;
        Vocabulary vocabulary;
        std::size_t skipped = 0;
        std::string error;
    };
    std::vector<Shard> shards(shard_count);
    std::atomic<std::size_t> done{0}, next_shard{0};
    Built built;
    built.page_dictionary = train_page_dictionary(files, clash, options.max_page_bytes);
    const PageCodec codec(built.page_dictionary);
    log_debug("index", "page dictionary: " + std::to_string(built.page_dictionary.size()) + " bytes, " +
                           std::to_string(seconds_since(started)) + " s");
    auto run_shard = [&](std::size_t s) {
        auto& shard = shards[s];
        shard.path = shard_count == 1 ? target : scratch / ("shard-" + std::to_string(s));
        std::size_t begin = n * s / shards.size(), end = n * (s + 1) / shards.size();
        try {
            Xapian::WritableDatabase db(shard.path.string(), Xapian::DB_CREATE_OR_OVERWRITE |
                                                                 Xapian::DB_BACKEND_GLASS |
                                                                 Xapian::DB_NO_SYNC);
            DocumentBuilder builder(inputs.stopwords, codec);
            for (std::size_t i = begin; i < end; ++i, done.fetch_add(1)) {
                if (clash[i]) {
                    ++shard.skipped;
                    continue;
                }
                auto bytes = read_source(files[i], options.max_page_bytes);
                if (!bytes) {
                    shard.diagnostics.push_back(unreadable(files[i], bytes.error().message));
                    ++shard.skipped;
                    continue;
                }
                auto hash = hash_bytes(bytes.value());
                auto outcome = process_page(files[i], std::move(bytes.value()), hash,
                                            options.permalink, builder);
                std::move(outcome.diagnostics.begin(), outcome.diagnostics.end(),
                          std::back_inserter(shard.diagnostics));
                if (!outcome.entry) {
                    ++shard.skipped;
                    continue;
                }
                db.add_document(outcome.document);
                shard.catalog.push_back(std::move(*outcome.entry));
                // Xapian's inverter slows down as its maps grow: flushing small
                // batches is faster overall than one large flush.
                if (shard.catalog.size() % kFlushEvery == 0) db.commit();
            }
            db.commit();
            builder.add_vocabulary_to(shard.vocabulary);
        } catch (const Xapian::Error& e) {
            shard.error = e.get_description();
        } catch (const std::exception& e) {
            shard.error = e.what();
        }
    };
    auto worker = [&] {
        for (std::size_t s; (s = next_shard.fetch_add(1)) < shard_count;) run_shard(s);
    };
    std::vector<std::future<void>> running;
    for (int t = 0; t < threads; ++t) running.push_back(std::async(std::launch::async, worker));
    for (auto& r : running)
        while (r.wait_for(std::chrono::milliseconds(100)) != std::future_status::ready)
            if (options.progress) options.progress(done.load(), n);
    for (auto& r : running) r.get();
    if (options.progress) options.progress(n, n);

    for (auto& shard : shards) {
        if (!shard.error.empty()) return Error{Errc::index, "building the index: " + shard.error};
        std::move(shard.catalog.begin(), shard.catalog.end(), std::back_inserter(built.catalog));
        std::move(shard.diagnostics.begin(), shard.diagnostics.end(),
                  std::back_inserter(built.diagnostics));
        built.skipped += shard.skipped;
        for (const auto& [word, pages] : shard.vocabulary) built.vocabulary[word] += pages;
    }
    log_debug("index", "shards built: " + std::to_string(seconds_since(started)) + " s");
    if (shards.size() > 1) {
        try {
            Xapian::Database combined;
            for (const auto& shard : shards) combined.add_database(Xapian::Database(shard.path.string()));
            combined.compact(target.string(), shard_count > 8 ? Xapian::DBCOMPACT_MULTIPASS : 0);
            log_debug("index", "shards merged: " + std::to_string(seconds_since(started)) + " s");
        } catch (const Xapian::Error& e) {
            return Error{Errc::index, "merging index shards: " + e.get_description()};
        }
    }
    return built;
}

// Remembers the hash of every page now in the index, for the next build.
void save_source_hashes(const fs::path& index_dir, const std::vector<SourceFile>& files,
                        const std::vector<FileStamp>& stamps, const std::vector<CatalogEntry>& catalog,
                        std::int64_t looked_ns) {
    std::unordered_map<std::string_view, std::uint64_t> hashes;
    for (const auto& entry : catalog) hashes.emplace(entry.path, entry.source_hash);
    HashCache cache;
    for (std::size_t i = 0; i < files.size(); ++i)
        if (auto it = hashes.find(files[i].relative); it != hashes.end())
            cache.remember(files[i].relative, stamps[i], it->second, looked_ns);
    if (auto saved = cache.save(index_dir); !saved)
        log_warn("index", "source hashes not kept for the next build: " + saved.error().message);
}

}  // namespace

std::size_t BuildReport::errors() const {
    return static_cast<std::size_t>(std::count_if(diagnostics.begin(), diagnostics.end(),
                                                  [](const auto& d) { return d.severity == Severity::error; }));
}

std::size_t BuildReport::warnings() const { return diagnostics.size() - errors(); }

namespace {

// What an incremental build starts from, when the published generation can be
// updated: its catalog and page dictionary.
struct Reuse {
    std::vector<CatalogEntry> previous;
    std::string page_dictionary;  // an incremental build compresses pages as the current index did
    bool synonyms_changed = true;
    std::string full_reason;  // empty: the generation can be updated
};

Reuse reuse_current(const IndexGeneration& current, const IndexInputs& inputs) {
    Reuse reuse;
    try {
        Xapian::Database db(current.path.string());
        if (!schema::schema_mismatch(db).empty()) {
            reuse.full_reason = "index schema changed";
        } else if (db.get_metadata(schema::kMetaDerivation) != inputs.document_hash) {
            reuse.full_reason = "permalink or stopwords changed";
        } else if (auto catalog = decode_catalog(db.get_metadata(schema::kMetaCatalog)); !catalog) {
            reuse.full_reason = catalog.error().message;
        } else {
            reuse.previous = std::move(catalog.value());
            reuse.page_dictionary = db.get_metadata(schema::kMetaPageDictionary);
            reuse.synonyms_changed = db.get_metadata(schema::kMetaSynonymsHash) != inputs.synonyms_hash;
        }
    } catch (const Xapian::Error& e) {
        reuse.full_reason = "current index unreadable: " + e.get_description();
    }
    return reuse;
}

// The source files of a build and what was learnt of them before reading.
struct Sources {
    const std::vector<SourceFile>& files;
    const std::vector<FileStamp>& stamps;  // sizes and times (hash_cache.hpp)
    const std::vector<bool>& clash;        // find_url_clashes
};

// What an incremental build changes: pages kept as they are, pages read
// again (parsed into `outcomes`), and paths whose documents go.
struct Changes {
    struct Pending {
        std::size_t file;
        std::string bytes;
        std::uint64_t hash;
        bool is_new;
    };
    std::vector<Pending> pending;
    std::vector<PageOutcome> outcomes;  // one per pending page
    std::vector<CatalogEntry> kept;
    std::vector<std::string> stale;
    std::vector<std::unique_ptr<DocumentBuilder>> builders;
};

// Which pages changed: compare the bytes' hash with the catalog's, without
// reading a file whose hash is remembered for its size and time.
Changes find_changes(const Sources& sources, const std::vector<CatalogEntry>& previous,
                     const BuildOptions& options, BuildReport& report) {
    Changes changes;
    auto hash_cache = HashCache::load(options.index_dir);
    std::map<std::string, const CatalogEntry*> known;
    for (const auto& entry : previous) known.emplace(entry.path, &entry);
    for (std::size_t i = 0; i < sources.files.size(); ++i) {
        const auto& file = sources.files[i];
        auto old = known.find(file.relative);
        bool in_index = old != known.end();
        if (sources.clash[i]) {
            ++report.skipped;
            if (in_index) changes.stale.push_back(file.relative);
            continue;
        }
        if (in_index && hash_cache.find(file.relative, sources.stamps[i]) == old->second->source_hash) {
            changes.kept.push_back(*old->second);
            ++report.unchanged;
            known.erase(old);
            continue;
        }
        auto bytes = read_source(file, options.max_page_bytes);
        if (!bytes) {
            report.diagnostics.push_back(unreadable(file, bytes.error().message));
            ++report.skipped;
            if (in_index) changes.stale.push_back(file.relative);
            continue;
        }
        auto hash = hash_bytes(bytes.value());
        if (in_index && old->second->source_hash == hash) {
            changes.kept.push_back(*old->second);
            ++report.unchanged;
        } else {
            changes.pending.push_back({i, std::move(bytes.value()), hash, !in_index});
        }
        if (in_index) known.erase(old);
    }
    for (const auto& [path, entry] : known) changes.stale.push_back(path);
    return changes;
}

// Parses the pending pages into documents, and counts them.
void parse_changes(Changes& changes, const Sources& sources, const BuildOptions& options,
                   const IndexInputs& inputs, const PageCodec& codec, int threads, BuildReport& report) {
    auto& pending = changes.pending;
    changes.outcomes.resize(pending.size());
    int parse_threads = pending.size() > 32 ? threads : 1;
    for (int t = 0; t < parse_threads; ++t)
        changes.builders.push_back(std::make_unique<DocumentBuilder>(inputs.stopwords, codec));
    detail::parallel_for(pending.size(), parse_threads, options.progress, [&](std::size_t k, int worker) {
        auto& p = pending[k];
        changes.outcomes[k] = process_page(sources.files[p.file], std::move(p.bytes), p.hash, options.permalink,
                                           *changes.builders[static_cast<std::size_t>(worker)]);
    });
    std::size_t failed_before = 0;
    for (std::size_t k = 0; k < pending.size(); ++k) {
        auto& outcome = changes.outcomes[k];
        std::move(outcome.diagnostics.begin(), outcome.diagnostics.end(), std::back_inserter(report.diagnostics));
        if (!outcome.entry) {
            ++report.skipped;
            if (!pending[k].is_new) {
                changes.stale.push_back(sources.files[pending[k].file].relative);
                ++failed_before;
            }
            continue;
        }
        (pending[k].is_new ? report.added : report.changed) += 1;
    }
    report.removed = changes.stale.size() - failed_before;
}

// Copies the published generation to `target` and changes the copy: the
// original stays untouched for readers and for a build that does not finish.
// The vocabulary loses the words of the pages replaced or removed and gains
// those of the pages indexed now.
Status apply_changes(const fs::path& current, const fs::path& target, Changes& changes, Vocabulary& vocabulary) {
    auto copied = detail::copy_database(current, target);
    if (!copied) return copied;
    try {
        Xapian::WritableDatabase db(target.string(), kOpenScratch);
        vocabulary = decode_vocabulary(db.get_metadata(schema::kMetaVocabulary));
        auto& words = *changes.builders.front();
        auto forget = [&](const std::string& id_term) {
            auto found = db.postlist_begin(id_term);
            if (found != db.postlist_end(id_term)) remove_words(vocabulary, words.vocabulary_of(db.get_document(*found)));
        };
        for (const auto& path : changes.stale) {
            auto id_term = schema::id_term(path);
            forget(id_term);
            db.delete_document(id_term);
        }
        for (std::size_t k = 0; k < changes.pending.size(); ++k) {
            auto& outcome = changes.outcomes[k];
            if (!outcome.entry) continue;
            auto id_term = schema::id_term(outcome.entry->path);
            if (!changes.pending[k].is_new) forget(id_term);
            db.replace_document(id_term, outcome.document);
            changes.kept.push_back(std::move(*outcome.entry));
        }
        for (const auto& builder : changes.builders) builder->add_vocabulary_to(vocabulary);
        db.commit();
    } catch (const Xapian::Error& e) {
        return Error{Errc::index, "updating a copy of " + current.string() + ": " + e.get_description()};
    }
    std::sort(changes.kept.begin(), changes.kept.end(), [](const auto& a, const auto& b) { return a.path < b.path; });
    return Ok{};
}

// An update from a damaged generation, or one that failed for a reason other
// than storage (a generation that cannot be read, copied or written), is done
// again as a full build: what it counted and reported goes.
void start_over(BuildReport& report, std::size_t diagnostics_before, std::string why, const fs::path& target) {
    report.diagnostics.erase(report.diagnostics.begin() + static_cast<std::ptrdiff_t>(diagnostics_before),
                             report.diagnostics.end());
    report.added = report.changed = report.removed = report.unchanged = report.skipped = 0;
    report.full = true;
    report.full_reason = std::move(why);
    (void)detail::remove_tree(target);
}

// The dictionaries, parsed (and checked) when the index needs them written.
Status parse_dictionaries_once(std::optional<Dictionaries>& dictionaries, const IndexInputs& inputs) {
    if (dictionaries) return Ok{};
    auto parsed = parse_dictionaries(inputs);
    if (!parsed) return parsed.error();
    dictionaries = std::move(parsed.value());
    return Ok{};
}

}  // namespace

static Result<BuildReport> build_and_publish(const BuildOptions& options) {
    auto started = std::chrono::steady_clock::now();
    BuildReport report;
    auto inputs = load_inputs(options);
    if (!inputs) return inputs.error();
    auto files = scan_sources(options.source_dir);
    if (!files) return files.error();

    auto lock = detail::IndexLock::acquire(options.index_dir);
    if (!lock) return lock.error();

    // What every build reports at its end, whether it published or not.
    auto finish = [&](const std::vector<CatalogEntry>& pages, const std::string& generation, bool published) {
        add_collection_diagnostics(pages, report.diagnostics);
        std::stable_sort(report.diagnostics.begin(), report.diagnostics.end(), [](const auto& a, const auto& b) {
            return std::tie(a.path, a.line) < std::tie(b.path, b.line);
        });
        report.generation = generation;
        report.published = published;
        report.pages = pages.size();
        report.seconds = seconds_since(started);
        return report;
    };

    // The published index, if any, and whether its documents can be reused.
    std::optional<IndexGeneration> current;
    auto serving = detail::find_serving_generation(options.index_dir);
    if (!serving) return serving.error();
    report.recovered = serving.value().recovered;
    if (!report.recovered.empty()) log_warn("index", report.recovered);
    if (serving.value().generation) current = serving.value().generation;
    auto generation = detail::NewGeneration::start(options.index_dir, current ? current->name : "");
    if (!generation) return generation.error();
    const auto& scratch = generation.value().scratch();
    const auto target = generation.value().db();
    // An update copies the generation, damage included: Xapian checks it
    // while the pages are read and the copy changed, before anything is published.
    std::future<std::string> damage;
    if (current && options.mode == BuildMode::incremental)
        damage = std::async(std::launch::async, [&] { return database_damage(current->path, scratch); });

    // Sizes and times of the files before any of them is read (hash_cache.hpp).
    const auto looked_ns = wall_clock_ns();
    std::vector<FileStamp> stamps;
    stamps.reserve(files.value().size());
    for (const auto& file : files.value()) stamps.push_back(stamp_file(file.absolute));

    Reuse reuse;
    Vocabulary vocabulary;
    report.full = true;
    if (!current) {
        report.full_reason = report.recovered.empty() ? "no index yet" : "no complete generation";
    } else if (options.mode == BuildMode::full) {
        report.full_reason = "--full";
    } else {
        reuse = reuse_current(*current, inputs.value());
        report.full = !reuse.full_reason.empty();
        report.full_reason = reuse.full_reason;
    }
    std::optional<Dictionaries> dictionaries;
    if (report.full || reuse.synonyms_changed)
        if (auto parsed = parse_dictionaries_once(dictionaries, inputs.value()); !parsed) return parsed.error();

    auto clash = find_url_clashes(files.value(), options.permalink, report.diagnostics);
    const Sources sources{files.value(), stamps, clash};
    const int threads = detail::thread_count(options.threads);
    std::vector<CatalogEntry> catalog;
    std::string page_dictionary = reuse.page_dictionary;

    try {
        if (!report.full) {
            const auto diagnostics_before = report.diagnostics.size();
            const PageCodec codec(page_dictionary);  // outlives the builders in `changes`
            auto changes = find_changes(sources, reuse.previous, options, report);
            parse_changes(changes, sources, options, inputs.value(), codec, threads, report);
            const bool unchanged = changes.pending.empty() && changes.stale.empty() && !reuse.synonyms_changed;
            auto applied = unchanged ? Status(Ok{}) : apply_changes(current->path, target, changes, vocabulary);
            std::string why_full;
            if (auto found = damage.get(); !found.empty()) {
                why_full = "current index damaged: " + found;
            } else if (unchanged) {
                save_source_hashes(options.index_dir, files.value(), stamps, reuse.previous, looked_ns);
                return finish(reuse.previous, current->name, false);
            } else if (applied) {
                catalog = std::move(changes.kept);
            } else if (!detail::storage_hint(applied.error().message).empty()) {
                return applied.error();  // a full build would run out too
            } else {
                why_full = "the current index could not be updated: " + applied.error().message;
            }
            if (!why_full.empty()) {
                start_over(report, diagnostics_before, std::move(why_full), target);
                if (auto parsed = parse_dictionaries_once(dictionaries, inputs.value()); !parsed) return parsed.error();
            }
        }
        if (report.full) {
            auto built = build_full(files.value(), clash, options, inputs.value(), target, scratch, threads);
            if (!built) return built.error();
            catalog = std::move(built.value().catalog);
            vocabulary = std::move(built.value().vocabulary);
            page_dictionary = std::move(built.value().page_dictionary);
            std::move(built.value().diagnostics.begin(), built.value().diagnostics.end(),
                      std::back_inserter(report.diagnostics));
            report.skipped = built.value().skipped;
            report.added = catalog.size();
        }

        // Synonyms and metadata. Commits here need not reach the disk: publishing
        // fsyncs every file of the generation once, at the end.
        Xapian::WritableDatabase db(target.string(), kOpenScratch);
        if (dictionaries) write_dictionaries(db, *dictionaries, inputs.value());  // else the copied generation has them
        write_metadata(db, {inputs.value(), catalog, vocabulary, page_dictionary, generation.value().name(),
                            report.full, threads});
        db.commit();
        db.close();
    } catch (const Xapian::Error& e) {
        return Error{Errc::index, "writing the index: " + e.get_description()};
    } catch (const fs::filesystem_error& e) {
        return Error{Errc::index, std::string("writing the index: ") + e.what()};
    }

    log_debug("index", "metadata written: " + std::to_string(seconds_since(started)) + " s");
    auto published = generation.value().publish();
    if (!published) return published.error();
    save_source_hashes(options.index_dir, files.value(), stamps, catalog, looked_ns);

    return finish(catalog, generation.value().name(), true);
}

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
        auto build = nlohmann::json::parse(db.get_metadata(schema::kMetaBuild), nullptr, false);
        if (build.is_discarded() || !build.is_object())
            return Error{Errc::index, index_dir.string() + ": not a medsearch index (no build facts)"};
        stats.generation = opened.value().generation.name;
        stats.build_id = build.value("build_id", "");
        stats.built_at = build.value("built_at", "");
        stats.content_hash = build.value("content_hash", "");
        stats.schema = build.value("schema", 0);
        stats.pages = db.get_doccount();
        for (auto it = db.allterms_begin(); it != db.allterms_end(); ++it) ++stats.terms;
        for (auto it = db.synonym_keys_begin(); it != db.synonym_keys_end(); ++it) ++stats.synonyms;
    } catch (const Xapian::Error& e) {
        return Error{Errc::index, e.get_description()};
    }
    std::error_code ec;
    for (const auto& entry : fs::directory_iterator(opened.value().generation.path, ec))
        if (entry.is_regular_file()) stats.bytes += entry.file_size();
    return stats;
}

}  // namespace medsearch
