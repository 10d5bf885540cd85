#pragma once
// Counters for GET /metrics (Prometheus text format): requests by route and
// status, a latency histogram per route, cache hits and misses, searches with no result. Lock-free:
// every request adds to a few relaxed atomics.

#include <array>
#include <atomic>
#include <cstdint>
#include <string>
#include <string_view>

namespace medsearch {

class Metrics {
  public:
    // Fixed label sets keep the series bounded whatever clients send.
    static constexpr std::array<std::string_view, 9> kRoutes = {
        "/search", "/suggest", "/healthz", "/metrics", "/", "/medsearch.js", "/medsearch.css", "/opensearch.xml", "other"};
    static constexpr std::array<int, 13> kStatuses = {200, 204, 304, 400, 403, 404, 405, 408, 413, 414, 431, 500, 503};
    static constexpr std::array<double, 13> kBuckets = {0.0005, 0.001, 0.002, 0.005, 0.01, 0.02, 0.05,
                                                        0.1,    0.2,   0.5,   1,     2,    5};  // seconds

    static std::size_t route_index(std::string_view path);
    void record(std::size_t route, int status, double seconds);
    void cache_hit() { cache_hits_.fetch_add(1, std::memory_order_relaxed); }
    void cache_miss() { cache_misses_.fetch_add(1, std::memory_order_relaxed); }
    // A search answered with a total of 0, whether or not a query log is kept.
    void zero_result_search() { zero_results_.fetch_add(1, std::memory_order_relaxed); }

    // Appends the request, latency and cache families.
    void render(std::string& out) const;

  private:
    static constexpr std::size_t kStatusSlots = kStatuses.size() + 1;  // + "other"
    std::array<std::array<std::atomic<std::uint64_t>, kStatusSlots>, kRoutes.size()> requests_{};
    std::array<std::array<std::atomic<std::uint64_t>, kBuckets.size() + 1>, kRoutes.size()> buckets_{};
    std::array<std::atomic<std::uint64_t>, kRoutes.size()> micros_{};  // sum of latencies
    std::atomic<std::uint64_t> cache_hits_{0};
    std::atomic<std::uint64_t> cache_misses_{0};
    std::atomic<std::uint64_t> zero_results_{0};
};

}  // namespace medsearch
