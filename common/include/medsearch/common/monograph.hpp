#pragma once
// The monograph model: what the indexer reads from a Markdown page and what the
// searcher gets back from a document.

#include "medsearch/common/drug_names.hpp"

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

struct ZSTD_CDict_s;  // zstd.h's ZSTD_CDict and ZSTD_DDict
struct ZSTD_DDict_s;

namespace medsearch {

struct Section {
    std::string id;      // canonical id ("side-effects") or the heading's own slug
    std::string label;   // shown to people ("Side Effects")
    std::string anchor;  // the heading's HTML id on the site; empty for bold labels
    int line = 0;        // 1-based line in the source file where it starts
    std::string text;    // plain text, paragraphs separated by newlines
};

struct Monograph {
    std::string path;   // relative to the source folder: "a/amitriptyline.md"
    std::string url;    // from the permalink pattern
    std::string title;  // front matter title
    std::vector<Component> components;     // ingredients from the title
    std::vector<std::string> other_names;  // from the Generic Name section
    std::vector<Section> sections;         // in page order; intro first when present
};

// The part of a document kept for results: path, URL, title and section texts.
struct StoredPage {
    std::string path;
    std::string url;
    std::string title;
    std::vector<Section> sections;  // line is not stored
};

// The same read in place: views into the text it was decompressed to, valid
// while that buffer is neither changed nor destroyed.
struct StoredPageView {
    struct SectionView {
        std::string_view id, label, anchor, text;
    };
    std::string_view path, url, title;
    std::vector<SectionView> sections;
};

// Stored pages: length-prefixed strings compressed with Zstandard, with a
// dictionary trained on the index's own pages when it has enough of them
// (pages of a few KB take a third less room with one). The dictionary is part
// of the index (schema::kMetaPageDictionary). Thread-safe.
class PageCodec {
  public:
    PageCodec() = default;  // without a dictionary
    explicit PageCodec(std::string dictionary);  // empty: without one

    // A dictionary for pages like `samples` (page sources), the same for the
    // same samples; empty when there are too few to train one.
    static std::string train(const std::vector<std::string>& samples);

    const std::string& dictionary() const { return dictionary_; }
    std::string encode(const Monograph& page) const;
    // False when `data` is not a stored page (an index from another program)
    // or needs another dictionary.
    bool decode(std::string_view data, StoredPage& page) const;
    // The same without copying the texts: `buffer` (reused from page to page,
    // so that searching ten pages allocates nothing) holds what `page` views.
    bool decode(std::string_view data, std::string& buffer, StoredPageView& page) const;

  private:
    std::string dictionary_;
    std::shared_ptr<ZSTD_CDict_s> compress_;
    std::shared_ptr<ZSTD_DDict_s> decompress_;
};

}  // namespace medsearch
