#pragma once
// The pages of a generation as the searcher reads them: each page's
// ingredients under all their names (name_key()s) and salt-free names
// (base_key()s), its form, and the indexes that find pages by them.

#include "medsearch/common/catalog.hpp"

#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

namespace medsearch {

class PageCatalog {
  public:
    PageCatalog() = default;
    explicit PageCatalog(std::vector<CatalogEntry> entries);

    const std::vector<CatalogEntry>& entries() const { return entries_; }
    const CatalogEntry& entry(int page) const { return entries_[static_cast<std::size_t>(page)]; }
    std::size_t size() const { return entries_.size(); }
    // The catalog index of the page at `path`, or -1.
    int page_index(std::string_view path) const;

    // name_key() of every name of each ingredient of page i, main name first.
    const std::vector<std::vector<std::string>>& components(int page) const {
        return component_keys_[static_cast<std::size_t>(page)];
    }
    // base_key() of each of those names, per ingredient.
    const std::vector<std::vector<std::string>>& component_bases(int page) const {
        return component_bases_[static_cast<std::size_t>(page)];
    }
    // base_key() of each of those names, in one list.
    const std::vector<std::string>& bases(int page) const { return page_bases_[static_cast<std::size_t>(page)]; }
    // Pages of two or more ingredients, one of which has this base_key().
    const std::vector<int>& combinations_with_base(const std::string& base) const;

    // name_key() of a qualifier some page has ("topical", "oral inhalation").
    bool is_qualifier(std::string_view key) const { return qualifiers_.count(std::string(key)) > 0; }
    // The page of just the drug `name_key` in the form `qualifier` names (a
    // name_key(): "topical"), or -1.
    int form_page(std::string_view name_key, std::string_view qualifier) const;
    // name_key() of the qualifier of page i's single ingredient ("" for none or a combination).
    std::string qualifier(int page) const;

  private:
    std::vector<CatalogEntry> entries_;
    std::vector<std::vector<std::vector<std::string>>> component_keys_;
    std::vector<std::vector<std::string>> page_bases_;
    std::vector<std::vector<std::vector<std::string>>> component_bases_;
    std::unordered_map<std::string, int> page_by_path_;
    std::unordered_map<std::string, std::vector<int>> combinations_by_base_;
    std::unordered_set<std::string> qualifiers_;
    std::unordered_map<std::string, int> form_pages_;  // name key + '|' + qualifier key -> page
};

// Which page a drug's name lands on: the page of just that drug, preferring
// one without a qualifier ("Acyclovir" over "Acyclovir (Topical)"), then the
// shorter title.
bool better_own_page(const CatalogEntry& candidate, const CatalogEntry& current);

}  // namespace medsearch
