#include "lexicon/fuzzy_index.hpp"
#include "medsearch/server/query_limits.hpp"

#include "medsearch/common/catalog.hpp"
#include "medsearch/common/drug_names.hpp"

#include <algorithm>
#include <tuple>

namespace medsearch {
namespace {

// All strings made from `key` by deleting up to `depth` characters.
void collect_deletes(const std::string& key, int depth, std::vector<std::string>& out) {
    out.push_back(key);
    if (depth == 0 || key.size() <= 1) return;
    for (std::size_t i = 0; i < key.size(); ++i) {
        if (i > 0 && key[i] == key[i - 1]) continue;  // same deletion as the previous one
        std::string shorter = key;
        shorter.erase(i, 1);
        collect_deletes(shorter, depth - 1, out);
    }
}

std::vector<std::string> deletes_of(const std::string& key, int depth) {
    std::vector<std::string> out;
    collect_deletes(key, depth, out);
    std::sort(out.begin(), out.end());
    out.erase(std::unique(out.begin(), out.end()), out.end());
    return out;
}

}  // namespace

FuzzyIndex::FuzzyIndex(std::vector<Word> words) : words_(std::move(words)) {
    keys_.reserve(words_.size());
    for (std::uint32_t id = 0; id < words_.size(); ++id) {
        longest_ = std::max(longest_, words_[id].text.size());
        keys_.push_back(phonetic_key(words_[id].text));
        auto deletions = deletes_of(keys_.back(), words_[id].max_edits);
        // Drug names also by their spelling: "endoien" is two edits from
        // "endoxifen" but three from its sound-alike key (x -> ks).
        if (words_[id].drug_name && keys_.back() != words_[id].text) {
            auto more = deletes_of(words_[id].text, words_[id].max_edits);
            deletions.insert(deletions.end(), more.begin(), more.end());
            std::sort(deletions.begin(), deletions.end());
            deletions.erase(std::unique(deletions.begin(), deletions.end()), deletions.end());
        }
        for (const auto& deletion : deletions) deletes_.emplace_back(hash_bytes(deletion), id);
    }
    std::sort(deletes_.begin(), deletes_.end());
}

std::vector<FuzzyIndex::Match> FuzzyIndex::lookup(std::string_view typed, std::size_t limit) const {
    std::vector<Match> matches;
    int allowed = allowed_typos(typed.size());
    // A word is at least its difference in length from another away from it,
    // and the deletions of a long word are many and long.
    if (allowed == 0 || words_.empty() || typed.size() > kMaxFuzzyWordBytes ||
        typed.size() > longest_ + static_cast<std::size_t>(allowed) + 1)
        return matches;
    auto key = phonetic_key(typed);
    auto deletions = deletes_of(key, allowed);
    if (key != typed) {
        auto more = deletes_of(std::string(typed), allowed);
        deletions.insert(deletions.end(), more.begin(), more.end());
    }
    std::vector<std::uint32_t> candidates;
    for (const auto& deletion : deletions) {
        auto h = hash_bytes(deletion);
        auto range = std::equal_range(deletes_.begin(), deletes_.end(), std::make_pair(h, 0u),
                                      [](const auto& a, const auto& b) { return a.first < b.first; });
        for (auto it = range.first; it != range.second; ++it) candidates.push_back(it->second);
    }
    std::sort(candidates.begin(), candidates.end());
    candidates.erase(std::unique(candidates.begin(), candidates.end()), candidates.end());
    for (auto id : candidates) {
        const auto& word = words_[id];
        int sound = osa_distance(key, keys_[id], allowed);
        int raw = osa_distance(typed, word.text, allowed + 1);
        int distance = std::min(sound, raw);
        // Sounding alike forgives spelling, not everything: "zzzzqqq" sounds
        // like "seek" once letters are merged, but is nothing like it.
        if (distance > allowed || raw > allowed + 1 || word.text == typed) continue;
        matches.push_back({&word, distance, raw});
    }
    std::sort(matches.begin(), matches.end(), [](const Match& a, const Match& b) {
        return std::make_tuple(a.distance, !a.word->drug_name, a.raw_distance, -static_cast<long>(a.word->weight), a.word->text) <
               std::make_tuple(b.distance, !b.word->drug_name, b.raw_distance, -static_cast<long>(b.word->weight), b.word->text);
    });
    if (matches.size() > limit) matches.resize(limit);
    return matches;
}

}  // namespace medsearch
