#pragma once
// Everything the searcher derives from one published index generation and
// shares, read-only, between all worker threads, each part answering one
// kind of question: the pages, the drug names, the synonyms, the other words,
// the topics, the suggestions and the typo index. Built once per generation;
// Xapian objects are not part of it.

#include "lexicon/drug_lexicon.hpp"
#include "lexicon/form_index.hpp"
#include "lexicon/fuzzy_index.hpp"
#include "lexicon/page_catalog.hpp"
#include "lexicon/phonetic_index.hpp"
#include "lexicon/question_index.hpp"
#include "lexicon/suggestion_index.hpp"
#include "lexicon/synonym_index.hpp"
#include "lexicon/topic_index.hpp"
#include "lexicon/word_index.hpp"

#include "medsearch/common/facets.hpp"
#include "query/stored_pages.hpp"

#include "medsearch/common/index_layout.hpp"
#include "medsearch/common/monograph.hpp"
#include "medsearch/common/result.hpp"

#include <xapian.h>

#include <memory>

namespace medsearch {

class Snapshot {
  public:
    static Result<std::shared_ptr<const Snapshot>> load(const Xapian::Database& db,
                                                        const IndexGeneration& generation);

    const IndexGeneration& generation() const { return generation_; }
    // The build this generation is a copy of ("7-1a2b3c4d"), the same on every
    // replica it was published to, where generation names may differ.
    const std::string& build_id() const { return build_id_; }
    // Decodes the stored pages of this generation's documents.
    const PageCodec& page_codec() const { return page_codec_; }
    // The pages of recent hits, decoded, shared by every searcher of this generation.
    StoredPages& stored_pages() const { return *stored_pages_; }
    const PageCatalog& pages() const { return pages_; }
    const DrugLexicon& names() const { return names_; }
    const SynonymIndex& synonyms() const { return synonyms_; }
    const WordIndex& words() const { return words_; }
    const TopicIndex& topics() const { return topics_; }
    // Page priors by the document ids of `db`, one shard of these pages.
    std::shared_ptr<const PagePriors> page_priors_in(const Xapian::Database& db) const {
        return topics_.page_priors_in(db, pages_, names_);
    }
    const SuggestionIndex& suggestions() const { return suggestions_; }
    const FuzzyIndex& typos() const { return typos_; }
    const PhoneticIndex& sounds() const { return sounds_; }
    const QuestionIndex& questions() const { return questions_; }
    const FormIndex& forms() const { return forms_; }
    // Each document's facts (facets.hpp), by document id: what facet counts
    // read of a match without reading its values.
    const FacetTable& page_facets() const { return page_facets_; }

  private:
    Snapshot() = default;

    IndexGeneration generation_;
    std::string build_id_;
    PageCodec page_codec_;
    std::unique_ptr<StoredPages> stored_pages_;
    PageCatalog pages_;
    DrugLexicon names_;
    SynonymIndex synonyms_;
    WordIndex words_;
    TopicIndex topics_;  // points into names_
    SuggestionIndex suggestions_;  // points into topics_
    FuzzyIndex typos_;
    PhoneticIndex sounds_;
    QuestionIndex questions_;
    FormIndex forms_;
    FacetTable page_facets_;
};

}  // namespace medsearch
