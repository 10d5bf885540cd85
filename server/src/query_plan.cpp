#include "medsearch/server/query_plan.hpp"
#include "medsearch/server/query_limits.hpp"

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
// Ways of saying a condition looked up in what pages treat: its first names
// (the dictionary lists the common ones first); each is a query of its own.
constexpr std::size_t kTreatsWays = 6;
// Extra text parts: other names and completions help highlight and rank text.
constexpr double kExpansionTextWeight = 0.6;
constexpr double kCompletionTextWeight = 0.3;

// Words for the form of a medicine ("headache tablet", "eczema cream"): they
// say how, not what for, so the pages that treat the condition need not say them.
constexpr std::string_view kFormWords[] = {
    "tablet", "tablets", "pill", "pills", "capsule", "capsules", "medicine", "medicines", "medication",
    "medications", "drug", "drugs", "cream", "creams", "ointment", "gel", "lotion", "shampoo", "spray",
    "drops", "syrup", "liquid", "injection", "remedy", "remedies", "treatment", "treatments", "treat",
    "treating", "relief", "relieve", "cure", "best", "good", "help", "helps", "otc", "over", "counter"};

bool is_form_word(std::string_view word) {
    return std::find(std::begin(kFormWords), std::end(kFormWords), word) != std::end(kFormWords);
}

// The form a query's words ask for, as the pages' qualifiers name it: "eczema
// cream" wants a topical page, "eye drops" an ophthalmic one, "asthma inhaler"
// an inhaled one, "tablets" none of those; empty when the words say nothing.
constexpr std::string_view kTopical = "topical", kOphthalmic = "ophthalmic", kOtic = "otic", kNasal = "nasal",
                           kInhaled = "oral inhalation", kByMouth = "oral";
constexpr std::string_view kRouteQualifiers[] = {kTopical, kOphthalmic, kOtic, kNasal, kInhaled, kByMouth, "systemic"};

bool is_route_qualifier(std::string_view qualifier) {
    return std::find(std::begin(kRouteQualifiers), std::end(kRouteQualifiers), qualifier) != std::end(kRouteQualifiers);
}

template <typename Words>
std::string_view asked_route(const Words& words) {
    auto has = [&](std::initializer_list<std::string_view> wanted) {
        return std::any_of(words.begin(), words.end(), [&](const auto& w) {
            return std::find(wanted.begin(), wanted.end(), w.text) != wanted.end();
        });
    };
    bool eye = has({"eye", "eyes", "ophthalmic", "eyedrops"}), ear = has({"ear", "ears", "otic"}),
         nose = has({"nose", "nasal", "nostril", "nostrils"});
    if (has({"inhaler", "inhalers", "puffer", "puffers", "inhaled", "inhalation"})) return kInhaled;
    if (has({"drops", "drop", "eyedrops", "spray", "sprays", "ointment", "ointments", "gel", "gels"})) {
        if (eye) return kOphthalmic;
        if (ear) return kOtic;
        if (nose) return kNasal;
    }
    if (has({"cream", "creams", "ointment", "ointments", "gel", "gels", "lotion", "lotions", "balm", "rub",
             "topical", "foam", "shampoo"}))
        return kTopical;
    if (has({"tablet", "tablets", "pill", "pills", "capsule", "capsules", "syrup", "oral"})) return kByMouth;
    return {};
}

// The stemmer of topic names (topic_key), one per thread: Xapian objects are not shared.
const Xapian::Stem& topic_stemmer() {
    thread_local const Xapian::Stem stem = schema::make_stemmer();
    return stem;
}

struct Word {
    std::string text;
    bool intent = false;     // part of a section phrase ("side effects")
    bool consumed = false;   // part of a drug name
    bool corrected = false;  // read as another word (a misspelling)
    bool topic = false;      // part of the name of a kind of medicine or a condition
};

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
    std::vector<std::string_view> tokens;
    for (std::size_t start = 0; start < pattern.size();) {
        auto end = std::min(pattern.find(' ', start), pattern.size());
        tokens.push_back(pattern.substr(start, end - start));
        start = end + 1;
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
        if (w >= words.size() || words[w].text != tokens[t] || words[w].consumed || words[w].topic) return false;
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
    concept_.alternatives.push_back({key, base_key(key), kind, weight});
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
            NameConcept concept_;
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
                        NameConcept concept_;
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
            if (match.concepts.empty()) match.concepts.emplace_back();
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
                NameConcept concept_;
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

// Reads a plain query, step by step (see plan_query).
class QueryReader {
  public:
    QueryReader(std::string_view query, const Snapshot& snapshot) : snapshot_(snapshot) {
        for (auto& text : split_words(query)) words_.push_back({std::move(text)});
        typing_ = !query.empty() && query.back() != ' ' && query.back() != '\t';
    }

    QueryPlan read() {
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
        finish();
        return std::move(plan_);
    }

  private:
    // 1. A word unknown to the index and close to a known word is read as
    // that word. The last word, while being typed, may be a prefix instead.
    // Words of the pages, of English and of the topics' names are never corrected; a misspelled
    // word among everyday words is read as an everyday word when one is as
    // close as the nearest drug name.
    void correct_misspellings() {
        const auto& last = words_.empty() ? "" : words_.back().text;
        bool last_may_complete = typing_ && last.size() >= 2 &&
                                 (!snapshot_.names_with_prefix(last, 1).empty() ||
                                  !snapshot_.names_sounding_like(last, 1).empty());
        auto known = [&](const std::string& text) {
            return snapshot_.is_stopword(text) || snapshot_.is_known_word(text) || snapshot_.is_english_word(text) ||
                   snapshot_.is_topic_word(text);
        };
        for (std::size_t i = 0; i < words_.size(); ++i) {
            auto& word = words_[i];
            if (i + 1 == words_.size() && last_may_complete) continue;
            bool has_letter = std::any_of(word.text.begin(), word.text.end(), [](char c) { return c >= 'a' && c <= 'z'; });
            if (!has_letter || known(word.text)) continue;
            auto matches = snapshot_.fuzzy().lookup(word.text, 8);
            if (matches.empty()) continue;
            const auto* best = &matches.front();
            bool everyday = std::any_of(words_.begin(), words_.end(), [&](const Word& other) {
                return &other != &word && !other.text.empty() && !snapshot_.is_stopword(other.text) &&
                       known(other.text) && !snapshot_.name(other.text) && !snapshot_.synonyms(other.text);
            });
            if (everyday && best->word->drug_name)
                for (const auto& match : matches)
                    if (match.distance == best->distance && !match.word->drug_name) {
                        best = &match;
                        break;
                    }
            word.text = best->word->text;
            word.corrected = true;
        }
    }

    // Whether the word being typed is best read as the start of a drug name.
    // Among everyday words ("hair los", "memory loss") a drug name must fit
    // the start better than every other word of the pages, else the word is
    // read as typed, or as the pages' commonest word with that start; alone,
    // as typed into a medicine search box, a drug name wins unless the word is
    // complete and commoner on the pages than any drug name it starts ("test").
    bool drug_completion_fits_best(const std::string& tail) {
        auto drug = snapshot_.commonest_word_with_prefix(tail, true);
        bool everyday = words_.size() > 1 && std::any_of(words_.begin(), words_.end() - 1, [&](const Word& w) {
            return !snapshot_.is_stopword(w.text) && !snapshot_.is_drug_word(w.text) && !snapshot_.synonyms(w.text);
        });
        if (is_complete_word(tail)) return !everyday && snapshot_.word_pages(tail) < drug.second;
        if (!everyday) return true;
        auto word = snapshot_.commonest_word_with_prefix(tail, false);
        if (word.second <= drug.second) return true;
        words_.back().text = std::string(word.first);
        return false;
    }

    // A word as typed is complete when it is a word of the pages or of
    // English that is not part of a drug name: "loss", "pill", "test".
    bool is_complete_word(const std::string& word) const {
        if (snapshot_.name(word)) return false;
        return snapshot_.is_english_word(word) || (snapshot_.is_known_word(word) && !snapshot_.is_drug_word(word));
    }

    // 2. The section asked about: the longest intent phrase found.
    void find_intent() {
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

    // 3. Drug names in words [0, end): the longest run of words that names a
    // drug, another name, a brand or a salt form; stopwords may sit inside
    // ("milk of magnesia").
    void find_names(std::size_t end) {
        std::size_t span_limit = std::max(snapshot_.longest_name_words(), snapshot_.longest_synonym_words());
        for (std::size_t i = 0; i < end; ++i) {
            if (taken(words_[i]) || snapshot_.is_stopword(words_[i].text)) continue;
            for (std::size_t n = std::min(span_limit, end - i); n >= 1; --n) {
                bool free = std::none_of(words_.begin() + static_cast<long>(i), words_.begin() + static_cast<long>(i + n),
                                         [](const Word& w) { return taken(w); });
                if (!free || snapshot_.is_stopword(words_[i + n - 1].text)) continue;
                auto match = match_span(words_, i, i + n, snapshot_);
                if (!match) continue;
                bool fuzzy = false;
                for (auto k = i; k < i + n; ++k) {
                    words_[k].consumed = true;
                    fuzzy = fuzzy || words_[k].corrected;
                }
                for (auto& concept_ : match->concepts) {
                    if (fuzzy)
                        for (auto& alt : concept_.alternatives) {
                            alt.kind = MatchKind::fuzzy;
                            alt.weight *= kFuzzyWeight;
                        }
                    plan_.concepts.push_back(std::move(concept_));
                }
                plan_.expanded.insert(plan_.expanded.end(), match->expansions.begin(), match->expansions.end());
                plan_.text.insert(plan_.text.end(), match->text.begin(), match->text.end());
                i += n - 1;
                break;
            }
        }
    }

    // 4. The words being typed: completed to drug names ("amitrip",
    // "clavulanic a"), unless they already are one; when nothing completes
    // them, to names that sound alike ("amitryp"). Returns where the names of
    // step 3 end.
    //
    // A single word is completed from the whole vocabulary: not at all when it
    // is a complete word ("loss"), to the pages' commonest word with that
    // start when drug names are rarer ("hair los" -> "loss"), else to drug
    // names.
    std::size_t complete_typed_tail() {
        for (std::size_t k = std::min<std::size_t>(3, words_.size()); k >= 1; --k) {
            std::size_t begin = words_.size() - k;
            bool free = std::none_of(words_.begin() + static_cast<long>(begin), words_.end(),
                                     [](const Word& w) { return w.intent || w.topic; });
            auto tail = join(words_, begin, words_.size());
            if (!free || tail.size() < 3 || words_.back().text.size() < 2) continue;
            // Complete already: a drug's name, another name, or a topic's ("antacid").
            if (snapshot_.name(tail) || snapshot_.synonyms(tail) || snapshot_.topic(topic_key(tail, topic_stemmer())))
                break;
            if (k == 1 && !drug_completion_fits_best(tail)) break;
            auto completions = snapshot_.names_with_prefix(tail, kMaxCompletions);
            bool sounding = false;
            if (completions.empty() && tail.size() >= 4) {
                for (const auto* name : snapshot_.names_sounding_like(tail, kMaxCompletions))
                    if (starts_like(tail, name->key)) completions.push_back(name);
                sounding = !completions.empty();
            }
            if (completions.empty()) continue;
            NameConcept concept_;
            double weight = kPrefixWeight;
            for (const auto* name : completions) {
                add_alternative(concept_, name->key, sounding ? MatchKind::fuzzy : MatchKind::prefix, weight);
                weight -= 0.01;  // the most popular completion first
            }
            completion_text_.push_back({completions.front()->key, kCompletionTextWeight});
            if (sounding) {
                corrected_tail_ = completions.front()->key;
                corrected_tail_begin_ = begin;
            }
            for (auto i = begin; i < words_.size(); ++i) words_[i].consumed = true;
            tail_concept_ = std::move(concept_);
            return begin;
        }
        return words_.size();
    }

    // 2b and 4b. Kinds of medicine ("allergy tablets") and conditions
    // ("itching"): the longest names of topics in the words. Before drug
    // names, a name of two or more words that is not a drug's ("iron
    // deficiency", "low iron"); after them, the rest.
    enum class TopicPass { longer_than_names, rest };
    void find_topics(TopicPass pass) {
        const auto& stem = topic_stemmer();
        for (std::size_t i = 0; i < words_.size(); ++i) {
            if (taken(words_[i])) continue;
            // A name may start with a stopword ("the pill"), a topic never is one.
            bool stopword = snapshot_.is_stopword(words_[i].text);
            std::size_t shortest = pass == TopicPass::longer_than_names || stopword ? 2 : 1;
            for (std::size_t n = std::min(snapshot_.longest_topic_words(), words_.size() - i); n >= shortest; --n) {
                auto begin = words_.begin() + static_cast<long>(i), end = begin + static_cast<long>(n);
                if (std::any_of(begin, end, [&](const Word& w) { return taken(w); })) continue;
                auto phrase = join(words_, i, i + n);
                const auto* topic = snapshot_.topic(topic_key(phrase, stem));
                if (!topic) continue;
                if (pass == TopicPass::longer_than_names &&
                    (snapshot_.name(phrase) ||
                     (snapshot_.synonyms(phrase) && snapshot_.synonym_kind(phrase) != SynonymKind::condition)))
                    continue;
                for (auto k = i; k < i + n; ++k) words_[k].topic = true;
                if (std::find(topics_.begin(), topics_.end(), topic) == topics_.end()) topics_.push_back(topic);
                i += n - 1;
                break;
            }
        }
    }

    static bool taken(const Word& w) { return w.consumed || w.intent || w.topic; }

    // The topic answered, when no drug is named. A condition with a kind
    // ("flu antiviral") is answered by the members of both; two conditions
    // ("chest pain angina") by the members they share.
    void choose_topic() {
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
    void fit_topic_to_form() {
        if (plan_.topic_members.empty()) return;
        auto route = asked_route(words_);
        if (route.empty()) return;
        std::vector<TopicMember> fitting, other_form;
        for (auto member : plan_.topic_members) {
            if (member.combination) {
                fitting.push_back(member);
                continue;
            }
            auto qualifier = snapshot_.page_qualifier(member.page);
            if (route == kByMouth) {
                bool by_mouth = qualifier.empty() || qualifier == kByMouth || qualifier == "systemic";
                (by_mouth || !is_route_qualifier(qualifier) ? fitting : other_form).push_back(member);
                continue;
            }
            if (qualifier != route)
                if (int page = snapshot_.form_page(*member.name, route); page >= 0) {
                    member.page = page;
                    qualifier = std::string(route);
                }
            (qualifier == route || !is_route_qualifier(qualifier) ? fitting : other_form).push_back(member);
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
    void find_topic_combinations() {
        std::unordered_set<std::string> bases;
        for (const auto& member : plan_.topic_members)
            if (!member.combination) bases.insert(base_key(member.name->key));
        std::unordered_set<int> seen;
        for (const auto& base : bases)
            for (int page : snapshot_.combinations_with_base(base)) {
                if (!seen.insert(page).second) continue;
                const auto& components = snapshot_.page_component_bases(page);
                bool all_members = std::all_of(components.begin(), components.end(), [&](const auto& names) {
                    return std::any_of(names.begin(), names.end(),
                                       [&](const std::string& name) { return bases.count(name) > 0; });
                });
                if (all_members) plan_.topic_combinations.push_back(page);
            }
        std::sort(plan_.topic_combinations.begin(), plan_.topic_combinations.end());
    }

    // 6b. The condition asked about, for the pages whose drug treats it: the
    // words left (but form words), each medical term they expand to, and
    // every name of the condition found.
    void find_treats() {
        if (!plan_.concepts.empty()) return;
        std::vector<std::string> own;
        for (const auto& word : words_)
            if (!taken(word) && !snapshot_.is_stopword(word.text) && !is_form_word(word.text)) own.push_back(word.text);
        if (!own.empty()) plan_.treats.push_back(std::move(own));
        for (const auto& part : condition_text_) plan_.treats.push_back(split_words(part.text));
        // A condition's names; a kind's would only say what the drug is.
        if (plan_.topic && plan_.topic->kind == TopicKind::condition)
            for (const auto& name : plan_.topic->names) {
                if (plan_.treats.size() >= kTreatsWays) break;
                auto words = split_words(name);
                std::erase_if(words, [&](const std::string& w) { return snapshot_.is_stopword(w) || is_form_word(w); });
                if (!words.empty() && std::find(plan_.treats.begin(), plan_.treats.end(), words) == plan_.treats.end())
                    plan_.treats.push_back(std::move(words));
            }
    }

    // 5. A qualifier of some pages ("cetirizine ophthalmic") picks that form.
    void find_qualifier() {
        if (plan_.concepts.empty()) return;
        for (std::size_t i = 0; i < words_.size() && plan_.qualifier.empty(); ++i)
            for (std::size_t n = std::min<std::size_t>(3, words_.size() - i); n >= 1; --n) {
                if (words_[i].consumed) break;
                auto key = join(words_, i, i + n);
                if (snapshot_.is_qualifier(key)) {
                    plan_.qualifier = key;
                    break;
                }
            }
    }

    // 6. Conditions in lay words: their medical names, as phrases ("opioid
    // dependence", not pages with "dependence" anywhere). The words of a topic
    // answered are not: its own names say what it is ("allergy tablets" is
    // not "allergic reaction").
    void expand_conditions() {
        for (std::size_t i = 0; i < words_.size(); ++i) {
            if (words_[i].consumed || words_[i].intent || (plan_.topic && words_[i].topic)) continue;
            for (std::size_t n = std::min(snapshot_.longest_synonym_words(), words_.size() - i); n >= 1; --n) {
                auto key = join(words_, i, i + n);
                const auto* values = snapshot_.synonyms(key);
                if (!values || snapshot_.synonym_kind(key) != SynonymKind::condition) continue;
                for (const auto& value : *values) {
                    condition_text_.push_back({value, kExpansionTextWeight, value.find(' ') != std::string::npos});
                    plan_.expanded.push_back({key, value, "condition"});
                }
                i += n - 1;
                break;
            }
        }
    }

    // 7. British and American spellings of the user's words ("anaesthesia").
    void add_spellings() {
        for (const auto& word : words_) {
            if (word.consumed || word.intent) continue;
            const auto* values = snapshot_.synonyms(word.text);
            if (!values || snapshot_.synonym_kind(word.text) != SynonymKind::spelling) continue;
            for (const auto& value : *values) {
                spelling_text_.push_back({value, 1.0});
                plan_.expanded.push_back({word.text, value, "spelling"});
            }
        }
    }

    // The user's words, as corrected, lead the text part. With a drug named,
    // the words asking for a section only choose the snippet: pages that
    // merely mention "side effects" are no answer to "metformin side effects".
    void finish() {
        std::string text;
        for (const auto& word : words_) {
            if (word.consumed && !snapshot_.is_known_word(word.text) && !snapshot_.name(word.text)) continue;
            if (word.intent && !plan_.concepts.empty()) continue;
            text += (text.empty() ? "" : " ") + word.text;
        }
        if (!text.empty()) plan_.text.insert(plan_.text.begin(), TextPart{text, 1.0});
        for (const auto* parts : {&completion_text_, &condition_text_, &spelling_text_})
            plan_.text.insert(plan_.text.end(), parts->begin(), parts->end());
        bool corrected = std::any_of(words_.begin(), words_.end(), [](const Word& w) { return w.corrected; });
        if (corrected || !corrected_tail_.empty()) {
            std::size_t end = corrected_tail_.empty() ? words_.size() : corrected_tail_begin_;
            std::string full = join(words_, 0, end);
            if (!corrected_tail_.empty()) full += (full.empty() ? "" : " ") + corrected_tail_;
            plan_.corrected = full;
        }
    }

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

}  // namespace

QueryPlan plan_query(std::string_view query, const Snapshot& snapshot, Syntax syntax) {
    auto kept = query.substr(0, prefix_with_words(query, kMaxQueryWords));
    auto plan = syntax == Syntax::allowed && is_syntax(kept) ? advanced_plan(kept) : QueryReader(kept, snapshot).read();
    plan.words_left_out = kept.size() < query.size();
    return plan;
}

}  // namespace medsearch
