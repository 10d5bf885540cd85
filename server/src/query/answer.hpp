#pragma once
// What an answer says besides the pages' text: the kind of medicine or
// condition asked about, with its medicines, and why each hit matched.

#include "lexicon/snapshot.hpp"
#include "query/plan.hpp"

#include "medsearch/server/searcher.hpp"

#include <string>
#include <vector>

namespace medsearch {

// The topic block shown above the hits, when the plan answers a topic.
std::optional<TopicBlock> topic_block(const QueryPlan& plan, const Snapshot& snapshot);

// Why page `page` (a catalog index, -1 for none) matched: the way each drug
// of the query was read ("name", "synonym", "fuzzy", "prefix"), "topic",
// "section" when the snippet comes from the section asked for, else "text".
std::vector<std::string> why_matched(const QueryPlan& plan, int page, const Snapshot& snapshot, bool in_section);

}  // namespace medsearch
