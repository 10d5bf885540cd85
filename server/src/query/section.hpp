#pragma once
// The fourth stage of a search, for each hit: which section of the page
// answers the query, and where in it the snippet should be. The section the
// query asked for when the page has it; else the section with most of the
// query's own words; else what the drug is for.

#include "lexicon/snapshot.hpp"
#include "query/plan.hpp"

#include "medsearch/common/monograph.hpp"

#include <xapian.h>

#include <array>
#include <string>
#include <string_view>
#include <vector>

namespace medsearch {

// Plain-text words of the query, lower case, found in a section's text by
// word or by stem.
class SectionScorer {
  public:
    SectionScorer(const std::vector<std::string>& words, const Xapian::Stem& stem);

    struct Score {
        int words = 0;          // distinct query words found (by word or by stem)
        std::size_t focus = 0;  // byte offset of the first of them
    };
    Score score(std::string_view text, const Xapian::Stem& stem) const;

  private:
    struct Key {
        std::string word;
        std::string stem;
    };
    bool matches(std::string_view word, const Key& key, const Xapian::Stem& stem, std::string& token) const;

    std::vector<Key> keys_;
    std::array<bool, 256> first_letters_{};  // first letters of the words and stems
};

// What chooses a hit's section: the query's own words that are not drug
// names (those are everywhere on the page), not the words asking for the
// section, nor stopwords; and the drug names, to place the snippet in a
// section asked for that has no word of the query.
struct SectionWords {
    SectionWords(const QueryPlan& plan, const Snapshot& snapshot, const Xapian::Stem& stem);
    SectionScorer words;
    SectionScorer names;
};

struct SectionChoice {
    const StoredPageView::SectionView* section = nullptr;
    std::size_t focus = 0;  // where in its text the snippet should be
};

SectionChoice choose_section(const StoredPageView& page, const QueryPlan& plan, const SectionWords& words,
                             const Xapian::Stem& stem);

}  // namespace medsearch
