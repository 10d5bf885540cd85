#include "http/metrics.hpp"

#include <cstdio>

namespace medsearch {

std::size_t Metrics::route_index(std::string_view path) {
    for (std::size_t i = 0; i + 1 < kRoutes.size(); ++i)
        if (kRoutes[i] == path) return i;
    return kRoutes.size() - 1;
}

void Metrics::record(std::size_t route, int status, double seconds) {
    std::size_t slot = kStatuses.size();
    for (std::size_t i = 0; i < kStatuses.size(); ++i)
        if (kStatuses[i] == status) slot = i;
    requests_[route][slot].fetch_add(1, std::memory_order_relaxed);
    std::size_t bucket = 0;
    while (bucket < kBuckets.size() && seconds > kBuckets[bucket]) ++bucket;
    buckets_[route][bucket].fetch_add(1, std::memory_order_relaxed);
    micros_[route].fetch_add(static_cast<std::uint64_t>(seconds * 1e6), std::memory_order_relaxed);
}

void Metrics::render(std::string& out) const {
    char line[1024];
    out += "# HELP medsearch_http_requests_total HTTP requests answered, by route and status.\n"
           "# TYPE medsearch_http_requests_total counter\n";
    for (std::size_t r = 0; r < kRoutes.size(); ++r)
        for (std::size_t s = 0; s < kStatusSlots; ++s) {
            auto n = requests_[r][s].load(std::memory_order_relaxed);
            if (n == 0) continue;
            std::string status = s < kStatuses.size() ? std::to_string(kStatuses[s]) : "other";
            std::snprintf(line, sizeof line, "medsearch_http_requests_total{route=\"%.*s\",status=\"%s\"} %llu\n",
                          static_cast<int>(kRoutes[r].size()), kRoutes[r].data(), status.c_str(),
                          static_cast<unsigned long long>(n));
            out += line;
        }
    out += "# HELP medsearch_http_request_duration_seconds Time from a whole request read to its answer written.\n"
           "# TYPE medsearch_http_request_duration_seconds histogram\n";
    for (std::size_t r = 0; r < kRoutes.size(); ++r) {
        std::uint64_t cumulative = 0;
        const int rl = static_cast<int>(kRoutes[r].size());
        const char* rd = kRoutes[r].data();
        for (std::size_t b = 0; b <= kBuckets.size(); ++b) {
            cumulative += buckets_[r][b].load(std::memory_order_relaxed);
            if (b < kBuckets.size())
                std::snprintf(line, sizeof line,
                              "medsearch_http_request_duration_seconds_bucket{route=\"%.*s\",le=\"%g\"} %llu\n", rl, rd,
                              kBuckets[b], static_cast<unsigned long long>(cumulative));
            else
                std::snprintf(line, sizeof line,
                              "medsearch_http_request_duration_seconds_bucket{route=\"%.*s\",le=\"+Inf\"} %llu\n", rl,
                              rd, static_cast<unsigned long long>(cumulative));
            out += line;
        }
        std::snprintf(line, sizeof line,
                      "medsearch_http_request_duration_seconds_sum{route=\"%.*s\"} %.6f\n"
                      "medsearch_http_request_duration_seconds_count{route=\"%.*s\"} %llu\n",
                      rl, rd, static_cast<double>(micros_[r].load(std::memory_order_relaxed)) / 1e6, rl, rd,
                      static_cast<unsigned long long>(cumulative));
        out += line;
    }
    std::snprintf(line, sizeof line,
                  "# HELP medsearch_cache_hits_total Answers served from the response cache.\n"
                  "# TYPE medsearch_cache_hits_total counter\nmedsearch_cache_hits_total %llu\n"
                  "# HELP medsearch_cache_misses_total Cacheable requests the cache did not have.\n"
                  "# TYPE medsearch_cache_misses_total counter\nmedsearch_cache_misses_total %llu\n"
                  "# HELP medsearch_search_zero_results_total Searches answered with no result (total 0).\n"
                  "# TYPE medsearch_search_zero_results_total counter\nmedsearch_search_zero_results_total %llu\n",
                  static_cast<unsigned long long>(cache_hits_.load(std::memory_order_relaxed)),
                  static_cast<unsigned long long>(cache_misses_.load(std::memory_order_relaxed)),
                  static_cast<unsigned long long>(zero_results_.load(std::memory_order_relaxed)));
    out += line;
}

}  // namespace medsearch
