#include "medsearch/server/shard_server.hpp"

#include "lexicon/snapshot.hpp"
#include "query/registry.hpp"

#include "medsearch/common/defaults.hpp"
#include "medsearch/common/index_layout.hpp"
#include "medsearch/common/log.hpp"

#include <xapian.h>

// Xapian's own server of its remote protocol, from the source package of the
// very version linked (libxapian-dev does not install this header): what
// `xapian-tcpsrv` runs, with a registry that knows medsearch's weighting.
#include "net/remotetcpserver.h"

#include <csignal>
#include <poll.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

#if XAPIAN_MAJOR_VERSION != 1 || XAPIAN_MINOR_VERSION != 4
#error "net/remotetcpserver.h is not an API: build against the source of the libxapian linked"
#endif

namespace medsearch {
namespace fs = std::filesystem;
namespace {

constexpr double kActiveTimeoutSeconds = 15;  // between the messages of one search
constexpr int kLoadTimeoutMs = 120000;        // for a generation's shard to be read

volatile std::sig_atomic_t stop_requested = 0;

void request_stop(int) { stop_requested = 1; }

// The shard of `generation` this server serves: shard-K of a generation
// of shards; the whole database of one that is not, as its only shard.
Result<fs::path> shard_path(const IndexGeneration& generation, unsigned shard) {
    std::error_code ec;
    if (!fs::is_regular_file(generation.path / kShardStubFileName, ec)) {
        if (shard == 0) return generation.path;
        return Error{Errc::index, generation.name + " is one database, not shards: only shard 0 can be served"};
    }
    auto path = generation.path / shard_folder_name(shard);
    if (!fs::is_directory(path, ec)) return Error{Errc::index, generation.name + " has no " + shard_folder_name(shard)};
    return path;
}

// The child that serves one generation: Xapian's server forks a process per
// connection, and on SIGTERM kills its whole process group, so it leads a
// group of its own. It tells `ready` once it has what it serves with; the
// previous generation's process is stopped then, and `go` lets it take the
// port (Xapian's server exits when the port is taken).
[[noreturn]] void serve_generation(const ShardServerOptions& options, const IndexGeneration& generation,
                                   const fs::path& shard, int ready, int go) {
    setpgid(0, 0);
    prctl(PR_SET_PDEATHSIG, SIGKILL);  // never outlives the shard server, however it ends
    std::signal(SIGINT, SIG_DFL);
    std::signal(SIGTERM, SIG_DFL);
    try {
        // The generation's metadata is in its first database; the page
        // priors go by this shard's own document ids: what PriorPostings
        // reads here, where the searcher sends only their scale.
        const auto metadata = generation_databases(generation.path).front();
        auto snapshot = Snapshot::load(Xapian::Database(metadata.string(), Xapian::DB_BACKEND_GLASS), generation);
        if (!snapshot) {
            log_error("shard", metadata.string() + ": " + snapshot.error().message);
            _exit(2);
        }
        Xapian::Database pages(shard.string(), Xapian::DB_BACKEND_GLASS);
        auto registry = query_registry(snapshot.value()->page_priors_in(pages));
        char byte = 0;
        if (::write(ready, "1", 1) != 1 || ::read(go, &byte, 1) != 1) _exit(2);
        ::close(ready);
        ::close(go);
        RemoteTcpServer server({shard.string()}, options.host, options.port, kActiveTimeoutSeconds,
                               defaults::kShardServerIdleSeconds, false, false);
        server.set_registry(registry);
        log_info("shard", "serving " + generation.name + "/" + shard.filename().string() + " on " + options.host +
                              ":" + std::to_string(options.port));
        server.run();
    } catch (const Xapian::Error& e) {
        log_error("shard", options.host + ":" + std::to_string(options.port) + ": " + e.get_description());
    }
    _exit(1);
}

// The process serving one generation, and the pipe that lets it listen.
struct ServingProcess {
    pid_t pid = 0;
    int go = -1;
};

// Starts the process serving `shard` of `generation`, which waits for `go`;
// none when it could not read what it serves with (it said why).
ServingProcess start_child(const ShardServerOptions& options, const IndexGeneration& generation,
                           const fs::path& shard) {
    int ready[2], go[2];
    if (::pipe(ready) != 0) return {};
    if (::pipe(go) != 0) {
        ::close(ready[0]);
        ::close(ready[1]);
        return {};
    }
    pid_t child = fork();
    if (child == 0) {
        ::close(ready[0]);
        ::close(go[1]);
        serve_generation(options, generation, shard, ready[1], go[0]);
    }
    ::close(ready[1]);
    ::close(go[0]);
    bool loaded = false;
    if (child > 0) {
        setpgid(child, child);
        pollfd wait{ready[0], POLLIN, 0};
        char byte = 0;
        loaded = ::poll(&wait, 1, kLoadTimeoutMs) == 1 && ::read(ready[0], &byte, 1) == 1;
    }
    ::close(ready[0]);
    if (loaded) return {child, go[1]};
    ::close(go[1]);
    if (child > 0) {
        kill(child, SIGKILL);
        waitpid(child, nullptr, 0);
    }
    return {};
}

// SIGKILL, not SIGTERM: Xapian's SIGTERM handler calls exit(), which
// deadlocks a connection's process already exiting. Nothing is written.
void stop_child(pid_t child) {
    kill(-child, SIGKILL);  // its group: the connections' processes too
    kill(child, SIGKILL);   // in case it has not made its group yet
    waitpid(child, nullptr, 0);
}

}  // namespace

bool shard_server_built() { return true; }

Status run_shard_server(const ShardServerOptions& options) {
    auto first = read_current_generation(options.index_dir);
    if (!first) return first.error();
    if (auto path = shard_path(first.value(), options.shard); !path) return path.error();
    struct sigaction stop {};
    stop.sa_handler = request_stop;
    sigaction(SIGINT, &stop, nullptr);
    sigaction(SIGTERM, &stop, nullptr);
    std::signal(SIGPIPE, SIG_IGN);  // a serving process that died is reported by waitpid
    pid_t child = 0;
    std::string served, tried;  // the generation served, the last one tried
    while (!stop_requested) {
        auto current = read_current_generation(options.index_dir);
        if (current && current.value().name != tried) {
            tried = current.value().name;
            auto path = shard_path(current.value(), options.shard);
            auto next = path ? start_child(options, current.value(), path.value()) : ServingProcess{};
            if (next.pid > 0) {
                if (child > 0) stop_child(child);
                child = next.pid;
                served = tried;
                if (::write(next.go, "1", 1) != 1) log_error("shard", "cannot start serving " + served);
                ::close(next.go);
            } else if (child == 0) {
                return path ? Error{Errc::index, tried + ": its shard cannot be served (see above)"} : path.error();
            } else {
                log_warn("shard", tried + " is not served, " + served + " still is: " +
                                      (path ? std::string("its shard cannot be read (see above)") : path.error().message));
            }
        }
        int status = 0;
        if (child > 0 && waitpid(child, &status, WNOHANG) == child)
            return Error{Errc::internal, "the shard server of " + served + " on port " + std::to_string(options.port) +
                                             " stopped (see the error above)"};
        std::this_thread::sleep_for(options.reload_interval);
    }
    if (child > 0) stop_child(child);
    return Ok{};
}

}  // namespace medsearch
