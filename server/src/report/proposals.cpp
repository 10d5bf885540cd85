// Proposals for the searches that found nothing: the known name within
// typo or sound reach of the query (a line for the brands or synonyms file),
// else the kind of medicine or condition whose names share its words (a name
// for data/medicines.yaml).
#include "report/proposals.hpp"

#include "lexicon/snapshot.hpp"

#include "medsearch/common/drug_names.hpp"
#include "medsearch/common/index_layout.hpp"
#include "medsearch/common/schema.hpp"
#include "medsearch/common/text.hpp"

#include <algorithm>
#include <cstdlib>
#include <map>

namespace medsearch {
namespace {

// A known name, with what a proposal needs to say about it.
struct KnownName {
    std::string key;        // name_key()
    std::string sound;      // sound_key() of its words run together
    std::string brand_of;   // for a brand: its ingredients joined by " + "; empty for a drug name
    std::uint32_t pages = 0;
};

struct Reach {
    const KnownName* name = nullptr;
    int plain = 0;
    double sound = 0;
    double distance() const { return std::min(sound, static_cast<double>(plain)); }
};

std::vector<KnownName> known_names(const Snapshot& snapshot) {
    std::vector<KnownName> names;
    for (const auto& drug : snapshot.names().all())
        names.push_back({drug.key, sound_key(run_together(drug.key)), {}, drug.pages});
    for (const auto& [key, expansions] : snapshot.synonyms().all()) {
        auto kind = snapshot.synonyms().kind(key);
        if (kind != SynonymKind::brand && kind != SynonymKind::name) continue;
        std::string brand_of;
        for (const auto& generic : expansions) brand_of += (brand_of.empty() ? "" : " + ") + generic;
        names.push_back({key, sound_key(run_together(key)), kind == SynonymKind::brand ? brand_of : "", 0});
    }
    return names;
}

// Closer first (in sound or in edits), then fewer plain edits, then the name on more pages, then the first in order.
bool closer(const Reach& a, const Reach& b) {
    if (a.distance() != b.distance()) return a.distance() < b.distance();
    if (a.plain != b.plain) return a.plain < b.plain;
    if (a.name->pages != b.name->pages) return a.name->pages > b.name->pages;
    return a.name->key < b.name->key;
}

// The known name closest to `key` a little beyond the searcher's own reach
// (which found nothing): one more edit, half a vowel more of sound.
std::optional<Reach> nearest_name(std::string_view key, const std::vector<KnownName>& names) {
    auto letters = run_together(key).size();
    int max_plain = allowed_typos(letters) + 1;
    double max_sound = PhoneticIndex::reach(letters) + 0.5;
    if (letters < 4) return std::nullopt;
    auto sound = sound_key(run_together(key));
    std::optional<Reach> best;
    for (const auto& name : names) {
        auto gap = static_cast<long>(name.key.size()) - static_cast<long>(key.size());
        if (std::labs(gap) > max_plain + 2) continue;
        Reach reach{&name, osa_distance(key, name.key, max_plain), sound_distance(sound, name.sound, max_sound)};
        if (reach.plain > max_plain && reach.sound > max_sound) continue;
        if (!best || closer(reach, *best)) best = reach;
    }
    return best;
}

std::string how_close(const Reach& reach) {
    if (reach.sound < reach.plain) return "sounds like";
    return std::to_string(reach.plain) + (reach.plain == 1 ? " edit from" : " edits from");
}

Proposal name_proposal(const QueryStat& zero, std::string_view key, const Reach& reach) {
    Proposal proposal{zero.query, zero.searches, {}, {}, {}, {}};
    const auto& name = *reach.name;
    if (!name.brand_of.empty()) {
        proposal.file = "data/brands.txt";
        proposal.line = std::string(key) + " = " + name.brand_of;
        proposal.reason = how_close(reach) + " the brand " + name.key + " (" + name.brand_of + ")";
    } else {
        proposal.file = "data/synonyms.yaml";
        proposal.where = "spellings";
        proposal.line = "- [" + name.key + ", " + std::string(key) + "]";
        proposal.reason = how_close(reach) + " the drug name " + name.key;
    }
    return proposal;
}

// Whether two words are the same word (by stem) or, both long enough not to
// be another word, one typo apart.
bool same_word(const std::string& a, const std::string& b, const Xapian::Stem& stem) {
    if (a == b || stem(a) == stem(b)) return true;
    return a.size() >= 5 && b.size() >= 5 && osa_distance(a, b, 1) <= 1;
}

// A shared word counts 1 / the number of topics whose names have it:
// "water" tells more than "tablets". A proposal needs at least the worth of
// a word of this many topics.
constexpr double kMinTopicScore = 1.0 / 8;

// For one topic: which words of the query its names have, and the name
// that has the most of them.
struct TopicMatch {
    std::vector<bool> words;
    std::size_t best_in_name = 0;
    const std::string* name = nullptr;
};

std::map<std::uint32_t, TopicMatch> topics_sharing_words(const std::vector<std::string>& words,
                                                         const Snapshot& snapshot, const Xapian::Stem& stem) {
    std::map<std::uint32_t, TopicMatch> matches;
    for (const auto& [name, topic] : snapshot.topics().names()) {
        auto name_words = split_words(name);
        std::vector<bool> found(words.size(), false);
        std::size_t count = 0;
        for (std::size_t i = 0; i < words.size(); ++i) {
            if (snapshot.words().is_stopword(words[i])) continue;
            for (const auto& name_word : name_words)
                if (same_word(words[i], name_word, stem)) found[i] = true;
            if (found[i]) ++count;
        }
        if (count == 0) continue;
        auto& match = matches[topic];
        match.words.resize(words.size(), false);
        for (std::size_t i = 0; i < words.size(); ++i) match.words[i] = match.words[i] || found[i];
        if (count > match.best_in_name) {
            match.best_in_name = count;
            match.name = &name;
        }
    }
    return matches;
}

// The topic whose names share the most telling words with the query; the
// first in the dictionary's order among equals.
std::optional<Proposal> topic_proposal(const QueryStat& zero, std::string_view key, const Snapshot& snapshot,
                                       const Xapian::Stem& stem) {
    auto words = split_words(key);
    auto matches = topics_sharing_words(words, snapshot, stem);
    std::vector<std::size_t> topics_per_word(words.size(), 0);
    for (const auto& [topic, match] : matches)
        for (std::size_t i = 0; i < words.size(); ++i)
            if (match.words[i]) ++topics_per_word[i];
    double best_score = kMinTopicScore - 1e-9;
    const std::pair<const std::uint32_t, TopicMatch>* best = nullptr;
    for (const auto& entry : matches) {
        double score = 0;
        for (std::size_t i = 0; i < words.size(); ++i)
            if (entry.second.words[i]) score += 1.0 / static_cast<double>(topics_per_word[i]);
        if (score > best_score) {
            best_score = score;
            best = &entry;
        }
    }
    if (!best) return std::nullopt;
    const auto& topic = snapshot.topics().all()[best->first];
    std::string kind = topic.kind == TopicKind::medicine_class ? "classes" : "conditions";
    return Proposal{zero.query,
                    zero.searches,
                    "data/medicines.yaml",
                    kind + ": " + topic.id + ", names",
                    std::string(key),
                    "shares words with '" + *best->second.name + "' (" + topic.label + ")"};
}

bool already_known(std::string_view key, const Snapshot& snapshot, const Xapian::Stem& stem) {
    return snapshot.names().find(key) || snapshot.synonyms().find(key) ||
           snapshot.topics().find(topic_key(key, stem));
}

bool everyday_words(std::string_view key, const Snapshot& snapshot) {
    auto words = split_words(key);
    return std::all_of(words.begin(), words.end(), [&](const std::string& word) {
        return snapshot.words().is_english_word(word) || snapshot.words().is_stopword(word);
    });
}

Proposal propose_one(const QueryStat& zero, const Snapshot& snapshot, const std::vector<KnownName>& names,
                     const Xapian::Stem& stem) {
    auto key = name_key(zero.query);
    if (key.empty() || already_known(key, snapshot, stem))
        return {zero.query, zero.searches, {}, {}, {}, key.empty() ? "no words to search" : "already a known name: the index now answers it"};
    // Everyday words are read as a lay word first, so "pills" never becomes a drug name.
    bool everyday = everyday_words(key, snapshot);
    if (everyday)
        if (auto topic = topic_proposal(zero, key, snapshot, stem)) return *topic;
    if (auto reach = nearest_name(key, names)) return name_proposal(zero, key, *reach);
    if (!everyday)
        if (auto topic = topic_proposal(zero, key, snapshot, stem)) return *topic;
    return {zero.query, zero.searches, {}, {}, {}, "nothing within reach: a page, a brand or a lay word to write"};
}

}  // namespace

Result<Proposals> propose(const std::filesystem::path& index_dir, const std::vector<QueryStat>& zero) {
    auto opened = open_current_index(index_dir);
    if (!opened) return opened.error();
    auto snapshot = Snapshot::load(opened.value().db, opened.value().generation);
    if (!snapshot) return snapshot.error();
    const auto& lexicon = *snapshot.value();
    auto names = known_names(lexicon);
    auto stem = schema::make_stemmer();
    Proposals out;
    out.generation = lexicon.generation().name;
    for (const auto& row : zero) out.proposals.push_back(propose_one(row, lexicon, names, stem));
    return out;
}

}  // namespace medsearch
