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
    std::vector<std::string_view> tokens;
    for (std::size_t start = 0; start < pattern.size();) {
        auto end = std::min(pattern.find(' ', start), pattern.size());
        tokens.push_back(pattern.substr(start, end - start));
        start = end + 1;
    }
    // Backtracking over the few words of a query.
    auto try_at = [&](auto&& self, std::size_t t, std::size_t w) -> bool {
        if (t == tokens.size()) return true;
        if (tokens[t] == "*") {
            for (std::size_t skip = 1; skip <= 4 && w + skip <= words.size(); ++skip)
                if (self(self, t + 1, w + skip)) return true;
            return false;
        }
        return w < words.size() && words[w] == tokens[t] && self(self, t + 1, w + 1);
    };
    for (std::size_t start = 0; start < words.size(); ++start)
        if (try_at(try_at, 0, start)) return true;
    return false;
}

}  // namespace medsearch
