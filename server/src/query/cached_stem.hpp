#pragma once
// A stemmer that remembers the stems it made: snippets and the choice of a
// snippet's section stem the same page words query after query, and a
// Snowball stem costs far more than a lookup.

#include <xapian.h>

#include <cstddef>

namespace medsearch {

// The stems of `stemmer`, the same for every word, kept for up to
// `max_words` words (then forgotten all at once). Not thread-safe, like any
// Xapian::Stem: one per searcher; its copies share the one cache.
Xapian::Stem make_cached_stemmer(const Xapian::Stem& stemmer, std::size_t max_words = 32768);

}  // namespace medsearch
