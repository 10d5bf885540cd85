#pragma once
// Kinds of medicine and conditions (data/medicines.yaml, in the index's
// metadata) read against the pages: each with the drug names that answer it,
// first-line first, and the prior that puts common first-line medicines
// first among equally good answers.

#include "lexicon/drug_lexicon.hpp"
#include "lexicon/page_catalog.hpp"
#include "lexicon/page_priors.hpp"
#include "lexicon/synonym_index.hpp"

#include "medsearch/common/topics.hpp"

#include <xapian.h>

#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <vector>

namespace medsearch {

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
    std::vector<std::string> names;    // name_key()s people type
    std::vector<TopicMember> members;  // first-line first; each has pages
};

// The stems of a name's words, joined by spaces: "Allergy Tablets" and
// "allergy tablet" have one key.
std::string topic_key(std::string_view text, const Xapian::Stem& stem);

class TopicIndex {
  public:
    TopicIndex() = default;
    TopicIndex(const Xapian::Database& db, const PageCatalog& pages, const DrugLexicon& names,
               const SynonymIndex& synonyms);

    // The topic one of whose names has these stems (topic_key()), or nullptr.
    const TopicEntry* find(std::string_view stemmed_key) const;
    std::size_t longest_words() const { return longest_words_; }
    // A word of a name of a kind of medicine or a condition ("mastitis").
    bool is_topic_word(std::string_view word) const { return words_.count(std::string(word)) > 0; }
    const std::vector<TopicEntry>& all() const { return topics_; }
    // name_key() of each name of each topic, with the topic's index in all().
    const std::vector<std::pair<std::string, std::uint32_t>>& names() const { return names_; }

    // How likely a drug is to be the one meant among equally good answers, 0..1:
    // on the essential-medicines list, and on many pages.
    double prior(std::size_t name_index) const { return priors_[name_index]; }
    // The prior of each page by document id: its ingredients' mean prior.
    const std::shared_ptr<const PagePriors>& page_priors() const { return page_priors_; }
    // The same by the document ids of `db`, another view of these pages (one
    // shard of them: a shard server's).
    std::shared_ptr<const PagePriors> page_priors_in(const Xapian::Database& db, const PageCatalog& pages,
                                                     const DrugLexicon& names) const;

  private:
    void read_priors(const Xapian::Database& db, const PageCatalog& pages, const DrugLexicon& names,
                     const SynonymIndex& synonyms);

    std::vector<TopicEntry> topics_;
    std::unordered_map<std::string, std::uint32_t> by_key_;          // topic_key() of a name -> topic
    std::vector<std::pair<std::string, std::uint32_t>> names_;       // name_key() of a name -> topic
    std::unordered_set<std::string> words_;                          // words of topic names
    std::size_t longest_words_ = 1;
    std::vector<double> priors_;                                     // by name
    std::shared_ptr<const PagePriors> page_priors_;
};

}  // namespace medsearch
