#pragma once
// Polls INDEXDIR/CURRENT and loads each newly published generation once, so
// that a rebuilt index is served without a restart.

#include "lexicon/snapshot.hpp"

#include "medsearch/common/result.hpp"

#include <atomic>
#include <chrono>
#include <cstdint>
#include <condition_variable>
#include <filesystem>
#include <memory>
#include <mutex>
#include <thread>

namespace medsearch {

class IndexWatcher {
  public:
    static Result<std::unique_ptr<IndexWatcher>> start(std::filesystem::path index_dir,
                                                       std::chrono::milliseconds interval);
    ~IndexWatcher();

    std::shared_ptr<const Snapshot> latest() const;
    // Checks CURRENT now (the poll does it every interval).
    void refresh();
    // Generations loaded so far, the first included.
    std::uint64_t loads() const { return loads_.load(std::memory_order_relaxed); }

  private:
    IndexWatcher(std::filesystem::path index_dir, std::shared_ptr<const Snapshot> first,
                 std::chrono::milliseconds interval);

    std::filesystem::path index_dir_;
    mutable std::mutex mutex_;
    std::shared_ptr<const Snapshot> latest_;
    std::chrono::milliseconds interval_;
    std::mutex stop_mutex_;
    std::condition_variable stop_signal_;
    bool stopping_ = false;
    std::atomic<std::uint64_t> loads_{1};
    std::thread thread_;
};

}  // namespace medsearch
