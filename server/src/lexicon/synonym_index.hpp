#pragma once
// The synonyms a generation was built with (data/synonyms.yaml, in the
// index's synonym table): other names, spellings, brands and lay words.

#include "medsearch/common/synonyms.hpp"

#include <xapian.h>

#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace medsearch {

class SynonymIndex {
  public:
    SynonymIndex() = default;
    // The database's synonym table, with the kinds kept in its metadata.
    explicit SynonymIndex(const Xapian::Database& db);

    // What `key` expands to, or nullptr.
    const std::vector<std::string>* find(std::string_view key) const;
    SynonymKind kind(std::string_view key) const;
    std::size_t longest_words() const { return longest_words_; }
    const std::unordered_map<std::string, std::vector<std::string>>& all() const { return synonyms_; }

  private:
    std::unordered_map<std::string, std::vector<std::string>> synonyms_;
    std::unordered_map<std::string, SynonymKind> kinds_;
    std::size_t longest_words_ = 1;
};

}  // namespace medsearch
