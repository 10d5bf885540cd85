#include "index_dir.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <utility>
#include <vector>

namespace medsearch::detail {
namespace fs = std::filesystem;

Result<IndexLock> IndexLock::acquire(const fs::path& index_dir) {
    std::error_code ec;
    fs::create_directories(index_dir, ec);
    if (ec) return Error{Errc::index, index_dir.string() + ": cannot create: " + ec.message()};
    auto path = index_dir / kLockFileName;
    int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (fd < 0) return Error{Errc::index, path.string() + ": cannot open lock file"};
    if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
        ::close(fd);
        return Error{Errc::index, index_dir.string() + ": another medsearch index is writing this index"};
    }
    return IndexLock(fd);
}

IndexLock::IndexLock(IndexLock&& other) noexcept : fd_(std::exchange(other.fd_, -1)) {}

IndexLock::~IndexLock() {
    if (fd_ >= 0) ::close(fd_);  // closing releases the lock
}

std::string generation_name(unsigned long number) {
    char buffer[32];
    std::snprintf(buffer, sizeof buffer, "%s%06lu", kGenerationPrefix, number);
    return buffer;
}

// Removes what builds that did not finish left behind, and generations older
// than the current one's predecessor. Returns the highest number seen.
unsigned long clean_index_dir(const fs::path& index_dir, const std::string& keep_current) {
    std::vector<std::string> generations;
    unsigned long highest = 0;
    std::error_code ec;
    for (const auto& entry : fs::directory_iterator(index_dir, ec)) {
        auto name = entry.path().filename().string();
        if (name.starts_with("tmp-")) {
            fs::remove_all(entry.path(), ec);
        } else if (name.starts_with(kGenerationPrefix)) {
            generations.push_back(name);
            highest = std::max(highest, generation_number(name));
        }
    }
    std::sort(generations.begin(), generations.end(),
              [](const auto& a, const auto& b) { return generation_number(a) > generation_number(b); });
    auto current_number = generation_number(keep_current);
    bool kept_previous = false;
    for (const auto& name : generations) {
        auto number = generation_number(name);
        if (name == keep_current) continue;
        if (number < current_number && !kept_previous) {
            kept_previous = true;  // readers may still be on it
            continue;
        }
        fs::remove_all(index_dir / name, ec);
    }
    return highest;
}

Status fsync_path(const fs::path& path, bool directory) {
    int fd = ::open(path.c_str(), (directory ? O_RDONLY | O_DIRECTORY : O_RDONLY) | O_CLOEXEC);
    if (fd < 0) return Error{Errc::index, path.string() + ": cannot open to sync"};
    int rc = ::fsync(fd);
    ::close(fd);
    if (rc != 0) return Error{Errc::index, path.string() + ": fsync failed"};
    return Ok{};
}

Status sync_tree(const fs::path& dir) {
    std::error_code ec;
    for (const auto& entry : fs::directory_iterator(dir, ec)) {
        if (entry.is_regular_file()) {
            auto synced = fsync_path(entry.path(), false);
            if (!synced) return synced;
        }
    }
    if (ec) return Error{Errc::index, dir.string() + ": " + ec.message()};
    return fsync_path(dir, true);
}

// CURRENT is replaced by rename(2): atomic on POSIX file systems.
Status publish(const fs::path& index_dir, const std::string& generation) {
    auto temp = index_dir / (std::string(kCurrentFileName) + ".tmp");
    {
        int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
        if (fd < 0) return Error{Errc::index, temp.string() + ": cannot write"};
        std::string line = generation + "\n";
        bool written = ::write(fd, line.data(), line.size()) == static_cast<ssize_t>(line.size());
        bool synced = ::fsync(fd) == 0;
        ::close(fd);
        if (!written || !synced) return Error{Errc::index, temp.string() + ": cannot write"};
    }
    std::error_code ec;
    fs::rename(temp, index_dir / kCurrentFileName, ec);
    if (ec) return Error{Errc::index, index_dir.string() + ": cannot publish: " + ec.message()};
    return fsync_path(index_dir, true);
}

NewGeneration::NewGeneration(fs::path index_dir, std::string name)
    : index_dir_(std::move(index_dir)), name_(std::move(name)), scratch_(index_dir_ / ("tmp-" + name_)) {}

NewGeneration::NewGeneration(NewGeneration&& other) noexcept
    : index_dir_(std::move(other.index_dir_)), name_(std::move(other.name_)), scratch_(std::move(other.scratch_)) {
    other.scratch_.clear();
}

NewGeneration::~NewGeneration() {
    std::error_code ignored;
    if (!scratch_.empty()) fs::remove_all(scratch_, ignored);
}

Result<NewGeneration> NewGeneration::start(const fs::path& index_dir, const std::string& current) {
    auto highest = clean_index_dir(index_dir, current);
    NewGeneration generation(index_dir, generation_name(highest + 1));
    std::error_code ec;
    fs::create_directories(generation.scratch_, ec);
    if (ec) return Error{Errc::index, generation.scratch_.string() + ": " + ec.message()};
    return generation;
}

Status NewGeneration::publish() {
    auto synced = sync_tree(db());
    if (!synced) return synced;
    std::error_code ec;
    fs::rename(db(), index_dir_ / name_, ec);
    if (ec) return Error{Errc::index, "moving the new index into place: " + ec.message()};
    auto published = detail::publish(index_dir_, name_);
    if (!published) return published;
    clean_index_dir(index_dir_, name_);
    return Ok{};
}

}  // namespace medsearch::detail
