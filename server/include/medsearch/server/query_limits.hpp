#pragma once
// What one request may ask of the searcher: the cost model of the query path
// (docs/reliability.md). Each bound keeps the slowest and largest request
// small whatever is typed; past a bound the request is refused (400) or
// answered in part (SearchPage::partial), never slowly.

#include <chrono>
#include <cstddef>

namespace medsearch {

inline constexpr std::size_t kMaxQueryBytes = 1024;
inline constexpr unsigned kMaxLimit = 100;
inline constexpr unsigned kMaxOffset = 10000;
inline constexpr unsigned kMaxSuggestLimit = 50;
// Filters of one search, and values of one filter: more than the facts a
// page has (facets.hpp), so no real narrowing is refused.
inline constexpr std::size_t kMaxFilters = 8;
inline constexpr std::size_t kMaxFilterValues = 16;
// Memory each searcher keeps between searches of the sets of frequent terms'
// postings, from which facets are counted (query/match_set.hpp).
inline constexpr std::size_t kMatchSetCacheBytes = std::size_t{4} << 20;
// Memory the searchers of a generation share for the pages of recent hits,
// decoded (query/stored_pages.hpp): about the decoded pages of rxhive.
inline constexpr std::size_t kStoredPageCacheBytes = std::size_t{32} << 20;
// Words of a query that are read and matched; later ones are left out and the
// answer is marked partial. Far more than anyone types into a search box.
inline constexpr std::size_t kMaxQueryWords = 32;
// A word longer than this is searched as typed, never corrected or completed:
// no drug name is that long, and the typo index's cost grows with it.
inline constexpr std::size_t kMaxFuzzyWordBytes = 64;
// Terms the wildcards of a query ("amox*") may stand for together, the most
// frequent ones, shared among them; a wildcard stands for at least
// kMinWildcardTerms; wildcards past kMaxWildcards are read as the words typed.
inline constexpr unsigned kMaxWildcardTerms = 50;
inline constexpr unsigned kMinWildcardTerms = 5;
inline constexpr std::size_t kMaxWildcards = kMaxWildcardTerms / kMinWildcardTerms;
// Matches the ranked match weighs, every one, before it lets Xapian prune
// (query/match.cpp): an index of up to this many pages answers exactly, and a
// broad query on a larger one costs no more than this many pages' weights.
inline constexpr unsigned kMaxWeighedMatches = 10000;
// The search deadline's default and range are in medsearch/common/defaults.hpp.

}  // namespace medsearch
