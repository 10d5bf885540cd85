#include "remote_shards.hpp"

#include "medsearch/common/config.hpp"
#include "medsearch/common/defaults.hpp"

namespace medsearch {

Result<Xapian::Database> open_remote_shards(const IndexGeneration& generation, const std::vector<std::string>& servers) {
    std::vector<std::string> expected;
    try {
        expected = shard_uuids(open_generation_database(generation.path));
    } catch (const Xapian::Error& e) {
        return Error{Errc::index, generation.path.string() + ": " + e.get_description()};
    }
    if (expected.size() != servers.size())
        return Error{Errc::index, generation.name + " has " + std::to_string(expected.size()) + " shard(s) and " +
                                      std::to_string(servers.size()) + " shard server(s) are configured"};
    Xapian::Database shards;
    for (std::size_t k = 0; k < servers.size(); ++k) {
        const auto shard = generation.name + "/" + shard_folder_name(static_cast<unsigned>(k));
        std::string host;
        int port = 0;
        if (auto parsed = parse_host_port(servers[k], "a shard server", host, port); !parsed) return parsed.error();
        if (host.size() > 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
        try {
            auto remote = Xapian::Remote::open(host, static_cast<unsigned>(port), defaults::kShardServerTimeoutMs,
                                               defaults::kShardServerConnectTimeoutMs);
            if (remote.get_uuid() != expected[k])
                return Error{Errc::unavailable, "shard server " + servers[k] + " does not serve " + shard +
                                                    " (another generation or shard)"};
            shards.add_database(remote);
        } catch (const Xapian::NetworkError& e) {
            return Error{Errc::unavailable, "shard server " + servers[k] + " (" + shard + "): " + e.get_msg() +
                                                (e.get_error_string() ? std::string(" (") + e.get_error_string() + ")"
                                                                      : std::string())};
        }
    }
    return shards;
}

Error remote_shard_error(const Xapian::NetworkError& error) {
    // Xapian's context names the server: "remote:tcp(HOST:PORT)".
    return Error{Errc::unavailable, "a shard server failed: " + error.get_description()};
}

}  // namespace medsearch
