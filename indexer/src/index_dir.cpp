#include "index_dir.hpp"

#include "medsearch/common/log.hpp"
#include "medsearch/common/schema.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

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

// write(2) until all of `size` bytes are written; false with errno set.
bool write_all(int fd, const char* data, std::size_t size) {
    while (size > 0) {
        auto wrote = ::write(fd, data, size);
        if (wrote < 0 && errno == EINTR) continue;
        if (wrote <= 0) {
            if (wrote == 0) errno = EIO;
            return false;
        }
        data += wrote;
        size -= static_cast<std::size_t>(wrote);
    }
    return true;
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

Status remove_tree(const fs::path& path) {
    std::error_code ec;
    fs::remove_all(path, ec);
    if (!ec) return Ok{};
    // A folder made read-only (chmod -R a-w) keeps its files: its owner may
    // still make it writable again, and then remove it.
    std::error_code ignored;
    fs::permissions(path, fs::perms::owner_all, fs::perm_options::add, ignored);
    for (auto it = fs::recursive_directory_iterator(path, ignored); it != fs::recursive_directory_iterator();
         it.increment(ignored))
        if (it->is_directory(ignored)) fs::permissions(it->path(), fs::perms::owner_all, fs::perm_options::add, ignored);
    ec.clear();
    fs::remove_all(path, ec);
    if (ec) return Error{Errc::index, path.string() + ": cannot remove: " + ec.message()};
    return Ok{};
}

namespace {

// Removes what the index folder no longer needs; what cannot go is said once
// per build, and the next build tries again.
void remove_leftover(const fs::path& path) {
    if (auto removed = remove_tree(path); !removed) log_warn("index", removed.error().message);
}

}  // namespace

unsigned long clean_index_dir(const fs::path& index_dir, const std::string& keep_current) {
    unsigned long highest = 0;
    std::error_code ec;
    for (const auto& entry : fs::directory_iterator(index_dir, ec)) {
        auto name = entry.path().filename().string();
        if (name.starts_with("tmp-")) {
            remove_leftover(entry.path());
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
        remove_leftover(index_dir / name);
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

void start_writeback(const fs::path& dir) {
    std::error_code ec;
    for (const auto& entry : fs::directory_iterator(dir, ec)) {
        if (entry.is_directory(ec)) start_writeback(entry.path());  // a shard's folder
        if (!entry.is_regular_file(ec)) continue;
        int fd = ::open(entry.path().c_str(), O_RDONLY | O_CLOEXEC);
        if (fd < 0) continue;
        (void)::sync_file_range(fd, 0, 0, SYNC_FILE_RANGE_WRITE);
        ::close(fd);
    }
}

Status sync_tree(const fs::path& dir) {
    std::error_code ec;
    for (const auto& entry : fs::directory_iterator(dir, ec)) {
        if (entry.is_directory()) {  // a shard's folder
            if (auto synced = sync_tree(entry.path()); !synced) return synced;
        } else if (entry.is_regular_file()) {
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
    if (!scratch_.empty()) (void)remove_tree(scratch_);  // else the next build's clean-up tries again
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
    // The disk writes the tables while their seal is computed.
    start_writeback(db());
    if (auto sealed = write_seal(db()); !sealed) return sealed;
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

namespace {

Error copy_error(const fs::path& file, int error) {
    return Error{Errc::index, "copying " + file.string() + ": " + std::strerror(error)};
}

// Copies with copy_file_range(2), inside the kernel; false, before anything
// is written, where the files' systems cannot. `error`: the errno of a failure.
bool copy_in_kernel(int in, int out, int& error) {
    bool started = false;
    for (;;) {
        auto copied = ::copy_file_range(in, nullptr, out, nullptr, std::size_t{1} << 30, 0);
        if (copied > 0) {
            started = true;
            continue;
        }
        if (copied == 0) return true;
        if (errno == EINTR) continue;
        if (!started && (errno == EXDEV || errno == ENOSYS || errno == EINVAL || errno == EOPNOTSUPP))
            return false;
        error = errno;
        return true;
    }
}

}  // namespace

Status copy_database(const fs::path& from, const fs::path& to) {
    // The copy is the writer's own, whatever the modes of the original.
    if (::mkdir(to.c_str(), 0755) != 0) return copy_error(to, errno);
    std::error_code ec;
    for (const auto& entry : fs::directory_iterator(from, ec)) {
        // A glass database is a folder of files; a generation of shards has a folder of them per shard.
        auto copied = entry.is_directory(ec) ? copy_database(entry.path(), to / entry.path().filename())
                      : entry.is_regular_file(ec) ? copy_file_contents(entry.path(), to / entry.path().filename())
                                                  : Status(Ok{});
        if (!copied) return copied;
    }
    if (ec) return Error{Errc::index, "copying " + from.string() + ": " + ec.message()};
    return Ok{};
}

Status copy_file_contents(const fs::path& from, const fs::path& to) {
    int in = ::open(from.c_str(), O_RDONLY | O_CLOEXEC);
    if (in < 0) return copy_error(from, errno);
    int out = ::open(to.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (out < 0) {
        int error = errno;
        ::close(in);
        return copy_error(to, error);
    }
    // read/write and copy_file_range keep the cause of a failure
    // (std::filesystem::copy_file reports a short copy as EIO, hiding a full
    // disk or a file size limit).
    int error = 0;
    const fs::path* where = &from;
    if (copy_in_kernel(in, out, error)) {
        ::close(in);
        if (::close(out) != 0 && error == 0) error = errno;
        if (error != 0) return copy_error(to, error);
        return Ok{};
    }
    std::vector<char> buffer(1 << 16);
    for (;;) {
        auto got = ::read(in, buffer.data(), buffer.size());
        if (got < 0 && errno == EINTR) continue;
        if (got <= 0) {
            if (got < 0) error = errno;
            break;
        }
        if (!write_all(out, buffer.data(), static_cast<std::size_t>(got))) {
            error = errno;
            where = &to;
            break;
        }
    }
    ::close(in);
    if (::close(out) != 0 && error == 0) {
        error = errno;
        where = &to;
    }
    if (error != 0) return copy_error(*where, error);
    return Ok{};
}

std::string_view storage_hint(std::string_view message) {
    for (const char* cause : {"No space left on device", "File too large", "Disk quota exceeded"})
        if (message.find(cause) != std::string_view::npos)
            return " (disk full or file size limit reached; the previous index still serves)";
    if (message.find("Input/output error") != std::string_view::npos)
        return " (the disk may be full or failing; the previous index still serves)";
    return {};
}

Error explain_storage_error(Error error) {
    auto hint = storage_hint(error.message);
    if (!hint.empty() && error.message.find(hint) == std::string::npos) error.message += hint;
    return error;
}

}  // namespace medsearch::detail
