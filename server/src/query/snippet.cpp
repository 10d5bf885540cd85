#include "query/snippet.hpp"

#include <algorithm>

namespace medsearch {

// MSet::snippet stems every word it is given, so it gets the part of the
// section around `focus`, a few snippet lengths, not a whole section. No
// background model: it looks up the frequency of every word of the text in
// the index, most of a query's time.
std::string make_snippet(const Xapian::MSet& mset, std::string_view text, std::size_t focus, unsigned bytes,
                         const Xapian::Stem& stem) {
    std::size_t begin = focus > bytes / 4 ? focus - bytes / 4 : 0;
    if (begin > 0) {
        auto space = text.find_last_of(" \n", begin);
        begin = space == std::string_view::npos ? 0 : space + 1;
    }
    std::size_t end = std::min(text.size(), begin + 5 * static_cast<std::size_t>(bytes) / 4);
    if (end < text.size()) {
        auto space = text.find_first_of(" \n", end);
        end = space == std::string_view::npos ? text.size() : space;
    }
    const std::string omit = "…";
    auto snippet = mset.snippet(std::string(text.substr(begin, end - begin)), bytes, stem,
                                Xapian::MSet::SNIPPET_EXHAUSTIVE, "<mark>", "</mark>", omit);
    // List items and paragraphs are lines of the stored text; one line here.
    for (auto at = snippet.find('\n'); at != std::string::npos; at = snippet.find('\n', at))
        snippet.replace(at, 1, " · ");
    if (begin > 0 && !snippet.starts_with(omit)) snippet.insert(0, omit);
    if (end < text.size() && !snippet.ends_with(omit)) snippet += omit;
    return snippet;
}

}  // namespace medsearch
