#include "query/stored_pages.hpp"

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
    bool shared = db.get_revision() == revision_;
    if (shared)
        if (auto kept = find(*match)) return kept;
    // Decoded into the object that keeps it, so the views never move.
    auto decoded = std::make_shared<DecodedPage>();
    if (!codec.decode(match.get_document().get_value(schema::kSlotPage), decoded->text, decoded->page))
        return nullptr;
    if (shared) keep(*match, decoded);
    return decoded;
}

std::shared_ptr<const DecodedPage> StoredPages::find(Xapian::docid id) {
    std::lock_guard lock(mutex_);
    auto found = by_id_.find(id);
    if (found == by_id_.end()) return nullptr;
    recent_.splice(recent_.begin(), recent_, found->second);
    return found->second->page;
}

void StoredPages::keep(Xapian::docid id, std::shared_ptr<const DecodedPage> page) {
    std::size_t bytes = bytes_of(*page);
    if (bytes > max_bytes_) return;
    std::lock_guard lock(mutex_);
    if (by_id_.count(id) != 0) return;  // read by another thread meanwhile
    while (!recent_.empty() && kept_bytes_ + bytes > max_bytes_) {
        kept_bytes_ -= recent_.back().bytes;
        by_id_.erase(recent_.back().id);
        recent_.pop_back();
    }
    recent_.push_front(Kept{id, std::move(page), bytes});
    by_id_.emplace(id, recent_.begin());
    kept_bytes_ += bytes;
}

std::size_t StoredPages::kept_bytes() const {
    std::lock_guard lock(mutex_);
    return kept_bytes_;
}

std::size_t StoredPages::kept_pages() const {
    std::lock_guard lock(mutex_);
    return by_id_.size();
}

}  // namespace medsearch
