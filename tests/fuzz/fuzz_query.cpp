// The query reader on arbitrary text: query plan, Xapian's parser and a search
// (and completion) on a small index of tests/fixtures/corpus built once.
#include "medsearch/common/log.hpp"
#include "medsearch/indexer/builder.hpp"
#include "medsearch/server/searcher.hpp"

#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <string>

namespace {

std::unique_ptr<medsearch::Searcher> searcher;
std::filesystem::path index_dir;

void remove_index() {
    std::error_code ignored;
    std::filesystem::remove_all(index_dir, ignored);
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
    index_dir = std::filesystem::temp_directory_path() / ("medsearch-fuzz-query-" + std::to_string(::getpid()));
    medsearch::BuildOptions options;
    options.source_dir = std::filesystem::path(MEDSEARCH_FIXTURES_DIR) / "corpus";
    options.index_dir = index_dir;
    options.mode = medsearch::BuildMode::full;
    options.threads = 1;
    auto built = medsearch::build_index(options);
    if (!built) {
        std::fprintf(stderr, "fuzz_query: %s\n", built.error().message.c_str());
        std::abort();
    }
    auto opened = medsearch::Searcher::open(index_dir, medsearch::SearchSettings{});
    if (!opened) {
        std::fprintf(stderr, "fuzz_query: %s\n", opened.error().message.c_str());
        std::abort();
    }
    searcher = std::move(opened.value());
    std::atexit(remove_index);
    return 0;
}

// Inputs longer than a query may be are refused as the HTTP layer refuses
// them; the last byte also picks how many hits are asked for (the largest
// answers cost the most), the length's parity whether they are explained.
// Text after a tab is filter parameters, one a line, as the HTTP layer reads them.
extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    std::string input(reinterpret_cast<const char*>(data), size);
    auto tab = input.find('\t');
    std::string query = input.substr(0, tab);
    unsigned limit = size == 0 ? 10 : 1 + data[size - 1] % medsearch::kMaxLimit;
    medsearch::SearchRequest request{query, 0, limit, size % 2 == 1};
    for (std::size_t at = tab; at != std::string::npos && at < input.size();) {
        auto end = input.find('\n', at + 1);
        auto filter = medsearch::parse_filter(std::string_view(input).substr(at + 1, end - at - 1));
        if (!filter && filter.error().message.empty()) std::abort();
        if (filter) request.filters.push_back(std::move(filter.value()));
        at = end;
    }
    auto page = searcher->search(request);
    if (!page && page.error().message.empty()) std::abort();
    auto suggestions = searcher->suggest({query, 8});
    if (!suggestions && suggestions.error().message.empty()) std::abort();
    return 0;
}
