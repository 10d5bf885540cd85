// The report as one self-contained HTML page: inline CSS, an inline SVG
// chart, no script; whatever a visitor typed is escaped.
#include "medsearch/server/report.hpp"

#include "medsearch/common/text.hpp"

#include <algorithm>
#include <cstdio>

namespace medsearch {
namespace {

constexpr const char* kStyle =
    "body{font:15px/1.45 system-ui,sans-serif;margin:2em auto;max-width:960px;padding:0 1em;color:#222}"
    "h1{font-size:1.5em}h2{font-size:1.15em;margin-top:2em;border-bottom:1px solid #ddd}"
    "table{border-collapse:collapse;width:100%}td,th{text-align:left;padding:.25em .6em;vertical-align:top}"
    "tr:nth-child(even){background:#f6f6f6}td.n,th.n{text-align:right;font-variant-numeric:tabular-nums}"
    "code{background:#f0f0f0;padding:0 .3em}.note{color:#666}svg rect{fill:#3b6ea5}svg text{font-size:11px}";

constexpr int kChartWidth = 720, kChartHeight = 160, kChartTop = 10, kChartBottom = 20;

std::string esc(std::string_view text) { return html_escape(text); }

std::string cell(std::string_view text, const char* cls = nullptr) {
    return std::string("<td") + (cls ? std::string(" class=\"") + cls + "\"" : "") + ">" + std::string(text) + "</td>";
}

std::string chart(const std::vector<std::pair<std::string, std::uint64_t>>& days) {
    if (days.empty()) return "<p class=\"note\">No searches.</p>\n";
    std::uint64_t most = 1;
    for (const auto& day : days) most = std::max(most, day.second);
    double step = static_cast<double>(kChartWidth) / static_cast<double>(days.size());
    double bar = std::max(1.0, step * 0.8);
    int plot = kChartHeight - kChartTop - kChartBottom;
    std::string svg = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" + std::to_string(kChartWidth) +
                      "\" height=\"" + std::to_string(kChartHeight) + "\" role=\"img\" aria-label=\"searches per day\">\n";
    char rect[256];
    for (std::size_t i = 0; i < days.size(); ++i) {
        double height = static_cast<double>(plot) * static_cast<double>(days[i].second) / static_cast<double>(most);
        std::snprintf(rect, sizeof rect, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\">",
                      static_cast<double>(i) * step, kChartTop + plot - height, bar, height);
        svg += rect + std::string("<title>") + esc(days[i].first) + ": " + std::to_string(days[i].second) +
               "</title></rect>\n";
    }
    int base = kChartHeight - 5;
    svg += "<text x=\"0\" y=\"" + std::to_string(base) + "\">" + esc(days.front().first) + "</text>\n";
    if (days.size() > 1)
        svg += "<text x=\"" + std::to_string(kChartWidth) + "\" y=\"" + std::to_string(base) +
               "\" text-anchor=\"end\">" + esc(days.back().first) + "</text>\n";
    svg += "<text x=\"" + std::to_string(kChartWidth) + "\" y=\"" + std::to_string(kChartTop + 2) +
           "\" text-anchor=\"end\">" + std::to_string(most) + " a day at most</text>\n";
    return svg + "</svg>\n";
}

std::string readings(const QueryStat& row) {
    std::string out;
    if (row.corrected) out += "searched as <code>" + esc(*row.corrected) + "</code>";
    for (const auto& offered : row.did_you_mean)
        out += std::string(out.empty() ? "did you mean " : ", ") + "<code>" + esc(offered) + "</code>";
    return out;
}

std::string table(const std::string& title, const std::vector<QueryStat>& rows, bool with_readings) {
    std::string out = "<h2>" + esc(title) + "</h2>\n";
    if (rows.empty()) return out + "<p class=\"note\">None.</p>\n";
    out += std::string("<table><tr><th class=\"n\">searches</th><th>query</th><th>") +
           (with_readings ? "read as" : "results (last search)") + "</th></tr>\n";
    for (const auto& row : rows)
        out += "<tr>" + cell(std::to_string(row.searches), "n") + cell(esc(row.query)) +
               cell(with_readings ? readings(row) : std::to_string(row.total)) + "</tr>\n";
    return out + "</table>\n";
}

std::string proposals(const QueryReport& r) {
    std::string out = "<h2>What to add, for the searches with no result</h2>\n<p class=\"note\">Read in index " +
                      esc(r.index_generation) + ".</p>\n";
    if (r.proposals.empty()) return out + "<p class=\"note\">None.</p>\n";
    out += "<table><tr><th class=\"n\">searches</th><th>query</th><th>add</th><th>why</th></tr>\n";
    for (const auto& p : r.proposals) {
        std::string add = p.file.empty() ? std::string()
                                         : esc(p.file) + (p.where.empty() ? "" : " (" + esc(p.where) + ")") +
                                               ": <code>" + esc(p.line) + "</code>";
        out += "<tr>" + cell(std::to_string(p.searches), "n") + cell(esc(p.query)) + cell(add) + cell(esc(p.reason)) +
               "</tr>\n";
    }
    return out + "</table>\n";
}

std::string summary(const QueryReport& r) {
    std::string out = "<p>" + std::to_string(r.searches) + " searches, " + std::to_string(r.distinct_queries) +
                      " distinct queries; " + std::to_string(r.zero_result_searches) + " with no result, " +
                      std::to_string(r.low_result_searches) + " with 1.." + std::to_string(r.low_results) +
                      " results, " + std::to_string(r.corrected_searches) +
                      " corrected or offered another reading.</p>\n";
    if (r.malformed > 0)
        out += "<p class=\"note\">" + std::to_string(r.malformed) + (r.malformed == 1 ? " malformed line" : " malformed lines") + " skipped (the first: line " +
               std::to_string(r.first_malformed_line) + ": " + esc(r.first_malformed_problem) + ").</p>\n";
    return out;
}

}  // namespace

std::string report_html(const QueryReport& r) {
    std::string out = "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n"
                      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
                      "<title>What people searched for</title>\n<style>";
    out += kStyle;
    out += "</style></head><body>\n<h1>What people searched for</h1>\n<p class=\"note\">" + esc(r.log_file) +
           (r.since.empty() ? "" : ", since " + esc(r.since)) + "</p>\n";
    out += summary(r);
    out += "<h2>Searches per day</h2>\n" + chart(r.per_day);
    out += table("Most frequent searches", r.frequent, false);
    out += table("Searches with no result", r.zero, false);
    out += table("Searches with few results (1.." + std::to_string(r.low_results) + ")", r.low, false);
    out += table("Searches corrected or offered another reading", r.corrected, true);
    if (!r.index_generation.empty()) out += proposals(r);
    return out + "</body></html>\n";
}

}  // namespace medsearch
