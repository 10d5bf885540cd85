#pragma once
// How questions about one drug are read (data/questions.yaml, built into the
// program): which words only make a question, what lay words pages write
// otherwise, and what a question's words ask about.

#include "medsearch/common/questions.hpp"
#include "medsearch/common/result.hpp"

#include <algorithm>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

namespace medsearch {

class QuestionIndex {
  public:
    QuestionIndex() = default;
    explicit QuestionIndex(QuestionTable table);
    // The table built into the program.
    static Result<QuestionIndex> built_in();

    bool is_question_word(std::string_view word) const { return question_words_.count(std::string(word)) > 0; }
    // The words pages use for a lay word or phrase ("hungry": appetite), or nullptr.
    const std::vector<std::string>* page_words(std::string_view lay) const;
    // A word that asks about something a drug is taken with ("alcohol", "milk").
    bool is_ask_word(std::string_view word) const { return ask_words_.count(std::string(word)) > 0; }
    // What the words of a question ask about, in the table's order.
    std::vector<const QuestionAsk*> asks(const std::vector<std::string>& words) const;

  private:
    QuestionTable table_;
    std::unordered_set<std::string> question_words_;
    std::unordered_set<std::string> ask_words_;
};

// Whether `pattern` (words, '*' standing for one to four words) occurs in a
// query of `count` words, where fits(i, token) says that word i is `token`;
// `matched` gets the words that matched the pattern's words. Backtracking
// over the few words of a query.
template <typename Fits>
bool match_phrase(std::size_t count, std::string_view pattern, Fits fits, std::vector<std::size_t>& matched) {
    std::vector<std::string_view> tokens;
    for (std::size_t start = 0; start < pattern.size();) {
        auto end = std::min(pattern.find(' ', start), pattern.size());
        tokens.push_back(pattern.substr(start, end - start));
        start = end + 1;
    }
    std::vector<std::size_t> taken;
    auto try_at = [&](auto&& self, std::size_t t, std::size_t w) -> bool {
        if (t == tokens.size()) return true;
        if (tokens[t] == "*") {
            for (std::size_t skip = 1; skip <= 4 && w + skip <= count; ++skip)
                if (self(self, t + 1, w + skip)) return true;
            return false;
        }
        if (w >= count || !fits(w, tokens[t])) return false;
        taken.push_back(w);
        if (self(self, t + 1, w + 1)) return true;
        taken.pop_back();
        return false;
    };
    for (std::size_t start = 0; start < count; ++start) {
        taken.clear();
        if (try_at(try_at, 0, start)) {
            matched = taken;
            return true;
        }
    }
    return false;
}

// Whether `pattern` occurs in `words`.
bool matches_phrase(const std::vector<std::string>& words, std::string_view pattern);

}  // namespace medsearch
