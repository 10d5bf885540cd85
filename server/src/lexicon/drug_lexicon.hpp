#pragma once
// The drug names of a generation: every name of every ingredient of the
// pages, with how many pages have it and the page it opens; looked up as
// typed, by salt-free name, by start and by sound.

#include "lexicon/page_catalog.hpp"

#include <algorithm>
#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <vector>

namespace medsearch {

// A drug name of the lexicon: the name of an ingredient of at least one page.
struct DrugName {
    std::string key;          // name_key(): "clavulanic acid"
    std::string display;      // as a title writes it: "Clavulanic Acid"
    std::uint32_t pages = 0;  // pages with it as an ingredient: popularity
    int own_page = -1;        // catalog index of the page of just this drug, or -1
    int best_page = -1;       // the page with the fewest ingredients that has it
};

class DrugLexicon {
  public:
    DrugLexicon() = default;
    explicit DrugLexicon(const PageCatalog& pages);

    const std::vector<DrugName>& all() const { return names_; }  // sorted by key
    std::size_t index_of(const DrugName& name) const { return static_cast<std::size_t>(&name - names_.data()); }
    const DrugName* find(std::string_view key) const;
    // The most popular name whose salt-free key is `base`.
    const DrugName* find_by_base(std::string_view base) const;
    // Names starting with `prefix` (whole name_key), most popular first.
    std::vector<const DrugName*> with_prefix(std::string_view prefix, std::size_t limit) const;
    // The same, comparing sound-alike keys ("amitryp" finds amitriptyline).
    std::vector<const DrugName*> sounding_like(std::string_view prefix, std::size_t limit) const;
    std::size_t longest_words() const { return longest_words_; }
    // A word of a drug name of the pages.
    bool is_drug_word(std::string_view word) const { return words_.count(std::string(word)) > 0; }

  private:
    std::vector<DrugName> names_;  // sorted by key
    std::vector<std::pair<std::string, std::uint32_t>> by_sound_;  // phonetic_phrase(key) -> name
    std::unordered_map<std::string, std::uint32_t> by_key_;
    std::unordered_map<std::string, std::uint32_t> by_base_;
    std::unordered_set<std::string> words_;
    std::size_t longest_words_ = 1;
};

// Entries of `sorted` (pairs of key and id, sorted by key) whose key starts with prefix.
template <typename Id>
std::vector<Id> ids_with_prefix(const std::vector<std::pair<std::string, Id>>& sorted, std::string_view prefix) {
    std::vector<Id> ids;
    auto first = std::lower_bound(sorted.begin(), sorted.end(), prefix,
                                  [](const auto& entry, std::string_view p) { return entry.first < p; });
    for (auto it = first; it != sorted.end() && std::string_view(it->first).starts_with(prefix); ++it)
        ids.push_back(it->second);
    return ids;
}

// Words in a name_key(): "clavulanic acid" has 2.
std::size_t word_count(std::string_view key);

}  // namespace medsearch
