#include "lexicon/question_index.hpp"

#include "medsearch/common/config.hpp"

#include <algorithm>

namespace medsearch {

QuestionIndex::QuestionIndex(QuestionTable table) : table_(std::move(table)) {
    question_words_.insert(table_.question_words.begin(), table_.question_words.end());
    for (const auto& ask : table_.asks) ask_words_.insert(ask.words.begin(), ask.words.end());
}

Result<QuestionIndex> QuestionIndex::built_in() {
    auto text = read_data_file({}, "questions.yaml");
    if (!text) return text.error();
    auto table = parse_questions(text.value(), "questions.yaml");
    if (!table) return table.error();
    return QuestionIndex(std::move(table.value()));
}

const std::vector<std::string>* QuestionIndex::page_words(std::string_view lay) const {
    auto it = table_.lay_words.find(std::string(lay));
    return it == table_.lay_words.end() ? nullptr : &it->second;
}

std::vector<const QuestionAsk*> QuestionIndex::asks(const std::vector<std::string>& words) const {
    std::vector<const QuestionAsk*> found;
    for (const auto& ask : table_.asks) {
        bool by_word = std::any_of(ask.words.begin(), ask.words.end(), [&](const std::string& w) {
            return w.find(' ') == std::string::npos ? std::find(words.begin(), words.end(), w) != words.end()
                                                     : matches_phrase(words, w);
        });
        bool by_phrase = std::any_of(ask.phrases.begin(), ask.phrases.end(),
                                     [&](const std::string& p) { return matches_phrase(words, p); });
        if (by_word || by_phrase) found.push_back(&ask);
    }
    return found;
}

bool matches_phrase(const std::vector<std::string>& words, std::string_view pattern) {
    std::vector<std::size_t> matched;
    return match_phrase(words.size(), pattern, [&](std::size_t w, std::string_view token) { return words[w] == token; },
                        matched);
}

}  // namespace medsearch
