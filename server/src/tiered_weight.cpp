#include "medsearch/server/tiered_weight.hpp"

#include <algorithm>
#include <cmath>

namespace medsearch {
namespace {

constexpr double kK1 = 1.0, kK3 = 1.0, kB = 0.5, kMinNormLen = 0.5;

}  // namespace

TieredWeight::TieredWeight() {
    need_stat(COLLECTION_SIZE);
    need_stat(TERMFREQ);
    need_stat(WDF);
    need_stat(WQF);
    need_stat(AVERAGE_LENGTH);
    need_stat(DOC_LENGTH);
    need_stat(DOC_LENGTH_MIN);
    need_stat(WDF_MAX);
}

TieredWeight* TieredWeight::clone() const { return new TieredWeight(); }

void TieredWeight::init(double factor) {
    flat_ = factor >= kTierScale;
    if (flat_) {
        termweight_ = factor;
        return;
    }
    // BM25 as Xapian's BM25Weight computes it (without an RSet).
    double n = get_collection_size(), tf = get_termfreq();
    double tw = (n - tf + 0.5) / (tf + 0.5);
    if (tw < 2) tw = tw * 0.5 + 1;  // keep very common terms' weight positive
    termweight_ = std::log(tw) * factor * (kK1 + 1);
    double wqf = get_wqf();
    termweight_ *= (kK3 + 1) * wqf / (kK3 + wqf);
    double average = get_average_length();
    len_factor_ = average > 0 ? 1.0 / average : 0;
}

double TieredWeight::get_sumpart(Xapian::termcount wdf, Xapian::termcount doclen, Xapian::termcount) const {
    if (flat_) return termweight_;
    double normlen = std::max(doclen * len_factor_, kMinNormLen);
    double w = wdf;
    return termweight_ * (w / (kK1 * (normlen * kB + (1 - kB)) + w));
}

double TieredWeight::get_maxpart() const {
    if (flat_) return termweight_;
    double normlen = std::max(get_doclength_lower_bound() * len_factor_, kMinNormLen);
    double w = get_wdf_upper_bound();
    return termweight_ * (w / (kK1 * (normlen * kB + (1 - kB)) + w));
}

double TieredWeight::get_sumextra(Xapian::termcount, Xapian::termcount) const { return 0; }
double TieredWeight::get_maxextra() const { return 0; }

}  // namespace medsearch
