#pragma once
// The vocabulary of an index: each word of the pages' default field, as
// written, with the number of pages that have it. Words as written (but
// numbers) are indexed only where phrases need their positions
// (docs/schema.md); the searcher's
// spelling correction needs them all, so the indexer keeps them here, in the
// index's metadata.

#include "medsearch/common/result.hpp"

#include <cstdint>
#include <map>
#include <string>
#include <string_view>

namespace medsearch {

using Vocabulary = std::map<std::string, std::uint32_t>;  // sorted: its encoding is deterministic

// The stored form (schema::kMetaVocabulary, docs/schema.md); decoding fails
// on a value that is not a vocabulary, naming the key.
std::string encode_vocabulary(const Vocabulary& vocabulary);
Result<Vocabulary> decode_vocabulary(std::string_view data);

// `from` - `words`, once each; words no page has any more are dropped.
void remove_words(Vocabulary& from, const auto& words) {
    for (const auto& word : words) {
        auto it = from.find(word);
        if (it == from.end()) continue;
        if (--it->second == 0) from.erase(it);
    }
}

}  // namespace medsearch
