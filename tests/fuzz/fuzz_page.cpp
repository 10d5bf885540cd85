// The page reader on arbitrary bytes: front matter, Markdown, sections and the
// drug names of the title and the Generic Name section, then the stored form.
#include "medsearch/common/monograph.hpp"
#include "medsearch/indexer/markdown.hpp"

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    std::string bytes(reinterpret_cast<const char*>(data), size);
    auto parsed = medsearch::parse_monograph("f/fuzz.md", std::move(bytes), medsearch::ParseOptions{});
    for (const auto& d : parsed.diagnostics)
        if (d.line < 0 || d.message.empty()) std::abort();  // every error says where and what
    if (parsed.page) {
        static const medsearch::PageCodec codec;
        medsearch::StoredPage stored;
        if (!codec.decode(codec.encode(*parsed.page), stored) || stored.title != parsed.page->title)
            std::abort();
    }
    return 0;
}
