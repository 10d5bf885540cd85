#include "query/section_postings.hpp"

#include "medsearch/common/schema.hpp"
#include "medsearch/common/text.hpp"

#include <algorithm>
#include <bit>
#include <charconv>
#include <string_view>

namespace medsearch {

SectionPostings::SectionPostings(std::string key, bool stemmed, Xapian::termcount section_bit)
    : key_(std::move(key)), stemmed_(stemmed), section_bit_(section_bit) {}

void SectionPostings::init(const Xapian::Database& db) {
    const auto term = schema::search_term("", key_, stemmed_);
    // Counting the pages first costs one pass over the stem's postings (tens
    // of microseconds) and makes the number of results exact.
    termfreq_ = 0;
    for (auto it = db.postlist_begin(term), end = db.postlist_end(term); it != end; ++it)
        if (it.get_wdf() & section_bit_) ++termfreq_;
    postings_ = db.postlist_begin(term);
    end_ = db.postlist_end(term);
    started_ = false;
    // The fields with terms of their own, as the indexer makes them: names
    // and title (every word), sections with a prefix (Usage: stems only).
    counted_.clear();
    counted_sections_ = 0;
    auto count = [&](std::string_view prefix, Xapian::termcount boost) {
        auto field_term = schema::search_term(prefix, key_, stemmed_);
        counted_.push_back({db.postlist_begin(field_term), db.postlist_end(field_term), boost});
    };
    for (const auto& field : schema::kNameFields) count(field.prefix, field.boost);
    for (const auto& section : schema::kSections)
        if (!section.prefix.empty() && stemmed_) {
            count(section.prefix, section.boost);
            counted_sections_ |= schema::section_bit(section);
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
    auto sections = std::popcount(wdf % schema::kWdfUnit & ~counted_sections_);
    occurrences = std::max(1.0, occurrences / std::max(1, sections));
    return bm25_(occurrences, postings_.get_doclength());
}

SectionPostings* SectionPostings::clone() const { return new SectionPostings(key_, stemmed_, section_bit_); }

// The section bit, whether the key is a stem, then the key.
std::string SectionPostings::serialise() const {
    return std::to_string(section_bit_) + (stemmed_ ? " s " : " w ") + key_;
}

SectionPostings* SectionPostings::unserialise(const std::string& serialised) const {
    auto space = serialised.find(' ');
    if (space == std::string::npos || serialised.size() < space + 3 || serialised[space + 2] != ' ' ||
        (serialised[space + 1] != 's' && serialised[space + 1] != 'w'))
        throw Xapian::SerialisationError("medsearch.SectionPostings: not bit, kind and key");
    Xapian::termcount bit = 0;
    auto digits = std::string_view(serialised).substr(0, space);
    auto [end, error] = std::from_chars(digits.data(), digits.data() + digits.size(), bit);
    if (error != std::errc() || end != digits.data() + digits.size() || std::popcount(bit) != 1)
        throw Xapian::SerialisationError("medsearch.SectionPostings: not a section bit");
    return new SectionPostings(serialised.substr(space + 3), serialised[space + 1] == 's', bit);
}

std::string SectionPostings::get_description() const {
    return "SectionPostings(" + schema::search_term("", key_, stemmed_) + ", " + std::to_string(section_bit_) + ")";
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
                         Xapian::Query(Xapian::Query::OP_SCALE_WEIGHT,
                                       Xapian::Query(schema::search_term("", key, stemmed)), 0));
}

}  // namespace medsearch
