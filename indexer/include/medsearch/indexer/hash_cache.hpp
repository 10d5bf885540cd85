#pragma once
// Content hashes of source files, remembered by size and modification time, so
// that an incremental build reads only the files touched since the last build
// (as git's index and make do). The content hash stays what decides whether a
// page changed; the cache only spares reading a file whose size and time are
// the same as when its hash was taken.
//
// A file is remembered only when its time is at least two seconds older than
// the moment it was looked at: a file written in the same clock tick as that
// look could change again without a new time. The cache is a file beside the
// generations (INDEXDIR/.source-hashes), never part of a published index; a
// missing or damaged one only costs reading every file again.

#include "medsearch/common/result.hpp"

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <unordered_map>

namespace medsearch {

inline constexpr const char* kHashCacheFileName = ".source-hashes";

struct FileStamp {
    std::uint64_t size = 0;
    std::int64_t mtime_ns = 0;
    bool valid = false;   // false when the file could not be looked at
    bool operator==(const FileStamp&) const = default;
};

// The file's size and modification time now.
FileStamp stamp_file(const std::filesystem::path& file);

// Nanoseconds since the epoch, on the clock that file times use.
std::int64_t wall_clock_ns();

class HashCache {
public:
    // An empty cache when the file is missing or not a cache of this format.
    static HashCache load(const std::filesystem::path& index_dir);

    // The hash remembered for `path`, if the file still has this stamp.
    std::optional<std::uint64_t> find(const std::string& path, const FileStamp& stamp) const;

    // Remembers a hash taken after `stamp` was looked at, at `looked_ns`;
    // recent stamps are left out (see above).
    void remember(const std::string& path, const FileStamp& stamp, std::uint64_t hash, std::int64_t looked_ns);

    // Replaces the cache file (write, then rename).
    Status save(const std::filesystem::path& index_dir) const;

private:
    struct Entry {
        FileStamp stamp;
        std::uint64_t hash = 0;
    };
    std::unordered_map<std::string, Entry> entries_;
};

}  // namespace medsearch
