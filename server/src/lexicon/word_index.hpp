#pragma once
// The words a generation knows besides drug names: the pages' vocabulary with
// how many pages have each word, stopwords, English words, and what the typo
// index looks misspellings up among.

#include "lexicon/drug_lexicon.hpp"
#include "lexicon/fuzzy_index.hpp"
#include "lexicon/synonym_index.hpp"

#include <xapian.h>

#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_set>
#include <utility>
#include <vector>

namespace medsearch {

class WordIndex {
  public:
    WordIndex() = default;
    // The words of the database's metadata, of the names and of the synonyms;
    // `typo_words` gets the words a misspelling may be read as.
    WordIndex(const Xapian::Database& db, const DrugLexicon& names, const SynonymIndex& synonyms,
              std::vector<FuzzyIndex::Word>& typo_words);

    // A word of a drug name, a synonym, or a word found on three or more pages.
    bool is_known_word(std::string_view word) const { return known_.count(std::string(word)) > 0; }
    // A word of the English dictionaries the index was built with.
    bool is_english_word(std::string_view word) const { return english_.count(std::string(word)) > 0; }
    bool is_stopword(std::string_view word) const { return stopword_set_.count(std::string(word)) > 0; }
    const std::vector<std::string>& stopwords() const { return stopwords_; }
    // The page's word starting with `prefix` that most pages have (empty when
    // none does), and how many pages have it; `drug` says whether only words of
    // drug names (`names`) are wanted.
    std::pair<std::string_view, std::uint32_t> commonest_with_prefix(std::string_view prefix, bool drug,
                                                                     const DrugLexicon& names) const;
    // How many pages have the word (0 for a word of none).
    std::uint32_t pages_with(std::string_view word) const;

  private:
    std::unordered_set<std::string> known_;
    std::unordered_set<std::string> english_;
    std::vector<std::pair<std::string, std::uint32_t>> vocabulary_;  // sorted: word -> pages
    std::unordered_set<std::string> stopword_set_;
    std::vector<std::string> stopwords_;
};

}  // namespace medsearch
