#pragma once
// Monograph -> Xapian::Document, following the schema table.

#include "medsearch/common/monograph.hpp"
#include "medsearch/indexer/text_indexer.hpp"

#include <xapian.h>

#include <memory>
#include <set>
#include <string>
#include <vector>

namespace medsearch {

// Not thread-safe: one per indexing thread.
class DocumentBuilder {
  public:
    // `codec` compresses the stored pages; it outlives the builder.
    DocumentBuilder(const std::vector<std::string>& stopwords, const PageCodec& codec);

    Xapian::Document build(const Monograph& page);

    // The vocabulary of the pages built so far (vocabulary.hpp).
    void add_vocabulary_to(Vocabulary& vocabulary) const { text_.add_vocabulary_to(vocabulary); }

    // The words a document built here added to the vocabulary: its words as
    // written, from its terms and its stored page.
    std::set<std::string> vocabulary_of(const Xapian::Document& built);

  private:
    TextIndexer text_;
    const PageCodec& codec_;
};

}  // namespace medsearch
