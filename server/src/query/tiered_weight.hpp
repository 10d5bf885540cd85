#pragma once
// The weighting scheme of medsearch: BM25 for text, flat scores for tiers.
//
// A subquery scaled by kTierScale or more (OP_SCALE_WEIGHT) scores exactly its
// scale for every page it matches, whatever the term counts: "has metformin as
// an ingredient" is worth 10000, once. Everything else is BM25 with Xapian's
// default parameters (k1 = 1, k3 = 1, b = 0.5, min_normlen = 0.5), on
// occurrences: wdfs divided by schema::kWdfUnit, without the section bits.
// Flat scores could also come from FixedWeightPostingSource under FILTER, but
// that is slower and, combined with OP_MAX, crashes Xapian 1.4.22's matcher.

#include <xapian.h>

#include <string>

namespace medsearch {

inline constexpr double kTierScale = 50;

// BM25 of one term as TieredWeight computes it, for posting sources that
// weigh their own matches (section_query.hpp).
class Bm25 {
  public:
    Bm25() = default;
    Bm25(double collection_size, double termfreq, double average_length, double wqf = 1, double factor = 1);
    // `occurrences`: wdf / kWdfUnit; `doclen`: Xapian's (a sum of wdfs).
    double operator()(double occurrences, double doclen) const;

  private:
    double termweight_ = 0;  // idf * (k1 + 1) * wqf part * factor
    double len_factor_ = 0;  // 1 / average document length
};

class TieredWeight : public Xapian::Weight {
  public:
    TieredWeight();
    TieredWeight* clone() const override;
    std::string name() const override { return "medsearch.tiered"; }
    // Nothing to send: a tier's flat score is its scale, which its query carries.
    std::string serialise() const override { return {}; }
    TieredWeight* unserialise(const std::string& serialised) const override;
    void init(double factor) override;
    double get_sumpart(Xapian::termcount wdf, Xapian::termcount doclen, Xapian::termcount uniqterms) const override;
    double get_maxpart() const override;
    double get_sumextra(Xapian::termcount doclen, Xapian::termcount uniqterms) const override;
    double get_maxextra() const override;

  private:
    bool flat_ = false;
    double flat_weight_ = 0;
    Bm25 bm25_;
};

}  // namespace medsearch
