#include "lexicon/drug_lexicon.hpp"

#include "medsearch/common/drug_names.hpp"
#include "medsearch/common/text.hpp"

#include <algorithm>
#include <map>
#include <tuple>

namespace medsearch {
namespace {

// The most popular names first, then the shorter.
std::vector<const DrugName*> best_names(std::vector<const DrugName*> found, std::size_t limit) {
    auto order = [](const DrugName* a, const DrugName* b) {
        return std::make_tuple(-static_cast<long>(a->pages), a->key.size(), std::string_view(a->key)) <
               std::make_tuple(-static_cast<long>(b->pages), b->key.size(), std::string_view(b->key));
    };
    if (found.size() > limit) {
        std::partial_sort(found.begin(), found.begin() + static_cast<long>(limit), found.end(), order);
        found.resize(limit);
    } else {
        std::sort(found.begin(), found.end(), order);
    }
    return found;
}

// Each name of each page's ingredients, counted once per page.
std::map<std::string, DrugName> collect_names(const PageCatalog& pages) {
    std::map<std::string, DrugName> by_key;
    for (std::size_t i = 0; i < pages.size(); ++i) {
        const int page_id = static_cast<int>(i);
        const auto& page = pages.entry(page_id);
        std::vector<std::string> seen;
        for (std::size_t c = 0; c < page.components.size(); ++c) {
            const auto& component = page.components[c];
            const auto& keys = pages.components(page_id)[c];
            for (std::size_t k = 0; k < keys.size(); ++k) {
                auto& name = by_key[keys[k]];
                // Shown as a title writes it, not as an alias in brackets does.
                if (name.key.empty() || (k == 0 && name.display == name.key)) {
                    name.key = keys[k];
                    name.display = k == 0 ? component.name : component.aliases[k - 1];
                }
                if (std::find(seen.begin(), seen.end(), keys[k]) == seen.end()) {
                    ++name.pages;
                    seen.push_back(keys[k]);
                }
                if (name.best_page < 0 || page.components.size() < pages.entry(name.best_page).components.size())
                    name.best_page = page_id;
                if (page.components.size() == 1 &&
                    (name.own_page < 0 || better_own_page(page, pages.entry(name.own_page))))
                    name.own_page = page_id;
            }
        }
    }
    return by_key;
}

}  // namespace

std::size_t word_count(std::string_view key) {
    return key.empty() ? 0 : 1 + static_cast<std::size_t>(std::count(key.begin(), key.end(), ' '));
}

DrugLexicon::DrugLexicon(const PageCatalog& pages) {
    auto by_key = collect_names(pages);
    names_.reserve(by_key.size());
    for (auto& [key, name] : by_key) {
        by_key_.emplace(key, static_cast<std::uint32_t>(names_.size()));
        longest_words_ = std::max(longest_words_, word_count(key));
        names_.push_back(std::move(name));
    }
    for (std::uint32_t id = 0; id < names_.size(); ++id) by_sound_.emplace_back(phonetic_phrase(names_[id].key), id);
    std::sort(by_sound_.begin(), by_sound_.end());
    for (std::uint32_t id = 0; id < names_.size(); ++id) {
        auto base = base_key(names_[id].key);
        auto [it, inserted] = by_base_.emplace(base, id);
        if (inserted) continue;
        // The name that is the base itself (no salt word) wins, then the more popular one.
        const auto& current = names_[it->second];
        const auto& candidate = names_[id];
        bool candidate_is_base = run_together(candidate.key) == base, current_is_base = run_together(current.key) == base;
        if (candidate_is_base > current_is_base ||
            (candidate_is_base == current_is_base && candidate.pages > current.pages))
            it->second = id;
    }
    for (const auto& name : names_)
        for (auto& word : split_words(name.key)) words_.insert(std::move(word));
}

const DrugName* DrugLexicon::find(std::string_view key) const {
    auto it = by_key_.find(std::string(key));
    return it == by_key_.end() ? nullptr : &names_[it->second];
}

const DrugName* DrugLexicon::find_by_base(std::string_view base) const {
    auto it = by_base_.find(std::string(base));
    return it == by_base_.end() ? nullptr : &names_[it->second];
}

std::vector<const DrugName*> DrugLexicon::with_prefix(std::string_view prefix, std::size_t limit) const {
    std::vector<const DrugName*> found;
    auto first = std::lower_bound(names_.begin(), names_.end(), prefix,
                                  [](const DrugName& n, std::string_view p) { return n.key < p; });
    for (auto it = first; it != names_.end() && std::string_view(it->key).starts_with(prefix); ++it)
        found.push_back(&*it);
    return best_names(std::move(found), limit);
}

std::vector<const DrugName*> DrugLexicon::sounding_like(std::string_view prefix, std::size_t limit) const {
    std::vector<const DrugName*> found;
    for (auto id : ids_with_prefix(by_sound_, phonetic_phrase(prefix))) found.push_back(&names_[id]);
    return best_names(std::move(found), limit);
}

}  // namespace medsearch
