#include "query/reader.hpp"

#include "medsearch/common/text.hpp"
#include "medsearch/server/query_limits.hpp"

#include <algorithm>

namespace medsearch {
namespace {

bool is_syntax(std::string_view query) {
    if (query.find('"') != std::string_view::npos) return true;
    std::size_t start = 0;
    while (start < query.size()) {
        auto end = query.find(' ', start);
        if (end == std::string_view::npos) end = query.size();
        auto word = query.substr(start, end - start);
        if (is_operator(word)) return true;
        if (word.size() > 1 && word.front() == '-') return true;
        auto colon = word.find(':');
        if (colon != std::string_view::npos && colon > 0 && colon + 1 < word.size()) return true;
        start = end + 1;
    }
    return false;
}

// Intent phrases: words, with '*' standing for one to four words, of those
// no name or topic took.
bool match_intent(const std::vector<Word>& words, std::string_view pattern, std::vector<std::size_t>& matched) {
    return match_phrase(words.size(), pattern, [&](std::size_t w, std::string_view token) {
        return words[w].text == token && !words[w].consumed && !words[w].topic;
    }, matched);
}

}  // namespace

std::string join(const std::vector<Word>& words, std::size_t begin, std::size_t end) {
    std::string key;
    for (auto i = begin; i < end; ++i) {
        if (!key.empty()) key.push_back(' ');
        key += words[i].text;
    }
    return key;
}

std::string_view to_string(MatchKind kind) {
    switch (kind) {
        case MatchKind::name: return "name";
        case MatchKind::synonym: return "synonym";
        case MatchKind::fuzzy: return "fuzzy";
        case MatchKind::prefix: return "prefix";
    }
    return "name";
}

bool is_operator(std::string_view word) {
    return word == "AND" || word == "OR" || word == "NOT" || word == "XOR" || word == "NEAR" || word == "ADJ";
}

std::string field_name(std::string_view section_id) {
    std::string name(section_id);
    std::erase(name, '-');
    return name;
}

namespace {

// "metformin" -> metformin: a phrase of one word would look the word up as
// written, which is indexed only in the positional fields; its stem is
// everywhere (docs/schema.md). An unclosed quote counts as closed at the end.
std::string unquote_single_words(const std::string& text) {
    std::string out;
    std::size_t i = 0;
    while (i < text.size()) {
        if (text[i] != '"') {
            out.push_back(text[i++]);
            continue;
        }
        auto close = text.find('"', i + 1);
        auto inside = text.substr(i + 1, close == std::string::npos ? std::string::npos : close - i - 1);
        bool one_word = !inside.empty() && inside.find(' ') == std::string::npos;
        out += one_word ? inside : "\"" + inside + (close == std::string::npos ? "" : "\"");
        i = close == std::string::npos ? text.size() : close + 1;
    }
    return out;
}

// A query with Xapian syntax is parsed as typed, with these adjustments.
QueryPlan advanced_plan(std::string_view query) {
    QueryPlan plan;
    plan.advanced = true;
    // Lower-case all but the operators (field names too): QueryParser's
    // STEM_SOME looks a capitalised word up as written, which is indexed only
    // in the positional fields, and the Usage field holds stems only.
    std::string lowered;
    std::size_t start = 0;
    while (start < query.size()) {
        auto end = query.find(' ', start);
        if (end == std::string_view::npos) end = query.size();
        std::string word(query.substr(start, end - start));
        if (!is_operator(word)) word = fold_case(word);
        // Wildcards past the limit are searched as the words typed.
        if (word.find('*') != std::string::npos && ++plan.wildcards > kMaxWildcards) {
            std::erase(word, '*');
            --plan.wildcards;
            plan.cut_short = true;
        }
        lowered += (lowered.empty() ? "" : " ") + word;
        start = end + 1;
    }
    // "side-effects:nausea" -> "sideeffects:nausea" for the parser. A query
    // that asks for words in one section ("side-effects:nausea", not
    // "-side-effects:..." nor "NOT side-effects:...") asks for that section.
    const schema::SectionSpec* asked = nullptr;
    bool several = false;
    for (const auto& spec : schema::kSections) {
        if (schema::section_bit(spec) == 0) continue;  // not a field (the disclaimer)
        auto from = std::string(spec.id) + ":", to = field_name(spec.id) + ":";
        for (auto at = lowered.find(from); at != std::string::npos; at = lowered.find(from, at + to.size())) {
            bool field = at == 0 || lowered[at - 1] == ' ' || lowered[at - 1] == '(' || lowered[at - 1] == '+';
            bool negated = (at > 0 && lowered[at - 1] == '-') || lowered.substr(0, at).ends_with("NOT ");
            if (field && !negated) {
                several = several || (asked && asked != &spec);
                asked = &spec;
            }
            lowered.replace(at, from.size(), to);
        }
    }
    if (asked && !several) {
        plan.intent = asked;
        plan.intent_words.push_back(field_name(asked->id));
    }
    plan.text.push_back({unquote_single_words(lowered), 1.0});
    return plan;
}

}  // namespace

QueryReader::QueryReader(std::string_view query, const Snapshot& snapshot) : snapshot_(snapshot) {
    for (auto& text : split_words(query)) words_.push_back({std::move(text)});
    typing_ = !query.empty() && query.back() != ' ' && query.back() != '\t';
}

// The passes in the order they take words: topics whose names hold a section's
// word, the section, the name being typed, drug names, the other topics.
QueryPlan QueryReader::read() {
    find_strengths();
    correct_misspellings();
    // A topic's name may hold a section's word ("high blood pressure in pregnancy").
    find_topics(TopicPass::longer_than_names);
    find_intent();
    std::size_t names_end = words_.size();
    if (typing_ && !words_.empty()) names_end = complete_typed_tail();
    find_names(names_end);
    if (tail_concept_) plan_.concepts.push_back(std::move(*tail_concept_));
    find_topics(TopicPass::rest);
    choose_topic();
    fit_topic_to_form();
    find_topic_combinations();
    find_qualifier();
    expand_conditions();
    find_treats();
    add_spellings();
    read_question();
    finish();
    return std::move(plan_);
}

// 2. The section asked about: the longest intent phrase found.
void QueryReader::find_intent() {
    std::vector<std::size_t> best;
    for (const auto& spec : schema::kSections)
        for (auto pattern : spec.intents) {
            std::vector<std::size_t> matched;
            if (match_intent(words_, pattern, matched) && matched.size() > best.size()) {
                best = matched;
                plan_.intent = &spec;
            }
        }
    for (auto i : best) {
        words_[i].intent = true;
        plan_.intent_words.push_back(words_[i].text);
    }
}

// The user's words, as corrected, lead the text part. With a drug named,
// the words asking for a section only choose the snippet: pages that
// merely mention "side effects" are no answer to "metformin side effects".
// A product's strength is not text to match, unless it is all there is.
void QueryReader::finish() {
    std::string text;
    bool all_strengths = std::all_of(words_.begin(), words_.end(), [](const Word& w) { return w.strength; });
    for (const auto& word : words_) {
        if (word.consumed && !snapshot_.words().is_known_word(word.text) && !snapshot_.names().find(word.text)) continue;
        if (word.intent && !plan_.concepts.empty()) continue;
        if (word.strength && !word.consumed && !all_strengths) continue;
        text += (text.empty() ? "" : " ") + word.text;
    }
    if (!text.empty()) plan_.text.insert(plan_.text.begin(), TextPart{text, 1.0});
    for (const auto* parts : {&completion_text_, &condition_text_, &spelling_text_})
        plan_.text.insert(plan_.text.end(), parts->begin(), parts->end());
    // A product no page has is answered by nothing, unless a drug or a topic is named beside it.
    if (!plan_.concepts.empty() || plan_.topic) plan_.unknown_products.clear();
    bool corrected = std::any_of(words_.begin(), words_.end(), [](const Word& w) { return w.corrected; });
    if (corrected || !corrected_tail_.empty()) {
        std::size_t end = corrected_tail_.empty() ? words_.size() : corrected_tail_begin_;
        std::string full = join(words_, 0, end);
        if (!corrected_tail_.empty()) full += (full.empty() ? "" : " ") + corrected_tail_;
        plan_.corrected = full;
    }
}

QueryPlan plan_query(std::string_view query, const Snapshot& snapshot, Syntax syntax) {
    auto kept = query.substr(0, prefix_with_words(query, kMaxQueryWords));
    auto plan = syntax == Syntax::allowed && is_syntax(kept) ? advanced_plan(kept) : QueryReader(kept, snapshot).read();
    plan.cut_short = plan.cut_short || kept.size() < query.size();
    return plan;
}

}  // namespace medsearch
