#include "lexicon/synonym_index.hpp"

#include "lexicon/drug_lexicon.hpp"

#include "medsearch/common/index_metadata.hpp"
#include "medsearch/common/schema.hpp"

#include <algorithm>

namespace medsearch {

SynonymIndex::SynonymIndex(const Xapian::Database& db) {
    for (auto key = db.synonym_keys_begin(); key != db.synonym_keys_end(); ++key) {
        auto& values = synonyms_[*key];
        for (auto value = db.synonyms_begin(*key); value != db.synonyms_end(*key); ++value) values.push_back(*value);
        longest_words_ = std::max(longest_words_, word_count(*key));
    }
    // A value that cannot be read is a damaged index, which Snapshot::load reports.
    auto kinds = decode_synonym_kinds(db.get_metadata(schema::kMetaSynonymKinds));
    if (!kinds) throw Xapian::DatabaseCorruptError(kinds.error().message);
    for (const auto& [key, kind] : kinds.value()) kinds_.emplace(key, kind);
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
