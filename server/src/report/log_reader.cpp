// make_report: the query log read line by line into counts per query.
#include "report/proposals.hpp"

#include "medsearch/common/text.hpp"
#include "medsearch/server/query_log.hpp"

#include <algorithm>
#include <cstdio>
#include <map>
#include <memory>
#include <unordered_map>

namespace medsearch {
namespace {

// Lines of a file, each at most kMaxLogLineBytes: a longer one is read
// through and reported as too long, so no line costs more memory.
class LineReader {
  public:
    explicit LineReader(std::FILE* file) : file_(file) {}

    // False at the end of the file.
    bool next(std::string& line, bool& too_long) {
        line.clear();
        too_long = false;
        bool any = false;
        for (int c; (c = std::getc(file_)) != EOF;) {
            any = true;
            if (c == '\n') return true;
            if (line.size() < kMaxLogLineBytes) line.push_back(static_cast<char>(c));
            else too_long = true;
        }
        return any;
    }

  private:
    std::FILE* file_;
};

struct QueryCounts {
    QueryStat last;  // the query as first typed, the last answer's figures
    std::uint64_t searches = 0, zero = 0, low = 0, corrected = 0;
};

std::string group_key(std::string_view query) {
    std::string key = collapse_whitespace(query);
    std::transform(key.begin(), key.end(), key.begin(),
                   [](unsigned char c) { return static_cast<char>(c >= 'A' && c <= 'Z' ? c + 32 : c); });
    return key;
}

bool is_leap(int year) { return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0; }

void count(const LoggedSearch& search, const ReportOptions& options, QueryReport& report,
           std::unordered_map<std::string, QueryCounts>& queries, std::map<std::string, std::uint64_t>& days) {
    ++report.searches;
    ++days[search.time.substr(0, 10)];
    auto& counts = queries[group_key(search.query)];
    if (counts.searches++ == 0) counts.last.query = search.query;
    counts.last.total = search.total;
    counts.last.corrected = search.corrected;
    counts.last.did_you_mean = search.did_you_mean;
    if (search.total == 0) {
        ++counts.zero;
        ++report.zero_result_searches;
    }
    if (search.total > 0 && search.total <= options.low_results) {
        ++counts.low;
        ++report.low_result_searches;
    }
    if (search.corrected || !search.did_you_mean.empty()) {
        ++counts.corrected;
        ++report.corrected_searches;
    }
}

// The queries with a count, most first (then by query), at most `top`.
std::vector<QueryStat> ranked(const std::unordered_map<std::string, QueryCounts>& queries, std::size_t top,
                              std::uint64_t QueryCounts::*field) {
    std::vector<QueryStat> rows;
    for (const auto& [key, counts] : queries) {
        if (counts.*field == 0) continue;
        rows.push_back(counts.last);
        rows.back().searches = counts.*field;
    }
    auto order = [](const QueryStat& a, const QueryStat& b) {
        return a.searches != b.searches ? a.searches > b.searches : a.query < b.query;
    };
    auto keep = std::min(top, rows.size());
    std::partial_sort(rows.begin(), rows.begin() + static_cast<std::ptrdiff_t>(keep), rows.end(), order);
    rows.resize(keep);
    return rows;
}

Status read_log(const ReportOptions& options, QueryReport& report,
                std::unordered_map<std::string, QueryCounts>& queries) {
    std::unique_ptr<std::FILE, int (*)(std::FILE*)> file(std::fopen(options.log_file.c_str(), "rb"), std::fclose);
    if (!file) return Error{Errc::bad_input, options.log_file.string() + ": cannot read the query log"};
    std::map<std::string, std::uint64_t> days;
    LineReader reader(file.get());
    std::string line;
    bool too_long = false;
    while (reader.next(line, too_long)) {
        ++report.lines;
        auto search = too_long ? Result<LoggedSearch>(Error{Errc::bad_input, "longer than 8 KiB"})
                               : parse_logged_search(line);
        if (!search) {
            if (report.malformed++ == 0) {
                report.first_malformed_line = report.lines;
                report.first_malformed_problem = search.error().message;
            }
            continue;
        }
        if (!options.since.empty() && search.value().time.substr(0, 10) < options.since) continue;
        count(search.value(), options, report, queries, days);
    }
    if (std::ferror(file.get())) return Error{Errc::bad_input, options.log_file.string() + ": cannot read the query log"};
    report.per_day.assign(days.begin(), days.end());
    return Ok{};
}

}  // namespace

std::string report_date_problem(std::string_view date) {
    auto digits = [&](std::size_t from, std::size_t n) {
        int value = 0;
        for (std::size_t i = from; i < from + n; ++i) {
            if (date[i] < '0' || date[i] > '9') return -1;
            value = value * 10 + (date[i] - '0');
        }
        return value;
    };
    const std::string wanted = "a date written YYYY-MM-DD, got '" + std::string(date) + "'";
    if (date.size() != 10 || date[4] != '-' || date[7] != '-') return wanted;
    int year = digits(0, 4), month = digits(5, 2), day = digits(8, 2);
    static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (year < 0 || month < 1 || month > 12 || day < 1) return wanted;
    int days = kDays[month - 1] + (month == 2 && is_leap(year) ? 1 : 0);
    if (day > days) return wanted;
    return {};
}

Result<QueryReport> make_report(const ReportOptions& options) {
    if (auto problem = report_date_problem(options.since); !options.since.empty() && !problem.empty())
        return Error{Errc::bad_input, "--since must be " + problem};
    QueryReport report;
    report.log_file = options.log_file.string();
    report.since = options.since;
    report.low_results = options.low_results;
    std::unordered_map<std::string, QueryCounts> queries;
    if (auto read = read_log(options, report, queries); !read) return read.error();
    report.distinct_queries = queries.size();
    report.frequent = ranked(queries, options.top, &QueryCounts::searches);
    report.zero = ranked(queries, options.top, &QueryCounts::zero);
    report.low = ranked(queries, options.top, &QueryCounts::low);
    report.corrected = ranked(queries, options.top, &QueryCounts::corrected);
    if (!options.index_dir.empty()) {
        auto proposed = propose(options.index_dir, report.zero);
        if (!proposed) return proposed.error();
        report.index_generation = proposed.value().generation;
        report.proposals = std::move(proposed.value().proposals);
    }
    return report;
}

}  // namespace medsearch
