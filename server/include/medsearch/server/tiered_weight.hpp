#pragma once
// The weighting scheme of medsearch: BM25 for text, flat scores for tiers.
//
// A subquery scaled by kTierScale or more (OP_SCALE_WEIGHT) scores exactly its
// scale for every page it matches, whatever the term counts: "has metformin as
// an ingredient" is worth 10000, once. Everything else is BM25 with Xapian's
// default parameters (k1 = 1, k3 = 1, b = 0.5, min_normlen = 0.5).
// Flat scores could also come from FixedWeightPostingSource under FILTER, but
// that is slower and, combined with OP_MAX, crashes Xapian 1.4.22's matcher.

#include <xapian.h>

#include <string>

namespace medsearch {

inline constexpr double kTierScale = 50;

class TieredWeight : public Xapian::Weight {
  public:
    TieredWeight();
    TieredWeight* clone() const override;
    std::string name() const override { return "medsearch.tiered"; }
    void init(double factor) override;
    double get_sumpart(Xapian::termcount wdf, Xapian::termcount doclen, Xapian::termcount uniqterms) const override;
    double get_maxpart() const override;
    double get_sumextra(Xapian::termcount doclen, Xapian::termcount uniqterms) const override;
    double get_maxextra() const override;

  private:
    bool flat_ = false;
    double termweight_ = 0;  // the flat score, or BM25's idf * (k1 + 1) * wqf part
    double len_factor_ = 0;  // 1 / average document length
};

}  // namespace medsearch
