#pragma once
// Monograph -> Xapian::Document, following the schema table.

#include "medsearch/common/monograph.hpp"
#include "medsearch/indexer/diagnostics.hpp"
#include "medsearch/indexer/text_indexer.hpp"

#include <xapian.h>

#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace medsearch {

// Not thread-safe: one per indexing thread.
class DocumentBuilder {
  public:
    // `codec` compresses the stored pages; it outlives the builder.
    DocumentBuilder(const std::vector<std::string>& stopwords, const PageCodec& codec);

    // The page's document, or an error for the page when it cannot be stored
    // (check_document, or anything Xapian refuses while building it); a
    // refused page leaves nothing in the vocabulary. `title_line` is the
    // front matter's title line, where problems of names and titles point.
    struct Built {
        Xapian::Document document;
        std::optional<Diagnostic> refused;
    };
    Built build(const Monograph& page, int title_line);

    // The vocabulary of the pages built so far (vocabulary.hpp).
    void add_vocabulary_to(Vocabulary& vocabulary) const { text_.add_vocabulary_to(vocabulary); }

    // The words a document built here added to the vocabulary: its words as
    // written, from its terms and its stored page.
    std::set<std::string> vocabulary_of(const Xapian::Document& built);

  private:
    Xapian::Document make_document(const Monograph& page);
    // The stages of make_document; each returns or takes the next position.
    Xapian::termpos index_names(Xapian::Document& doc, const Monograph& page);
    void index_sections(Xapian::Document& doc, const Monograph& page, Xapian::termpos position);
    void add_usage_terms(Xapian::Document& doc, const Monograph& page);
    TextIndexer text_;
    const PageCodec& codec_;
};

// Why a glass database would refuse `doc`: a term longer than
// schema::kMaxTermBytes or a value larger than schema::kMaxValueBytes, as an
// error at the line of `page` it comes from (the title's, a section's, else 1).
std::optional<Diagnostic> check_document(const Xapian::Document& doc, const Monograph& page, int title_line);

}  // namespace medsearch
