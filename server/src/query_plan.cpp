#include "medsearch/server/query_plan.hpp"

#include "medsearch/common/drug_names.hpp"
#include "medsearch/common/text.hpp"

#include <algorithm>

namespace medsearch {
namespace {

// Weights of what a typed name was read as, relative to the name as typed.
constexpr double kSynonymWeight = 0.9;
constexpr double kSaltFreeWeight = 0.95;
constexpr double kFuzzyWeight = 0.85;
constexpr double kPrefixWeight = 0.9;
constexpr std::size_t kMaxCompletions = 12;
// Extra text parts: other names and completions help highlight and rank text.
constexpr double kExpansionTextWeight = 0.6;
constexpr double kCompletionTextWeight = 0.3;

struct Word {
    std::string text;
    bool intent = false;    // part of a section phrase ("side effects")
    bool consumed = false;  // part of a drug name
};

bool is_syntax(std::string_view query) {
    if (query.find('"') != std::string_view::npos) return true;
    auto words = std::string(query);
    std::size_t start = 0;
    while (start < words.size()) {
        auto end = words.find(' ', start);
        if (end == std::string::npos) end = words.size();
        std::string_view word(words.data() + start, end - start);
        if (word == "AND" || word == "OR" || word == "NOT" || word == "NEAR" || word == "XOR") return true;
        if (word.size() > 1 && word.front() == '-') return true;
        auto colon = word.find(':');
        if (colon != std::string_view::npos && colon > 0 && colon + 1 < word.size()) return true;
        start = end + 1;
    }
    return false;
}

std::string join(const std::vector<Word>& words, std::size_t begin, std::size_t end) {
    std::string key;
    for (auto i = begin; i < end; ++i) {
        if (!key.empty()) key.push_back(' ');
        key += words[i].text;
    }
    return key;
}

// Intent phrases: words, with '*' standing for one to four words.
bool match_intent(const std::vector<Word>& words, std::string_view pattern,
                  std::vector<std::size_t>& matched) {
    std::vector<std::string> tokens;
    {
        std::size_t start = 0;
        std::string p(pattern);
        while (start < p.size()) {
            auto end = p.find(' ', start);
            if (end == std::string::npos) end = p.size();
            tokens.push_back(p.substr(start, end - start));
            start = end + 1;
        }
    }
    // Backtracking over the few words of a query.
    std::vector<std::size_t> taken;
    auto try_at = [&](auto&& self, std::size_t t, std::size_t w) -> bool {
        if (t == tokens.size()) return true;
        if (tokens[t] == "*") {
            for (std::size_t skip = 1; skip <= 4 && w + skip <= words.size(); ++skip)
                if (self(self, t + 1, w + skip)) return true;
            return false;
        }
        if (w >= words.size() || words[w].text != tokens[t] || words[w].consumed) return false;
        taken.push_back(w);
        if (self(self, t + 1, w + 1)) return true;
        taken.pop_back();
        return false;
    };
    for (std::size_t start = 0; start < words.size(); ++start) {
        taken.clear();
        if (try_at(try_at, 0, start)) {
            matched = taken;
            return true;
        }
    }
    return false;
}

void add_alternative(NameConcept& concept_, const std::string& key, MatchKind kind, double weight) {
    for (auto& alt : concept_.alternatives)
        if (alt.key == key) {
            if (weight > alt.weight) {
                alt.weight = weight;
                alt.kind = kind;
            }
            return;
        }
    concept_.alternatives.push_back({key, kind, weight});
}

// Other names of a lexicon name that are names of the pages too
// (paracetamol -> acetaminophen).
void add_name_synonyms(NameConcept& concept_, const std::string& key, const Snapshot& snapshot) {
    if (const auto* values = snapshot.synonyms(key))
        for (const auto& value : *values)
            if (snapshot.name(value) && snapshot.synonym_kind(key) != SynonymKind::condition)
                add_alternative(concept_, value, MatchKind::synonym, kSynonymWeight);
}

// "zinc sulfate" -> "zinc sulphate": keys with words swapped for their spellings.
std::vector<std::string> spelling_variants(const std::vector<Word>& words, std::size_t begin,
                                           std::size_t end, const Snapshot& snapshot) {
    std::vector<std::string> variants{join(words, begin, end)};
    for (auto i = begin; i < end; ++i) {
        const auto* values = snapshot.synonyms(words[i].text);
        if (!values || snapshot.synonym_kind(words[i].text) != SynonymKind::spelling) continue;
        std::vector<std::string> more;
        for (const auto& variant : variants) {
            for (const auto& value : *values) {
                // Replace the (i - begin)th word of the variant.
                std::vector<std::string> parts = split_words(variant);
                parts[i - begin] = value;
                std::string joined;
                for (const auto& part : parts) joined += (joined.empty() ? "" : " ") + part;
                more.push_back(joined);
            }
        }
        variants.insert(variants.end(), more.begin(), more.end());
        if (variants.size() > 8) break;
    }
    return variants;
}

struct SpanMatch {
    std::vector<NameConcept> concepts;  // one, or several for a combination brand
    std::vector<Expansion> expansions;
    std::vector<TextPart> text;         // names to add to the text part
};

// Reads words[begin, end) as a drug name, another name, a brand or a salt form.
std::optional<SpanMatch> match_span(const std::vector<Word>& words, std::size_t begin, std::size_t end,
                                    const Snapshot& snapshot) {
    auto typed = join(words, begin, end);
    for (const auto& key : spelling_variants(words, begin, end, snapshot)) {
        bool as_typed = key == typed;
        if (snapshot.name(key)) {
            SpanMatch match;
            NameConcept concept_{typed, {}};
            add_alternative(concept_, key, as_typed ? MatchKind::name : MatchKind::synonym,
                            as_typed ? 1.0 : kSynonymWeight);
            add_name_synonyms(concept_, key, snapshot);
            if (!as_typed) {
                match.expansions.push_back({typed, key, "spelling"});
                match.text.push_back({key, kExpansionTextWeight});
            }
            match.concepts.push_back(std::move(concept_));
            return match;
        }
        const auto* values = snapshot.synonyms(key);
        if (!values) continue;
        auto kind = snapshot.synonym_kind(key);
        if (kind == SynonymKind::condition) continue;
        SpanMatch match;
        for (const auto& value : *values) {
            if (value.find(" + ") != std::string::npos) {
                // A combination brand: one concept per ingredient.
                if (!match.concepts.empty()) continue;
                std::size_t start = 0;
                while (start <= value.size()) {
                    auto stop = value.find(" + ", start);
                    auto part = value.substr(start, stop == std::string::npos ? std::string::npos : stop - start);
                    if (snapshot.name(part)) {
                        NameConcept concept_{typed, {}};
                        add_alternative(concept_, part, MatchKind::synonym, kSynonymWeight);
                        match.concepts.push_back(std::move(concept_));
                    }
                    if (stop == std::string::npos) break;
                    start = stop + 3;
                }
                match.expansions.push_back({typed, value, std::string(to_string(kind))});
                match.text.push_back({value, kExpansionTextWeight});
                break;
            }
            if (!snapshot.name(value)) continue;
            if (match.concepts.empty()) match.concepts.push_back({typed, {}});
            add_alternative(match.concepts.front(), value, MatchKind::synonym, kSynonymWeight);
            match.expansions.push_back({typed, value, std::string(to_string(kind))});
            match.text.push_back({value, kExpansionTextWeight});
        }
        if (!match.concepts.empty()) return match;
    }
    // Salt words are optional: "metformin hydrochloride" finds metformin.
    if (end - begin >= 2) {
        auto base = base_key(typed);
        if (base != typed) {
            const DrugName* name = snapshot.name(base);
            if (!name) name = snapshot.name_by_base(base);
            if (name) {
                SpanMatch match;
                NameConcept concept_{typed, {}};
                add_alternative(concept_, name->key, MatchKind::name, kSaltFreeWeight);
                add_name_synonyms(concept_, name->key, snapshot);
                match.concepts.push_back(std::move(concept_));
                return match;
            }
        }
    }
    return std::nullopt;
}

}  // namespace

std::string_view to_string(MatchKind kind) {
    switch (kind) {
        case MatchKind::name: return "name";
        case MatchKind::synonym: return "synonym";
        case MatchKind::fuzzy: return "fuzzy";
        case MatchKind::prefix: return "prefix";
    }
    return "name";
}

std::string field_name(std::string_view section_id) {
    std::string name(section_id);
    std::erase(name, '-');
    return name;
}

QueryPlan plan_query(std::string_view query, const Snapshot& snapshot, Syntax syntax) {
    QueryPlan plan;
    if (syntax == Syntax::allowed && is_syntax(query)) {
        plan.advanced = true;
        // "side-effects:nausea" -> "sideeffects:nausea" for the parser.
        std::string text(query);
        for (const auto& spec : schema::kSections) {
            if (spec.id.find('-') == std::string_view::npos) continue;
            auto from = std::string(spec.id) + ":", to = field_name(spec.id) + ":";
            for (auto at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size()))
                text.replace(at, from.size(), to);
        }
        // Section fields hold stemmed words only, which QueryParser produces
        // for lower-case words: lower-case all but the operators.
        std::string lowered;
        std::size_t start = 0;
        while (start < text.size()) {
            auto end = text.find(' ', start);
            if (end == std::string::npos) end = text.size();
            std::string word = text.substr(start, end - start);
            bool op = word == "AND" || word == "OR" || word == "NOT" || word == "XOR" || word == "NEAR" || word == "ADJ";
            if (!op) word = fold_case(word);
            lowered += (lowered.empty() ? "" : " ") + word;
            start = end + 1;
        }
        plan.text.push_back({lowered, 1.0});
        return plan;
    }
    std::vector<Word> words;
    for (auto& text : split_words(query)) words.push_back({std::move(text)});
    bool typing = !query.empty() && query.back() != ' ' && query.back() != '\t';

    // 1. Misspelled words: unknown to the index, close to a known word. The
    // last word, while being typed, may be a prefix instead (step 4).
    bool corrected = false;
    auto may_correct = [&](std::size_t i) {
        const auto& text = words[i].text;
        return !snapshot.is_stopword(text) && !snapshot.is_known_word(text) &&
               std::any_of(text.begin(), text.end(), [](char c) { return c >= 'a' && c <= 'z'; });
    };
    bool last_may_complete = typing && !words.empty() && words.back().text.size() >= 2 &&
                             (!snapshot.names_with_prefix(words.back().text, 1).empty() ||
                              !snapshot.names_sounding_like(words.back().text, 1).empty());
    for (std::size_t i = 0; i < words.size(); ++i) {
        if (i + 1 == words.size() && last_may_complete) continue;
        if (!may_correct(i)) continue;
        auto matches = snapshot.fuzzy().lookup(words[i].text, 1);
        if (matches.empty()) continue;
        words[i].text = matches.front().word->text;
        corrected = true;
    }
    // 2. The section asked about: the longest intent phrase found.
    {
        std::size_t best_length = 0;
        std::vector<std::size_t> best_words;
        for (const auto& spec : schema::kSections)
            for (auto pattern : spec.intents) {
                std::vector<std::size_t> matched;
                if (match_intent(words, pattern, matched) && matched.size() > best_length) {
                    best_length = matched.size();
                    best_words = matched;
                    plan.intent = &spec;
                }
            }
        for (auto i : best_words) {
            words[i].intent = true;
            plan.intent_words.push_back(words[i].text);
        }
    }

    std::vector<bool> was_corrected(words.size(), false);
    {
        auto original = split_words(query);
        for (std::size_t i = 0; i < words.size(); ++i) was_corrected[i] = original[i] != words[i].text;
    }

    // 3. Drug names: the longest run of words that names a drug, another name,
    // a brand or a salt form; stopwords may sit inside ("milk of magnesia").
    std::size_t span_limit = std::max(snapshot.longest_name_words(), snapshot.longest_synonym_words());
    std::size_t scan_end = words.size();
    auto process_spans = [&](std::size_t end_index) {
        for (std::size_t i = 0; i < end_index; ++i) {
            if (words[i].intent || words[i].consumed || snapshot.is_stopword(words[i].text)) continue;
            for (std::size_t n = std::min(span_limit, end_index - i); n >= 1; --n) {
                bool clean = true;
                for (auto k = i; k < i + n; ++k) clean = clean && !words[k].intent && !words[k].consumed;
                if (!clean || snapshot.is_stopword(words[i + n - 1].text)) continue;
                auto match = match_span(words, i, i + n, snapshot);
                if (!match) continue;
                bool fuzzy = false;
                for (auto k = i; k < i + n; ++k) {
                    words[k].consumed = true;
                    fuzzy = fuzzy || was_corrected[k];
                }
                for (auto& concept_ : match->concepts) {
                    if (fuzzy)
                        for (auto& alt : concept_.alternatives) {
                            alt.kind = MatchKind::fuzzy;
                            alt.weight *= kFuzzyWeight;
                        }
                    plan.concepts.push_back(std::move(concept_));
                }
                plan.expanded.insert(plan.expanded.end(), match->expansions.begin(), match->expansions.end());
                plan.text.insert(plan.text.end(), match->text.begin(), match->text.end());
                i += n - 1;
                break;
            }
        }
    };

    // 4. The word being typed: complete it to drug names ("amitrip",
    // "clavulanic a"), unless it already is one.
    std::vector<TextPart> completion_text;
    std::string corrected_tail;  // a misspelled word being typed, read as this name
    std::size_t corrected_tail_begin = 0;
    if (typing && !words.empty()) {
        for (std::size_t k = std::min<std::size_t>(3, words.size()); k >= 1; --k) {
            std::size_t begin = words.size() - k;
            bool free = true;
            for (auto i = begin; i < words.size(); ++i) free = free && !words[i].intent;
            auto tail = join(words, begin, words.size());
            if (!free || tail.size() < 3 || words.back().text.size() < 2) continue;
            if (snapshot.name(tail) || snapshot.synonyms(tail)) break;  // complete already
            auto completions = snapshot.names_with_prefix(tail, kMaxCompletions);
            bool sounding = false;
            if (completions.empty() && tail.size() >= 4) {
                // Misspelled while typing: "amitryp" sounds like amitriptyline.
                completions = snapshot.names_sounding_like(tail, kMaxCompletions);
                sounding = !completions.empty();
            }
            if (completions.empty()) continue;
            NameConcept concept_{tail, {}};
            double weight = kPrefixWeight;
            for (const auto* name : completions) {
                add_alternative(concept_, name->key, MatchKind::prefix, weight);
                weight -= 0.01;  // the most popular completion first
            }
            completion_text.push_back({completions.front()->key, kCompletionTextWeight});
            if (sounding) {
                for (auto i = begin; i < words.size(); ++i) was_corrected[i] = true;
                for (auto& alt : concept_.alternatives) alt.kind = MatchKind::fuzzy;
                corrected_tail = completions.front()->key;
                corrected_tail_begin = begin;
            }
            for (auto i = begin; i < words.size(); ++i) words[i].consumed = true;
            scan_end = begin;
            process_spans(scan_end);
            plan.concepts.push_back(std::move(concept_));
            break;
        }
    }
    if (scan_end == words.size()) process_spans(words.size());

    // A qualifier of some pages ("cetirizine ophthalmic") picks that form.
    if (!plan.concepts.empty())
        for (std::size_t i = 0; i < words.size() && plan.qualifier.empty(); ++i)
            for (std::size_t n = std::min<std::size_t>(3, words.size() - i); n >= 1; --n) {
                if (words[i].consumed) break;
                auto key = join(words, i, i + n);
                if (snapshot.is_qualifier(key)) {
                    plan.qualifier = key;
                    break;
                }
            }

    // Conditions in lay words: add their medical names to the text.
    std::vector<TextPart> condition_text;
    for (std::size_t i = 0; i < words.size(); ++i) {
        if (words[i].consumed || words[i].intent) continue;
        for (std::size_t n = std::min(snapshot.longest_synonym_words(), words.size() - i); n >= 1; --n) {
            auto key = join(words, i, i + n);
            const auto* values = snapshot.synonyms(key);
            if (!values || snapshot.synonym_kind(key) != SynonymKind::condition) continue;
            for (const auto& value : *values) {
                // "opioid dependence", not pages with "dependence" anywhere.
                condition_text.push_back({value, kExpansionTextWeight, value.find(' ') != std::string::npos});
                plan.expanded.push_back({key, value, "condition"});
            }
            i += n - 1;
            break;
        }
    }

    // British and American spellings of the user's words ("anaesthesia").
    std::vector<TextPart> spelling_text;
    for (const auto& word : words) {
        if (word.consumed || word.intent) continue;
        const auto* values = snapshot.synonyms(word.text);
        if (!values || snapshot.synonym_kind(word.text) != SynonymKind::spelling) continue;
        for (const auto& value : *values) {
            spelling_text.push_back({value, 1.0});
            plan.expanded.push_back({word.text, value, "spelling"});
        }
    }

    // The user's words, as corrected, lead the text part. With a drug named,
    // the words asking for a section only choose the snippet: pages that
    // merely mention "side effects" are no answer to "metformin side effects".
    std::string text;
    for (const auto& word : words) {
        if (word.consumed && !snapshot.is_known_word(word.text) && !snapshot.name(word.text)) continue;
        if (word.intent && !plan.concepts.empty()) continue;
        text += (text.empty() ? "" : " ") + word.text;
    }
    if (!text.empty()) plan.text.insert(plan.text.begin(), TextPart{text, 1.0});
    plan.text.insert(plan.text.end(), completion_text.begin(), completion_text.end());
    plan.text.insert(plan.text.end(), condition_text.begin(), condition_text.end());
    plan.text.insert(plan.text.end(), spelling_text.begin(), spelling_text.end());
    if (corrected || !corrected_tail.empty()) {
        std::string full;
        std::size_t end = corrected_tail.empty() ? words.size() : corrected_tail_begin;
        for (std::size_t i = 0; i < end; ++i) full += (full.empty() ? "" : " ") + words[i].text;
        if (!corrected_tail.empty()) full += (full.empty() ? "" : " ") + corrected_tail;
        plan.corrected = full;
    }
    return plan;
}

}  // namespace medsearch
