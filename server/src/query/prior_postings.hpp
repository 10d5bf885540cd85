#pragma once
// A prior per page, as a posting source: how likely the page's drug is the one
// meant among equally good answers (Snapshot::prior: essential medicines, drugs
// on many pages first). Combined with OP_AND_MAYBE, so that it only orders
// pages that match for another reason.

#include "lexicon/page_priors.hpp"

#include <xapian.h>

#include <memory>
#include <string>
#include <vector>

namespace medsearch {

class PriorPostings : public Xapian::PostingSource {
  public:
    // Weights are `scale` times the priors.
    PriorPostings(std::shared_ptr<const PagePriors> priors, double scale);

    void init(const Xapian::Database& db) override;
    Xapian::doccount get_termfreq_min() const override { return 0; }
    Xapian::doccount get_termfreq_est() const override { return doccount_; }
    Xapian::doccount get_termfreq_max() const override { return doccount_; }
    void next(double min_wt) override;
    void skip_to(Xapian::docid did, double min_wt) override;
    bool check(Xapian::docid did, double min_wt) override;
    bool at_end() const override { return docid_ > last_; }
    Xapian::docid get_docid() const override { return docid_; }
    double get_weight() const override;
    PriorPostings* clone() const override { return new PriorPostings(priors_, scale_); }
    std::string name() const override { return "medsearch.PriorPostings"; }
    // Only the scale travels: the priors are those of the prototype that
    // unserialises it, registered where the database is.
    std::string serialise() const override;
    PriorPostings* unserialise(const std::string& serialised) const override;

  private:
    std::shared_ptr<const PagePriors> priors_;
    double scale_;
    Xapian::docid shards_ = 1, shard_ = 0;  // of the database init() was given
    Xapian::docid docid_ = 0, last_ = 0;
    Xapian::doccount doccount_ = 0;
};

}  // namespace medsearch
