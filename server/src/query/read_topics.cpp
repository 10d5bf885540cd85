#include "query/reader.hpp"

#include "medsearch/common/drug_names.hpp"
#include "medsearch/common/text.hpp"

#include <algorithm>
#include <unordered_set>

namespace medsearch {
namespace {

// The words of a query as the forms table reads them.
std::vector<std::string> texts_of(const std::vector<Word>& words) {
    std::vector<std::string> texts;
    for (const auto& word : words) texts.push_back(word.text);
    return texts;
}

}  // namespace

// Whether words [begin, end), or a run of words around them, is a drug's
// name or another name or brand of one.
bool QueryReader::inside_name(std::size_t begin, std::size_t end) const {
    auto is_name = [&](const std::string& phrase) {
        return snapshot_.names().find(phrase) ||
               (snapshot_.synonyms().find(phrase) && snapshot_.synonyms().kind(phrase) != SynonymKind::condition);
    };
    const std::size_t longest = std::max(snapshot_.names().longest_words(), snapshot_.synonyms().longest_words());
    for (std::size_t first = end > longest ? end - longest : 0; first <= begin; ++first)
        for (std::size_t last = end; last <= std::min(words_.size(), first + longest); ++last)
            if (is_name(join(words_, first, last))) return true;
    return false;
}

const Xapian::Stem& topic_stemmer() {
    thread_local const Xapian::Stem stem = schema::make_stemmer();
    return stem;
}

void QueryReader::find_topics(TopicPass pass) {
    const auto& stem = topic_stemmer();
    for (std::size_t i = 0; i < words_.size(); ++i) {
        if (taken(words_[i])) continue;
        // A name may start with a stopword ("the pill"), a topic never is one.
        bool stopword = snapshot_.words().is_stopword(words_[i].text);
        std::size_t shortest = pass == TopicPass::longer_than_names || stopword ? 2 : 1;
        for (std::size_t n = std::min(snapshot_.topics().longest_words(), words_.size() - i); n >= shortest; --n) {
            auto begin = words_.begin() + static_cast<long>(i), end = begin + static_cast<long>(n);
            if (std::any_of(begin, end, [&](const Word& w) { return taken(w); })) continue;
            auto phrase = join(words_, i, i + n);
            const auto* topic = snapshot_.topics().find(topic_key(phrase, stem));
            if (!topic) continue;
            // A drug's name comes first when it holds the topic's name
            // ("haemophilus influenza b" holds "influenza b").
            if (pass == TopicPass::longer_than_names && inside_name(i, i + n)) continue;
            for (auto k = i; k < i + n; ++k) words_[k].topic = true;
            if (std::find(topics_.begin(), topics_.end(), topic) == topics_.end()) topics_.push_back(topic);
            i += n - 1;
            break;
        }
    }
}

// The topic answered, when no drug is named. A condition with a kind
// ("flu antiviral") is answered by the members of both; two conditions
// ("chest pain angina") by the members they share.
void QueryReader::choose_topic() {
    if (!plan_.concepts.empty() || topics_.empty()) return;
    auto& found = topics_;
    // Conditions lead; each further topic keeps the members it shares.
    std::stable_sort(found.begin(), found.end(), [](const TopicEntry* a, const TopicEntry* b) {
        return a->kind == TopicKind::condition && b->kind != TopicKind::condition;
    });
    plan_.topic = found.front();
    plan_.topic_members = found.front()->members;
    for (std::size_t t = 1; t < found.size(); ++t) {
        std::vector<TopicMember> shared;
        for (const auto& member : plan_.topic_members)
            if (std::any_of(found[t]->members.begin(), found[t]->members.end(),
                            [&](const TopicMember& other) { return other.name == member.name; }))
                shared.push_back(member);
        if (!shared.empty()) plan_.topic_members = std::move(shared);
    }
}

// 4c. The form asked for ("cold sore cream"): each member shown by its
// page of that form when it has one, in the dictionary's order; members
// whose page is of another form ("hydrocortisone (topical)" for "eczema
// tablets") after the rest.
void QueryReader::fit_topic_to_form() {
    if (plan_.topic_members.empty()) return;
    const auto& forms = snapshot_.forms();
    const auto* route = forms.asked_route(texts_of(words_));
    if (!route) return;
    std::vector<TopicMember> fitting, other_form;
    for (auto member : plan_.topic_members) {
        if (member.combination) {
            fitting.push_back(member);
            continue;
        }
        auto qualifier = snapshot_.pages().qualifier(member.page);
        if (route->own_page_fits) {
            bool fits = qualifier.empty() || qualifier == route->qualifier ||
                        std::find(route->fits.begin(), route->fits.end(), qualifier) != route->fits.end();
            (fits || !forms.is_route_qualifier(qualifier) ? fitting : other_form).push_back(member);
            continue;
        }
        if (qualifier != route->qualifier)
            if (int page = snapshot_.pages().form_page(member.name->key, route->qualifier); page >= 0) {
                member.page = page;
                qualifier = route->qualifier;
            }
        (qualifier == route->qualifier || !forms.is_route_qualifier(qualifier) ? fitting : other_form).push_back(member);
    }
    plan_.topic_members.clear();
    for (auto* group : {&fitting, &other_form})
        for (const auto& member : *group)
            if (std::find(plan_.topic_members.begin(), plan_.topic_members.end(), member) == plan_.topic_members.end())
                plan_.topic_members.push_back(member);
}

// 4d. Combinations of the topic's members only ("codeine + paracetamol"
// for painkillers); one with another ingredient is no member's page
// ("paracetamol + caffeine" is not one of the painkillers in pregnancy).
void QueryReader::find_topic_combinations() {
    std::unordered_set<std::string> bases;
    for (const auto& member : plan_.topic_members)
        if (!member.combination) bases.insert(base_key(member.name->key));
    std::unordered_set<int> seen;
    for (const auto& base : bases)
        for (int page : snapshot_.pages().combinations_with_base(base)) {
            if (!seen.insert(page).second) continue;
            const auto& components = snapshot_.pages().component_bases(page);
            bool all_members = std::all_of(components.begin(), components.end(), [&](const auto& names) {
                return std::any_of(names.begin(), names.end(),
                                   [&](const std::string& name) { return bases.count(name) > 0; });
            });
            if (all_members) plan_.topic_combinations.push_back(page);
        }
    std::sort(plan_.topic_combinations.begin(), plan_.topic_combinations.end());
}

// 6. Conditions in lay words: their medical names, as phrases ("opioid
// dependence", not pages with "dependence" anywhere). The words of a topic
// answered are not: its own names say what it is ("allergy tablets" is
// not "allergic reaction").
void QueryReader::expand_conditions() {
    for (std::size_t i = 0; i < words_.size(); ++i) {
        if (words_[i].consumed || words_[i].intent || (plan_.topic && words_[i].topic)) continue;
        for (std::size_t n = std::min(snapshot_.synonyms().longest_words(), words_.size() - i); n >= 1; --n) {
            auto key = join(words_, i, i + n);
            const auto* values = snapshot_.synonyms().find(key);
            if (!values || snapshot_.synonyms().kind(key) != SynonymKind::condition) continue;
            for (const auto& value : *values) {
                condition_text_.push_back({value, kExpansionTextWeight, value.find(' ') != std::string::npos});
                plan_.expanded.push_back({key, value, "condition"});
            }
            i += n - 1;
            break;
        }
    }
}

// 6b. The condition asked about, for the pages whose drug treats it: the
// words left (but form words), each medical term they expand to, and
// every name of the condition found.
void QueryReader::find_treats() {
    if (!plan_.concepts.empty()) return;
    std::vector<std::string> own;
    for (const auto& word : words_)
        if (!taken(word) && !snapshot_.words().is_stopword(word.text) && !snapshot_.forms().is_not_what_for(word.text))
            own.push_back(word.text);
    if (!own.empty()) plan_.treats.push_back(std::move(own));
    for (const auto& part : condition_text_) plan_.treats.push_back(split_words(part.text));
    // A condition's names; a kind's would only say what the drug is.
    if (plan_.topic && plan_.topic->kind == TopicKind::condition)
        for (const auto& name : plan_.topic->names) {
            if (plan_.treats.size() >= kTreatsWays) break;
            auto words = split_words(name);
            std::erase_if(words, [&](const std::string& w) {
                return snapshot_.words().is_stopword(w) || snapshot_.forms().is_not_what_for(w);
            });
            if (!words.empty() && std::find(plan_.treats.begin(), plan_.treats.end(), words) == plan_.treats.end())
                plan_.treats.push_back(std::move(words));
        }
}

}  // namespace medsearch
