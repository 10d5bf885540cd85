#include "index_dir.hpp"

#include "medsearch/common/schema.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <nlohmann/json.hpp>
#include <xapian.h>

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <string_view>
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

namespace {

bool is_generation_name(std::string_view name) {
    return name.starts_with(kGenerationPrefix) && generation_number(name) > 0 &&
           name.find('/') == std::string_view::npos;
}

const char* step_name(PublishStep step) {
    switch (step) {
        case PublishStep::sync_files: return "syncing the new index";
        case PublishStep::move_into_place: return "moving the new index into place";
        case PublishStep::sync_folder: return "syncing the index folder";
        case PublishStep::write_current: return "writing CURRENT.tmp";
        case PublishStep::replace_current: return "replacing CURRENT";
        case PublishStep::sync_current: return "syncing CURRENT";
        case PublishStep::clean_up: return "removing old generations";
    }
    return "publishing";
}

// The fault injection of index_dir.hpp, read at each step so that one test
// program can try every step.
Status injected_fault(PublishStep step) {
    const char* spec = std::getenv("MEDSEARCH_FAULT_PUBLISH");
    if (!spec || std::atoi(spec) != static_cast<int>(step)) return Ok{};
    if (std::string_view(spec).ends_with(":kill")) ::kill(::getpid(), SIGKILL);
    return Error{Errc::index, std::string(step_name(step)) + ": failed (injected by MEDSEARCH_FAULT_PUBLISH=" +
                                  spec + ")"};
}

// Whether a generation was moved into place (rename sets its ctime) within
// the time a server takes to notice a new generation, with a wide margin.
bool placed_recently(const fs::path& generation) {
    constexpr long kReaderGraceSeconds = 2;
    struct stat info {};
    if (::stat(generation.c_str(), &info) != 0) return false;
    timespec now {};
    ::clock_gettime(CLOCK_REALTIME, &now);
    return now.tv_sec - info.st_ctim.tv_sec < kReaderGraceSeconds;
}

}  // namespace

Result<ServingGeneration> find_serving_generation(const fs::path& index_dir) {
    ServingGeneration serving;
    auto current = read_current_generation(index_dir);
    std::string problem;
    if (current) {
        if (is_generation_name(current.value().name) && is_complete_generation(current.value().path)) {
            serving.generation = current.value();
            return serving;
        }
        problem = (index_dir / kCurrentFileName).string() + " names " + current.value().name +
                  ", which cannot serve";
    } else if (current.error().code == Errc::not_found) {
        problem = (index_dir / kCurrentFileName).string() + " is missing";
    } else {
        problem = current.error().message;
    }
    auto newest = newest_complete_generation(index_dir);
    if (!newest) {
        // A folder without CURRENT and without generations is simply new.
        if (!list_generations(index_dir).empty() || (!current && current.error().code != Errc::not_found))
            serving.recovered = problem + "; no complete generation to recover";
        return serving;
    }
    auto republished = publish(index_dir, newest->name);
    if (!republished) return republished.error();
    serving.generation = *newest;
    serving.recovered = problem + "; recovered " + newest->name + ", the newest complete generation";
    return serving;
}

unsigned long clean_index_dir(const fs::path& index_dir, const std::string& keep_current) {
    unsigned long highest = 0;
    std::error_code ec;
    for (const auto& entry : fs::directory_iterator(index_dir, ec)) {
        auto name = entry.path().filename().string();
        if (name.starts_with("tmp-")) {
            fs::remove_all(entry.path(), ec);
        } else if (name == std::string(kCurrentFileName) + ".tmp") {
            fs::remove(entry.path(), ec);  // a publish stopped before its rename
        }
    }
    auto generations = list_generations(index_dir);
    if (!generations.empty()) highest = std::max(highest, generation_number(generations.front()));
    if (keep_current.empty()) return highest;
    auto current_number = generation_number(keep_current);
    bool kept_previous = false;
    for (std::size_t i = 0; i < generations.size(); ++i) {
        const auto& name = generations[i];
        auto number = generation_number(name);
        if (name == keep_current) continue;
        if (number < current_number && !kept_previous) {
            kept_previous = true;  // readers may still be on it
            continue;
        }
        // A reader may also still be on an older one when its successor came
        // moments ago (generations published faster than a server polls).
        if (number < current_number && i > 0 && placed_recently(index_dir / generations[i - 1])) continue;
        // Newer than CURRENT: moved into place by a publish that did not finish.
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
    if (auto fault = injected_fault(PublishStep::write_current); !fault) return fault;
    {
        int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
        if (fd < 0) return Error{Errc::index, temp.string() + ": cannot write: " + std::strerror(errno)};
        std::string line = generation + "\n";
        bool written = ::write(fd, line.data(), line.size()) == static_cast<ssize_t>(line.size());
        int write_errno = errno;
        bool synced = written && ::fsync(fd) == 0;
        if (written) write_errno = errno;
        ::close(fd);
        if (!written || !synced) {
            std::error_code ignored;
            fs::remove(temp, ignored);
            return Error{Errc::index, temp.string() + ": cannot write: " + std::strerror(write_errno)};
        }
    }
    if (auto fault = injected_fault(PublishStep::replace_current); !fault) return fault;
    std::error_code ec;
    fs::rename(temp, index_dir / kCurrentFileName, ec);
    if (ec) return Error{Errc::index, index_dir.string() + ": cannot publish: " + ec.message()};
    if (auto fault = injected_fault(PublishStep::sync_current); !fault) return fault;
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

// Each step is durable before the next one depends on it: the files before
// the folder moves, the folder's new name before CURRENT names it.
Status NewGeneration::publish() {
    if (auto fault = injected_fault(PublishStep::sync_files); !fault) return fault;
    auto synced = sync_tree(db());
    if (!synced) return synced;
    if (auto fault = injected_fault(PublishStep::move_into_place); !fault) return fault;
    std::error_code ec;
    fs::rename(db(), index_dir_ / name_, ec);
    if (ec) return Error{Errc::index, "moving the new index into place: " + ec.message()};
    if (auto fault = injected_fault(PublishStep::sync_folder); !fault) return fault;
    if (auto folder = fsync_path(index_dir_, true); !folder) return folder;
    auto published = detail::publish(index_dir_, name_);
    if (!published) return published;
    if (auto fault = injected_fault(PublishStep::clean_up); !fault) return fault;
    clean_index_dir(index_dir_, name_);
    return Ok{};
}

Error explain_storage_error(Error error) {
    for (const char* cause : {"No space left on device", "File too large", "Disk quota exceeded"})
        if (error.message.find(cause) != std::string::npos) {
            error.message += " (disk full or file size limit reached; the previous index still serves)";
            break;
        }
    return error;
}

}  // namespace medsearch::detail
