#pragma once
// Values kept by key within a byte budget, the least recently used leaving
// first. Thread-safe; `find` hands out a copy, so a value stays valid for its
// reader when another thread pushes it out (keep large values behind a
// shared_ptr).

#include <cstddef>
#include <list>
#include <mutex>
#include <optional>
#include <unordered_map>

namespace medsearch {

template <typename Key, typename Value>
class LruCache {
  public:
    explicit LruCache(std::size_t max_bytes) : max_bytes_(max_bytes) {}

    std::optional<Value> find(const Key& key) {
        std::lock_guard lock(mutex_);
        auto it = index_.find(key);
        if (it == index_.end()) return std::nullopt;
        entries_.splice(entries_.begin(), entries_, it->second);
        return it->second->value;
    }

    // Keeps `value`, counted as `bytes`, in place of any value of `key`; a
    // value larger than the whole budget is not kept.
    void put(const Key& key, Value value, std::size_t bytes) {
        if (bytes > max_bytes_) return;
        std::lock_guard lock(mutex_);
        if (auto it = index_.find(key); it != index_.end()) {
            bytes_ -= it->second->bytes;
            entries_.erase(it->second);
            index_.erase(it);
        }
        entries_.push_front(Entry{key, std::move(value), bytes});
        index_.emplace(key, entries_.begin());
        bytes_ += bytes;
        while (bytes_ > max_bytes_) {  // never the entry just kept: it fits alone
            bytes_ -= entries_.back().bytes;
            index_.erase(entries_.back().key);
            entries_.pop_back();
        }
    }

    std::size_t bytes() const {
        std::lock_guard lock(mutex_);
        return bytes_;
    }
    std::size_t size() const {
        std::lock_guard lock(mutex_);
        return index_.size();
    }

  private:
    struct Entry {
        Key key;
        Value value;
        std::size_t bytes;
    };
    const std::size_t max_bytes_;
    mutable std::mutex mutex_;
    std::list<Entry> entries_;  // most recently used first
    std::unordered_map<Key, typename std::list<Entry>::iterator> index_;
    std::size_t bytes_ = 0;
};

}  // namespace medsearch
