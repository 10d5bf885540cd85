#pragma once
// The query log's line: one search a visitor settled on, as `serve
// --query-log` writes it and `medsearch report` reads it. It names no
// client: no address, no cookie, no user agent (docs/query-log.md).

#include "medsearch/common/result.hpp"

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace medsearch {

struct LoggedSearch {
    std::string time;   // UTC, ISO 8601: "2026-12-05T04:31:32Z"
    std::string query;  // as typed
    std::uint64_t total = 0;               // the answer's total (estimated matching pages)
    std::optional<std::string> corrected;  // the query as searched, when a word was corrected
    std::vector<std::string> did_you_mean; // the readings offered, not searched
    std::optional<std::string> topic;      // the label of the kind of medicine or condition answered
    double took_ms = 0;
};

// One line of JSON, without the newline; bytes that are not UTF-8 are replaced.
std::string to_json_line(const LoggedSearch& search);

// A line of the log; bad_input naming what is wrong with it otherwise.
Result<LoggedSearch> parse_logged_search(std::string_view line);

// "2026-12-05T04:31:32Z".
std::string utc_timestamp(std::chrono::system_clock::time_point time);

}  // namespace medsearch
