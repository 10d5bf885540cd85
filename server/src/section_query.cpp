#include "medsearch/server/section_query.hpp"

#include "medsearch/common/schema.hpp"
#include "medsearch/common/text.hpp"

#include <algorithm>
#include <bit>

namespace medsearch {

SectionPostings::SectionPostings(std::string key, bool stemmed, Xapian::termcount section_bit)
    : key_(std::move(key)), stemmed_(stemmed), section_bit_(section_bit) {}

void SectionPostings::init(const Xapian::Database& db) {
    // As the indexer makes them (TextIndexer): stems have a "Z" and Usage has
    // a field of stems only.
    const std::string stem_mark = stemmed_ ? "Z" : "";
    const auto term = stem_mark + key_;
    // Counting the pages first costs one pass over the stem's postings (tens
    // of microseconds) and makes the number of results exact.
    termfreq_ = 0;
    for (auto it = db.postlist_begin(term), end = db.postlist_end(term); it != end; ++it)
        if (it.get_wdf() & section_bit_) ++termfreq_;
    postings_ = db.postlist_begin(term);
    end_ = db.postlist_end(term);
    started_ = false;
    const std::pair<std::string_view, Xapian::termcount> fields[] = {
        {schema::kName.prefix, schema::kName.boost},
        {schema::kTitle.prefix, schema::kTitle.boost},
        {stemmed_ ? schema::kUsage.prefix : "", schema::kUsage.boost}};
    for (std::size_t i = 0; i < counted_.size(); ++i) {
        counted_[i] = {};
        if (fields[i].first.empty()) continue;
        auto field_term = stem_mark + std::string(fields[i].first) + key_;
        counted_[i] = {db.postlist_begin(field_term), db.postlist_end(field_term), fields[i].second};
    }
    bm25_ = Bm25(db.get_doccount(), db.get_termfreq(term), db.get_avlength());
    set_maxweight(bm25_(schema::wdf_count(db.get_wdf_upper_bound(term)), db.get_doclength_lower_bound()));
}

void SectionPostings::skip_other_sections() {
    while (postings_ != end_ && (postings_.get_wdf() & section_bit_) == 0) ++postings_;
}

// The iterator starts on the first posting: the first next() only settles.
void SectionPostings::next(double) {
    if (started_) ++postings_;
    started_ = true;
    skip_other_sections();
}

void SectionPostings::skip_to(Xapian::docid did, double) {
    started_ = true;
    if (postings_ != end_) postings_.skip_to(did);
    skip_other_sections();
}

double SectionPostings::get_weight() const {
    auto did = *postings_;
    auto wdf = postings_.get_wdf();
    double occurrences = schema::wdf_count(wdf);
    for (auto& field : counted_) {
        if (field.postings == field.end) continue;
        field.postings.skip_to(did);
        if (field.postings != field.end && *field.postings == did)
            occurrences -= double(field.boost) * schema::wdf_count(field.postings.get_wdf());
    }
    auto sections = std::popcount(wdf % schema::kWdfUnit & ~schema::section_bit(schema::kUsage));
    occurrences = std::max(1.0, occurrences / std::max(1, sections));
    return bm25_(occurrences, postings_.get_doclength());
}

SectionPostings* SectionPostings::clone() const { return new SectionPostings(key_, stemmed_, section_bit_); }

std::string SectionPostings::get_description() const {
    return "SectionPostings(" + std::string(stemmed_ ? "Z" : "") + key_ + ", " + std::to_string(section_bit_) + ")";
}

SectionFieldProcessor::SectionFieldProcessor(Xapian::termcount section_bit)
    : section_bit_(section_bit), stemmer_(schema::make_stemmer()) {}

Xapian::Query SectionFieldProcessor::operator()(const std::string& word) {
    bool stemmed = starts_with_letter(word);  // as the indexer decides
    auto key = stemmed ? stemmer_(word) : word;
    // The search term beside the source, without weight or effect on what
    // matches, names the word for snippets' highlighting.
    return Xapian::Query(Xapian::Query::OP_AND_MAYBE,
                         Xapian::Query((new SectionPostings(key, stemmed, section_bit_))->release()),
                         Xapian::Query(Xapian::Query::OP_SCALE_WEIGHT, Xapian::Query((stemmed ? "Z" : "") + key), 0));
}

}  // namespace medsearch
