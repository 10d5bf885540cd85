#pragma once
// Markdown monograph -> Monograph: front matter with yaml-cpp, body with cmark.
// Sections open at headings ("### Side Effects") and at bold labels at the start
// of a paragraph ("**Usage:** ..."); names are normalised to the schema's set.

#include "medsearch/common/defaults.hpp"
#include "medsearch/common/monograph.hpp"
#include "medsearch/indexer/diagnostics.hpp"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace medsearch {

struct ParseOptions {
    std::string permalink = defaults::kPermalink;
};

struct ParsedPage {
    std::optional<Monograph> page;         // empty when an error made the page unusable
    std::vector<Diagnostic> diagnostics;   // errors and warnings, in line order
    int title_line = 1;                    // the front matter's title (where its value starts)
};

// `bytes` is the whole file; `relative_path` names it in diagnostics and results.
ParsedPage parse_monograph(std::string_view relative_path, std::string bytes,
                           const ParseOptions& options);

}  // namespace medsearch
