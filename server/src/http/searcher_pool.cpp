#include "http/searcher_pool.hpp"

#include <xapian.h>

namespace medsearch {

SearcherPool::SearcherPool(SearchSettings settings) : settings_(std::move(settings)) {}

SearcherPool::Lease::Lease(SearcherPool& pool, std::unique_ptr<Searcher> searcher)
    : pool_(&pool), searcher_(std::move(searcher)) {}

SearcherPool::Lease::~Lease() {
    if (!searcher_) return;
    std::lock_guard lock(pool_->mutex_);
    pool_->idle_.push_back(std::move(searcher_));
}

Result<SearcherPool::Lease> SearcherPool::acquire(const std::shared_ptr<const Snapshot>& snapshot) {
    std::unique_ptr<Searcher> searcher;
    {
        std::lock_guard lock(mutex_);
        if (!idle_.empty()) {
            searcher = std::move(idle_.back());
            idle_.pop_back();
        }
    }
    if (!searcher) {
        try {
            searcher = std::make_unique<Searcher>(snapshot, settings_);
        } catch (const Xapian::Error& e) {
            return Error{Errc::index, e.get_description()};
        }
    } else {
        auto switched = searcher->use(snapshot);
        if (!switched) return switched.error();
    }
    return Lease(*this, std::move(searcher));
}

}  // namespace medsearch
