#pragma once
// Monograph -> Xapian::Document, following the schema table.

#include "medsearch/common/monograph.hpp"
#include "medsearch/indexer/text_indexer.hpp"

#include <xapian.h>

#include <memory>
#include <string>
#include <vector>

namespace medsearch {

// Not thread-safe: one per indexing thread.
class DocumentBuilder {
  public:
    explicit DocumentBuilder(const std::vector<std::string>& stopwords);

    Xapian::Document build(const Monograph& page);

  private:
    TextIndexer text_;
};

}  // namespace medsearch
