#pragma once
// What the subcommands print, and how a result becomes an exit status:
// 0 ok, 1 failure (including pages skipped or checks failed), 2 usage.

#include "medsearch/common/result.hpp"
#include "medsearch/indexer/builder.hpp"
#include "medsearch/indexer/diagnostics.hpp"
#include "medsearch/server/searcher.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace medsearch::cli {

inline constexpr int kOk = 0, kFailed = 1, kUsage = 2;

// Logs the error once; bad input is a usage error.
int fail(const Error& error);

// "[=====>    ] 3200/6447 pages  4100 pages/s  ETA 1s" on a terminal; nothing otherwise.
ProgressFn progress_bar();

enum class DiagnosticFormat { text, json, github };

// Findings of `check`, one a line (text, github) or one JSON body. Page
// paths are relative to the source folder: github annotations put
// `page_prefix` before them; dictionaries are named as given.
struct CheckFindings {
    const std::vector<Diagnostic>& pages;
    const std::vector<Diagnostic>& dictionaries;
    std::size_t page_count = 0;
};
void print_findings(const CheckFindings& findings, DiagnosticFormat format, const std::string& page_prefix);

// A search page for a person: results with their section and snippet.
void print_page(const SearchPage& page);

}  // namespace medsearch::cli
