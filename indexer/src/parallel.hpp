#pragma once
// Work spread over a few threads, with progress reported from the caller's thread.

#include "medsearch/indexer/builder.hpp"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <future>
#include <thread>
#include <vector>

namespace medsearch::detail {

inline int thread_count(int requested) {
    if (requested > 0) return requested;
    return static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
}

// Runs work(i, worker) for every i in [0, n) on `threads` threads, worker in
// [0, threads); `progress` (may be empty) hears how many are done.
template <typename Work>
void parallel_for(std::size_t n, int threads, const ProgressFn& progress, Work work) {
    std::atomic<std::size_t> next{0}, done{0};
    auto run = [&](int worker) {
        for (std::size_t i; (i = next.fetch_add(1)) < n; done.fetch_add(1)) work(i, worker);
    };
    std::vector<std::future<void>> workers;
    for (int t = 0; t < threads; ++t) workers.push_back(std::async(std::launch::async, run, t));
    for (auto& w : workers)
        while (w.wait_for(std::chrono::milliseconds(100)) != std::future_status::ready)
            if (progress) progress(done.load(), n);
    for (auto& w : workers) w.get();  // rethrows a worker's exception
    if (progress) progress(n, n);
}

}  // namespace medsearch::detail
