#include "lexicon/synonym_index.hpp"

#include "lexicon/drug_lexicon.hpp"

#include "medsearch/common/schema.hpp"
#include "medsearch/common/word_list.hpp"

#include <algorithm>

namespace medsearch {

SynonymIndex::SynonymIndex(const Xapian::Database& db) {
    for (auto key = db.synonym_keys_begin(); key != db.synonym_keys_end(); ++key) {
        auto& values = synonyms_[*key];
        for (auto value = db.synonyms_begin(*key); value != db.synonyms_end(*key); ++value) values.push_back(*value);
        longest_words_ = std::max(longest_words_, word_count(*key));
    }
    for (const auto& line : split_lines(db.get_metadata(schema::kMetaSynonymKinds))) {
        auto tab = line.find('\t');
        if (tab == std::string::npos) continue;
        auto kind_text = line.substr(tab + 1);
        auto kind = kind_text == "brand" ? SynonymKind::brand
                    : kind_text == "spelling" ? SynonymKind::spelling
                    : kind_text == "condition" ? SynonymKind::condition
                                               : SynonymKind::name;
        kinds_.emplace(line.substr(0, tab), kind);
    }
}

const std::vector<std::string>* SynonymIndex::find(std::string_view key) const {
    auto it = synonyms_.find(std::string(key));
    return it == synonyms_.end() ? nullptr : &it->second;
}

SynonymKind SynonymIndex::kind(std::string_view key) const {
    auto it = kinds_.find(std::string(key));
    return it == kinds_.end() ? SynonymKind::name : it->second;
}

}  // namespace medsearch
