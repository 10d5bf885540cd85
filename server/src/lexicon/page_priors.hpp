#pragma once

#include <string>
#include <vector>

namespace medsearch {

// The prior of each page, 0..1, by document id of the database searched (0
// for ids no page has). Of n shards, Xapian numbers the pages
// (id in its shard - 1) * n + shard + 1, and a posting source sees one shard
// at a time with its own ids: each shard is known by its UUID.
struct PagePriors {
    std::vector<float> by_docid;
    std::vector<std::string> shard_uuids;  // in the database's order; empty for one database
};

}  // namespace medsearch
