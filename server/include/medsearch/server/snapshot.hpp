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
#include "medsearch/common/topics.hpp"
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

// A medicine that answers a topic: a drug name of the lexicon, and the page
// shown for it (the page of the form the dictionary names, "hydrocortisone
// (topical)", else the drug's own page, else its page with fewest ingredients).
struct TopicMember {
    const DrugName* name = nullptr;  // a combination's: its first ingredient's
    int page = -1;
    bool combination = false;  // a product of several ingredients: only its page and copies of it answer
    // A drug may answer in two forms ("ibuprofen", "ibuprofen (topical)").
    bool operator==(const TopicMember& other) const { return name == other.name && page == other.page; }
};

// A kind of medicine or a condition of data/medicines.yaml, read against the
// pages: its members are the drug names of the lexicon that answer it.
struct TopicEntry {
    TopicKind kind = TopicKind::condition;
    std::string id;
    std::string label;
    std::vector<std::string> names;        // name_key()s people type
    std::vector<TopicMember> members;      // first-line first; each has pages
};

// What a suggestion points at.
struct SuggestEntry {
    std::string key;       // matched against what is typed (name_key form)
    std::string label;     // shown: "Paracetamol", "Amitriptyline + Ketamine"
    std::string detail;    // "brand of Paracetamol", "other name for Salbutamol", ""
    std::string_view kind;  // "drug", "combination", "brand", "other-name"
    int page = -1;         // catalog index of the page it opens, or -1 for a topic
    std::uint32_t rank = 0;  // smaller first: see Snapshot::load
    const TopicEntry* topic = nullptr;  // a kind of medicine or a condition: a search, not a page
};

// The stems of a name's words, joined by spaces: "Allergy Tablets" and
// "allergy tablet" have one key.
std::string topic_key(std::string_view text, const Xapian::Stem& stem);

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
    // Pages of two or more ingredients, one of which has this base_key().
    const std::vector<int>& combinations_with_base(const std::string& base) const;
    // base_key() of each of those names, per ingredient.
    const std::vector<std::vector<std::string>>& page_component_bases(int page) const {
        return component_bases_[static_cast<std::size_t>(page)];
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
    // The page of just this drug in the form `qualifier` names (a name_key():
    // "topical"), or -1.
    int form_page(const DrugName& name, std::string_view qualifier) const;
    // name_key() of the qualifier of page i's single ingredient ("" for none or a combination).
    std::string page_qualifier(int page) const;

    const std::vector<std::string>* synonyms(std::string_view key) const;
    SynonymKind synonym_kind(std::string_view key) const;
    std::size_t longest_synonym_words() const { return longest_synonym_words_; }

    // A word of a drug name, a synonym, or a word found on three or more pages.
    bool is_known_word(std::string_view word) const;
    // A word of the English dictionaries the index was built with.
    bool is_english_word(std::string_view word) const;
    // A word of a name of a kind of medicine or a condition ("mastitis").
    bool is_topic_word(std::string_view word) const { return topic_words_.count(std::string(word)) > 0; }
    // A word of a drug name of the pages.
    bool is_drug_word(std::string_view word) const { return drug_words_.count(std::string(word)) > 0; }
    // The page's word starting with `prefix` that most pages have (empty when
    // none does), and how many pages have it; `drug` says whether only words of
    // drug names are wanted.
    std::pair<std::string_view, std::uint32_t> commonest_word_with_prefix(std::string_view prefix, bool drug) const;
    // How many pages have the word (0 for a word of none).
    std::uint32_t word_pages(std::string_view word) const;

    // The topic (kind of medicine or condition) one of whose names has these
    // stems (topic_key()), or nullptr.
    const TopicEntry* topic(std::string_view stemmed_key) const;
    std::size_t longest_topic_words() const { return longest_topic_words_; }
    // How likely a drug is to be the one meant among equally good answers, 0..1:
    // on the essential-medicines list, and on many pages.
    double prior(const DrugName& name) const { return priors_[static_cast<std::size_t>(&name - names_.data())]; }
    // The prior of each page by document id: its ingredients' mean prior.
    const std::shared_ptr<const std::vector<float>>& page_priors() const { return page_priors_; }
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
    void build_topics(const Xapian::Database& db);
    void build_suggestions();

    IndexGeneration generation_;
    PageCodec page_codec_;
    std::vector<CatalogEntry> catalog_;
    std::vector<std::vector<std::vector<std::string>>> component_keys_;
    std::vector<std::vector<std::string>> page_bases_;
    std::vector<std::vector<std::vector<std::string>>> component_bases_;
    std::unordered_map<std::string, int> page_by_path_;
    std::unordered_map<std::string, std::vector<int>> combinations_by_base_;

    std::vector<DrugName> names_;  // sorted by key
    std::vector<std::pair<std::string, std::uint32_t>> names_by_sound_;  // phonetic_phrase(key) -> name
    std::unordered_map<std::string, std::uint32_t> name_by_key_;
    std::unordered_map<std::string, std::uint32_t> name_by_base_;
    std::size_t longest_name_words_ = 1;
    std::unordered_set<std::string> qualifiers_;
    std::unordered_map<std::string, int> form_pages_;  // name key + '|' + qualifier key -> page

    std::unordered_map<std::string, std::vector<std::string>> synonyms_;
    std::unordered_map<std::string, SynonymKind> synonym_kinds_;
    std::size_t longest_synonym_words_ = 1;

    std::unordered_set<std::string> known_words_;
    std::unordered_set<std::string> english_words_;
    std::vector<std::pair<std::string, std::uint32_t>> vocabulary_;  // sorted: word -> pages
    std::unordered_set<std::string> drug_words_;                    // words of drug names
    std::unordered_set<std::string> topic_words_;                   // words of topic names
    std::vector<TopicEntry> topics_;
    std::unordered_map<std::string, std::uint32_t> topic_by_key_;   // topic_key() of a name -> topic
    std::vector<std::pair<std::string, std::uint32_t>> topic_names_;  // name_key() of a name -> topic
    std::size_t longest_topic_words_ = 1;
    std::vector<double> priors_;                                    // by name
    std::shared_ptr<const std::vector<float>> page_priors_;
    std::unordered_set<std::string> stopword_set_;
    std::vector<std::string> stopwords_;
    FuzzyIndex fuzzy_;

    std::vector<SuggestEntry> suggestions_;  // sorted by key, then rank
    std::vector<std::pair<std::string, std::uint32_t>> suggestions_by_sound_;
};

}  // namespace medsearch
