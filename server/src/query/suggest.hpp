#pragma once
// Completions for a search-as-you-type box (GET /suggest): what starts with
// what was typed, else what sounds like it, else what the last word read as
// a misspelling starts.

#include "lexicon/snapshot.hpp"

#include "medsearch/server/searcher.hpp"

namespace medsearch {

// The suggestions and correction of `page` for `request` (valid).
void suggest_completions(const SuggestRequest& request, const Snapshot& snapshot, SuggestPage& page);

}  // namespace medsearch
