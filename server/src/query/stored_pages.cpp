#include "query/stored_pages.hpp"

#include "medsearch/common/index_layout.hpp"
#include "medsearch/common/schema.hpp"

namespace medsearch {
namespace {

std::size_t bytes_of(const DecodedPage& decoded) {
    // The text, its section views and the bookkeeping of a list node, a map entry and a shared_ptr.
    return decoded.text.size() + decoded.page.sections.size() * sizeof(StoredPageView::SectionView) + 200;
}

}  // namespace

std::shared_ptr<const DecodedPage> StoredPages::read(const Xapian::Database& db, const Xapian::MSetIterator& match,
                                                     const PageCodec& codec) {
    bool shared = generation_revision(db) == revision_;
    if (shared)
        if (auto kept = kept_.find(*match)) return *kept;
    // Decoded into the object that keeps it, so the views never move.
    auto decoded = std::make_shared<DecodedPage>();
    if (!codec.decode(match.get_document().get_value(schema::kSlotPage), decoded->text, decoded->page))
        return nullptr;
    if (shared) kept_.put(*match, decoded, bytes_of(*decoded));
    return decoded;
}

}  // namespace medsearch
