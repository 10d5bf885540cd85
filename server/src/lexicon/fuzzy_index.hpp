#pragma once
// Typo-tolerant word lookup (symmetric-delete, as in SymSpell): every word's
// sound-alike key is stored with its deletions, so that candidates within an
// edit distance are found by a few binary searches instead of a scan.

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace medsearch {

class FuzzyIndex {
  public:
    struct Word {
        std::string text;
        std::uint32_t weight = 0;  // popularity: pages naming it, or pages containing it
        bool drug_name = false;    // a word of a drug name (preferred over other words)
        int max_edits = 1;         // deletions stored: how far a typo may be
    };
    struct Match {
        const Word* word = nullptr;
        int distance = 0;          // edits, counting sound-alike spellings as free
        int raw_distance = 0;      // plain edits
    };

    FuzzyIndex() = default;
    explicit FuzzyIndex(std::vector<Word> words);

    // Words within allowed_typos(typed.size()) edits, best first: fewest edits,
    // drug names before other words, then the most popular. None for a word
    // longer than any word within reach or than kMaxFuzzyWordBytes.
    std::vector<Match> lookup(std::string_view typed, std::size_t limit) const;


  private:
    std::vector<Word> words_;
    std::size_t longest_ = 0;  // bytes of the longest word
    std::vector<std::string> keys_;  // phonetic_key() of each word
    std::vector<std::pair<std::uint64_t, std::uint32_t>> deletes_;  // hash of a deletion -> word
};

}  // namespace medsearch
