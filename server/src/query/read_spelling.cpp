#include "query/reader.hpp"

#include "medsearch/common/drug_names.hpp"
#include "medsearch/common/text.hpp"

#include <algorithm>

namespace medsearch {

// 1. A word unknown to the index and close to a known word is read as
// that word. The last word, while being typed, may be a prefix instead.
// Words of the pages, of English and of the topics' names are never corrected; a misspelled
// word among everyday words is read as an everyday word when one is as
// close as the nearest drug name.
void QueryReader::correct_misspellings() {
    const auto& last = words_.empty() ? "" : words_.back().text;
    bool last_may_complete = typing_ && last.size() >= 2 &&
                             (!snapshot_.names().with_prefix(last, 1).empty() ||
                              !snapshot_.names().sounding_like(last, 1).empty());
    auto known = [&](const std::string& text) {
        return snapshot_.words().is_stopword(text) || snapshot_.words().is_known_word(text) || snapshot_.words().is_english_word(text) ||
               snapshot_.topics().is_topic_word(text);
    };
    for (std::size_t i = 0; i < words_.size(); ++i) {
        auto& word = words_[i];
        if (i + 1 == words_.size() && last_may_complete) continue;
        bool has_letter = std::any_of(word.text.begin(), word.text.end(), [](char c) { return c >= 'a' && c <= 'z'; });
        if (!has_letter || known(word.text)) continue;
        auto matches = snapshot_.typos().lookup(word.text, 8);
        if (matches.empty()) continue;
        const auto* best = &matches.front();
        bool everyday = std::any_of(words_.begin(), words_.end(), [&](const Word& other) {
            return &other != &word && !other.text.empty() && !snapshot_.words().is_stopword(other.text) &&
                   known(other.text) && !snapshot_.names().find(other.text) && !snapshot_.synonyms().find(other.text);
        });
        if (everyday && best->word->drug_name)
            for (const auto& match : matches)
                if (match.distance == best->distance && !match.word->drug_name) {
                    best = &match;
                    break;
                }
        word.text = best->word->text;
        word.corrected = true;
    }
}

// Whether the word being typed is best read as the start of a drug name.
// Among everyday words ("hair los", "memory loss") a drug name must fit
// the start better than every other word of the pages, else the word is
// read as typed, or as the pages' commonest word with that start; alone,
// as typed into a medicine search box, a drug name wins unless the word is
// complete and commoner on the pages than any drug name it starts ("test").
bool QueryReader::drug_completion_fits_best(const std::string& tail) {
    auto drug = snapshot_.words().commonest_with_prefix(tail, true, snapshot_.names());
    bool everyday = words_.size() > 1 && std::any_of(words_.begin(), words_.end() - 1, [&](const Word& w) {
        return !snapshot_.words().is_stopword(w.text) && !snapshot_.names().is_drug_word(w.text) && !snapshot_.synonyms().find(w.text);
    });
    if (is_complete_word(tail)) return !everyday && snapshot_.words().pages_with(tail) < drug.second;
    if (!everyday) return true;
    auto word = snapshot_.words().commonest_with_prefix(tail, false, snapshot_.names());
    if (word.second <= drug.second) return true;
    words_.back().text = std::string(word.first);
    return false;
}

// A word as typed is complete when it is a word of the pages or of
// English that is not part of a drug name: "loss", "pill", "test".
bool QueryReader::is_complete_word(const std::string& word) const {
    if (snapshot_.names().find(word)) return false;
    return snapshot_.words().is_english_word(word) || (snapshot_.words().is_known_word(word) && !snapshot_.names().is_drug_word(word));
}

// 4. The words being typed: completed to drug names ("amitrip",
// "clavulanic a"), unless they already are one; when nothing completes
// them, to names that sound alike ("amitryp"). Returns where the names of
// step 3 end.
//
// A single word is completed from the whole vocabulary: not at all when it
// is a complete word ("loss"), to the pages' commonest word with that
// start when drug names are rarer ("hair los" -> "loss"), else to drug
// names.
std::size_t QueryReader::complete_typed_tail() {
    for (std::size_t k = std::min<std::size_t>(3, words_.size()); k >= 1; --k) {
        std::size_t begin = words_.size() - k;
        bool free = std::none_of(words_.begin() + static_cast<long>(begin), words_.end(),
                                 [](const Word& w) { return w.intent || w.topic; });
        auto tail = join(words_, begin, words_.size());
        if (!free || tail.size() < 3 || words_.back().text.size() < 2) continue;
        // Complete already: a drug's name, another name, or a topic's ("antacid").
        if (snapshot_.names().find(tail) || snapshot_.synonyms().find(tail) || snapshot_.topics().find(topic_key(tail, topic_stemmer())))
            break;
        if (k == 1 && !drug_completion_fits_best(tail)) break;
        auto completions = snapshot_.names().with_prefix(tail, kMaxCompletions);
        bool sounding = false;
        if (completions.empty() && tail.size() >= 4) {
            for (const auto* name : snapshot_.names().sounding_like(tail, kMaxCompletions))
                if (starts_like(tail, name->key)) completions.push_back(name);
            sounding = !completions.empty();
        }
        if (completions.empty()) continue;
        NameConcept concept_;
        double weight = kPrefixWeight;
        for (const auto* name : completions) {
            add_alternative(concept_, name->key, sounding ? MatchKind::fuzzy : MatchKind::prefix, weight);
            weight -= 0.01;  // the most popular completion first
        }
        completion_text_.push_back({completions.front()->key, kCompletionTextWeight});
        if (sounding) {
            corrected_tail_ = completions.front()->key;
            corrected_tail_begin_ = begin;
        }
        for (auto i = begin; i < words_.size(); ++i) words_[i].consumed = true;
        tail_concept_ = std::move(concept_);
        return begin;
    }
    return words_.size();
}

}  // namespace medsearch
