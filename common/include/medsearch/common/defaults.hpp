#pragma once
// Every default and every accepted range of a setting, in one place: the
// config file (config.hpp), the command line (cli/) and the libraries'
// option structs (ServerOptions, SearchSettings, BuildOptions, CheckOptions,
// ParseOptions) take their values from here, so they cannot disagree.

#include <algorithm>
#include <chrono>
#include <cstddef>
#include <thread>

namespace medsearch::defaults {

// An inclusive range of a whole-number setting; messages say "LOW..HIGH".
struct Range {
    int low;
    int high;
    constexpr bool contains(long long value) const { return value >= low && value <= high; }
};

// Where pages and the index are, for a run without a config file.
inline constexpr const char* kSourceDir = "data/monographs";
inline constexpr const char* kIndexDir = "build/index";

// The site URL of a page: :path, :basename, :dir.
inline constexpr const char* kPermalink = "/composition/:path/";

inline constexpr const char* kHost = "127.0.0.1";
inline constexpr int kPort = 8080;
inline constexpr Range kPortRange{0, 65535};  // 0: any free port

// HTTP workers (one searcher each) and indexing threads; 0 means one per core.
inline constexpr int kThreads = 0;
inline constexpr Range kThreadsRange{0, 256};
// What a thread count of 0 means: one per core, at least one.
inline int threads_for(int configured) {
    return configured > 0 ? configured : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
}

// Length of a snippet, in bytes of text.
inline constexpr unsigned kSnippetBytes = 200;
inline constexpr Range kSnippetBytesRange{40, 2000};

// After this, a search stops making snippets and returns what it has, partial.
inline constexpr std::chrono::milliseconds kSearchDeadline{40};
inline constexpr Range kSearchDeadlineMsRange{1, 60000};

// A shard server that does not connect, or answer a request, in this long
// is down: the search answers 503 naming it rather than wait.
inline constexpr unsigned kShardServerConnectTimeoutMs = 1000;
inline constexpr unsigned kShardServerTimeoutMs = 5000;
// A shard server drops a connection idle this long (seconds); a searcher
// whose connection was dropped opens it again.
inline constexpr double kShardServerIdleSeconds = 600;

// Hits of a search page and suggestions of a suggest answer, when not asked.
inline constexpr unsigned kSearchLimit = 10;
inline constexpr unsigned kSuggestLimit = 8;

// MiB of answers the server keeps for repeated requests; 0: none.
inline constexpr int kCacheMb = 16;
inline constexpr Range kCacheMbRange{0, 4096};

// Open connections before new ones get 503 (lowered to fit the file limit).
inline constexpr int kMaxConnections = 10000;
inline constexpr Range kMaxConnectionsRange{1, 1000000};
// Open connections from one client address; 0: no limit.
inline constexpr int kMaxConnectionsPerClient = 256;
inline constexpr Range kMaxConnectionsPerClientRange{0, 1000000};

// The query log (opt-in): rotated when it would grow past this many MiB,
// keeping one previous file.
inline constexpr int kQueryLogMaxMb = 64;
inline constexpr Range kQueryLogMaxMbRange{1, 65536};

// Larger source files are refused with an error.
inline constexpr std::size_t kMaxPageBytes = std::size_t{4} << 20;
inline constexpr Range kMaxPageBytesRange{1, 1 << 30};

}  // namespace medsearch::defaults
