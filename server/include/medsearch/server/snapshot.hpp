#pragma once
// Everything the searcher derives from one published index generation and
// shares, read-only, between all worker threads: the page catalog, the
// drug-name lexicon, synonyms, the typo index and the suggestion list.
// Built once per generation; Xapian objects are not part of it.

#include "medsearch/common/catalog.hpp"
#include "medsearch/common/index_layout.hpp"
#include "medsearch/common/monograph.hpp"
#include "medsearch/common/result.hpp"
#include "medsearch/common/synonyms.hpp"
#include "medsearch/server/fuzzy.hpp"

#include <xapian.h>

#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

namespace medsearch {

// A drug name of the lexicon: the name of an ingredient of at least one page.
struct DrugName {
    std::string key;          // name_key(): "clavulanic acid"
    std::string display;      // as a title writes it: "Clavulanic Acid"
    std::uint32_t pages = 0;  // pages with it as an ingredient: popularity
    int own_page = -1;        // catalog index of the page of just this drug, or -1
    int best_page = -1;       // the page with the fewest ingredients that has it
};

// What a suggestion points at.
struct SuggestEntry {
    std::string key;       // matched against what is typed (name_key form)
    std::string label;     // shown: "Paracetamol", "Amitriptyline + Ketamine"
    std::string detail;    // "brand of Paracetamol", "other name for Salbutamol", ""
    std::string_view kind;  // "drug", "combination", "brand", "other-name"
    int page = -1;         // catalog index of the page it opens
    std::uint32_t rank = 0;  // smaller first: see Snapshot::load
};

class Snapshot {
  public:
    static Result<std::shared_ptr<const Snapshot>> load(const Xapian::Database& db,
                                                        const IndexGeneration& generation);

    const IndexGeneration& generation() const { return generation_; }
    const std::vector<CatalogEntry>& catalog() const { return catalog_; }
    int page_index(std::string_view path) const;
    // name_key() of every name of each ingredient of page i, main name first.
    const std::vector<std::vector<std::string>>& page_components(int page) const {
        return component_keys_[static_cast<std::size_t>(page)];
    }
    // base_key() of each of those names, in one list.
    const std::vector<std::string>& page_bases(int page) const { return page_bases_[static_cast<std::size_t>(page)]; }

    const DrugName* name(std::string_view key) const;
    // The most popular name whose salt-free key is `base`.
    const DrugName* name_by_base(std::string_view base) const;
    // Names starting with `prefix` (whole name_key), most popular first.
    std::vector<const DrugName*> names_with_prefix(std::string_view prefix, std::size_t limit) const;
    // The same, comparing sound-alike keys ("amitryp" finds amitriptyline).
    std::vector<const DrugName*> names_sounding_like(std::string_view prefix, std::size_t limit) const;
    std::size_t longest_name_words() const { return longest_name_words_; }

    // name_key() of a qualifier some page has ("topical", "oral inhalation").
    bool is_qualifier(std::string_view key) const { return qualifiers_.count(std::string(key)) > 0; }

    const std::vector<std::string>* synonyms(std::string_view key) const;
    SynonymKind synonym_kind(std::string_view key) const;
    std::size_t longest_synonym_words() const { return longest_synonym_words_; }

    // A word of a drug name, a synonym, or a word found on three or more pages.
    bool is_known_word(std::string_view word) const;
    const FuzzyIndex& fuzzy() const { return fuzzy_; }
    const std::vector<std::string>& stopwords() const { return stopwords_; }
    // Decodes the stored pages of this generation's documents.
    const PageCodec& page_codec() const { return page_codec_; }
    bool is_stopword(std::string_view word) const;

    // Suggestions whose key starts with `prefix`, best first; one per page.
    std::vector<const SuggestEntry*> suggest(std::string_view prefix, std::size_t limit) const;
    // The same, comparing sound-alike keys.
    std::vector<const SuggestEntry*> suggest_sounding_like(std::string_view prefix, std::size_t limit) const;

  private:
    Snapshot() = default;
    void build_lexicon();
    void build_suggestions();

    IndexGeneration generation_;
    PageCodec page_codec_;
    std::vector<CatalogEntry> catalog_;
    std::vector<std::vector<std::vector<std::string>>> component_keys_;
    std::vector<std::vector<std::string>> page_bases_;
    std::unordered_map<std::string, int> page_by_path_;

    std::vector<DrugName> names_;  // sorted by key
    std::vector<std::pair<std::string, std::uint32_t>> names_by_sound_;  // phonetic_phrase(key) -> name
    std::unordered_map<std::string, std::uint32_t> name_by_key_;
    std::unordered_map<std::string, std::uint32_t> name_by_base_;
    std::size_t longest_name_words_ = 1;
    std::unordered_set<std::string> qualifiers_;

    std::unordered_map<std::string, std::vector<std::string>> synonyms_;
    std::unordered_map<std::string, SynonymKind> synonym_kinds_;
    std::size_t longest_synonym_words_ = 1;

    std::unordered_set<std::string> known_words_;
    std::unordered_set<std::string> stopword_set_;
    std::vector<std::string> stopwords_;
    FuzzyIndex fuzzy_;

    std::vector<SuggestEntry> suggestions_;  // sorted by key, then rank
    std::vector<std::pair<std::string, std::uint32_t>> suggestions_by_sound_;
};

}  // namespace medsearch
