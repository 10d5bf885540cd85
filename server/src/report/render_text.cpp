// The report as text for a terminal and as JSON.
#include "medsearch/server/report.hpp"

#include <nlohmann/json.hpp>

#include <cstdio>

namespace medsearch {
namespace {

using Json = nlohmann::ordered_json;

// What a visitor typed, safe on a terminal: control bytes written as \xNN.
std::string printable(std::string_view text) {
    std::string out;
    for (char ch : text) {
        auto byte = static_cast<unsigned char>(ch);
        if (byte >= 0x20 && byte != 0x7f) {
            out += ch;
            continue;
        }
        char escaped[5];
        std::snprintf(escaped, sizeof escaped, "\\x%02x", static_cast<unsigned>(byte));
        out += escaped;
    }
    return out;
}

std::string joined(const std::vector<std::string>& texts) {
    std::string out;
    for (const auto& text : texts) out += (out.empty() ? "" : ", ") + printable(text);
    return out;
}

std::string count_column(std::uint64_t n) {
    char text[24];
    std::snprintf(text, sizeof text, "%8llu  ", static_cast<unsigned long long>(n));
    return text;
}

// What a list shows beside each query.
enum class Beside { results, nothing, readings };

void list_text(std::string& out, const std::string& title, const std::vector<QueryStat>& rows, Beside beside) {
    out += "\n" + title + "\n";
    if (rows.empty()) out += "  (none)\n";
    for (const auto& row : rows) {
        out += count_column(row.searches) + printable(row.query);
        if (beside == Beside::readings && row.corrected) out += "  -> " + printable(*row.corrected);
        if (beside == Beside::readings && !row.did_you_mean.empty())
            out += "  did you mean: " + joined(row.did_you_mean);
        if (beside == Beside::results) out += "  (" + std::to_string(row.total) + " results)";
        out += "\n";
    }
}

std::string summary_line(const QueryReport& r) {
    return std::to_string(r.searches) + " searches, " + std::to_string(r.distinct_queries) + " distinct queries; " +
           std::to_string(r.zero_result_searches) + " with no result, " + std::to_string(r.low_result_searches) +
           " with 1.." + std::to_string(r.low_results) + " results, " + std::to_string(r.corrected_searches) +
           " corrected or offered another reading\n";
}

Json rows_json(const std::vector<QueryStat>& rows) {
    Json list = Json::array();
    for (const auto& row : rows)
        list.push_back({{"query", row.query},
                        {"searches", row.searches},
                        {"total", row.total},
                        {"corrected", row.corrected ? Json(*row.corrected) : Json(nullptr)},
                        {"did_you_mean", row.did_you_mean}});
    return list;
}

}  // namespace

std::string report_text(const QueryReport& r) {
    std::string out = "Query log: " + printable(r.log_file) + (r.since.empty() ? "" : " (since " + r.since + ")") + "\n";
    out += summary_line(r);
    if (r.malformed > 0)
        out += std::to_string(r.malformed) + (r.malformed == 1 ? " malformed line" : " malformed lines") + " skipped (the first: line " +
               std::to_string(r.first_malformed_line) + ": " + r.first_malformed_problem + ")\n";
    list_text(out, "Most frequent searches", r.frequent, Beside::results);
    list_text(out, "Searches with no result", r.zero, Beside::nothing);
    list_text(out, "Searches with few results (1.." + std::to_string(r.low_results) + ")", r.low, Beside::results);
    list_text(out, "Searches corrected or offered another reading", r.corrected, Beside::readings);
    if (r.index_generation.empty()) return out;
    out += "\nWhat to add, for the searches with no result (index " + r.index_generation + ")\n";
    if (r.proposals.empty()) out += "  (none)\n";
    for (const auto& p : r.proposals) {
        out += count_column(p.searches) + printable(p.query) + "\n";
        if (!p.file.empty())
            out += std::string(10, ' ') + p.file + (p.where.empty() ? "" : " (" + p.where + ")") + ": " +
                   printable(p.line) + "\n";
        out += std::string(10, ' ') + printable(p.reason) + "\n";
    }
    return out;
}

std::string report_json(const QueryReport& r) {
    Json body;
    body["log_file"] = r.log_file;
    body["since"] = r.since.empty() ? Json(nullptr) : Json(r.since);
    body["lines"] = r.lines;
    body["searches"] = r.searches;
    body["distinct_queries"] = r.distinct_queries;
    body["zero_result_searches"] = r.zero_result_searches;
    body["low_result_searches"] = r.low_result_searches;
    body["low_results"] = r.low_results;
    body["corrected_searches"] = r.corrected_searches;
    body["malformed"] = {{"lines", r.malformed},
                         {"first_line", r.first_malformed_line ? Json(r.first_malformed_line) : Json(nullptr)},
                         {"first_problem", r.malformed ? Json(r.first_malformed_problem) : Json(nullptr)}};
    body["per_day"] = Json::array();
    for (const auto& [day, n] : r.per_day) body["per_day"].push_back({{"date", day}, {"searches", n}});
    body["frequent"] = rows_json(r.frequent);
    body["zero_results"] = rows_json(r.zero);
    body["few_results"] = rows_json(r.low);
    body["corrected"] = rows_json(r.corrected);
    body["index_generation"] = r.index_generation.empty() ? Json(nullptr) : Json(r.index_generation);
    body["proposals"] = Json::array();
    for (const auto& p : r.proposals)
        body["proposals"].push_back({{"query", p.query},
                                     {"searches", p.searches},
                                     {"file", p.file.empty() ? Json(nullptr) : Json(p.file)},
                                     {"where", p.where.empty() ? Json(nullptr) : Json(p.where)},
                                     {"line", p.line.empty() ? Json(nullptr) : Json(p.line)},
                                     {"reason", p.reason}});
    return body.dump(2, ' ', false, Json::error_handler_t::replace) + "\n";
}

}  // namespace medsearch
