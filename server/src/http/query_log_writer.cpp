#include "http/query_log_writer.hpp"

#include "medsearch/common/log.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace medsearch {
namespace {

Error file_error(const std::filesystem::path& file, const std::string& what) {
    return Error{Errc::bad_input, file.string() + ": " + what + ": " + std::strerror(errno)};
}

int open_for_append(const std::filesystem::path& file) {
    return ::open(file.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0640);
}

}  // namespace

Result<std::unique_ptr<RotatingFile>> RotatingFile::open(std::filesystem::path file, std::uint64_t max_bytes) {
    int fd = open_for_append(file);
    if (fd < 0) return file_error(file, "cannot open the query log");
    struct stat info {};
    std::uint64_t size = ::fstat(fd, &info) == 0 ? static_cast<std::uint64_t>(info.st_size) : 0;
    return std::unique_ptr<RotatingFile>(new RotatingFile(std::move(file), max_bytes, fd, size));
}

RotatingFile::RotatingFile(std::filesystem::path file, std::uint64_t max_bytes, int fd, std::uint64_t size)
    : file_(std::move(file)), max_bytes_(max_bytes), fd_(fd), size_(size) {}

RotatingFile::~RotatingFile() {
    if (fd_ >= 0) ::close(fd_);
}

Status RotatingFile::rotate() {
    auto previous = file_;
    previous += ".1";
    if (::rename(file_.c_str(), previous.c_str()) != 0) return file_error(file_, "cannot rotate the query log");
    int fd = open_for_append(file_);
    if (fd < 0) return file_error(file_, "cannot open the query log");
    ::close(fd_);
    fd_ = fd;
    size_ = 0;
    return Ok{};
}

Status RotatingFile::append(std::string_view lines) {
    // A batch larger than the limit still goes whole into a fresh file.
    if (size_ > 0 && size_ + lines.size() > max_bytes_)
        if (auto rotated = rotate(); !rotated) return rotated;
    while (!lines.empty()) {
        auto n = ::write(fd_, lines.data(), lines.size());
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return file_error(file_, "cannot write the query log");
        size_ += static_cast<std::uint64_t>(n);
        lines.remove_prefix(static_cast<std::size_t>(n));
    }
    return Ok{};
}

void RotatingFile::sync() { ::fdatasync(fd_); }

Result<std::unique_ptr<QueryLog>> QueryLog::open(const QueryLogSettings& settings) {
    auto opened = RotatingFile::open(settings.file, settings.max_bytes);
    if (!opened) return opened.error();
    std::shared_ptr<RotatingFile> file = std::move(opened.value());
    return std::make_unique<QueryLog>(settings, [file](std::string_view lines) -> Status {
        if (lines.empty()) {
            file->sync();  // an empty batch: the log is closing
            return Ok{};
        }
        return file->append(lines);
    });
}

QueryLog::QueryLog(const QueryLogSettings& settings, Sink sink)
    : settings_(settings), sink_(std::move(sink)), folder_(settings.window) {
    queue_.reserve(settings_.queue_capacity);
    thread_ = std::thread([this] { run(); });
}

QueryLog::~QueryLog() { close(); }

bool QueryLog::record(std::uint64_t client, LoggedSearch search) {
    {
        std::lock_guard lock(mutex_);
        if (closing_ || queue_.size() >= settings_.queue_capacity) {
            dropped_.fetch_add(1, std::memory_order_relaxed);
            return false;
        }
        queue_.push_back({client, std::move(search), std::chrono::steady_clock::now()});
    }
    return true;
}

void QueryLog::close() {
    {
        std::lock_guard lock(mutex_);
        closing_ = true;
    }
    wake_.notify_all();
    std::lock_guard joining(join_mutex_);
    if (thread_.joinable()) thread_.join();
}

void QueryLog::run() {
    std::vector<Queued> batch;
    for (bool closing = false; !closing;) {
        {
            std::unique_lock lock(mutex_);
            wake_.wait_for(lock, settings_.poll_interval, [this] { return closing_; });
            closing = closing_;
            batch.swap(queue_);  // the disk is written with the lock released
        }
        std::vector<LoggedSearch> settled;
        for (auto& queued : batch)
            for (auto& search : folder_.add(queued.client, std::move(queued.search), queued.at))
                settled.push_back(std::move(search));
        batch.clear();
        auto due = closing ? folder_.take_all() : folder_.take_settled(std::chrono::steady_clock::now());
        settled.insert(settled.end(), std::make_move_iterator(due.begin()), std::make_move_iterator(due.end()));
        write(settled);
    }
    (void)sink_({});
}

void QueryLog::write(const std::vector<LoggedSearch>& searches) {
    if (searches.empty()) return;
    std::string lines;
    for (const auto& search : searches) lines += to_json_line(search) + "\n";
    auto written = sink_(lines);
    if (!written) {
        dropped_.fetch_add(searches.size(), std::memory_order_relaxed);
        if (!failing_) log_warn("query-log", written.error().message + " (searches are dropped until it works)");
        failing_ = true;
        return;
    }
    failing_ = false;
    written_.fetch_add(searches.size(), std::memory_order_relaxed);
}

}  // namespace medsearch
