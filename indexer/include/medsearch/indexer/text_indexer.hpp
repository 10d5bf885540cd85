#pragma once
// Words of a text -> terms of a document, as Xapian's TermGenerator makes them
// with STEM_SOME and a stopper (so that QueryParser finds them), in one pass
// for the default field and a section field, with a cache of stems.
// TermGenerator takes two passes for that and stems every word each time;
// this was a third of a build's time. test_text_indexer.cpp checks that both
// give the same terms.

#include <xapian.h>

#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

namespace medsearch {

// Not thread-safe: one per indexing thread.
class TextIndexer {
  public:
    explicit TextIndexer(const std::vector<std::string>& stopwords);

    struct Field {
        Xapian::termcount wdf = 1;       // wdf of each word in the default field (0: not indexed there)
        bool positions = false;          // positions of the default field's words
        std::string_view prefix;         // a field of its own: words as written, with positions
        std::string_view stemmed_prefix; // a field of its own: stemmed words only ("Z" + prefix + stem)
    };

    // Indexes `text` into `doc` from position `start`; returns the next position.
    Xapian::termpos index(Xapian::Document& doc, std::string_view text, const Field& field, Xapian::termpos start);

  private:
    const std::string& stem(const std::string& word);

    Xapian::Stem stemmer_;
    std::unordered_set<std::string> stopwords_;
    std::unordered_map<std::string, std::string> stems_;  // word -> stem
    std::string term_;                                    // scratch, to avoid allocations
};

}  // namespace medsearch
