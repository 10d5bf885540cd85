#pragma once
// The indexer's threads: every loop that runs on several threads and every
// task that runs beside the caller start here, with progress reported from
// the caller's thread.

#include "medsearch/indexer/builder.hpp"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <future>
#include <thread>
#include <utility>
#include <vector>

namespace medsearch::detail {

inline int thread_count(int requested) {
    if (requested > 0) return requested;
    return static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
}

// Work done so far out of `total`, counted by any thread in the unit the
// caller reports (pages, when each item of a loop is a shard of pages).
class Progress {
  public:
    Progress(const ProgressFn& report, std::size_t total) : report_(report), total_(total) {}
    void add(std::size_t units) { done_.fetch_add(units, std::memory_order_relaxed); }
    void report() const {
        if (report_) report_(done_.load(std::memory_order_relaxed), total_);
    }
    void report_all_done() const {
        if (report_) report_(total_, total_);
    }

  private:
    const ProgressFn& report_;  // may be empty
    std::size_t total_;
    std::atomic<std::size_t> done_{0};
};

// Runs work(i, worker) for every i in [0, n) on `threads` threads, worker in
// [0, threads), each thread taking the next i as it finishes one; `progress`
// is reported from the caller's thread while they run. Rethrows a worker's
// exception.
template <typename Work>
void run_parallel(std::size_t n, int threads, Progress& progress, Work work) {
    std::atomic<std::size_t> next{0};
    auto run = [&](int worker) {
        for (std::size_t i; (i = next.fetch_add(1)) < n;) work(i, worker);
    };
    std::vector<std::future<void>> workers;
    for (int t = 0; t < threads; ++t) workers.push_back(std::async(std::launch::async, run, t));
    for (auto& w : workers)
        while (w.wait_for(std::chrono::milliseconds(100)) != std::future_status::ready) progress.report();
    for (auto& w : workers) w.get();
    progress.report_all_done();
}

// run_parallel, with progress counted in items: `progress` (may be empty)
// hears how many are done.
template <typename Work>
void parallel_for(std::size_t n, int threads, const ProgressFn& progress, Work work) {
    Progress counted(progress, n);
    run_parallel(n, threads, counted, [&](std::size_t i, int worker) {
        work(i, worker);
        counted.add(1);
    });
}

// Runs `task` on a thread of its own while the caller goes on; the future
// holds its result (or its exception).
template <typename Task>
auto run_beside(Task task) {
    return std::async(std::launch::async, std::move(task));
}

}  // namespace medsearch::detail
