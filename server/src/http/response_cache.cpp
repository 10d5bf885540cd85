#include "http/response_cache.hpp"

namespace medsearch {

std::optional<std::string> ResponseCache::get(const std::string& key, std::optional<LoggedSearch>* search) {
    auto kept = kept_.find(key);
    if (!kept) return std::nullopt;
    if (search) *search = std::move(kept->search);
    return std::move(kept->body);
}

void ResponseCache::put(const std::string& key, std::string body, std::optional<LoggedSearch> search) {
    std::size_t size = key.size() + body.size() + (search ? search->query.size() : 0);
    if (size > max_bytes_ / 8) return;  // a few huge answers would push out many small ones
    kept_.put(key, Kept{std::move(body), std::move(search)}, size);
}

std::size_t ResponseCache::bytes() const { return kept_.bytes(); }

}  // namespace medsearch
