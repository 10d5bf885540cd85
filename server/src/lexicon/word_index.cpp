#include "lexicon/word_index.hpp"

#include "medsearch/common/schema.hpp"
#include "medsearch/common/text.hpp"
#include "medsearch/common/vocabulary.hpp"
#include "medsearch/common/word_list.hpp"

#include <algorithm>
#include <unordered_map>

namespace medsearch {
namespace {

// Typo candidates, each once: weights add up, a drug name stays one.
class TypoWords {
  public:
    explicit TypoWords(std::vector<FuzzyIndex::Word>& words) : words_(words) {}
    void add(const std::string& text, std::uint32_t weight, bool drug, int edits) {
        auto [it, inserted] = index_.emplace(text, words_.size());
        if (inserted) {
            words_.push_back({text, weight, drug, edits});
            return;
        }
        auto& word = words_[it->second];
        word.weight += weight;
        word.drug_name = word.drug_name || drug;
        word.max_edits = std::max(word.max_edits, edits);
    }

  private:
    std::vector<FuzzyIndex::Word>& words_;
    std::unordered_map<std::string, std::size_t> index_;
};

}  // namespace

WordIndex::WordIndex(const Xapian::Database& db, const DrugLexicon& names, const SynonymIndex& synonyms,
                     std::vector<FuzzyIndex::Word>& typo_words) {
    // A value that cannot be read is a damaged index, which Snapshot::load reports.
    auto stopwords = decode_word_list(db.get_metadata(schema::kMetaStopwords), schema::kMetaStopwords);
    if (!stopwords) throw Xapian::DatabaseCorruptError(stopwords.error().message);
    stopwords_ = std::move(stopwords.value());
    stopword_set_.insert(stopwords_.begin(), stopwords_.end());
    auto english = decode_word_list(db.get_metadata(schema::kMetaEnglishWords), schema::kMetaEnglishWords);
    if (!english) throw Xapian::DatabaseCorruptError(english.error().message);
    for (auto& word : english.value()) english_.insert(std::move(word));

    // Words for spelling correction: drug names, synonyms, section words and
    // the pages' vocabulary.
    TypoWords typos(typo_words);
    for (const auto& name : names.all())
        for (const auto& word : split_words(name.key)) {
            known_.insert(word);
            if (word.size() >= 4) typos.add(word, name.pages, true, 2);
        }
    for (const auto& [key, values] : synonyms.all()) {
        auto kind = synonyms.kind(key);
        for (const auto& word : split_words(key)) {
            known_.insert(word);
            if (word.size() >= 4 && !is_stopword(word))
                typos.add(word, 1, kind == SynonymKind::brand || kind == SynonymKind::name, 2);
        }
    }
    // The words that ask for a section are query vocabulary whatever the pages say.
    for (const auto& spec : schema::kSections)
        for (const auto& phrases : {spec.intents, spec.headings})
            for (auto phrase : phrases)
                for (const auto& word : split_words(phrase)) {
                    known_.insert(word);
                    if (word.size() >= 4 && !is_stopword(word)) typos.add(word, 1, false, 1);
                }
    // The words of the pages that at least three pages have.
    auto vocabulary = decode_vocabulary(db.get_metadata(schema::kMetaVocabulary));
    if (!vocabulary) throw Xapian::DatabaseCorruptError(vocabulary.error().message);
    for (const auto& [text, pages] : vocabulary.value()) {
        vocabulary_.emplace_back(text, pages);  // the map is sorted
        if (pages < 3) continue;
        known_.insert(text);
        bool letters = std::all_of(text.begin(), text.end(), [](char c) { return c >= 'a' && c <= 'z'; });
        if (letters && text.size() >= 4) typos.add(text, pages, false, 1);
    }
}

std::pair<std::string_view, std::uint32_t> WordIndex::commonest_with_prefix(std::string_view prefix, bool drug,
                                                                             const DrugLexicon& names) const {
    std::pair<std::string_view, std::uint32_t> best{"", 0};
    auto first = std::lower_bound(vocabulary_.begin(), vocabulary_.end(), prefix,
                                  [](const auto& entry, std::string_view p) { return entry.first < p; });
    for (auto it = first; it != vocabulary_.end() && std::string_view(it->first).starts_with(prefix); ++it)
        if (it->second > best.second && names.is_drug_word(it->first) == drug) best = {it->first, it->second};
    return best;
}

std::uint32_t WordIndex::pages_with(std::string_view word) const {
    auto it = std::lower_bound(vocabulary_.begin(), vocabulary_.end(), word,
                               [](const auto& entry, std::string_view w) { return entry.first < w; });
    return it != vocabulary_.end() && it->first == word ? it->second : 0;
}

}  // namespace medsearch
