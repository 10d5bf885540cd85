#pragma once
// Drug names as they sound: every word of the pages' drug names and of the
// brands and other names of the synonyms, by sound_key(), so that a name
// spelled by ear ("fentermine", "jentamisin", "kloroquin") finds the name
// it sounds like. Only drug names and brands: an everyday word is never read
// as one. Candidates come from the key's consonants (vowels are what ears
// get wrong most), each within one deletion, then sound_distance() decides.

#include "lexicon/drug_lexicon.hpp"
#include "lexicon/synonym_index.hpp"

#include <algorithm>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace medsearch {

class PhoneticIndex {
  public:
    struct Entry {
        std::string text;          // the word as the names write it
        std::string key;           // sound_key(text)
        std::uint32_t pages = 0;   // pages with a name of this word: popularity
        bool brand = false;        // a word of a brand, not of the pages' names
    };
    struct Match {
        const Entry* entry = nullptr;
        double sound = 0;  // sound_distance() of the keys
        int plain = 0;     // plain edits (osa_distance), at most allowed_typos() + 1
        double distance() const { return std::min(sound, static_cast<double>(plain)); }
    };

    PhoneticIndex() = default;
    PhoneticIndex(const DrugLexicon& names, const SynonymIndex& synonyms);

    // Words within sight of `typed` (a lower-case word): reach() and half an
    // edit more, closest first, then the most popular.
    std::vector<Match> lookup(std::string_view typed, std::size_t limit) const;

    // How far in sound a word of this many letters may be from the name it
    // is read as without asking: a vowel for short words, more for longer
    // ones (plain typos are allowed_typos()).
    static double reach(std::size_t letters);

  private:
    std::vector<Entry> entries_;
    std::vector<std::pair<std::uint64_t, std::uint32_t>> skeletons_;  // hash of a skeleton or its deletion -> entry
    std::size_t longest_ = 0;
};

}  // namespace medsearch
