#pragma once
// Words of a text (TermWords, text_analysis.hpp) -> terms of a document, as
// Xapian's TermGenerator makes them with STEM_SOME and a stopper (so that
// QueryParser finds them), in one pass for the default field, a field of its
// own and the section bits of the stems (schema::kWdfUnit), with a cache of
// stems. TermGenerator takes a pass per field and stems every word each
// time; this was a third of a build's time. test_text_indexer.cpp checks
// that both give the same terms (but for words as written outside
// positional fields, which only the vocabulary keeps).

#include "medsearch/common/vocabulary.hpp"

#include <xapian.h>

#include <cstdint>
#include <set>
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

    // Occurrences count kWdfUnit each in the wdf of a term (schema.hpp).
    struct Field {
        Xapian::termcount wdf = 1;       // occurrences per word in the default field (0: not indexed there)
        bool positions = false;          // the default field's words as written, with positions
        std::string_view prefix;         // a field of its own: words as written, with positions
        std::string_view stemmed_prefix; // a field of its own: stemmed words only ("Z" + prefix + stem)
        Xapian::termcount section_bit = 0;  // set in the wdf of the default field's stems
    };

    // Call before indexing each page: the vocabulary counts pages.
    void start_page();
    // Takes the page indexed since start_page() out of the vocabulary: a page
    // that is not stored after all. Walks every word seen: for the rare page.
    void drop_page();

    // Indexes `text` into `doc` from position `start`; returns the next position.
    // In the default field, words get their stem ("Z" + stem) and, with
    // positions, themselves too; words without a stem (numbers) get
    // themselves everywhere. Each also counts in the vocabulary.
    // Text past kMaxPageLength units of a page is left out: wdfs and
    // document lengths are 32-bit in Xapian.
    Xapian::termpos index(Xapian::Document& doc, std::string_view text, const Field& field, Xapian::termpos start);

    // Adds the section bits of the page's search terms (stems, and words
    // without one) to their wdfs: once per page, after its last index().
    void finish_page(Xapian::Document& doc);

    static constexpr std::uint64_t kMaxPageLength = std::uint64_t{1} << 30;

    // The default field's words of the pages indexed so far, with the number
    // of pages that have each.
    void add_vocabulary_to(Vocabulary& vocabulary) const;

    // The words `index` would find in `text`.
    void add_words_to(std::string_view text, std::set<std::string>& words);
    // The stems of those that have one.
    void add_stems_to(std::string_view text, std::set<std::string>& stems);

  private:
    // The term a query looks a word up by in the default field: "Z" + its
    // stem, or the word itself when it has no stem (numbers).
    struct SearchTerm {
        std::string stem;  // empty: no stem
        std::string term;
        std::uint32_t page = 0;          // the last page whose sections it was seen in
        Xapian::termcount sections = 0;  // the bits of that page's sections that have it
    };
    struct Word {
        SearchTerm* search = nullptr;
        std::uint32_t page = 0;   // the last page that had it in the default field
        std::uint32_t pages = 0;  // how many pages did
    };
    Word& word_info(const std::string& word);
    template <typename OnWord>
    void scan(std::string_view text, OnWord&& on_word);

    Xapian::Stem stemmer_;
    std::unordered_set<std::string> stopwords_;
    std::unordered_map<std::string, Word> words_;  // every word seen: its stem, and the vocabulary
    std::unordered_map<std::string, SearchTerm> search_terms_;  // by term; nodes: Word::search stays valid
    std::vector<SearchTerm*> page_terms_;                      // the page's search terms with section bits
    std::uint64_t page_length_ = 0;                // units added to the page so far
    std::uint32_t page_ = 0;
    std::string term_;  // scratch, to avoid allocations
};

}  // namespace medsearch
