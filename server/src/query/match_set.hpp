#pragma once
// Every page a query matches, as a set of document ids, without ranking: what
// facet counts and the exact total are read from. Xapian's ranked match skips
// pages that cannot reach the first results; counting through it would take
// every match through the weighting, so here the query's tree is evaluated
// over bitsets of its terms' postings instead. Operators whose matches depend
// on positions or values (phrases, ranges) are left to Xapian; a wildcard is
// expanded as Xapian's matcher expands it.

#include <xapian.h>

#include <cstddef>
#include <cstdint>
#include <string>
#include <unordered_map>
#include <vector>

namespace medsearch {

// Document ids 1..last_docid of one database, a bit each.
class DocSet {
  public:
    DocSet() = default;
    explicit DocSet(Xapian::docid last_docid) : words_(last_docid / 64 + 1, 0) {}

    // Empty again, for ids up to `last_docid`, keeping its memory.
    void clear(Xapian::docid last_docid) { words_.assign(last_docid / 64 + 1, 0); }
    std::size_t bytes() const { return words_.size() * sizeof(std::uint64_t); }

    void insert(Xapian::docid id) { words_[id / 64] |= std::uint64_t{1} << (id % 64); }
    bool contains(Xapian::docid id) const {
        return id / 64 < words_.size() && (words_[id / 64] >> (id % 64) & 1) != 0;
    }
    std::size_t count() const;
    bool contains_all(const DocSet& other) const;
    void unite(const DocSet& other);
    void intersect(const DocSet& other);
    void subtract(const DocSet& other);
    void exclusive_or(const DocSet& other);

    template <typename Visit>
    void for_each(Visit&& visit) const {
        for (std::size_t w = 0; w < words_.size(); ++w)
            for (auto bits = words_[w]; bits != 0; bits &= bits - 1)
                visit(static_cast<Xapian::docid>(w * 64 + static_cast<unsigned>(__builtin_ctzll(bits))));
    }

  private:
    std::vector<std::uint64_t> words_;
};

// Evaluates queries over one database at a time. The sets of frequent terms
// are kept between queries, up to a byte budget; not thread-safe, one per
// searcher like its Xapian::Database.
class MatchSets {
  public:
    explicit MatchSets(std::size_t max_cached_bytes) : max_cached_bytes_(max_cached_bytes) {}

    // What `db` matches for `query`. Sets kept from another database, or from
    // this one before it changed, are forgotten first.
    DocSet of(const Xapian::Database& db, const Xapian::Query& query);
    // To call when the database object is reopened or replaced.
    void forget();

  private:
    // Each returns the set of `query`: a kept term's own, or `scratch` filled.
    const DocSet& evaluate(const Xapian::Query& query, DocSet& scratch);
    const DocSet& combine(const Xapian::Query& query, DocSet& scratch);
    void unite_all(const Xapian::Query& query, DocSet& scratch);
    const DocSet& term(const std::string& name, DocSet& scratch);
    const DocSet& wildcard(const Xapian::Query& query, DocSet& scratch);
    const DocSet& matched_by_xapian(const Xapian::Query& query, DocSet& scratch);

    std::size_t max_cached_bytes_;
    std::size_t cached_bytes_ = 0;
    // A term's postings: a set when they are many, else their ids.
    struct KeptTerm {
        DocSet set;
        std::vector<Xapian::docid> ids;
    };
    std::unordered_map<std::string, KeptTerm> cached_terms_;
    const Xapian::Database* db_ = nullptr;
    Xapian::docid last_docid_ = 0;
    Xapian::rev revision_ = 0;
};

}  // namespace medsearch
