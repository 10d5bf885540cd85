#include "query/section.hpp"

#include "medsearch/common/text.hpp"
#include "medsearch/common/text_analysis.hpp"

#include <xapian.h>

#include <algorithm>
#include <unordered_set>

namespace medsearch {
namespace {

char lower(char c) { return static_cast<char>(c >= 'A' && c <= 'Z' ? c + 32 : c); }

// The words of an advanced query without its operators ("metformin NOT alcohol").
std::string without_operators(std::string_view text) {
    std::string out;
    std::size_t start = 0;
    while (start < text.size()) {
        auto end = std::min(text.find(' ', start), text.size());
        auto word = text.substr(start, end - start);
        if (!is_operator(word)) out.append(word).push_back(' ');
        start = end + 1;
    }
    return out;
}

// Sections a snippet may come from when nothing else decides: what a drug is for.
constexpr std::string_view kDefaultSections[] = {"usage", "intro", "how-it-works", "generic-name"};

}  // namespace

SectionScorer::SectionScorer(const std::vector<std::string>& words, const Xapian::Stem& stem) {
    for (const auto& word : words) {
        if (word.empty() || std::any_of(keys_.begin(), keys_.end(), [&](const Key& k) { return k.word == word; }))
            continue;
        keys_.push_back({word, stem(word)});
        first_letters_[static_cast<unsigned char>(word[0])] = true;
        if (!keys_.back().stem.empty()) first_letters_[static_cast<unsigned char>(keys_.back().stem[0])] = true;
    }
}

// A word of the text is the key's word, or has its stem. Only words sharing
// their first three letters with the stem are stemmed: few are.
bool SectionScorer::matches(std::string_view word, const Key& key, const Xapian::Stem& stem, std::string& token) const {
    if (word.size() == key.word.size() &&
        std::equal(word.begin(), word.end(), key.word.begin(), [](char a, char b) { return lower(a) == b; }))
        return true;
    if (key.stem.size() < 3 || word.size() < key.stem.size()) return false;
    for (std::size_t j = 0; j < 3; ++j)
        if (lower(word[j]) != key.stem[j]) return false;
    token.assign(word);
    for (auto& c : token) c = lower(c);
    return stem(token) == key.stem;
}

// Scanning a section costs little; the scan stops once every word is found,
// when nothing further can change the score.
SectionScorer::Score SectionScorer::score(std::string_view text, const Xapian::Stem& stem) const {
    Score result;
    if (keys_.empty()) return result;
    std::array<char, 32> few{};
    std::vector<char> many;  // for queries of more words than `few` holds
    char* found = few.data();
    if (keys_.size() > few.size()) {
        many.assign(keys_.size(), 0);
        found = many.data();
    }
    std::string token, folded;
    PlainWords words(text);  // as the query's words were read (split_words)
    for (TextWord written; static_cast<std::size_t>(result.words) < keys_.size() && words.next(written);) {
        std::string_view word = written.text;
        if (!written.ascii) {
            folded = fold_case(word);  // as the query's words are
            word = folded;
        }
        if (word.size() < 2 || !first_letters_[static_cast<unsigned char>(lower(word[0]))]) continue;
        for (std::size_t k = 0; k < keys_.size(); ++k) {
            if (found[k] || !matches(word, keys_[k], stem, token)) continue;
            found[k] = true;
            if (result.words++ == 0) result.focus = written.offset;
        }
    }
    return result;
}

namespace {

std::vector<std::string> query_words(const QueryPlan& plan, const Snapshot& snapshot) {
    std::vector<std::string> words;
    if (plan.text.empty()) return words;
    std::unordered_set<std::string> skip(plan.intent_words.begin(), plan.intent_words.end());
    for (const auto& concept_ : plan.concepts)
        for (const auto& alt : concept_.alternatives)
            for (const auto& w : split_words(alt.key)) skip.insert(w);
    for (const auto& word :
         split_words(plan.advanced ? without_operators(plan.text.front().text) : plan.text.front().text))
        if (!skip.count(word) && !snapshot.words().is_stopword(word)) words.push_back(word);
    for (std::size_t i = 1; i < plan.text.size(); ++i)
        if (plan.concepts.empty())
            for (const auto& word : split_words(plan.text[i].text))
                if (!snapshot.words().is_stopword(word)) words.push_back(word);
    return words;
}

std::vector<std::string> name_words(const QueryPlan& plan) {
    std::vector<std::string> words;
    if (plan.text.empty()) return words;
    for (const auto& concept_ : plan.concepts)
        for (const auto& w : split_words(concept_.alternatives.front().key)) words.push_back(w);
    return words;
}

}  // namespace

SectionWords::SectionWords(const QueryPlan& plan, const Snapshot& snapshot, const Xapian::Stem& stem)
    : words(query_words(plan, snapshot), stem), names(name_words(plan), stem) {}

namespace {

// A question's section: the first of the sections that answer what it asks
// when one must answer ("how does ... lower ..."); else the section holding
// most of what it asks about (the pages' words for it too), ties going to the
// sections that answer what it asks; with none holding any, the first of those.
SectionChoice question_section(const StoredPageView& page, const QueryPlan::Question& question,
                               const Xapian::Stem& stem) {
    using PageSection = StoredPageView::SectionView;
    std::vector<std::string> all_words;
    std::vector<SectionScorer> groups;
    for (const auto& group : question.words) {
        groups.emplace_back(group, stem);
        all_words.insert(all_words.end(), group.begin(), group.end());
    }
    SectionScorer focus(all_words, stem);
    auto rank = [&](std::string_view id) {
        auto it = std::find(question.sections.begin(), question.sections.end(), id);
        return it == question.sections.end() ? question.sections.size() : static_cast<std::size_t>(it - question.sections.begin());
    };
    const PageSection* best = nullptr;
    int best_found = 0;
    std::size_t best_rank = question.sections.size();
    for (const auto& section : page.sections) {
        int found = 0;
        if (!question.only)
            for (const auto& group : groups) found += group.score(section.text, stem).words > 0 ? 1 : 0;
        auto section_rank = rank(section.id);
        if (found > best_found || (found == best_found && section_rank < best_rank && (found > 0 || section_rank < question.sections.size()))) {
            best = &section;
            best_found = found;
            best_rank = section_rank;
        }
    }
    if (!best) return {};
    return {best, focus.score(best->text, stem).focus};
}

}  // namespace

SectionChoice choose_section(const StoredPageView& page, const QueryPlan& plan, const SectionWords& scorers,
                             const Xapian::Stem& stem) {
    if (!plan.intent && !plan.question.empty())
        if (auto answer = question_section(page, plan.question, stem); answer.section) return answer;
    using PageSection = StoredPageView::SectionView;
    auto find = [&](std::string_view id) -> const PageSection* {
        for (const auto& section : page.sections)
            if (section.id == id) return &section;
        return nullptr;
    };
    auto with_focus = [&](const PageSection* section) {
        auto score = scorers.words.score(section->text, stem);
        return SectionChoice{section, score.words > 0 ? score.focus : scorers.names.score(section->text, stem).focus};
    };
    if (plan.intent) {
        if (const auto* section = find(plan.intent->id)) return with_focus(section);
        for (auto fallback : plan.intent->fallbacks)
            if (const auto* section = find(fallback)) return with_focus(section);
    }
    SectionChoice best;
    int best_words = 0;
    for (const auto& section : page.sections) {
        auto score = scorers.words.score(section.text, stem);
        if (score.words > best_words) {
            best = {&section, score.focus};
            best_words = score.words;
        }
    }
    if (best.section) return best;
    for (auto id : kDefaultSections)
        if (const auto* section = find(id)) return {section, 0};
    return {page.sections.empty() ? nullptr : &page.sections.front(), 0};
}

}  // namespace medsearch
