#include "query/prior_postings.hpp"

#include <algorithm>

namespace medsearch {

PriorPostings::PriorPostings(std::shared_ptr<const std::vector<float>> priors, double scale)
    : priors_(std::move(priors)), scale_(scale) {}

void PriorPostings::init(const Xapian::Database& db) {
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
    return docid_ < priors_->size() ? scale_ * (*priors_)[docid_] : 0.0;
}

}  // namespace medsearch
