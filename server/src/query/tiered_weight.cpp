#include "query/tiered_weight.hpp"

#include "medsearch/common/schema.hpp"

#include <algorithm>
#include <cmath>

namespace medsearch {
namespace {

constexpr double kK1 = 1.0, kK3 = 1.0, kB = 0.5, kMinNormLen = 0.5;

}  // namespace

Bm25::Bm25(double collection_size, double termfreq, double average_length, double wqf, double factor) {
    // As Xapian's BM25Weight computes it (without an RSet).
    double tw = (collection_size - termfreq + 0.5) / (termfreq + 0.5);
    if (tw < 2) tw = tw * 0.5 + 1;  // keep very common terms' weight positive
    termweight_ = std::log(tw) * factor * (kK1 + 1);
    termweight_ *= (kK3 + 1) * wqf / (kK3 + wqf);
    len_factor_ = average_length > 0 ? 1.0 / average_length : 0;
}

double Bm25::operator()(double occurrences, double doclen) const {
    double normlen = std::max(doclen * len_factor_, kMinNormLen);
    return termweight_ * (occurrences / (kK1 * (normlen * kB + (1 - kB)) + occurrences));
}

TieredWeight::TieredWeight() {
    need_stat(COLLECTION_SIZE);
    need_stat(TERMFREQ);
    need_stat(WDF);
    need_stat(WQF);
    need_stat(AVERAGE_LENGTH);
    need_stat(DOC_LENGTH_MIN);
    need_stat(WDF_MAX);
}

TieredWeight* TieredWeight::clone() const { return new TieredWeight(); }

TieredWeight* TieredWeight::unserialise(const std::string& serialised) const {
    if (!serialised.empty()) throw Xapian::SerialisationError("medsearch.tiered takes no parameters");
    return new TieredWeight();
}

void TieredWeight::init(double factor) {
    flat_ = factor >= kTierScale;
    if (flat_) {
        flat_weight_ = factor;
        return;
    }
    // Only text needs each page's length: Xapian asks a weight whether it
    // does after init(), so the pages a tier matches are not looked up.
    need_stat(DOC_LENGTH);
    bm25_ = Bm25(get_collection_size(), get_termfreq(), get_average_length(), get_wqf(), factor);
}

double TieredWeight::get_sumpart(Xapian::termcount wdf, Xapian::termcount doclen, Xapian::termcount) const {
    return flat_ ? flat_weight_ : bm25_(schema::wdf_count(wdf), doclen);
}

double TieredWeight::get_maxpart() const {
    return flat_ ? flat_weight_ : bm25_(schema::wdf_count(get_wdf_upper_bound()), get_doclength_lower_bound());
}

double TieredWeight::get_sumextra(Xapian::termcount, Xapian::termcount) const { return 0; }
double TieredWeight::get_maxextra() const { return 0; }

}  // namespace medsearch
