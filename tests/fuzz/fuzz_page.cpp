// The page reader on arbitrary bytes: front matter, Markdown, sections and the
// drug names of the title and the Generic Name section, then the stored form
// and the Xapian document. A page the builder accepts is added to a glass
// database, which must take it: anything a page can hold that glass refuses
// (a term too long, a value too large) must be an error for the page.
#include "medsearch/common/monograph.hpp"
#include "medsearch/indexer/document.hpp"
#include "medsearch/indexer/markdown.hpp"

#include <unistd.h>

#include <xapian.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <string>

namespace {

std::filesystem::path db_dir;
std::unique_ptr<Xapian::WritableDatabase> db;

void remove_db() {
    db.reset();
    std::error_code ignored;
    std::filesystem::remove_all(db_dir, ignored);
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
    db_dir = std::filesystem::temp_directory_path() / ("medsearch-fuzz-page-" + std::to_string(::getpid()));
    db = std::make_unique<Xapian::WritableDatabase>(db_dir.string(), Xapian::DB_CREATE_OR_OVERWRITE | Xapian::DB_BACKEND_GLASS);
    std::atexit(remove_db);
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    std::string bytes(reinterpret_cast<const char*>(data), size);
    auto parsed = medsearch::parse_monograph("f/fuzz.md", std::move(bytes), medsearch::ParseOptions{});
    for (const auto& d : parsed.diagnostics)
        if (d.line < 0 || d.message.empty()) std::abort();  // every error says where and what
    if (!parsed.page) return 0;
    static const medsearch::PageCodec codec;
    medsearch::StoredPage stored;
    if (!codec.decode(codec.encode(*parsed.page), stored) || stored.title != parsed.page->title) std::abort();
    static medsearch::DocumentBuilder builder({}, codec);
    auto built = builder.build(*parsed.page, parsed.title_line);
    if (built.refused) {
        if (built.refused->line < 1 || built.refused->message.empty()) std::abort();
        return 0;
    }
    try {
        db->replace_document("Qfuzz", built.document);
    } catch (const Xapian::Error& e) {
        std::fprintf(stderr, "a page the builder accepted was refused: %s\n", e.get_description().c_str());
        std::abort();
    }
    return 0;
}
