#include "lexicon/suggestion_index.hpp"

#include "medsearch/common/drug_names.hpp"
#include "medsearch/common/text.hpp"

#include <algorithm>
#include <tuple>
#include <unordered_map>
#include <unordered_set>

namespace medsearch {
namespace {

// Class first, then popularity, then length: smaller is better.
std::uint32_t rank_of(std::uint32_t cls, std::uint32_t pages, std::size_t length) {
    std::uint32_t popularity = 0xFFFF - std::min<std::uint32_t>(pages, 0xFFFF);
    return (cls << 28) | (popularity << 8) | static_cast<std::uint32_t>(std::min<std::size_t>(length, 255));
}

std::string_view kind_of_page(const PageCatalog& pages, int page) {
    return pages.entry(page).components.size() > 1 ? "combination" : "drug";
}

// "crocin" -> "Crocin", "co-amoxiclav" -> "Co-Amoxiclav": how a key is shown.
std::string title_case(std::string_view key) {
    std::string out(key);
    bool start = true;
    for (auto& c : out) {
        if (start && c >= 'a' && c <= 'z') c = static_cast<char>(c - 32);
        start = !((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'));
    }
    return out;
}

// A combination brand's page: the one whose ingredients are exactly these.
int page_of_combination(const PageCatalog& pages, const std::string& value) {
    std::vector<std::string> wanted;
    std::size_t start = 0;
    while (start <= value.size()) {
        auto end = value.find(" + ", start);
        wanted.push_back(value.substr(start, end == std::string::npos ? std::string::npos : end - start));
        if (end == std::string::npos) break;
        start = end + 3;
    }
    std::sort(wanted.begin(), wanted.end());
    for (std::size_t i = 0; i < pages.size(); ++i) {
        std::vector<std::string> have;
        for (const auto& names : pages.components(static_cast<int>(i))) have.push_back(names.front());
        std::sort(have.begin(), have.end());
        if (have == wanted) return static_cast<int>(i);
    }
    return -1;
}

// Exact key first, then by rank; one entry per page.
std::vector<const SuggestEntry*> best_suggestions(std::vector<const SuggestEntry*> found, std::string_view typed,
                                                  std::size_t limit) {
    std::sort(found.begin(), found.end(), [&](const SuggestEntry* a, const SuggestEntry* b) {
        return std::make_tuple(a->key != typed, a->rank, a->page) < std::make_tuple(b->key != typed, b->rank, b->page);
    });
    std::vector<const SuggestEntry*> unique;
    std::unordered_set<int> pages;
    std::unordered_set<const TopicEntry*> topics;
    for (const auto* entry : found) {
        if (entry->topic ? !topics.insert(entry->topic).second : !pages.insert(entry->page).second) continue;
        unique.push_back(entry);
        if (unique.size() == limit) break;
    }
    return unique;
}

}  // namespace

SuggestionIndex::SuggestionIndex(const PageCatalog& pages, const DrugLexicon& names, const SynonymIndex& synonyms,
                                 const TopicIndex& topics) {
    add_names(pages, names);
    add_titles(pages, names);
    add_other_names(pages, names, synonyms);
    add_topics(topics);
    std::sort(entries_.begin(), entries_.end(), [](const SuggestEntry& a, const SuggestEntry& b) {
        return std::tie(a.key, a.rank, a.page) < std::tie(b.key, b.rank, b.page);
    });
    for (std::uint32_t i = 0; i < entries_.size(); ++i) by_sound_.emplace_back(phonetic_phrase(entries_[i].key), i);
    std::sort(by_sound_.begin(), by_sound_.end());
}

void SuggestionIndex::add_names(const PageCatalog& pages, const DrugLexicon& names) {
    for (const auto& name : names.all()) {
        int page = name.own_page >= 0 ? name.own_page : name.best_page;
        if (page < 0) continue;
        std::string detail;
        if (name.own_page < 0) detail = "in " + pages.entry(page).title;
        entries_.push_back({name.key, name.display, detail, kind_of_page(pages, page), page,
                            rank_of(name.own_page >= 0 ? 0 : 2, name.pages, name.display.size())});
    }
}

// Pages whose title is not just a drug name: combinations and qualified pages.
void SuggestionIndex::add_titles(const PageCatalog& pages, const DrugLexicon& names) {
    for (std::size_t i = 0; i < pages.size(); ++i) {
        const int page_id = static_cast<int>(i);
        const auto& page = pages.entry(page_id);
        const auto& keys = pages.components(page_id);
        if (keys.size() == 1 && names.find(name_key(page.title)) && names.find(name_key(page.title))->own_page == page_id)
            continue;
        std::uint32_t cls = keys.size() == 1 ? 0 : 2;
        std::uint32_t pages_with = 0;
        for (const auto& component : keys)
            if (const auto* n = names.find(component.front())) pages_with += n->pages;
        auto rank = rank_of(cls, keys.size() == 1 ? pages_with : 0, page.title.size());
        // Reachable from the start of each ingredient ("ketamine" finds "Amitriptyline + Ketamine").
        for (std::size_t first = 0; first < keys.size(); ++first) {
            std::string key;
            for (std::size_t k = 0; k < keys.size(); ++k) {
                if (!key.empty()) key.push_back(' ');
                key += keys[(first + k) % keys.size()].front();
            }
            if (first == 0 && keys.size() == 1) key = name_key(page.title);
            entries_.push_back({key, page.title, "", kind_of_page(pages, page_id), page_id, rank});
            if (keys.size() > 4) break;  // long combinations: from their first ingredient only
        }
    }
}

// Brands and other names that are not themselves drug names of the pages.
void SuggestionIndex::add_other_names(const PageCatalog& pages, const DrugLexicon& names,
                                      const SynonymIndex& synonyms) {
    for (const auto& [key, values] : synonyms.all()) {
        auto kind = synonyms.kind(key);
        if ((kind != SynonymKind::brand && kind != SynonymKind::name) || names.find(key)) continue;
        for (const auto& value : values) {
            const DrugName* target = names.find(value);
            int page = -1;
            std::string target_label;
            if (target && target->own_page >= 0) {
                page = target->own_page;
                target_label = target->display;
            } else if (value.find(" + ") != std::string::npos) {
                page = page_of_combination(pages, value);
                if (page >= 0) target_label = pages.entry(page).title;
            }
            if (page < 0) continue;
            std::string detail = (kind == SynonymKind::brand ? "brand of " : "other name for ") + target_label;
            entries_.push_back({key, title_case(key), detail, kind == SynonymKind::brand ? "brand" : "other-name", page,
                                rank_of(1, target ? target->pages : 0, key.size())});
            break;
        }
    }
}

// Kinds of medicine and conditions, by each of their names: a search for
// them, ranked after the single drugs (with brands), by how many pages their
// members have.
void SuggestionIndex::add_topics(const TopicIndex& topics) {
    std::unordered_map<const TopicEntry*, std::uint32_t> topic_pages;
    for (const auto& topic : topics.all())
        for (const auto& member : topic.members) topic_pages[&topic] += member.name->pages;
    for (const auto& [key, index] : topics.names()) {
        const auto& topic = topics.all()[index];
        entries_.push_back({key, topic.label, topic.kind == TopicKind::medicine_class ? "kind of medicine" : "condition",
                            to_string(topic.kind), -1, rank_of(1, topic_pages[&topic], key.size()), &topic});
    }
}

std::vector<const SuggestEntry*> SuggestionIndex::starting_with(std::string_view prefix, std::size_t limit) const {
    if (prefix.empty() || limit == 0) return {};
    std::vector<const SuggestEntry*> found;
    auto first = std::lower_bound(entries_.begin(), entries_.end(), prefix,
                                  [](const SuggestEntry& e, std::string_view p) { return e.key < p; });
    for (auto it = first; it != entries_.end() && std::string_view(it->key).starts_with(prefix); ++it)
        found.push_back(&*it);
    return best_suggestions(std::move(found), prefix, limit);
}

std::vector<const SuggestEntry*> SuggestionIndex::sounding_like(std::string_view prefix, std::size_t limit) const {
    if (prefix.empty() || limit == 0) return {};
    std::vector<const SuggestEntry*> found;
    for (auto id : ids_with_prefix(by_sound_, phonetic_phrase(prefix))) found.push_back(&entries_[id]);
    return best_suggestions(std::move(found), prefix, limit);
}

}  // namespace medsearch
