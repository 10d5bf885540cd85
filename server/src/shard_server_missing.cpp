// The shard server of a build made without Xapian's source headers.
#include "medsearch/server/shard_server.hpp"

namespace medsearch {

bool shard_server_built() { return false; }

Status run_shard_server(const ShardServerOptions&) {
    return Error{Errc::internal,
                 "this medsearch was built without the shard server: it needs Xapian's source package "
                 "(scripts/install-deps fetches it), then cmake again"};
}

}  // namespace medsearch
