#include "lexicon/snapshot.hpp"

#include "medsearch/common/index_layout.hpp"
#include "medsearch/common/index_metadata.hpp"
#include "medsearch/common/schema.hpp"
#include "medsearch/server/query_limits.hpp"

namespace medsearch {

Result<std::shared_ptr<const Snapshot>> Snapshot::load(const Xapian::Database& db,
                                                       const IndexGeneration& generation) {
    std::shared_ptr<Snapshot> snapshot(new Snapshot());
    auto& s = *snapshot;
    s.generation_ = generation;
    try {
        if (auto mismatch = schema::schema_mismatch(db); !mismatch.empty())
            return Error{Errc::index, generation.path.string() + ": " + mismatch +
                                          "; rebuild it with medsearch index --full"};
        auto catalog = decode_catalog(db.get_metadata(schema::kMetaCatalog));
        if (!catalog) return Error{Errc::index, generation.path.string() + ": " + catalog.error().message};
        s.pages_ = PageCatalog(std::move(catalog.value()));
        auto facts = decode_build_facts(db.get_metadata(schema::kMetaBuild));
        if (!facts) return Error{Errc::index, generation.path.string() + ": " + facts.error().message};
        s.build_id_ = facts.value().build_id;
        s.page_codec_ = PageCodec(db.get_metadata(schema::kMetaPageDictionary));
        s.stored_pages_ = std::make_unique<StoredPages>(kStoredPageCacheBytes, generation_revision(db));
        s.synonyms_ = SynonymIndex(db);
        s.names_ = DrugLexicon(s.pages_);
        std::vector<FuzzyIndex::Word> typo_words;
        s.words_ = WordIndex(db, s.names_, s.synonyms_, typo_words);
        s.typos_ = FuzzyIndex(std::move(typo_words));
        s.sounds_ = PhoneticIndex(s.names_, s.synonyms_);
        auto questions = QuestionIndex::built_in();
        if (!questions) return questions.error();
        s.questions_ = std::move(questions.value());
        auto forms = FormIndex::built_in();
        if (!forms) return forms.error();
        s.forms_ = std::move(forms.value());
        s.topics_ = TopicIndex(db, s.pages_, s.names_, s.synonyms_);
        s.suggestions_ = SuggestionIndex(s.pages_, s.names_, s.synonyms_, s.topics_);
        std::vector<PageFacets> facets(db.get_lastdocid() + 1, PageFacets{0, 0, 0});
        for (auto it = db.valuestream_begin(schema::kSlotFacets); it != db.valuestream_end(schema::kSlotFacets); ++it)
            facets[it.get_docid()] = decode_facets(*it);
        s.page_facets_ = FacetTable::of(facets);
    } catch (const Xapian::Error& e) {
        return Error{Errc::index, generation.path.string() + ": " + e.get_description()};
    }
    return std::shared_ptr<const Snapshot>(std::move(snapshot));
}

}  // namespace medsearch
