#pragma once
// Answers recently given, reused for the same request on the same index
// generation: a search box sends the same few prefixes and names all day.
// Bounded by bytes, least recently used first out. Thread-safe.

#include "medsearch/common/lru_cache.hpp"
#include "medsearch/server/query_log.hpp"

#include <cstddef>
#include <optional>
#include <string>

namespace medsearch {

class ResponseCache {
  public:
    explicit ResponseCache(std::size_t max_bytes) : max_bytes_(max_bytes), kept_(max_bytes) {}

    // The body kept for `key`; `search`, when given, gets what the query log
    // and the metrics need of a search answer kept with it.
    std::optional<std::string> get(const std::string& key, std::optional<LoggedSearch>* search = nullptr);
    void put(const std::string& key, std::string body, std::optional<LoggedSearch> search = {});

    std::size_t bytes() const;

  private:
    struct Kept {
        std::string body;
        std::optional<LoggedSearch> search;
    };
    std::size_t max_bytes_;
    LruCache<std::string, Kept> kept_;
};

}  // namespace medsearch
