#include "query/prior_postings.hpp"

#include <algorithm>

namespace medsearch {

PriorPostings::PriorPostings(std::shared_ptr<const PagePriors> priors, double scale)
    : priors_(std::move(priors)), scale_(scale) {}

void PriorPostings::init(const Xapian::Database& db) {
    const auto& uuids = priors_->shard_uuids;
    shards_ = 1;
    shard_ = 0;
    if (uuids.size() > 1) {
        auto found = std::find(uuids.begin(), uuids.end(), db.get_uuid());
        if (found == uuids.end()) throw Xapian::InvalidArgumentError("page priors of another database: " + db.get_uuid());
        shards_ = static_cast<Xapian::docid>(uuids.size());
        shard_ = static_cast<Xapian::docid>(found - uuids.begin());
    }
    docid_ = 0;
    last_ = db.get_lastdocid();
    doccount_ = db.get_doccount();
    set_maxweight(scale_);
}

void PriorPostings::next(double) { ++docid_; }

void PriorPostings::skip_to(Xapian::docid did, double) { docid_ = std::max(docid_, did); }

bool PriorPostings::check(Xapian::docid did, double) {
    docid_ = did;
    return true;
}

std::string PriorPostings::serialise() const { return Xapian::sortable_serialise(scale_); }

PriorPostings* PriorPostings::unserialise(const std::string& serialised) const {
    if (serialised.empty()) throw Xapian::SerialisationError("medsearch.PriorPostings: no scale");
    return new PriorPostings(priors_, Xapian::sortable_unserialise(serialised));
}

double PriorPostings::get_weight() const {
    const auto& priors = priors_->by_docid;
    auto id = static_cast<std::size_t>(docid_ - 1) * shards_ + shard_ + 1;
    return id < priors.size() ? scale_ * priors[id] : 0.0;
}

}  // namespace medsearch
