#pragma once
// Reading a plain query (plan_query without Xapian syntax), pass by pass:
// misspellings and the words being typed (read_spelling.cpp), drug names
// (read_names.cpp), kinds of medicine and conditions (read_topics.cpp), the
// section asked about and the text left (plan.cpp). Each pass marks the
// words it takes, so that the next reads only what is left.

#include "query/plan.hpp"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace medsearch {

// Weights of what a typed name was read as, relative to the name as typed.
inline constexpr double kSynonymWeight = 0.9;
inline constexpr double kSaltFreeWeight = 0.95;
inline constexpr double kFuzzyWeight = 0.85;
inline constexpr double kPrefixWeight = 0.9;
inline constexpr std::size_t kMaxCompletions = 12;
// Ways of saying a condition looked up in what pages treat: its first names
// (the dictionary lists the common ones first); each is a query of its own.
inline constexpr std::size_t kTreatsWays = 6;
// Extra text parts: other names and completions help highlight and rank text.
inline constexpr double kExpansionTextWeight = 0.6;
inline constexpr double kCompletionTextWeight = 0.3;
// Readings of a misspelled word offered at most, half of them of each kind
// (drug names and brands, everyday words).
inline constexpr std::size_t kMaxDidYouMean = 4;

struct Word {
    std::string text;
    bool intent = false;     // part of a section phrase ("side effects")
    bool consumed = false;   // part of a drug name
    bool corrected = false;  // read as another word (a misspelling)
    bool topic = false;      // part of the name of a kind of medicine or a condition
    bool strength = false;   // a strength or a form's code ("500", "40mg", "mg", "xr"): not text to match
};


// The words [begin, end) joined by spaces: a name_key().
std::string join(const std::vector<Word>& words, std::size_t begin, std::size_t end);

// Adds `key` to the concept's ways of matching, or raises its weight.
void add_alternative(NameConcept& concept_, const std::string& key, MatchKind kind, double weight);

// Whether a page has all the drugs of `concepts`, by any of their names.
bool has_page_with_all(const std::vector<NameConcept>& concepts, const PageCatalog& pages);

// The stemmer of topic names (topic_key), one per thread: Xapian objects are not shared.
const Xapian::Stem& topic_stemmer();

class QueryReader {
  public:
    QueryReader(std::string_view query, const Snapshot& snapshot);
    QueryPlan read();

  private:
    // read_spelling.cpp
    void find_strengths();
    void correct_misspellings();
    struct Reading;
    std::vector<Reading> readings_of(const Word& word, bool drug_only) const;
    void correct(Word& word, std::size_t index, const std::vector<Reading>& readings);
    const Reading& best_reading(const Word& word, std::size_t index, const std::vector<Reading>& readings) const;
    const Reading* rival_of(const Reading& best, const std::vector<Reading>& readings) const;
    void offer(const Word& word, std::size_t index, const std::vector<Reading>& readings);
    bool forms_name(std::size_t index, const std::string& text) const;
    bool drug_completion_fits_best(const std::string& tail);
    bool is_complete_word(const std::string& word) const;
    std::size_t complete_typed_tail();
    // read_names.cpp
    void find_names(std::size_t end);
    void find_qualifier();
    void add_spellings();
    // read_topics.cpp
    enum class TopicPass { longer_than_names, rest };
    void find_topics(TopicPass pass);
    bool inside_name(std::size_t begin, std::size_t end) const;
    void choose_topic();
    void fit_topic_to_form();
    void find_topic_combinations();
    void expand_conditions();
    void find_treats();
    // read_question.cpp
    void read_question();
    void drop_asked_concepts();
    // plan.cpp
    void find_intent();
    void finish();

    static bool taken(const Word& w) { return w.consumed || w.intent || w.topic; }

    const Snapshot& snapshot_;
    std::vector<Word> words_;
    bool typing_ = false;  // no space after the last word: it may be half-typed
    QueryPlan plan_;
    std::vector<TextPart> completion_text_, condition_text_, spelling_text_;
    std::optional<NameConcept> tail_concept_;  // the completed words being typed
    std::vector<const TopicEntry*> topics_;    // kinds of medicine and conditions named
    std::string corrected_tail_;  // a misspelled word being typed, read as this name
    std::size_t corrected_tail_begin_ = 0;
};

}  // namespace medsearch
