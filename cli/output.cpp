#include "output.hpp"

#include "medsearch/common/log.hpp"
#include "medsearch/indexer/check.hpp"

#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <iostream>
#include <memory>

namespace medsearch::cli {
namespace {

// <mark> as bold on a terminal, as **...** elsewhere; entities decoded.
std::string terminal_snippet(std::string_view html, bool tty) {
    std::string out;
    for (std::size_t i = 0; i < html.size();) {
        auto rest = html.substr(i);
        auto replace = [&](std::string_view from, std::string_view to) {
            if (!rest.starts_with(from)) return false;
            out += to;
            i += from.size();
            return true;
        };
        if (replace("<mark>", tty ? "\033[1m" : "**") || replace("</mark>", tty ? "\033[0m" : "**") ||
            replace("&amp;", "&") || replace("&lt;", "<") || replace("&gt;", ">") || replace("&quot;", "\"") ||
            replace("&#39;", "'"))
            continue;
        out.push_back(html[i++]);
    }
    return out;
}

void print_lines(const std::vector<Diagnostic>& diagnostics, DiagnosticFormat format, const std::string& prefix) {
    for (const auto& d : diagnostics)
        std::cout << (format == DiagnosticFormat::github ? format_github(d, prefix) : format_text(d)) << "\n";
}

}  // namespace

int fail(const Error& error) {
    log_error("medsearch", error.message);
    return error.code == Errc::bad_input ? kUsage : kFailed;
}

ProgressFn progress_bar() {
    if (!::isatty(STDERR_FILENO)) return {};
    auto started = std::make_shared<std::chrono::steady_clock::time_point>(std::chrono::steady_clock::now());
    return [started](std::size_t done, std::size_t total) {
        if (total == 0) return;
        double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - *started).count();
        double rate = seconds > 0 ? static_cast<double>(done) / seconds : 0;
        int width = 30, filled = static_cast<int>(width * static_cast<double>(done) / static_cast<double>(total));
        std::string bar(static_cast<std::size_t>(filled), '=');
        if (filled < width) bar += '>' + std::string(static_cast<std::size_t>(width - filled - 1), ' ');
        double eta = rate > 0 ? static_cast<double>(total - done) / rate : 0;
        std::fprintf(stderr, "\r[%s] %zu/%zu pages  %.0f pages/s  ETA %.0fs ", bar.c_str(), done, total, rate, eta);
        if (done == total) std::fputs("\r\033[K", stderr);
        std::fflush(stderr);
    };
}

void print_findings(const CheckFindings& findings, DiagnosticFormat format, const std::string& page_prefix) {
    if (format == DiagnosticFormat::json) {
        auto all = findings.pages;
        all.insert(all.end(), findings.dictionaries.begin(), findings.dictionaries.end());
        std::cout << diagnostics_json(all, findings.page_count) << "\n";
        return;
    }
    print_lines(findings.pages, format, page_prefix);
    print_lines(findings.dictionaries, format, "");
}

void print_page(const SearchPage& page) {
    bool tty = ::isatty(STDOUT_FILENO);
    if (page.corrected) std::cout << "Showing results for: " << *page.corrected << "\n";
    for (const auto& e : page.expanded) std::cout << "Also searching " << e.to << " for " << e.from << "\n";
    std::cout << page.total << " results (" << page.took_ms << " ms)\n";
    if (page.facets && page.total > 0) {
        // One line of what the results could be narrowed to: "kind: single 41, combination 155; ..."
        std::string line;
        for (const auto& [field, values] : page.facets->fields()) {
            if (values.empty()) continue;
            line += (line.empty() ? "" : "; ") + field + ":";
            for (std::size_t i = 0; i < values.size(); ++i)
                line += (i ? ", " : " ") + values[i].first + " " + std::to_string(values[i].second);
        }
        std::cout << "Filters: " << line << "\n";
    }
    for (const auto& hit : page.hits) {
        std::cout << "\n" << hit.rank << ". " << hit.title << "  " << hit.url << "\n";
        if (!hit.snippet.empty())
            std::cout << "   [" << hit.section_label << "] " << terminal_snippet(hit.snippet, tty) << "\n";
    }
}

}  // namespace medsearch::cli
