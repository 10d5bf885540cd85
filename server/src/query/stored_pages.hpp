#pragma once
// The stored pages of hits, decoded and kept for every searcher of one
// generation. The pages people look for come back in answer after answer, and
// reading one costs Xapian block reads and a Zstandard decode. Kept up to a
// byte budget, the least recently read leaving first. Thread-safe.

#include "medsearch/common/lru_cache.hpp"
#include "medsearch/common/monograph.hpp"

#include <xapian.h>

#include <cstddef>
#include <memory>
#include <string>

namespace medsearch {

struct DecodedPage {
    std::string text;      // what `page` views
    StoredPageView page;
};

class StoredPages {
  public:
    // For the database at `revision`; searchers of another revision read
    // without the pages kept (document ids may name other pages there).
    StoredPages(std::size_t max_bytes, Xapian::rev revision) : kept_(max_bytes), revision_(revision) {}

    // The page of the hit `match` of a search of `db`, or nullptr when its
    // document is not a medsearch page. Held by the caller, it stays valid
    // when another thread's reads push it out.
    std::shared_ptr<const DecodedPage> read(const Xapian::Database& db, const Xapian::MSetIterator& match,
                                            const PageCodec& codec);

    std::size_t kept_bytes() const { return kept_.bytes(); }
    std::size_t kept_pages() const { return kept_.size(); }

  private:
    LruCache<Xapian::docid, std::shared_ptr<const DecodedPage>> kept_;
    const Xapian::rev revision_;
};

}  // namespace medsearch
