#include "medsearch/indexer/check.hpp"

#include "medsearch/common/config.hpp"
#include "medsearch/common/text.hpp"
#include "medsearch/indexer/document.hpp"
#include "medsearch/indexer/markdown.hpp"
#include "medsearch/indexer/sources.hpp"
#include "parallel.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <chrono>
#include <map>
#include <memory>

namespace medsearch {

std::size_t CheckReport::errors() const {
    return static_cast<std::size_t>(std::count_if(diagnostics.begin(), diagnostics.end(),
                                                  [](const auto& d) { return d.severity == Severity::error; }));
}

std::size_t CheckReport::warnings() const { return diagnostics.size() - errors(); }

void add_collection_diagnostics(const std::vector<CatalogEntry>& pages,
                                std::vector<Diagnostic>& diagnostics) {
    std::map<std::string, std::string> first_with_title;
    for (const auto& page : pages) {
        auto key = name_key(page.title);
        auto [it, inserted] = first_with_title.emplace(key, page.path);
        if (!inserted)
            diagnostics.push_back({Severity::warning, page.path, 2, "duplicate-title",
                                   "title '" + page.title + "' is also the title of " + it->second});
    }
}

std::vector<bool> find_url_clashes(const std::vector<SourceFile>& files, const std::string& permalink,
                                   std::vector<Diagnostic>& diagnostics) {
    std::vector<bool> clash(files.size(), false);
    std::map<std::string, std::size_t> first_with_url;
    for (std::size_t i = 0; i < files.size(); ++i) {
        auto url = expand_permalink(permalink, files[i].relative);
        auto [it, inserted] = first_with_url.emplace(url, i);
        if (!inserted) {
            clash[i] = true;
            diagnostics.push_back({Severity::error, files[i].relative, 0, "duplicate-url",
                                   "same URL " + url + " as " + files[it->second].relative});
        }
    }
    return clash;
}

namespace {

struct PageCheck {
    std::vector<Diagnostic> diagnostics;
    std::optional<CatalogEntry> entry;  // set when index would index the page
};

PageCheck check_page(const SourceFile& file, const CheckOptions& options, DocumentBuilder& builder) {
    PageCheck outcome;
    auto bytes = read_source(file, options.max_page_bytes);
    if (!bytes) {
        outcome.diagnostics.push_back({Severity::error, file.relative, 0, "unreadable", bytes.error().message});
        return outcome;
    }
    auto parsed = parse_monograph(file.relative, std::move(bytes.value()), ParseOptions{options.permalink});
    outcome.diagnostics = std::move(parsed.diagnostics);
    if (!parsed.page) return outcome;
    auto built = builder.build(*parsed.page, parsed.title_line);
    if (built.refused) {
        outcome.diagnostics.push_back(std::move(*built.refused));
        return outcome;
    }
    // The ingredients, for checking the dictionaries against the pages.
    outcome.entry = CatalogEntry{parsed.page->path, parsed.page->title, parsed.page->url, 0, parsed.page->components};
    return outcome;
}

}  // namespace

Result<CheckReport> check_sources(const CheckOptions& options) {
    auto started = std::chrono::steady_clock::now();
    auto files = scan_sources(options.source_dir);
    if (!files) return files.error();
    const auto& list = files.value();
    CheckReport report;
    report.pages = list.size();

    find_url_clashes(list, options.permalink, report.diagnostics);

    // Pages are turned into documents as `index` does, so that check refuses
    // what index would (document.hpp: check_document).
    const PageCodec codec;
    const int threads = detail::thread_count(options.threads);
    std::vector<std::unique_ptr<DocumentBuilder>> builders;
    for (int t = 0; t < threads; ++t) builders.push_back(std::make_unique<DocumentBuilder>(std::vector<std::string>{}, codec));
    std::vector<PageCheck> outcomes(list.size());
    detail::parallel_for(list.size(), threads, options.progress, [&](std::size_t i, int worker) {
        outcomes[i] = check_page(list[i], options, *builders[static_cast<std::size_t>(worker)]);
    });

    for (auto& outcome : outcomes) {
        std::move(outcome.diagnostics.begin(), outcome.diagnostics.end(),
                  std::back_inserter(report.diagnostics));
        if (outcome.entry) report.catalog.push_back(std::move(*outcome.entry));
    }
    add_collection_diagnostics(report.catalog, report.diagnostics);
    std::stable_sort(report.diagnostics.begin(), report.diagnostics.end(), [](const auto& a, const auto& b) {
        return std::tie(a.path, a.line) < std::tie(b.path, b.line);
    });
    report.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    return report;
}

std::string diagnostics_json(const std::vector<Diagnostic>& diagnostics, std::size_t pages) {
    auto list = nlohmann::json::array();
    std::size_t errors = 0;
    for (const auto& d : diagnostics) {
        if (d.severity == Severity::error) ++errors;
        list.push_back({{"path", d.path},
                        {"line", d.line},
                        {"severity", std::string(to_string(d.severity))},
                        {"code", d.code},
                        {"message", d.message}});
    }
    nlohmann::json body = {{"pages", pages},
                           {"errors", errors},
                           {"warnings", diagnostics.size() - errors},
                           {"diagnostics", list}};
    return body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace medsearch
