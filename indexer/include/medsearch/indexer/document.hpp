#pragma once
// Monograph -> Xapian::Document, following the schema table.

#include "medsearch/common/monograph.hpp"

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
    Xapian::TermGenerator terms_;          // default field and names
    Xapian::TermGenerator section_terms_;  // per-section fields
};

}  // namespace medsearch
