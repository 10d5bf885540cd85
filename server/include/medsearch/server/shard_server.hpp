#pragma once
// `medsearch shard-server`: one shard of the published generation over
// Xapian's remote protocol, for a `serve` whose shard_servers name it
// (docs/deploy.md, "Shards").

#include "medsearch/common/result.hpp"

#include <chrono>
#include <filesystem>
#include <string>

namespace medsearch {

struct ShardServerOptions {
    std::filesystem::path index_dir;
    unsigned shard = 0;  // serves shard-K of each generation CURRENT names
    std::string host = "127.0.0.1";
    int port = 0;
    std::chrono::milliseconds reload_interval{200};  // how often CURRENT is read
};

// Whether this program was built with the shard server (it needs the
// headers of Xapian's source package, which scripts/install-deps fetches).
bool shard_server_built();

// Serves until SIGINT or SIGTERM. A newly published generation is served
// in place of the old one: the connections to the old one are closed, and
// searchers connect again. Errors name the index folder, generation or port.
Status run_shard_server(const ShardServerOptions& options);

}  // namespace medsearch
