#include "medsearch/common/index_layout.hpp"

#include "medsearch/common/log.hpp"
#include "medsearch/common/schema.hpp"
#include "medsearch/common/text.hpp"

#include <xapian.h>

#include <algorithm>
#include <charconv>
#include <fstream>
#include <mutex>

namespace medsearch {

unsigned long generation_number(std::string_view name) {
    if (!name.starts_with(kGenerationPrefix)) return 0;
    auto digits = name.substr(std::string_view(kGenerationPrefix).size());
    unsigned long number = 0;
    std::from_chars(digits.data(), digits.data() + digits.size(), number);
    return number;
}

Result<IndexGeneration> read_current_generation(const std::filesystem::path& index_dir) {
    std::ifstream in(index_dir / kCurrentFileName);
    if (!in) {
        std::error_code ec;
        if (!std::filesystem::exists(index_dir, ec))
            return Error{Errc::not_found, index_dir.string() + ": no such index folder"};
        return Error{Errc::not_found, index_dir.string() +
                                          ": no index yet (no CURRENT file); run medsearch index"};
    }
    std::string line;
    std::getline(in, line);
    auto name = std::string(trim(line));
    if (!name.starts_with(kGenerationPrefix) || name.find('/') != std::string::npos)
        return Error{Errc::index, (index_dir / kCurrentFileName).string() +
                                      ": does not name a generation: '" + name + "'"};
    return IndexGeneration{name, index_dir / name, generation_number(name)};
}

namespace {

// The shards a stub file lists: "glass shard-N" lines only, each a folder of
// the generation, so that a stub in a copied artifact can name no other
// database, file or server.
std::vector<std::string> read_shard_stub(const std::filesystem::path& stub) {
    constexpr std::size_t kMaxStubBytes = 64 * 1024;
    std::ifstream in(stub);
    std::vector<std::string> shards;
    std::string line;
    std::size_t bytes = 0;
    for (int number = 1; std::getline(in, line); ++number) {
        bytes += line.size() + 1;
        if (bytes > kMaxStubBytes) throw Xapian::DatabaseOpeningError(stub.string() + ": longer than a stub file may be");
        if (line.empty()) continue;
        constexpr std::string_view kPrefix = "glass shard-";
        auto digits = std::string_view(line).substr(std::min(line.size(), kPrefix.size()));
        if (!line.starts_with(kPrefix) || digits.empty() || digits.size() > 6 ||
            !std::all_of(digits.begin(), digits.end(), [](char c) { return c >= '0' && c <= '9'; }))
            throw Xapian::DatabaseOpeningError(stub.string() + ":" + std::to_string(number) +
                                               ": not 'glass shard-N': " + line.substr(0, 80));
        shards.push_back(line.substr(std::string_view("glass ").size()));
    }
    if (shards.empty()) throw Xapian::DatabaseOpeningError(stub.string() + ": lists no shard");
    return shards;
}

}  // namespace

std::string shard_folder_name(unsigned shard) { return "shard-" + std::to_string(shard); }

std::string shard_stub_text(unsigned count) {
    std::string stub;
    for (unsigned shard = 0; shard < count; ++shard) stub += "glass " + shard_folder_name(shard) + "\n";
    return stub;
}

std::vector<std::filesystem::path> generation_databases(const std::filesystem::path& generation) {
    auto stub = generation / kShardStubFileName;
    std::error_code ec;
    if (!std::filesystem::is_regular_file(stub, ec)) return {generation};
    std::vector<std::filesystem::path> shards;
    for (const auto& shard : read_shard_stub(stub)) shards.push_back(generation / shard);
    return shards;
}

Xapian::Database open_generation_database(const std::filesystem::path& generation) {
    // The backend named, never guessed: any other file in the folder stays data.
    auto databases = generation_databases(generation);
    if (databases.front() == generation) return Xapian::Database(generation.string(), Xapian::DB_BACKEND_GLASS);
    Xapian::Database shards;
    for (const auto& shard : databases) shards.add_database(Xapian::Database(shard.string(), Xapian::DB_BACKEND_GLASS));
    return shards;
}

std::vector<std::string> shard_uuids(const Xapian::Database& db) {
    std::vector<std::string> uuids;
    const auto all = db.get_uuid();
    for (std::size_t start = 0; start <= all.size();) {
        auto end = std::min(all.find(':', start), all.size());
        uuids.push_back(all.substr(start, end - start));
        start = end + 1;
    }
    return uuids;
}

Xapian::rev generation_revision(const Xapian::Database& db) { return db.size() == 1 ? db.get_revision() : 0; }

bool is_complete_generation(const std::filesystem::path& database) {
    try {
        auto db = open_generation_database(database);
        // Whatever their encoding: an index of another schema is still complete.
        return !db.get_metadata(schema::kMetaBuild).empty();
    } catch (const Xapian::Error&) {
        return false;
    }
}

std::vector<std::string> list_generations(const std::filesystem::path& index_dir) {
    std::vector<std::string> generations;
    std::error_code ec;
    for (const auto& entry : std::filesystem::directory_iterator(index_dir, ec)) {
        auto name = entry.path().filename().string();
        if (generation_number(name) > 0 && entry.is_directory(ec)) generations.push_back(name);
    }
    std::sort(generations.begin(), generations.end(),
              [](const auto& a, const auto& b) { return generation_number(a) > generation_number(b); });
    return generations;
}

std::optional<IndexGeneration> newest_complete_generation(const std::filesystem::path& index_dir) {
    for (const auto& name : list_generations(index_dir))
        if (is_complete_generation(index_dir / name))
            return IndexGeneration{name, index_dir / name, generation_number(name)};
    return std::nullopt;
}

namespace {

// A server polls CURRENT a few times a second: a damaged one is reported once.
void warn_once(const std::string& message) {
    static std::mutex mutex;
    static std::string last;
    std::lock_guard lock(mutex);
    if (message == last) return;
    last = message;
    log_warn("index", message);
}

// The published generation, or why it cannot be opened (`problem`).
std::optional<OpenedIndex> open_named_generation(const std::filesystem::path& index_dir, std::string& problem) {
    for (int attempt = 0; attempt < 5; ++attempt) {
        auto generation = read_current_generation(index_dir);
        if (!generation) {
            bool missing = generation.error().code == Errc::not_found;
            problem = missing ? (index_dir / kCurrentFileName).string() + " is missing" : generation.error().message;
            return std::nullopt;
        }
        const auto& path = generation.value().path;
        const auto names = (index_dir / kCurrentFileName).string() + " names " + generation.value().name;
        try {
            auto db = open_generation_database(path);
            if (db.get_metadata(schema::kMetaBuild).empty()) {
                problem = names + ", which is not complete (no build facts)";
                return std::nullopt;
            }
            return OpenedIndex{std::move(db), std::move(generation.value()), {}};
        } catch (const Xapian::DatabaseNotFoundError&) {
            problem = names + ", which does not exist";  // replaced and removed meanwhile: read again
        } catch (const Xapian::Error& e) {
            problem = names + ", which cannot be opened: " + e.get_description();
            return std::nullopt;
        }
    }
    return std::nullopt;
}

}  // namespace

Result<OpenedIndex> open_current_index(const std::filesystem::path& index_dir) {
    std::string problem;
    if (auto opened = open_named_generation(index_dir, problem)) return std::move(*opened);
    auto newest = newest_complete_generation(index_dir);
    if (!newest) {
        auto current = read_current_generation(index_dir);
        return current ? Error{Errc::index, problem} : current.error();
    }
    try {
        OpenedIndex opened{open_generation_database(newest->path), *newest,
                           problem + "; serving " + newest->name + ", the newest complete generation"};
        warn_once(opened.fallback);
        return opened;
    } catch (const Xapian::Error& e) {
        return Error{Errc::index, newest->path.string() + ": " + e.get_description()};
    }
}

}  // namespace medsearch
