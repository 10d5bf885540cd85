#include "medsearch/indexer/text_indexer.hpp"

#include "medsearch/common/schema.hpp"
#include "medsearch/common/text_analysis.hpp"

namespace medsearch {

TextIndexer::TextIndexer(const std::vector<std::string>& stopwords)
    : stemmer_(schema::make_stemmer()), stopwords_(stopwords.begin(), stopwords.end()) {}

TextIndexer::Word& TextIndexer::word_info(const std::string& word) {
    auto it = words_.find(word);
    if (it == words_.end()) {
        SearchTerm search;
        bool stemmed = starts_with_letter(word);  // as TermGenerator's STEM_SOME
        if (stemmed) search.stem = stemmer_(word);
        search.term = schema::search_term("", stemmed ? search.stem : word, stemmed);
        auto found = search_terms_.find(search.term);
        if (found == search_terms_.end()) found = search_terms_.emplace(search.term, std::move(search)).first;
        it = words_.emplace(word, Word{&found->second}).first;
    }
    return it->second;
}

template <typename OnWord>
void TextIndexer::scan(std::string_view text, OnWord&& on_word) {
    std::string word;
    for (TermWords words(text, stopwords_); words.next(word);) on_word(word);
}

void TextIndexer::start_page() {
    ++page_;
    page_length_ = 0;
    page_terms_.clear();
}

void TextIndexer::drop_page() {
    for (auto& [word, info] : words_)
        if (info.page == page_) {
            info.page = 0;
            --info.pages;
        }
    page_terms_.clear();
}

Xapian::termpos TextIndexer::index(Xapian::Document& doc, std::string_view text, const Field& field,
                                   Xapian::termpos position) {
    constexpr auto unit = schema::kWdfUnit;
    const Xapian::termcount occurrence = field.wdf * unit;
    // The most one word adds to the page's length.
    const std::uint64_t most = occurrence * 2 + unit * 3;
    scan(text, [&](const std::string& word) {
        if (page_length_ + most > kMaxPageLength) {
            page_length_ = kMaxPageLength;  // and the rest of the page is left out
            return;
        }
        ++position;
        auto& info = word_info(word);
        auto& search = *info.search;
        bool stemmed = !search.stem.empty();
        if (field.wdf > 0) {
            if (info.page != page_) {  // the vocabulary counts pages, not occurrences
                info.page = page_;
                ++info.pages;
            }
            auto terms = default_field_terms(stemmed, field.positions);
            if (terms.as_written) {
                doc.add_posting(word, position, occurrence);
                page_length_ += occurrence;
            }
            if (terms.search_term) {
                doc.add_term(search.term, occurrence);
                page_length_ += occurrence;
            }
            if (field.section_bit != 0) {
                if (search.page != page_) {
                    search.page = page_;
                    search.sections = 0;
                    page_terms_.push_back(&search);
                }
                search.sections |= field.section_bit;
            }
        }
        if (!field.prefix.empty()) {
            term_.assign(field.prefix);
            term_ += word;
            doc.add_posting(term_, position, unit);
            page_length_ += unit;
            if (stemmed) {
                term_.assign("Z");
                term_.append(field.prefix);
                term_ += search.stem;
                doc.add_term(term_, unit);
                page_length_ += unit;
            }
        }
        if (!field.stemmed_prefix.empty() && stemmed) {
            term_.assign("Z");
            term_.append(field.stemmed_prefix);
            term_ += search.stem;
            doc.add_term(term_, unit);
            page_length_ += unit;
        }
    });
    return position;
}

// Each search term had an occurrence (kWdfUnit or more) on the page: its
// bits, below the unit, are added once and never carry into the count.
void TextIndexer::finish_page(Xapian::Document& doc) {
    for (const auto* search : page_terms_) doc.add_term(search->term, search->sections);
    page_terms_.clear();
}

void TextIndexer::add_vocabulary_to(Vocabulary& vocabulary) const {
    for (const auto& [word, info] : words_)
        if (info.pages > 0) vocabulary[word] += info.pages;
}

void TextIndexer::add_words_to(std::string_view text, std::set<std::string>& words) {
    scan(text, [&](const std::string& word) { words.insert(word); });
}

void TextIndexer::add_stems_to(std::string_view text, std::set<std::string>& stems) {
    scan(text, [&](const std::string& word) {
        const auto& stem = word_info(word).search->stem;
        if (!stem.empty()) stems.insert(stem);
    });
}

}  // namespace medsearch
