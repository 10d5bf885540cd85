#include "medsearch/indexer/hash_cache.hpp"

#include "medsearch/common/catalog.hpp"
#include "medsearch/indexer/sources.hpp"

#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstring>
#include <ctime>
#include <fstream>
#include <vector>

namespace medsearch {
namespace fs = std::filesystem;
namespace {

constexpr std::string_view kHeader = "medsearch source hashes 1\n";
constexpr std::int64_t kRacyNs = 2'000'000'000;

template <typename T>
bool parse_number(std::string_view text, T& value, int base = 10) {
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value, base);
    return ec == std::errc() && end == text.data() + text.size();
}

}  // namespace

FileStamp stamp_file(const fs::path& file) {
    struct stat info {};
    if (::stat(file.c_str(), &info) != 0 || !S_ISREG(info.st_mode)) return {};
    return {static_cast<std::uint64_t>(info.st_size),
            static_cast<std::int64_t>(info.st_mtim.tv_sec) * 1'000'000'000 + info.st_mtim.tv_nsec, true};
}

std::int64_t wall_clock_ns() {
    timespec now {};
    ::clock_gettime(CLOCK_REALTIME, &now);
    return static_cast<std::int64_t>(now.tv_sec) * 1'000'000'000 + now.tv_nsec;
}

// One line per file: size, time (ns), hash (hex), path; the path last, as it
// may hold spaces.
HashCache HashCache::load(const fs::path& index_dir) {
    HashCache cache;
    auto read = read_whole_file(index_dir / kHashCacheFileName);
    if (!read) return cache;
    const std::string& text = read.value();
    if (!text.starts_with(kHeader)) return cache;
    std::string_view rest(text);
    rest.remove_prefix(kHeader.size());
    while (!rest.empty()) {
        auto end = rest.find('\n');
        if (end == std::string_view::npos) return {};  // cut short: trust none of it
        auto line = rest.substr(0, end);
        rest.remove_prefix(end + 1);
        std::string_view fields[3];
        for (auto& field : fields) {
            auto space = line.find(' ');
            if (space == std::string_view::npos) return {};
            field = line.substr(0, space);
            line.remove_prefix(space + 1);
        }
        Entry entry;
        entry.stamp.valid = true;
        if (line.empty() || !parse_number(fields[0], entry.stamp.size) ||
            !parse_number(fields[1], entry.stamp.mtime_ns) || !parse_number(fields[2], entry.hash, 16))
            return {};
        cache.entries_[std::string(line)] = entry;
    }
    return cache;
}

std::optional<std::uint64_t> HashCache::find(const std::string& path, const FileStamp& stamp) const {
    if (!stamp.valid) return std::nullopt;
    auto it = entries_.find(path);
    if (it == entries_.end() || !(it->second.stamp == stamp)) return std::nullopt;
    return it->second.hash;
}

void HashCache::remember(const std::string& path, const FileStamp& stamp, std::uint64_t hash,
                         std::int64_t looked_ns) {
    if (!stamp.valid || stamp.mtime_ns > looked_ns - kRacyNs || path.find('\n') != std::string::npos) return;
    entries_[path] = {stamp, hash};
}

Status HashCache::save(const fs::path& index_dir) const {
    std::vector<const std::pair<const std::string, Entry>*> sorted;
    sorted.reserve(entries_.size());
    for (const auto& item : entries_) sorted.push_back(&item);
    std::sort(sorted.begin(), sorted.end(), [](auto* a, auto* b) { return a->first < b->first; });
    std::string text(kHeader);
    for (const auto* item : sorted) {
        const auto& [path, entry] = *item;
        text += std::to_string(entry.stamp.size) + ' ' + std::to_string(entry.stamp.mtime_ns) + ' ' +
                hex64(entry.hash) + ' ' + path + '\n';
    }
    auto target = index_dir / kHashCacheFileName;
    auto temp = index_dir / (std::string(kHashCacheFileName) + ".tmp");
    {
        std::ofstream out(temp, std::ios::binary | std::ios::trunc);
        out << text;
        if (!out.flush()) return Error{Errc::index, temp.string() + ": cannot write"};
    }
    std::error_code ec;
    fs::rename(temp, target, ec);
    if (ec) return Error{Errc::index, target.string() + ": " + ec.message()};
    return Ok{};
}

}  // namespace medsearch
