#pragma once
// What a Xapian server needs to run medsearch's queries sent to it: the
// weighting scheme, posting sources and facet counter, registered under their names, for
// Query::unserialise, Weight::unserialise and MatchSpy::unserialise (Xapian's
// remote protocol).

#include "query/prior_postings.hpp"

#include <xapian.h>

#include <memory>
#include <vector>

namespace medsearch {

// `page_priors`: the priors of the pages of the database the queries run on
// (TopicIndex::page_priors).
Xapian::Registry query_registry(std::shared_ptr<const PagePriors> page_priors);

}  // namespace medsearch
