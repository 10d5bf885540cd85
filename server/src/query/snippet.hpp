#pragma once
// The fifth stage of a search, for each hit: a snippet of the chosen section
// around where the query's words are, with them in <mark>...</mark>, the
// page's text HTML-escaped.

#include <xapian.h>

#include <string>
#include <string_view>

namespace medsearch {

// Up to `bytes` of `text` around byte `focus`, as Xapian's MSet::snippet
// chooses and marks them (with the stems `mset`'s query has).
std::string make_snippet(const Xapian::MSet& mset, std::string_view text, std::size_t focus, unsigned bytes,
                         const Xapian::Stem& stem);

}  // namespace medsearch
