#pragma once
// Searchers for the worker threads: a request leases one for its duration, so
// it sees one index generation from start to end. Xapian objects are not
// thread-safe: a searcher is used by one request at a time.

#include "lexicon/snapshot.hpp"

#include "medsearch/common/result.hpp"
#include "medsearch/server/searcher.hpp"

#include <memory>
#include <mutex>
#include <vector>

namespace medsearch {

class SearcherPool {
  public:
    explicit SearcherPool(SearchSettings settings);

    class Lease {
      public:
        Lease(SearcherPool& pool, std::unique_ptr<Searcher> searcher);
        Lease(Lease&&) = default;
        ~Lease();
        Searcher& operator*() { return *searcher_; }
        Searcher* operator->() { return searcher_.get(); }

      private:
        SearcherPool* pool_;
        std::unique_ptr<Searcher> searcher_;
    };

    // A searcher on `snapshot` (the generation the request was read against).
    Result<Lease> acquire(const std::shared_ptr<const Snapshot>& snapshot);

  private:
    SearchSettings settings_;
    std::mutex mutex_;
    std::vector<std::unique_ptr<Searcher>> idle_;
};

}  // namespace medsearch
