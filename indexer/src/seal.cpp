#include "medsearch/indexer/check.hpp"

#include "index_dir.hpp"
#include "medsearch/common/catalog.hpp"
#include "medsearch/common/index_metadata.hpp"

#include <xapian.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <memory>
#include <optional>
#include <sstream>
#include <vector>

namespace medsearch {
namespace fs = std::filesystem;
namespace {

constexpr const char* kSealHeader = "medsearch-seal 1";

struct SealedFile {
    std::string name;
    std::uint64_t size = 0;
    std::uint64_t hash = 0;
    bool operator==(const SealedFile&) const = default;
};

// The size and hash of a file's bytes; false when it cannot be read.
bool hash_file(const fs::path& file, SealedFile& sealed) {
    StreamHash hash;
    auto size = hash.add_file(file);
    if (!size) return false;
    sealed.size = size.value();
    sealed.hash = hash.digest();
    return true;
}

// Every file of the generation but the seal, by name ("shard-2/termlist.glass"
// in a shard's folder); an unreadable one is named in `unreadable`.
void hash_folder(const fs::path& folder, const std::string& prefix, std::vector<SealedFile>& files,
                 std::string& unreadable) {
    std::error_code ec;
    for (const auto& entry : fs::directory_iterator(folder, ec)) {
        auto name = prefix + entry.path().filename().string();
        if (prefix.empty() && entry.is_directory(ec)) hash_folder(entry.path(), name + "/", files, unreadable);
        if (name == kSealFile || !entry.is_regular_file(ec)) continue;
        SealedFile sealed{name};
        if (!hash_file(entry.path(), sealed) && unreadable.empty()) unreadable = name;
        files.push_back(std::move(sealed));
    }
    if (ec && unreadable.empty()) unreadable = folder.string() + ": " + ec.message();
}

std::vector<SealedFile> hash_files(const fs::path& db, std::string& unreadable) {
    std::vector<SealedFile> files;
    hash_folder(db, "", files, unreadable);
    std::sort(files.begin(), files.end(), [](const auto& a, const auto& b) { return a.name < b.name; });
    return files;
}

std::optional<std::vector<SealedFile>> read_seal(const fs::path& db) {
    std::ifstream in(db / kSealFile);
    std::string line;
    if (!in || !std::getline(in, line) || line != kSealHeader) return std::nullopt;
    std::vector<SealedFile> files;
    while (std::getline(in, line)) {
        std::istringstream fields(line);
        SealedFile sealed;
        if (!(fields >> sealed.name >> sealed.size >> std::hex >> sealed.hash)) return std::nullopt;
        files.push_back(std::move(sealed));
    }
    return files;
}

}  // namespace

namespace detail {

Status write_seal(const fs::path& db) {
    std::string unreadable;
    auto files = hash_files(db, unreadable);
    if (!unreadable.empty()) return Error{Errc::index, db.string() + ": cannot read " + unreadable + " to seal it"};
    std::ostringstream text;
    text << kSealHeader << '\n';
    for (const auto& file : files) text << file.name << ' ' << file.size << ' ' << hex64(file.hash) << '\n';
    std::ofstream out(db / kSealFile, std::ios::binary | std::ios::trunc);
    out << text.str();
    out.close();
    if (!out) return Error{Errc::index, (db / kSealFile).string() + ": cannot write: " + std::strerror(errno)};
    return Ok{};
}

}  // namespace detail

SealCheck check_seal(const fs::path& db) {
    auto sealed = read_seal(db);
    if (!sealed) return {SealCheck::State::missing, {}};
    std::string unreadable;
    auto files = hash_files(db, unreadable);
    if (!unreadable.empty()) return {SealCheck::State::changed, "cannot read " + unreadable};
    for (const auto& file : files) {
        auto found = std::find_if(sealed->begin(), sealed->end(), [&](const auto& s) { return s.name == file.name; });
        if (found == sealed->end()) return {SealCheck::State::changed, file.name + " was added"};
        if (!(*found == file)) return {SealCheck::State::changed, file.name + " changed"};
    }
    if (files.size() != sealed->size()) {
        for (const auto& expected : *sealed)
            if (std::none_of(files.begin(), files.end(), [&](const auto& f) { return f.name == expected.name; }))
                return {SealCheck::State::changed, expected.name + " is missing"};
    }
    return {SealCheck::State::sound, {}};
}

std::string published_damage(const fs::path& db, const fs::path& scratch) {
    if (check_seal(db).state == SealCheck::State::sound) return {};
    if (auto damage = database_damage(db, scratch); !damage.empty()) return damage;
    try {
        // Readers refuse a generation with a value they cannot read: an update would keep it.
        auto unreadable = unreadable_metadata(open_generation_database(db));
        return unreadable.empty() ? std::string() : unreadable.front();
    } catch (const Xapian::Error& e) {
        return e.get_description();
    }
}

}  // namespace medsearch
