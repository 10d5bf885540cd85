#pragma once
// A generation's shards as shard servers serve them (`medsearch
// shard-server`), over Xapian's remote protocol.

#include "medsearch/common/index_layout.hpp"
#include "medsearch/common/result.hpp"

#include <xapian.h>

#include <string>
#include <vector>

namespace medsearch {

// The shards of `generation`, shard K served by `servers[K]` (HOST:PORT).
// Each server must serve the very shard this folder holds (its UUID), so
// that no answer mixes generations: otherwise, or when one cannot be
// reached, an `unavailable` error names it.
Result<Xapian::Database> open_remote_shards(const IndexGeneration& generation, const std::vector<std::string>& servers);

// What a failure of a remote shard during a search says, naming its server.
Error remote_shard_error(const Xapian::NetworkError& error);

}  // namespace medsearch
