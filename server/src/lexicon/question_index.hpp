#pragma once
// How questions about one drug are read (data/questions.yaml, built into the
// program): which words only make a question, what lay words pages write
// otherwise, and what a question's words ask about.

#include "medsearch/common/questions.hpp"
#include "medsearch/common/result.hpp"

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

// Whether `pattern` (words, '*' standing for one to four words) occurs in `words`.
bool matches_phrase(const std::vector<std::string>& words, std::string_view pattern);

}  // namespace medsearch
