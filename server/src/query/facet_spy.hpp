#pragma once
// Facet counts where the pages are: a match spy that each shard server runs
// over its own matches, sending back only the counts, which Xapian's remote
// protocol merges. For shards searched over the network, where building the
// set of matches (match_set.hpp) would fetch every posting of the query.

#include "medsearch/common/facets.hpp"

#include <xapian.h>

#include <string>

namespace medsearch {

class FacetSpy : public Xapian::MatchSpy {
  public:
    void operator()(const Xapian::Document& doc, double weight) override;
    FacetSpy* clone() const override { return new FacetSpy; }
    std::string name() const override { return "medsearch.FacetSpy"; }
    std::string serialise() const override { return {}; }
    FacetSpy* unserialise(const std::string& serialised, const Xapian::Registry& context) const override;
    std::string serialise_results() const override;
    void merge_results(const std::string& serialised) override;

    const FacetCounts& counts() const { return counts_; }

  private:
    FacetCounts counts_;
};

// Every page `db` matches for `query`: how many, and their facet counts.
struct CountedMatches {
    std::size_t total = 0;
    FacetCounts facets;
};
CountedMatches count_matches_with_spy(const Xapian::Database& db, const Xapian::Query& query);

}  // namespace medsearch
