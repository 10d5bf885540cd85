#pragma once
// The second stage of a search: the query plan as a Xapian query, in parts
// that rank as tiers (docs/ranking.md): the drugs named, the exact set of
// them, fewer other ingredients, the members of a kind of medicine or a
// condition, the pages whose drug treats the condition, and the text.

#include "lexicon/snapshot.hpp"
#include "query/plan.hpp"

#include <xapian.h>

namespace medsearch {

struct BuiltQuery {
    Xapian::Query names;        // concept tiers
    Xapian::Query sets;         // exact and salt-form sets
    Xapian::Query specificity;  // fewer ingredients
    Xapian::Query topic;        // members of a kind of medicine or a condition
    Xapian::Query treats;       // pages whose drug treats the condition asked about
    Xapian::Query text;         // full-text part
    // The parts as one query: what is matched.
    Xapian::Query all() const;
};

// Makes Xapian queries for one generation. Holds QueryParsers: not
// thread-safe, one per searcher.
class QueryBuilder {
  public:
    QueryBuilder(const Xapian::Database& db, const Snapshot& snapshot, const Xapian::Stem& stem);

    BuiltQuery build(const QueryPlan& plan);

  private:
    void build_names(const QueryPlan& plan, BuiltQuery& built) const;
    Xapian::Query build_topic(const QueryPlan& plan) const;
    Xapian::Query build_treats(const QueryPlan& plan) const;
    Xapian::Query build_text(const QueryPlan& plan);

    const Snapshot& snapshot_;
    Xapian::Stem stem_;
    Xapian::QueryParser parser_;        // default field: all text
    Xapian::QueryParser usage_parser_;  // default field: the Usage section
    Xapian::Query fewer_ingredients_first_;
};

}  // namespace medsearch
