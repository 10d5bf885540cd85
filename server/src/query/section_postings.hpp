#pragma once
// Section fields of queries ("side-effects:nausea") answered from the section
// bits in the wdf of a stem's postings (schema::kWdfUnit): one term per page
// and stem instead of one more per section.

#include "query/tiered_weight.hpp"

#include <xapian.h>

#include <string>
#include <vector>

namespace medsearch {

// The pages whose postings of a word's search term ("Z" + its stem, or the
// word when it has no stem) carry `section_bit`, weighted by BM25 on an
// estimate of the word's occurrences in the section: the page's occurrences
// outside names, title and Usage (which have terms of their own to count
// them), shared evenly among the sections that have the word. So that an
// antiemetic, which says "nausea" all through its Usage, does not outrank the
// pages that list nausea among their side effects.
class SectionPostings : public Xapian::PostingSource {
  public:
    // What BM25 reads of the whole collection. A source sees one database at
    // a time (one shard of several): these come from all of them together.
    struct CollectionStats {
        double size = 0;            // pages
        double termfreq = 0;        // pages with the search term
        double average_length = 0;  // of the pages' lengths
        bool operator==(const CollectionStats&) const = default;
    };
    static CollectionStats stats_of(const Xapian::Database& db, const std::string& key, bool stemmed);

    // `key`: the word's stem, or the word when it has none (`stemmed` false).
    SectionPostings(std::string key, bool stemmed, Xapian::termcount section_bit, CollectionStats stats);

    void init(const Xapian::Database& db) override;
    Xapian::doccount get_termfreq_min() const override { return termfreq_; }
    Xapian::doccount get_termfreq_est() const override { return termfreq_; }
    Xapian::doccount get_termfreq_max() const override { return termfreq_; }
    void next(double min_wt) override;
    void skip_to(Xapian::docid did, double min_wt) override;
    bool at_end() const override { return postings_ == end_; }
    Xapian::docid get_docid() const override { return *postings_; }
    double get_weight() const override;
    SectionPostings* clone() const override;
    std::string name() const override { return "medsearch.SectionPostings"; }
    std::string serialise() const override;
    SectionPostings* unserialise(const std::string& serialised) const override;
    std::string get_description() const override;

  private:
    void skip_other_sections();

    // A field with terms of its own whose occurrences count in the stem's wdf.
    struct Counted {
        Xapian::PostingIterator postings, end;
        Xapian::termcount boost = 0;  // occurrences in the default field per occurrence in the field
    };

    std::string key_;
    bool stemmed_;
    Xapian::termcount section_bit_;
    CollectionStats stats_;
    Xapian::PostingIterator postings_, end_;  // of the search term
    mutable std::vector<Counted> counted_;  // names, title, Usage: advanced as pages are weighed
    Xapian::termcount counted_sections_ = 0;  // bits of the sections among them
    Bm25 bm25_;
    Xapian::doccount termfreq_ = 0;  // pages with the word in the section, counted at init
    bool started_ = false;
};

// `section:word` for QueryParser::add_prefix: the word in that section
// (SectionPostings), weighed by the statistics of `db`.
class SectionFieldProcessor : public Xapian::FieldProcessor {
  public:
    SectionFieldProcessor(Xapian::termcount section_bit, const Xapian::Database& db);
    Xapian::Query operator()(const std::string& word) override;

  private:
    Xapian::termcount section_bit_;
    Xapian::Database db_;
    Xapian::Stem stemmer_;  // one per processor: a Stem is not shared across threads
};

}  // namespace medsearch
