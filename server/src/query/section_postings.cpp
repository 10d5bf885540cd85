#include "query/section_postings.hpp"

#include "medsearch/common/schema.hpp"
#include "medsearch/common/text.hpp"

#include <algorithm>
#include <bit>
#include <charconv>
#include <string_view>

namespace medsearch {

SectionPostings::CollectionStats SectionPostings::stats_of(const Xapian::Database& db, const std::string& key,
                                                          bool stemmed) {
    return {static_cast<double>(db.get_doccount()),
            static_cast<double>(db.get_termfreq(schema::search_term("", key, stemmed))), db.get_avlength()};
}

SectionPostings::SectionPostings(std::string key, bool stemmed, Xapian::termcount section_bit, CollectionStats stats)
    : key_(std::move(key)), stemmed_(stemmed), section_bit_(section_bit), stats_(stats) {}

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
    bm25_ = Bm25(stats_.size, stats_.termfreq, stats_.average_length);
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

SectionPostings* SectionPostings::clone() const { return new SectionPostings(key_, stemmed_, section_bit_, stats_); }

namespace {

void append_number(std::string& out, double value) {
    char buffer[32];
    auto [end, error] = std::to_chars(buffer, buffer + sizeof buffer, value);  // shortest that reads back the same
    out.append(buffer, end);
    out += ' ';
}

template <typename Number>
bool read_number(std::string_view& in, Number& value) {
    auto space = in.find(' ');
    if (space == std::string_view::npos) return false;
    auto [end, error] = std::from_chars(in.data(), in.data() + space, value);
    if (error != std::errc() || end != in.data() + space) return false;
    in.remove_prefix(space + 1);
    return true;
}

}  // namespace

// The section bit, the kind of key ('s' a stem, 'w' a word), the collection's
// statistics, then the key.
std::string SectionPostings::serialise() const {
    std::string out = std::to_string(section_bit_) + (stemmed_ ? " s " : " w ");
    for (double value : {stats_.size, stats_.termfreq, stats_.average_length}) append_number(out, value);
    return out + key_;
}

SectionPostings* SectionPostings::unserialise(const std::string& serialised) const {
    std::string_view in = serialised;
    Xapian::termcount bit = 0;
    CollectionStats stats;
    if (!read_number(in, bit) || std::popcount(bit) != 1)
        throw Xapian::SerialisationError("medsearch.SectionPostings: not a section bit");
    if (in.size() < 2 || (in[0] != 's' && in[0] != 'w') || in[1] != ' ')
        throw Xapian::SerialisationError("medsearch.SectionPostings: not a kind of key");
    bool stemmed = in[0] == 's';
    in.remove_prefix(2);
    if (!read_number(in, stats.size) || !read_number(in, stats.termfreq) || !read_number(in, stats.average_length))
        throw Xapian::SerialisationError("medsearch.SectionPostings: not the collection's statistics");
    return new SectionPostings(std::string(in), stemmed, bit, stats);
}

std::string SectionPostings::get_description() const {
    return "SectionPostings(" + schema::search_term("", key_, stemmed_) + ", " + std::to_string(section_bit_) + ")";
}

SectionFieldProcessor::SectionFieldProcessor(Xapian::termcount section_bit, const Xapian::Database& db)
    : section_bit_(section_bit), db_(db), stemmer_(schema::make_stemmer()) {}

Xapian::Query SectionFieldProcessor::operator()(const std::string& word) {
    bool stemmed = starts_with_letter(word);  // as the indexer decides
    auto key = stemmed ? stemmer_(word) : word;
    // The search term beside the source, without weight or effect on what
    // matches, names the word for snippets' highlighting.
    auto stats = SectionPostings::stats_of(db_, key, stemmed);
    Xapian::Query source((new SectionPostings(key, stemmed, section_bit_, stats))->release());
    return Xapian::Query(Xapian::Query::OP_AND_MAYBE, source,
                         Xapian::Query(Xapian::Query::OP_SCALE_WEIGHT,
                                       Xapian::Query(schema::search_term("", key, stemmed)), 0));
}

}  // namespace medsearch
