// medsearch search and suggest: the answers of GET /search and GET /suggest,
// from the same Searcher, on the command line.

#include "commands.hpp"
#include "options.hpp"
#include "output.hpp"

#include "medsearch/common/defaults.hpp"
#include "medsearch/server/json.hpp"
#include "medsearch/server/query_limits.hpp"
#include "medsearch/server/searcher.hpp"

#include <iostream>
#include <memory>

namespace medsearch::cli {
namespace {

struct SearchFlags {
    std::string query;
    bool json = false;
    bool explain = false;
    unsigned limit = defaults::kSearchLimit;
    unsigned offset = 0;
    std::vector<std::string> filters;  // "route:topical,nasal", as the HTTP API's filter
    bool no_facets = false;
};

struct SuggestFlags {
    std::string query;
    bool json = false;
    unsigned limit = defaults::kSuggestLimit;
};

int search_one(Searcher& searcher, const std::string& text, const SearchFlags& flags) {
    SearchRequest request{text, flags.offset, flags.limit, flags.explain};
    request.facets = !flags.no_facets;
    for (const auto& filter : flags.filters) {
        auto parsed = parse_filter(filter);
        if (!parsed) return fail(parsed.error());
        request.filters.push_back(std::move(parsed.value()));
    }
    auto page = searcher.search(request);
    if (!page) {
        if (!flags.json) return fail(page.error());
        int status = page.error().code == Errc::bad_input ? 400 : 500;
        std::cout << error_json(status, page.error().message) << "\n";
        return kFailed;
    }
    if (flags.json) {
        std::cout << to_json(page.value()) << "\n";
    } else {
        print_page(page.value());
    }
    return kOk;
}

// Batch: one query per line in, one JSON line out, in order; a bad query
// gives an error line and the batch goes on.
int search_lines(Searcher& searcher, const SearchFlags& flags) {
    int status = kOk;
    std::string line;
    while (std::getline(std::cin, line)) {
        if (!line.empty() && line.back() == '\r') line.pop_back();
        if (search_one(searcher, line, flags) != kOk) status = kFailed;
        std::cout.flush();
    }
    return status;
}

int run_search(const Config& config, const SearchFlags& flags) {
    auto searcher = Searcher::open(config.index_dir, search_settings(config));
    if (!searcher) return fail(searcher.error());
    if (flags.query == "-") return search_lines(*searcher.value(), flags);
    return search_one(*searcher.value(), flags.query, flags);
}

int run_suggest(const Config& config, const SuggestFlags& flags) {
    auto searcher = Searcher::open(config.index_dir, search_settings(config));
    if (!searcher) return fail(searcher.error());
    auto page = searcher.value()->suggest({flags.query, flags.limit});
    if (!page) return fail(page.error());
    if (flags.json) {
        std::cout << to_json(page.value()) << "\n";
        return kOk;
    }
    for (const auto& s : page.value().suggestions)
        std::cout << s.label << (s.detail.empty() ? "" : "  (" + s.detail + ")") << "  " << s.url << "\n";
    return kOk;
}

}  // namespace

Command add_search_command(CLI::App& program, SharedFlags& shared) {
    auto* app = program.add_subcommand("search", "Search the index");
    auto flags = std::make_shared<SearchFlags>();
    add_db_flag(*app, shared.config);
    app->add_option("query", flags->query, "The query; '-' reads one query per line from stdin")->required();
    add_json_flag(*app, flags->json);
    app->add_option("--limit", flags->limit, "Hits per page (1.." + std::to_string(kMaxLimit) + ")");
    app->add_option("--offset", flags->offset, "Hits to skip");
    app->add_flag("--explain", flags->explain, "Add score details to each hit (JSON)");
    app->add_option("--filter", flags->filters,
                    "Only pages with one of these values: kind:single, route:topical,nasal, has:dosage, "
                    "ingredients:2 (repeatable: each must hold)");
    app->add_flag("--no-facets", flags->no_facets, "Leave out the counts of what the results could be narrowed to");
    add_deadline_flag(*app, shared.config);
    add_shard_servers_flag(*app, shared.config);
    return {app, [flags](const Config& config) { return run_search(config, *flags); }};
}

Command add_suggest_command(CLI::App& program, SharedFlags& shared) {
    auto* app = program.add_subcommand("suggest", "Complete a half-typed drug name");
    auto flags = std::make_shared<SuggestFlags>();
    add_db_flag(*app, shared.config);
    app->add_option("query", flags->query, "What has been typed so far")->required();
    app->add_option("--limit", flags->limit, "Suggestions (1.." + std::to_string(kMaxSuggestLimit) + ")");
    add_json_flag(*app, flags->json);
    return {app, [flags](const Config& config) { return run_suggest(config, *flags); }};
}

}  // namespace medsearch::cli
