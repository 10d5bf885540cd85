#pragma once
// A generation split into shards (index_layout.hpp): page d of the whole
// database goes to shard (d - 1) % count, in order, so that the shards,
// searched together, number every page as the whole database does. Every
// shard keeps the metadata and synonyms. For comparing a sharded index's
// answers and speed with the whole one's (tests, bench/).

#include "medsearch/common/result.hpp"

#include <xapian.h>

#include <filesystem>

namespace medsearch {

// Writes `generation` (created; it must not exist): its stub file and a
// folder per shard. Refuses a database whose document ids have gaps.
Status split_into_shards(const Xapian::Database& whole, const std::filesystem::path& generation, unsigned count);

}  // namespace medsearch
