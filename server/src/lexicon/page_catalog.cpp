#include "lexicon/page_catalog.hpp"

#include "medsearch/common/drug_names.hpp"
#include "medsearch/common/text.hpp"

#include <algorithm>
#include <tuple>

namespace medsearch {

bool better_own_page(const CatalogEntry& candidate, const CatalogEntry& current) {
    auto rank = [](const CatalogEntry& e) {
        return std::make_tuple(!e.components.front().qualifier.empty(), e.title.size(), e.path);
    };
    return rank(candidate) < rank(current);
}

PageCatalog::PageCatalog(std::vector<CatalogEntry> entries) : entries_(std::move(entries)) {
    component_keys_.resize(entries_.size());
    page_bases_.resize(entries_.size());
    component_bases_.resize(entries_.size());
    for (std::size_t i = 0; i < entries_.size(); ++i) {
        const auto& page = entries_[i];
        page_by_path_.emplace(page.path, static_cast<int>(i));
        for (const auto& component : page.components) {
            if (!component.qualifier.empty()) qualifiers_.insert(name_key(component.qualifier));
            auto keys = component_keys(component);
            std::vector<std::string> bases;
            for (const auto& key : keys) bases.push_back(base_key(key));
            page_bases_[i].insert(page_bases_[i].end(), bases.begin(), bases.end());
            component_bases_[i].push_back(std::move(bases));
            if (page.components.size() == 1 && !component.qualifier.empty())
                for (const auto& key : keys) {
                    auto [it, inserted] =
                        form_pages_.emplace(key + '|' + name_key(component.qualifier), static_cast<int>(i));
                    if (!inserted && better_own_page(page, entries_[static_cast<std::size_t>(it->second)]))
                        it->second = static_cast<int>(i);
                }
            component_keys_[i].push_back(std::move(keys));
        }
        if (page.components.size() > 1) {
            auto bases = page_bases_[i];
            std::sort(bases.begin(), bases.end());
            bases.erase(std::unique(bases.begin(), bases.end()), bases.end());
            for (auto& base : bases) combinations_by_base_[std::move(base)].push_back(static_cast<int>(i));
        }
    }
}

int PageCatalog::page_index(std::string_view path) const {
    auto it = page_by_path_.find(std::string(path));
    return it == page_by_path_.end() ? -1 : it->second;
}

const std::vector<int>& PageCatalog::combinations_with_base(const std::string& base) const {
    static const std::vector<int> none;
    auto found = combinations_by_base_.find(base);
    return found == combinations_by_base_.end() ? none : found->second;
}

int PageCatalog::form_page(std::string_view name_key, std::string_view qualifier) const {
    auto found = form_pages_.find(std::string(name_key) + '|' + std::string(qualifier));
    return found == form_pages_.end() ? -1 : found->second;
}

std::string PageCatalog::qualifier(int page) const {
    if (page < 0) return {};
    const auto& components = entry(page).components;
    return components.size() == 1 ? name_key(components.front().qualifier) : std::string();
}

}  // namespace medsearch
