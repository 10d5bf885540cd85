#pragma once
// medsearch report: what people searched for and did not find, read from a
// query log (query_log.hpp), with a proposal an editor can act on for each
// search that found nothing: a brand or spelling for the dictionaries, or
// the kind of medicine or condition a lay word could join. The log is read
// as a stream: memory grows with the distinct queries, not with the lines.

#include "medsearch/common/result.hpp"

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace medsearch {

// Longer lines of a log are skipped as malformed.
inline constexpr std::size_t kMaxLogLineBytes = 8 * 1024;

struct ReportOptions {
    std::filesystem::path log_file;
    std::string since;                // "YYYY-MM-DD": searches of that day (UTC) and later; empty: all
    std::filesystem::path index_dir;  // read for the proposals; empty: no proposals
    std::size_t top = 25;             // rows of each list
    std::uint64_t low_results = 3;    // a search with 1..this many results has few
};

// Empty when `date` is a day written YYYY-MM-DD; else what is wrong with it.
std::string report_date_problem(std::string_view date);

// One query as typed (its first spelling; queries are grouped case-folded,
// spaces collapsed) and its searches.
struct QueryStat {
    std::string query;
    std::uint64_t searches = 0;            // the searches the list counts (all, zero-result, ...)
    std::uint64_t total = 0;               // the last search's total
    std::optional<std::string> corrected;  // the last correction
    std::vector<std::string> did_you_mean; // the last readings offered
};

// What an editor could add so that a search that found nothing finds its page.
struct Proposal {
    std::string query;
    std::uint64_t searches = 0;  // the zero-result searches behind it
    std::string file;            // "data/brands.txt", "data/synonyms.yaml", "data/medicines.yaml"; empty: none
    std::string where;           // the place in the file: "spellings", "classes: antihistamines, names"
    std::string line;            // what to add there ("crosin = paracetamol")
    std::string reason;          // why ("sounds like the brand crocin")
};

struct QueryReport {
    std::string log_file;
    std::string since;
    std::string index_generation;  // the index the proposals were read in; empty: none
    std::uint64_t lines = 0;
    std::uint64_t searches = 0;     // well-formed lines since `since`
    std::uint64_t malformed = 0;    // lines skipped
    std::uint64_t first_malformed_line = 0;  // 1-based; 0: none
    std::string first_malformed_problem;
    std::uint64_t zero_result_searches = 0;
    std::uint64_t low_result_searches = 0;
    std::uint64_t corrected_searches = 0;  // corrected or offered a "did you mean"
    std::uint64_t low_results = 3;
    std::size_t distinct_queries = 0;
    std::vector<std::pair<std::string, std::uint64_t>> per_day;  // "2026-12-05" -> searches, by date
    std::vector<QueryStat> frequent;   // most searched first
    std::vector<QueryStat> zero;       // searches with no result
    std::vector<QueryStat> low;        // searches with 1..low_results results
    std::vector<QueryStat> corrected;  // searches corrected or offered another reading
    std::vector<Proposal> proposals;   // one per query of `zero`, when an index was given
};

// Reads the log (and the index, for proposals). Errors: the log or the index
// cannot be read, `since` is not a date.
Result<QueryReport> make_report(const ReportOptions& options);

std::string report_text(const QueryReport& report);
std::string report_json(const QueryReport& report);
// One self-contained page: inline CSS, an inline SVG chart of searches per
// day, no script; every query HTML-escaped.
std::string report_html(const QueryReport& report);

}  // namespace medsearch
