#pragma once
// What a search-as-you-type box offers for what has been typed: drug names
// and titles, brands and other names, kinds of medicine and conditions,
// found by their start or by how the start sounds.

#include "lexicon/drug_lexicon.hpp"
#include "lexicon/page_catalog.hpp"
#include "lexicon/synonym_index.hpp"
#include "lexicon/topic_index.hpp"

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace medsearch {

// What a suggestion points at.
struct SuggestEntry {
    std::string key;        // matched against what is typed (name_key form)
    std::string label;      // shown: "Paracetamol", "Amitriptyline + Ketamine"
    std::string detail;     // "brand of Paracetamol", "other name for Salbutamol", ""
    std::string_view kind;  // "drug", "combination", "brand", "other-name", "class", "condition"
    int page = -1;          // catalog index of the page it opens, or -1 for a topic
    std::uint32_t rank = 0;  // smaller first: see the constructor
    const TopicEntry* topic = nullptr;  // a kind of medicine or a condition: a search, not a page
};

class SuggestionIndex {
  public:
    SuggestionIndex() = default;
    // Ranks by class, single drugs first, then other names, brands and
    // topics, then combinations; within a class the more popular and the
    // shorter first. `topics` must outlive the index.
    SuggestionIndex(const PageCatalog& pages, const DrugLexicon& names, const SynonymIndex& synonyms,
                    const TopicIndex& topics);

    // Suggestions whose key starts with `prefix`, best first; one per page.
    std::vector<const SuggestEntry*> starting_with(std::string_view prefix, std::size_t limit) const;
    // The same, comparing sound-alike keys.
    std::vector<const SuggestEntry*> sounding_like(std::string_view prefix, std::size_t limit) const;

  private:
    void add_names(const PageCatalog& pages, const DrugLexicon& names);
    void add_titles(const PageCatalog& pages, const DrugLexicon& names);
    void add_other_names(const PageCatalog& pages, const DrugLexicon& names, const SynonymIndex& synonyms);
    void add_topics(const TopicIndex& topics);

    std::vector<SuggestEntry> entries_;  // sorted by key, then rank
    std::vector<std::pair<std::string, std::uint32_t>> by_sound_;
};

}  // namespace medsearch
