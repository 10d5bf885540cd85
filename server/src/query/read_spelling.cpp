#include "query/reader.hpp"

#include "medsearch/common/drug_names.hpp"
#include "medsearch/common/text.hpp"

#include <algorithm>
#include <span>
#include <tuple>

namespace medsearch {

namespace {

bool letters_only(std::string_view word) {
    return !word.empty() && std::all_of(word.begin(), word.end(), [](char c) { return c >= 'a' && c <= 'z'; });
}

}  // namespace

// What a misspelled word may be read as: words of the pages and of English
// within its typos, and drug names and brands that sound like it.
struct QueryReader::Reading {
    std::string text;
    double distance = 0;  // the smaller of the two below: what orders readings
    double sound = 0;     // in sound (sound_distance(), or phonetic_key()'s edits)
    int plain = 0;        // plain edits
    bool drug = false;   // a word of a drug name, another name or a brand
    bool brand = false;  // of a brand only
    std::uint32_t pages = 0;
};

// 0. Strengths and codes of a product ("500", "40mg", "xr"): not words to
// correct or to match.
void QueryReader::find_strengths() {
    for (auto& word : words_) word.strength = snapshot_.forms().is_strength(word.text);
}

std::vector<QueryReader::Reading> QueryReader::readings_of(const Word& word, bool drug_only) const {
    std::vector<Reading> readings;
    auto add = [&](Reading reading) {
        if (drug_only && !reading.drug) return;
        reading.distance = std::min(reading.sound, static_cast<double>(reading.plain));
        for (auto& known : readings)
            if (known.text == reading.text) {
                known.sound = std::min(known.sound, reading.sound);
                known.plain = std::min(known.plain, reading.plain);
                known.distance = std::min(known.distance, reading.distance);
                known.brand = known.brand || reading.brand;  // the typo index does not tell brands
                return;
            }
        readings.push_back(std::move(reading));
    };
    for (const auto& match : snapshot_.typos().lookup(word.text, 8))
        add({match.word->text, 0, static_cast<double>(match.distance), match.raw_distance, match.word->drug_name, false,
             match.word->weight});
    for (const auto& match : snapshot_.sounds().lookup(word.text, 8))
        add({match.entry->text, 0, match.sound, match.plain, true, match.entry->brand, match.entry->pages});
    std::sort(readings.begin(), readings.end(), [](const Reading& a, const Reading& b) {
        return std::make_tuple(a.distance, !a.drug, -static_cast<long>(a.pages), std::string_view(a.text)) <
               std::make_tuple(b.distance, !b.drug, -static_cast<long>(b.pages), std::string_view(b.text));
    });
    return readings;
}

// Whether words_[index] read as `text` is part of a name of two or more
// words with the words around it.
bool QueryReader::forms_name(std::size_t index, const std::string& text) const {
    const std::size_t longest = std::max(snapshot_.names().longest_words(), snapshot_.synonyms().longest_words());
    for (std::size_t begin = index >= longest ? index - longest + 1 : 0; begin <= index; ++begin)
        for (std::size_t end = std::max(begin + 2, index + 1); end <= std::min(words_.size(), begin + longest); ++end) {
            auto words = std::vector<Word>(words_.begin() + static_cast<long>(begin), words_.begin() + static_cast<long>(end));
            words[index - begin].text = text;
            auto span = join(words, 0, words.size());
            if (snapshot_.names().find(span) || snapshot_.synonyms().find(span)) return true;
        }
    return false;
}

// The reading a misspelling is best read as: the closest; of readings as
// close, one that makes a name with the words beside it ("hemofilus influenza
// b": haemophilus, not hemophilus); else, among everyday words, an everyday word.
const QueryReader::Reading& QueryReader::best_reading(const Word& word, std::size_t index,
                                                      const std::vector<Reading>& readings) const {
    const Reading* best = &readings.front();
    for (const auto& reading : readings)
        if (reading.distance == best->distance && forms_name(index, reading.text)) return reading;
    bool everyday = std::any_of(words_.begin(), words_.end(), [&](const Word& other) {
        return &other != &word && !other.text.empty() && !other.strength && !snapshot_.words().is_stopword(other.text) &&
               (snapshot_.words().is_known_word(other.text) || snapshot_.words().is_english_word(other.text)) &&
               !snapshot_.names().find(other.text) && !snapshot_.synonyms().find(other.text);
    });
    if (everyday && best->drug)
        for (const auto& reading : readings)
            if (reading.distance == best->distance && !reading.drug) return reading;
    return *best;
}

// The next reading of the best one's kind that is another drug (or word) with
// a page: spellings of one sound ("cefalexin", "cephalexin") and other names
// of one drug ("moracizine", "moricizine") are one drug, not rivals; nor is a
// name no page has beside one that pages have.
const QueryReader::Reading* QueryReader::rival_of(const Reading& best, const std::vector<Reading>& readings) const {
    const auto best_sound = sound_key(best.text);
    auto linked = [&](const std::string& from, const std::string& to) {
        const auto* values = snapshot_.synonyms().find(from);
        return values && std::find(values->begin(), values->end(), to) != values->end();
    };
    auto has_page = [&](const Reading& reading) {
        if (!reading.drug || snapshot_.names().is_drug_word(reading.text)) return true;
        const auto* values = snapshot_.synonyms().find(reading.text);
        return values && std::any_of(values->begin(), values->end(),
                                     [&](const std::string& value) { return snapshot_.names().find(value) != nullptr; });
    };
    for (const auto& reading : readings) {
        if (&reading == &best || reading.drug != best.drug) continue;
        if (sound_key(reading.text) == best_sound || linked(best.text, reading.text) || linked(reading.text, best.text))
            continue;
        if (has_page(reading) || !has_page(best)) return &reading;
    }
    return nullptr;
}

// Up to two readings of each kind, the closest first: a drug name is not
// hidden behind everyday words that sound a little closer.
void QueryReader::offer(const Word& word, std::size_t index, const std::vector<Reading>& readings) {
    std::size_t offered[2] = {0, 0};
    for (const auto& reading : readings) {
        if (plan_.did_you_mean.size() == kMaxDidYouMean) break;
        if (reading.distance > PhoneticIndex::reach(word.text.size()) + 0.5) break;
        if (offered[reading.drug]++ >= kMaxDidYouMean / 2) continue;
        auto words = words_;
        words[index].text = reading.text;
        bool brand = reading.brand || (!snapshot_.names().is_drug_word(reading.text) &&
                                       snapshot_.synonyms().find(reading.text) &&
                                       snapshot_.synonyms().kind(reading.text) == SynonymKind::brand);
        plan_.did_you_mean.push_back({join(words, 0, words.size()), reading.drug ? (brand ? "brand" : "drug") : "word"});
    }
}

// A reading is applied when it is certain: close for the word's length (the
// typos its length allows, or its reach in sound), and no rival close behind
// it: a full edit further, or half an edit with a quarter of the pages; the
// same sound as typed is certain unless a rival has it too. Otherwise the word
// is searched as typed and the readings are offered (did_you_mean).
void QueryReader::correct(Word& word, std::size_t index, const std::vector<Reading>& readings) {
    if (readings.empty()) return;
    const auto& best = best_reading(word, index, readings);
    const auto* rival = rival_of(best, readings);
    bool within = best.plain <= allowed_typos(word.text.size()) || best.sound <= PhoneticIndex::reach(word.text.size());
    bool clear = !rival || (best.distance == 0 && rival->distance > 0) || rival->distance >= best.distance + 1 ||
                 (rival->distance >= best.distance + 0.5 && best.pages >= 4 * std::max<std::uint32_t>(1, rival->pages));
    if (within && clear) {
        word.text = best.text;
        word.corrected = true;
        return;
    }
    offer(word, index, readings);
}

// 1. A word unknown to the index and close to a known word is read as
// that word, when certain (correct()). The last word, while being typed, may
// be a prefix instead. Words of the pages, of English and of the topics'
// names are never corrected; a word followed by a strength ("vicks 500")
// names a product, and is only read as a drug name or a brand. A word that
// looks like a product's name and is read as nothing no page has.
void QueryReader::correct_misspellings() {
    const auto& last = words_.empty() ? "" : words_.back().text;
    bool last_may_complete = false;
    if (typing_ && last.size() >= 2 && !snapshot_.forms().is_strength(last)) {
        auto sounding = snapshot_.names().sounding_like(last, kMaxCompletions);
        last_may_complete = !snapshot_.names().with_prefix(last, 1).empty() ||
                            std::any_of(sounding.begin(), sounding.end(),
                                        [&](const DrugName* name) { return starts_like(last, name->key); });
    }
    auto known = [&](const std::string& text) {
        return snapshot_.words().is_stopword(text) || snapshot_.words().is_known_word(text) ||
               snapshot_.words().is_english_word(text) || snapshot_.topics().is_topic_word(text);
    };
    bool product = std::any_of(words_.begin(), words_.end(), [](const Word& w) { return w.strength; });
    for (std::size_t i = 0; i < words_.size(); ++i) {
        auto& word = words_[i];
        if (i + 1 == words_.size() && last_may_complete) continue;
        bool has_letter = std::any_of(word.text.begin(), word.text.end(), [](char c) { return c >= 'a' && c <= 'z'; });
        if (!has_letter || word.strength || known(word.text)) continue;
        correct(word, i, readings_of(word, product));
        if (!word.corrected && letters_only(word.text) && word.text.size() >= 4 &&
            snapshot_.words().pages_with(word.text) == 0 && !snapshot_.names().find(word.text) &&
            !snapshot_.synonyms().find(word.text))
            plan_.unknown_products.push_back(word.text);
    }
}

// Whether the word being typed is best read as the start of a drug name.
// Among everyday words ("hair los", "memory loss") a drug name must fit
// the start better than every other word of the pages, else the word is
// read as typed, or as the pages' commonest word with that start; alone,
// as typed into a medicine search box, a drug name wins unless the word is
// complete and commoner on the pages than any drug name it starts ("test").
bool QueryReader::drug_completion_fits_best(const std::string& tail) {
    auto drug = snapshot_.words().commonest_with_prefix(tail, true, snapshot_.names());
    bool everyday = words_.size() > 1 && std::any_of(words_.begin(), words_.end() - 1, [&](const Word& w) {
        return !snapshot_.words().is_stopword(w.text) && !snapshot_.names().is_drug_word(w.text) && !snapshot_.synonyms().find(w.text);
    });
    if (is_complete_word(tail)) return !everyday && snapshot_.words().pages_with(tail) < drug.second;
    if (!everyday) return true;
    auto word = snapshot_.words().commonest_with_prefix(tail, false, snapshot_.names());
    if (word.second <= drug.second) return true;
    words_.back().text = std::string(word.first);
    return false;
}

// A word as typed is complete when it is a word of the pages or of
// English that is not part of a drug name: "loss", "pill", "test".
bool QueryReader::is_complete_word(const std::string& word) const {
    if (snapshot_.names().find(word)) return false;
    return snapshot_.words().is_english_word(word) || (snapshot_.words().is_known_word(word) && !snapshot_.names().is_drug_word(word));
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
std::size_t QueryReader::complete_typed_tail() {
    for (std::size_t k = std::min<std::size_t>(3, words_.size()); k >= 1; --k) {
        std::size_t begin = words_.size() - k;
        bool free = std::none_of(words_.begin() + static_cast<long>(begin), words_.end(),
                                 [](const Word& w) { return w.intent || w.topic; });
        auto tail = join(words_, begin, words_.size());
        if (!free || tail.size() < 3 || words_.back().text.size() < 2) continue;
        // Complete already: a drug's name, another name, or a topic's ("antacid").
        if (snapshot_.names().find(tail) || snapshot_.synonyms().find(tail) || snapshot_.topics().find(topic_key(tail, topic_stemmer())))
            break;
        if (k == 1 && !drug_completion_fits_best(tail)) break;
        auto completions = snapshot_.names().with_prefix(tail, kMaxCompletions);
        bool sounding = false;
        if (completions.empty() && tail.size() >= 4) {
            for (const auto* name : snapshot_.names().sounding_like(tail, kMaxCompletions))
                if (starts_like(tail, name->key)) completions.push_back(name);
            // A name that sounds like all that was typed ("piridoxin": pyridoxine)
            // before the longer ones it starts ("pyridoxine hydrochloride").
            auto whole = std::stable_partition(completions.begin(), completions.end(), [&](const DrugName* name) {
                return sound_key(run_together(name->key)) == sound_key(run_together(tail));
            });
            // Then it is that name, misspelled: read as the name, not completed.
            if (k == 1 && whole != completions.begin()) {
                words_.back().text = completions.front()->key;
                words_.back().corrected = true;
                return words_.size();
            }
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

}  // namespace medsearch
