#pragma once
// data/questions.yaml: how people ask about one drug in their own words and
// which section of its page answers: the words that only make a question,
// lay words with the words pages use for them, and what a question's words
// or phrases ask about, with the sections that answer it. Built into the
// program: it is about how people write questions, not about a site.

#include "medsearch/common/result.hpp"

#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace medsearch {

// What a question asks about ("alcohol", "how it works") and where the answer is.
struct QuestionAsk {
    std::string about;
    std::vector<std::string> words;     // name_key()s: any of them asks it
    std::vector<std::string> phrases;   // name_key()s, '*' standing for one to four words
    std::vector<std::string> sections;  // section ids, most likely first
    bool only = false;                  // the first of `sections` a page has answers, whatever its words
};

struct QuestionTable {
    std::vector<std::string> question_words;                    // name_key()s
    std::map<std::string, std::vector<std::string>> lay_words;  // name_key() -> the pages' words for it
    std::vector<QuestionAsk> asks;
};

// Parses the YAML text; errors name `origin` and the line (an unknown key or
// section id, an empty entry).
Result<QuestionTable> parse_questions(std::string_view yaml_text, std::string_view origin);

}  // namespace medsearch
