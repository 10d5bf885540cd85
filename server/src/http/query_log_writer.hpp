#pragma once
// Writing the query log off the request path: a request hands its search to
// a bounded queue and returns; one thread folds keystrokes (SearchFolder)
// and appends the settled searches to the file. When the queue is full the
// search is dropped and counted: a slow disk never slows a search.

#include "http/search_folding.hpp"

#include "medsearch/common/result.hpp"
#include "medsearch/server/query_log.hpp"

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <mutex>
#include <string_view>
#include <thread>
#include <vector>

namespace medsearch {

// A file appended to in whole lines; once it would grow past max_bytes it
// becomes FILE.1 (replacing the previous one) and a new FILE is started.
class RotatingFile {
  public:
    static Result<std::unique_ptr<RotatingFile>> open(std::filesystem::path file, std::uint64_t max_bytes);
    ~RotatingFile();
    RotatingFile(const RotatingFile&) = delete;
    RotatingFile& operator=(const RotatingFile&) = delete;

    // Appends whole lines, rotating first when they would not fit.
    Status append(std::string_view lines);
    // Makes what was written durable (fdatasync).
    void sync();

  private:
    RotatingFile(std::filesystem::path file, std::uint64_t max_bytes, int fd, std::uint64_t size);
    Status rotate();

    std::filesystem::path file_;
    std::uint64_t max_bytes_;
    int fd_;
    std::uint64_t size_;
};

struct QueryLogSettings {
    std::filesystem::path file;
    std::uint64_t max_bytes = std::uint64_t{64} << 20;
    std::size_t queue_capacity = 4096;  // searches waiting for the writer
    std::chrono::milliseconds window = kRefineWindow;
    std::chrono::milliseconds poll_interval{250};  // how often held searches are checked
};

class QueryLog {
  public:
    // Where settled searches go, a batch of whole lines at a time.
    using Sink = std::function<Status(std::string_view lines)>;

    // Opens (creates) the file; errors name it.
    static Result<std::unique_ptr<QueryLog>> open(const QueryLogSettings& settings);
    QueryLog(const QueryLogSettings& settings, Sink sink);
    ~QueryLog();
    QueryLog(const QueryLog&) = delete;
    QueryLog& operator=(const QueryLog&) = delete;

    // From a request's thread; never waits for the disk. False, and counted
    // as dropped, when the queue is full.
    bool record(std::uint64_t client, LoggedSearch search);
    // Writes every search held or queued, then stops the writer. Idempotent.
    void close();

    std::uint64_t dropped() const { return dropped_.load(std::memory_order_relaxed); }
    std::uint64_t written() const { return written_.load(std::memory_order_relaxed); }

  private:
    struct Queued {
        std::uint64_t client;
        LoggedSearch search;
        SearchFolder::TimePoint at;
    };
    void run();
    void write(const std::vector<LoggedSearch>& searches);

    QueryLogSettings settings_;
    Sink sink_;
    SearchFolder folder_;  // the writer thread's only
    std::mutex mutex_;
    std::condition_variable wake_;
    std::vector<Queued> queue_;
    bool closing_ = false;
    std::atomic<std::uint64_t> dropped_{0};
    std::atomic<std::uint64_t> written_{0};
    bool failing_ = false;  // the last write failed: warn once per run of failures
    std::mutex join_mutex_;  // close() may be called from two threads
    std::thread thread_;
};

}  // namespace medsearch
