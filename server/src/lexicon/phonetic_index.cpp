#include "lexicon/phonetic_index.hpp"

#include "medsearch/common/catalog.hpp"
#include "medsearch/common/drug_names.hpp"
#include "medsearch/common/text.hpp"
#include "medsearch/server/query_limits.hpp"

#include <algorithm>
#include <tuple>
#include <unordered_map>

namespace medsearch {
namespace {

// The consonants of a sound key: "fentermin" -> "fntrmn".
std::string skeleton(std::string_view key) {
    std::string out;
    for (char c : key)
        if (c != 'a' && c != 'e' && c != 'i' && c != 'o' && c != 'u') out.push_back(c);
    return out;
}

// The skeleton and each string one deletion from it.
std::vector<std::string> skeleton_variants(const std::string& bones) {
    std::vector<std::string> out{bones};
    for (std::size_t i = 0; i < bones.size(); ++i) {
        if (i > 0 && bones[i] == bones[i - 1]) continue;
        out.push_back(bones.substr(0, i) + bones.substr(i + 1));
    }
    return out;
}

bool letters_only(std::string_view word) {
    return std::all_of(word.begin(), word.end(), [](char c) { return c >= 'a' && c <= 'z'; });
}

}  // namespace

double PhoneticIndex::reach(std::size_t letters) {
    if (letters < 4) return 0;
    if (letters < 7) return 0.5;
    if (letters < 10) return 1.5;
    return 2.0;
}

PhoneticIndex::PhoneticIndex(const DrugLexicon& names, const SynonymIndex& synonyms) {
    std::unordered_map<std::string, std::size_t> index;
    auto add = [&](const std::string& word, std::uint32_t pages, bool brand) {
        if (word.size() < 4 || !letters_only(word)) return;
        auto [it, inserted] = index.emplace(word, entries_.size());
        if (inserted) {
            entries_.push_back({word, sound_key(word), pages, brand});
            return;
        }
        entries_[it->second].pages += pages;
        entries_[it->second].brand = entries_[it->second].brand && brand;
    };
    for (const auto& name : names.all())
        for (const auto& word : split_words(name.key)) add(word, name.pages, false);
    for (const auto& [key, values] : synonyms.all()) {
        auto kind = synonyms.kind(key);
        if (kind != SynonymKind::brand && kind != SynonymKind::name) continue;
        for (const auto& word : split_words(key)) add(word, 0, kind == SynonymKind::brand);
    }
    for (std::uint32_t id = 0; id < entries_.size(); ++id) {
        longest_ = std::max(longest_, entries_[id].text.size());
        for (const auto& variant : skeleton_variants(skeleton(entries_[id].key)))
            skeletons_.emplace_back(hash_bytes(variant), id);
    }
    std::sort(skeletons_.begin(), skeletons_.end());
    skeletons_.erase(std::unique(skeletons_.begin(), skeletons_.end()), skeletons_.end());
}

std::vector<PhoneticIndex::Match> PhoneticIndex::lookup(std::string_view typed, std::size_t limit) const {
    std::vector<Match> matches;
    const double within = reach(typed.size()) + 0.5;
    if (reach(typed.size()) == 0 || typed.size() > kMaxFuzzyWordBytes || typed.size() > longest_ + 4 || !letters_only(typed))
        return matches;
    const auto key = sound_key(typed);
    // Sounding alike forgives spelling, not everything: "zzzzqqq" is "sk" once
    // its letters are merged, but sounds like no word.
    if (key.size() * 2 < typed.size()) return matches;
    std::vector<std::uint32_t> candidates;
    for (const auto& variant : skeleton_variants(skeleton(key))) {
        auto h = hash_bytes(variant);
        auto range = std::equal_range(skeletons_.begin(), skeletons_.end(), std::make_pair(h, 0u),
                                      [](const auto& a, const auto& b) { return a.first < b.first; });
        for (auto it = range.first; it != range.second; ++it) candidates.push_back(it->second);
    }
    std::sort(candidates.begin(), candidates.end());
    candidates.erase(std::unique(candidates.begin(), candidates.end()), candidates.end());
    const int typos = allowed_typos(typed.size());
    for (auto id : candidates) {
        const auto& entry = entries_[id];
        if (entry.text == typed) continue;
        Match match{&entry, sound_distance(key, entry.key, within), osa_distance(typed, entry.text, typos + 1)};
        if (match.distance() <= within) matches.push_back(match);
    }
    std::sort(matches.begin(), matches.end(), [](const Match& a, const Match& b) {
        return std::make_tuple(a.distance(), -static_cast<long>(a.entry->pages), a.entry->text) <
               std::make_tuple(b.distance(), -static_cast<long>(b.entry->pages), b.entry->text);
    });
    if (matches.size() > limit) matches.resize(limit);
    return matches;
}

}  // namespace medsearch
