#include "query/reader.hpp"

#include "medsearch/common/drug_names.hpp"
#include "medsearch/common/text.hpp"

#include <algorithm>

namespace medsearch {

// Whether a page has all the drugs of `concepts` (by any of their names).
bool has_page_with_all(const std::vector<NameConcept>& concepts, const PageCatalog& pages) {
    if (concepts.size() < 2) return true;
    auto has = [&](int page, const NameConcept& concept_) {
        const auto& bases = pages.bases(page);
        return std::any_of(concept_.alternatives.begin(), concept_.alternatives.end(), [&](const NameAlternative& alt) {
            return std::find(bases.begin(), bases.end(), alt.base) != bases.end();
        });
    };
    for (const auto& first : concepts.front().alternatives)
        for (int page : pages.combinations_with_base(first.base))
            if (std::all_of(concepts.begin(), concepts.end(), [&](const NameConcept& c) { return has(page, c); }))
                return true;
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

namespace {

// Other names of a lexicon name that are names of the pages too
// (paracetamol -> acetaminophen).
void add_name_synonyms(NameConcept& concept_, const std::string& key, const Snapshot& snapshot) {
    if (const auto* values = snapshot.synonyms().find(key))
        for (const auto& value : *values)
            if (snapshot.names().find(value) && snapshot.synonyms().kind(key) != SynonymKind::condition)
                add_alternative(concept_, value, MatchKind::synonym, kSynonymWeight);
}

// "zinc sulfate" -> "zinc sulphate": keys with words swapped for their spellings.
std::vector<std::string> spelling_variants(const std::vector<Word>& words, std::size_t begin,
                                           std::size_t end, const Snapshot& snapshot) {
    std::vector<std::string> variants{join(words, begin, end)};
    for (auto i = begin; i < end; ++i) {
        const auto* values = snapshot.synonyms().find(words[i].text);
        if (!values || snapshot.synonyms().kind(words[i].text) != SynonymKind::spelling) continue;
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

// The lexicon's name for an ingredient as a dictionary writes it: as written,
// its salt-free form, or another name of it.
const DrugName* resolve_ingredient(const std::string& written, const Snapshot& snapshot) {
    if (const auto* name = snapshot.names().find(written)) return name;
    if (const auto* name = snapshot.names().find_by_base(base_key(written))) return name;
    if (const auto* others = snapshot.synonyms().find(written))
        for (const auto& other : *others)
            if (const auto* name = snapshot.names().find(other)) return name;
    return nullptr;
}

// A combination brand: one concept per ingredient; when no page has them all,
// or an ingredient has no page, the pages of each ingredient answer, and the
// expansion says so.
void match_combination(const std::string& typed, const std::string& value, SynonymKind kind, const Snapshot& snapshot,
                       SpanMatch& match) {
    std::vector<std::string> missing;
    std::size_t start = 0;
    while (start <= value.size()) {
        auto stop = value.find(" + ", start);
        auto part = value.substr(start, stop == std::string::npos ? std::string::npos : stop - start);
        if (const auto* name = resolve_ingredient(part, snapshot)) {
            NameConcept concept_;
            add_alternative(concept_, name->key, MatchKind::synonym, kSynonymWeight);
            match.concepts.push_back(std::move(concept_));
        } else {
            missing.push_back(part);
        }
        if (stop == std::string::npos) break;
        start = stop + 3;
    }
    std::string note;
    if (!missing.empty()) {
        for (const auto& part : missing) note += (note.empty() ? "no page has " : " or ") + part;
        note += match.concepts.empty() ? "" : ": the pages of the other ingredients";
    } else if (!has_page_with_all(match.concepts, snapshot.pages())) {
        note = "no page has all of " + value + ": the pages of each";
    }
    // Without a page of the whole, each ingredient's own page answers: one
    // concept that any of them matches, fewer ingredients first.
    if (!note.empty() && match.concepts.size() > 1) {
        NameConcept any;
        for (const auto& concept_ : match.concepts)
            for (const auto& alt : concept_.alternatives) add_alternative(any, alt.key, alt.kind, alt.weight);
        match.concepts = {std::move(any)};
    }
    match.expansions.push_back({typed, value, std::string(to_string(kind)), note});
    match.text.push_back({value, kExpansionTextWeight});
}

// Reads words[begin, end) as a drug name, another name, a brand or a salt form.
std::optional<SpanMatch> match_span(const std::vector<Word>& words, std::size_t begin, std::size_t end,
                                    const Snapshot& snapshot) {
    auto typed = join(words, begin, end);
    for (const auto& key : spelling_variants(words, begin, end, snapshot)) {
        bool as_typed = key == typed;
        if (snapshot.names().find(key)) {
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
        const auto* values = snapshot.synonyms().find(key);
        if (!values) continue;
        auto kind = snapshot.synonyms().kind(key);
        if (kind == SynonymKind::condition) continue;
        SpanMatch match;
        for (const auto& value : *values) {
            if (value.find(" + ") != std::string::npos) {
                if (!match.concepts.empty()) continue;
                match_combination(typed, value, kind, snapshot, match);
                break;
            }
            const auto* name = resolve_ingredient(value, snapshot);
            if (!name) continue;
            if (match.concepts.empty()) match.concepts.emplace_back();
            add_alternative(match.concepts.front(), name->key, MatchKind::synonym, kSynonymWeight);
            match.expansions.push_back({typed, value, std::string(to_string(kind))});
            match.text.push_back({value, kExpansionTextWeight});
        }
        if (!match.concepts.empty()) return match;
        // A brand of what no page has: said, and nothing else read into it.
        if (kind == SynonymKind::brand && !values->empty()) {
            match.expansions.push_back({typed, values->front(), "brand", "no page has " + values->front()});
            return match;
        }
    }
    // Salt words are optional: "metformin hydrochloride" finds metformin.
    if (end - begin >= 2) {
        auto base = base_key(typed);
        if (base != typed) {
            const DrugName* name = snapshot.names().find(base);
            if (!name) name = snapshot.names().find_by_base(base);
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

// 3. Drug names in words [0, end): the longest run of words that names a
// drug, another name, a brand or a salt form; stopwords may sit inside
// ("milk of magnesia").
void QueryReader::find_names(std::size_t end) {
    std::size_t span_limit = std::max(snapshot_.names().longest_words(), snapshot_.synonyms().longest_words());
    for (std::size_t i = 0; i < end; ++i) {
        if (taken(words_[i]) || snapshot_.words().is_stopword(words_[i].text)) continue;
        for (std::size_t n = std::min(span_limit, end - i); n >= 1; --n) {
            bool free = std::none_of(words_.begin() + static_cast<long>(i), words_.begin() + static_cast<long>(i + n),
                                     [](const Word& w) { return taken(w); });
            if (!free || snapshot_.words().is_stopword(words_[i + n - 1].text)) continue;
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

// 5. A qualifier of some pages ("cetirizine ophthalmic") picks that form.
void QueryReader::find_qualifier() {
    if (plan_.concepts.empty()) return;
    for (std::size_t i = 0; i < words_.size() && plan_.qualifier.empty(); ++i)
        for (std::size_t n = std::min<std::size_t>(3, words_.size() - i); n >= 1; --n) {
            if (words_[i].consumed) break;
            auto key = join(words_, i, i + n);
            if (snapshot_.pages().is_qualifier(key)) {
                plan_.qualifier = key;
                break;
            }
        }
}

// 7. British and American spellings of the user's words ("anaesthesia").
void QueryReader::add_spellings() {
    for (const auto& word : words_) {
        if (word.consumed || word.intent) continue;
        const auto* values = snapshot_.synonyms().find(word.text);
        if (!values || snapshot_.synonyms().kind(word.text) != SynonymKind::spelling) continue;
        for (const auto& value : *values) {
            spelling_text_.push_back({value, 1.0});
            plan_.expanded.push_back({word.text, value, "spelling"});
        }
    }
}

}  // namespace medsearch
