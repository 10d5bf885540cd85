// 8. A question about the drug named: what its own words ask about
// (data/questions.yaml), for the section that answers it.
#include "query/reader.hpp"

#include "medsearch/common/drug_names.hpp"
#include "medsearch/common/text.hpp"

#include <algorithm>

namespace medsearch {

// "tinidazole and alcohol": alcohol is a drug of some pages, but beside a
// drug no page combines it with, it is what the question asks about.
void QueryReader::drop_asked_concepts() {
    const auto& questions = snapshot_.questions();
    if (plan_.concepts.size() < 2 || has_page_with_all(plan_.concepts, snapshot_.pages())) return;
    for (std::size_t c = plan_.concepts.size(); c-- > 0;) {
        const auto& key = plan_.concepts[c].alternatives.front().key;
        if (!questions.is_ask_word(key) || plan_.concepts.size() < 2) continue;
        for (auto& word : words_)
            if (word.consumed && word.text == key) word.consumed = false;
        std::erase_if(plan_.text, [&](const TextPart& part) {
            return std::any_of(plan_.concepts[c].alternatives.begin(), plan_.concepts[c].alternatives.end(),
                               [&](const NameAlternative& alt) { return alt.key == part.text; });
        });
        plan_.concepts.erase(plan_.concepts.begin() + static_cast<long>(c));
    }
}

// A question that one section must answer ("how does nitroglycerin stop
// chest pain") asks for that section, over a word that asks for another
// ("pregnancy" in "how does levonorgestrel prevent pregnancy").
void QueryReader::read_question() {
    if (plan_.concepts.empty() || plan_.advanced) return;
    const auto& questions = snapshot_.questions();
    std::vector<std::string> all;
    for (const auto& word : words_) all.push_back(word.text);
    auto asks = questions.asks(all);
    for (const auto* ask : asks) {
        if (!ask->only) continue;
        for (const auto& spec : schema::kSections)
            if (spec.id == ask->sections.front()) plan_.intent = &spec;
        return;
    }
    if (plan_.intent) return;
    drop_asked_concepts();
    std::vector<std::string> asked;  // the words that are not the drug's
    for (const auto& word : words_)
        if (!word.consumed && !word.strength) asked.push_back(word.text);
    for (const auto* ask : asks) {
        for (const auto& id : ask->sections)
            if (std::find(plan_.question.sections.begin(), plan_.question.sections.end(), id) ==
                plan_.question.sections.end())
                plan_.question.sections.push_back(id);
        if (ask->only && !plan_.question.only) {
            plan_.question.only = true;
            plan_.question.sections = ask->sections;
        }
    }
    // What it asks about: its words that do not only make a question, each
    // with the pages' words for it (and for the phrase it starts: "weight gain").
    for (std::size_t i = 0; i < asked.size(); ++i) {
        const auto& word = asked[i];
        if (questions.is_question_word(word) || snapshot_.words().is_stopword(word)) continue;
        std::vector<std::string> group{word};
        for (const auto* lay : {questions.page_words(word),
                                i + 1 < asked.size() ? questions.page_words(word + " " + asked[i + 1]) : nullptr})
            if (lay)
                for (const auto& page_word : *lay)
                    for (auto& part : split_words(page_word)) group.push_back(std::move(part));
        plan_.question.words.push_back(std::move(group));
    }
}

}  // namespace medsearch
