#include "http/response_cache.hpp"

namespace medsearch {

std::optional<std::string> ResponseCache::get(const std::string& key, std::optional<LoggedSearch>* search) {
    std::lock_guard lock(mutex_);
    auto it = index_.find(key);
    if (it == index_.end()) return std::nullopt;
    entries_.splice(entries_.begin(), entries_, it->second);
    if (search) *search = it->second->search;
    return it->second->body;
}

void ResponseCache::put(const std::string& key, std::string body, std::optional<LoggedSearch> search) {
    Entry entry{key, std::move(body), std::move(search)};
    std::size_t size = entry.size();
    if (size > max_bytes_ / 8) return;  // a few huge answers would push out many small ones
    std::lock_guard lock(mutex_);
    if (auto it = index_.find(key); it != index_.end()) {
        bytes_ -= it->second->size();
        entries_.erase(it->second);
        index_.erase(it);
    }
    entries_.push_front(std::move(entry));
    index_.emplace(key, entries_.begin());
    bytes_ += size;
    while (bytes_ > max_bytes_ && !entries_.empty()) {
        const auto& last = entries_.back();
        bytes_ -= last.size();
        index_.erase(last.key);
        entries_.pop_back();
    }
}

std::size_t ResponseCache::bytes() const {
    std::lock_guard lock(mutex_);
    return bytes_;
}


}  // namespace medsearch
