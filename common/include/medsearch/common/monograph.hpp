#pragma once
// The monograph model: what the indexer reads from a Markdown page and what the
// searcher gets back from a document.

#include "medsearch/common/drug_names.hpp"

#include <cstdint>
#include <string>
#include <vector>

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

std::string encode_stored_page(const Monograph& page);
// False when `data` is not a stored page (an index from another program).
bool decode_stored_page(std::string_view data, StoredPage& page);

}  // namespace medsearch
