// In-process latency of medsearch: queries one at a time through the same
// Searcher the server uses (query analysis, ranking, snippets, suggestions),
// after a warm-up pass. Prints p50/p95/p99 in ms (nearest rank), the median of
// each over the measured passes, like ../shared/peers/bench.sh, and in
// search mode the median time of each stage of the query pipeline (and of the
// JSON body) over the queries of the last pass.
//
//   medsearch_latency --db INDEXDIR [--queries FILE] [--passes 3] [--warmup 200]
//                     [--mode search|suggest] [--json] [--no-facets | --facets-cost]
//
// --facets-cost searches each query with and without facet counts, one right
// after the other (in turns, which first), so that a machine's changing speed
// weighs on both alike, and prints both and their ratios.

#include "medsearch/server/json.hpp"
#include "medsearch/server/searcher.hpp"

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <chrono>
#include <ctime>
#include <fstream>
#include <iostream>
#include <map>

namespace {

double percentile(std::vector<double> values, double p) {
    if (values.empty()) return 0;
    std::sort(values.begin(), values.end());
    auto rank = static_cast<std::size_t>(std::ceil(p / 100.0 * static_cast<double>(values.size())));
    return values[std::clamp<std::size_t>(rank, 1, values.size()) - 1];
}

double median(std::vector<double> values) {
    std::sort(values.begin(), values.end());
    return values.empty() ? 0 : values[values.size() / 2];
}

// The queries of `file`, one a line; in suggest mode, what a search box sends
// while each is typed: 2, 3, ... characters.
std::vector<std::string> read_queries(const std::string& file, const std::string& mode) {
    std::ifstream in(file);
    std::vector<std::string> queries;
    for (std::string line; std::getline(in, line);)
        if (!line.empty()) queries.push_back(line);
    if (mode != "suggest") return queries;
    std::vector<std::string> prefixes;
    for (const auto& q : queries)
        for (std::size_t n = 2; n <= std::min<std::size_t>(q.size(), 12); ++n) prefixes.push_back(q.substr(0, n));
    return prefixes;
}

double now_ms(const std::string& clock) {
    if (clock == "cpu") {
        timespec t{};
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
        return static_cast<double>(t.tv_sec) * 1e3 + static_cast<double>(t.tv_nsec) / 1e6;
    }
    return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

void print_result(const nlohmann::json& result, std::map<std::string, std::vector<double>>& stages) {
    std::printf("%s latency over %zu queries, median of %d passes: p50 %.3f ms  p95 %.3f ms  p99 %.3f ms  (%.3f s per pass)\n",
                result["mode"].get<std::string>().c_str(), result["queries"].get<std::size_t>(),
                result["passes"].get<int>(), result["p50_ms"].get<double>(), result["p95_ms"].get<double>(),
                result["p99_ms"].get<double>(), result["total_s"].get<double>());
    if (result["mode"] != "search") return;
    std::printf("median per stage:");
    for (const char* name : {"plan", "build", "match", "facets", "section", "snippet", "json"})
        std::printf("  %s %.4f ms", name, median(stages[name]));
    std::printf("\n");
}

struct Options {
    std::string mode = "search";
    std::string clock = "wall";
    int passes = 3, warmup = 200;
    bool json = false, no_facets = false, facets_cost = false;
};

struct Percentiles {
    double p50 = 0, p95 = 0, p99 = 0;
};

Percentiles percentiles(const std::vector<double>& times) {
    return {percentile(times, 50), percentile(times, 95), percentile(times, 99)};
}

// The median over passes of one of their percentiles.
double median_of(const std::vector<Percentiles>& passes, double Percentiles::*field) {
    std::vector<double> values;
    for (const auto& pass : passes) values.push_back(pass.*field);
    return median(values);
}

int compare_facets(medsearch::Searcher& searcher, const std::vector<std::string>& queries, int passes,
                   const std::string& clock, bool json) {
    auto time_one = [&](const std::string& q, bool facets) {
        medsearch::SearchRequest request{q, 0, 10};
        request.facets = facets;
        double start = now_ms(clock);
        (void)searcher.search(request);
        return now_ms(clock) - start;
    };
    std::vector<Percentiles> with, without;
    for (int pass = 0; pass < passes; ++pass) {
        std::vector<double> on, off;
        for (std::size_t i = 0; i < queries.size(); ++i) {
            bool facets_first = (i + static_cast<std::size_t>(pass)) % 2 == 0;
            double first = time_one(queries[i], facets_first), second = time_one(queries[i], !facets_first);
            on.push_back(facets_first ? first : second);
            off.push_back(facets_first ? second : first);
        }
        with.push_back(percentiles(on));
        without.push_back(percentiles(off));
    }
    nlohmann::json result = {{"mode", "facets-cost"}, {"clock", clock}, {"queries", queries.size()}, {"passes", passes}};
    for (auto [name, field] : {std::pair{"p50", &Percentiles::p50}, std::pair{"p95", &Percentiles::p95},
                               std::pair{"p99", &Percentiles::p99}}) {
        result["without_" + std::string(name) + "_ms"] = median_of(without, field);
        result["with_" + std::string(name) + "_ms"] = median_of(with, field);
        result["ratio_" + std::string(name)] = median_of(with, field) / median_of(without, field);
    }
    if (json) {
        std::cout << result.dump() << "\n";
        return 0;
    }
    std::printf("facet counts over %zu queries, median of %d passes (%s clock):\n", queries.size(), passes, clock.c_str());
    for (const char* name : {"p50", "p95", "p99"})
        std::printf("  %s  without %.3f ms  with %.3f ms  ratio %.3f\n", name,
                    result["without_" + std::string(name) + "_ms"].get<double>(),
                    result["with_" + std::string(name) + "_ms"].get<double>(),
                    result["ratio_" + std::string(name)].get<double>());
    return 0;
}

int measure_latency(medsearch::Searcher& searcher, const std::vector<std::string>& queries, const Options& options) {
    // Per stage, the last pass's times of each query (wall clock).
    std::map<std::string, std::vector<double>> stages;
    auto record_stages = [&](const medsearch::SearchPage& page) {
        const auto& t = page.stages;
        for (const auto& [name, ms] : {std::pair{"plan", t.plan}, std::pair{"build", t.build}, std::pair{"match", t.match},
                                       std::pair{"facets", t.facets}, std::pair{"section", t.section}, std::pair{"snippet", t.snippet}})
            stages[name].push_back(ms);
        auto start = std::chrono::steady_clock::now();
        auto body = medsearch::to_json(page);
        stages["json"].push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count());
    };
    auto run_one = [&](const std::string& q) {
        double start = now_ms(options.clock);
        if (options.mode == "suggest") {
            (void)searcher.suggest({q, 8});
            return now_ms(options.clock) - start;
        }
        medsearch::SearchRequest request{q, 0, 10};
        request.facets = !options.no_facets;
        auto page = searcher.search(request);
        double took = now_ms(options.clock) - start;
        if (page) record_stages(page.value());
        return took;
    };
    for (int i = 0; i < options.warmup && i < static_cast<int>(queries.size()); ++i) run_one(queries[static_cast<std::size_t>(i)]);
    std::vector<Percentiles> per_pass;
    std::vector<double> totals;
    for (int pass = 0; pass < options.passes; ++pass) {
        stages.clear();
        std::vector<double> times;
        for (const auto& q : queries) times.push_back(run_one(q));
        per_pass.push_back(percentiles(times));
        double total = 0;
        for (double t : times) total += t;
        totals.push_back(total / 1000.0);
    }
    nlohmann::json result = {{"mode", options.mode},
                             {"clock", options.clock},
                             {"queries", queries.size()},
                             {"passes", options.passes},
                             {"p50_ms", median_of(per_pass, &Percentiles::p50)},
                             {"p95_ms", median_of(per_pass, &Percentiles::p95)},
                             {"p99_ms", median_of(per_pass, &Percentiles::p99)},
                             {"total_s", median(totals)}};
    nlohmann::json stage_medians = nlohmann::json::object();
    for (const auto& [name, times] : stages) stage_medians[name + "_ms"] = median(times);
    if (options.mode == "search") result["stages_p50"] = stage_medians;
    if (options.json)
        std::cout << result.dump() << "\n";
    else
        print_result(result, stages);
    return 0;
}

}  // namespace

int main(int argc, char** argv) {
    CLI::App app{"In-process query latency of medsearch"};
    Options options;
    std::string db, queries_file = std::string(MEDSEARCH_SOURCE_DIR) + "/../shared/peers/queries-latency.txt";
    app.add_option("--db", db, "Index folder")->required();
    app.add_option("--queries", queries_file, "One query per line");
    app.add_option("--passes", options.passes, "Measured passes");
    app.add_option("--warmup", options.warmup, "Queries in the warm-up pass");
    app.add_option("--mode", options.mode, "search or suggest (each query's prefixes, as typed)")
        ->check(CLI::IsMember({"search", "suggest"}));
    app.add_flag("--json", options.json, "One JSON line");
    auto* no_facets_flag =
        app.add_flag("--no-facets", options.no_facets, "Searches without facet counts (to measure what they cost)");
    app.add_flag("--facets-cost", options.facets_cost,
                 "Each query with and without facet counts, in turns; both and their ratios")
        ->excludes(no_facets_flag);
    medsearch::SearchSettings settings;
    app.add_option("--shard-server", settings.shard_servers,
                   "HOST:PORT of the shard server of each shard, in order (medsearch shard-server; repeatable)");
    app.add_option("--clock", options.clock, "wall (default) or cpu: the thread's CPU time, steadier on a busy machine")
        ->check(CLI::IsMember({"wall", "cpu"}));
    CLI11_PARSE(app, argc, argv);

    if (!std::ifstream(queries_file)) {
        std::cerr << "cannot read " << queries_file << "\n";
        return 1;
    }
    auto queries = read_queries(queries_file, options.mode);

    auto searcher = medsearch::Searcher::open(db, settings);
    if (!searcher) {
        std::cerr << searcher.error().message << "\n";
        return 1;
    }
    if (options.facets_cost) {
        for (int i = 0; i < options.warmup && i < static_cast<int>(queries.size()); ++i)
            (void)searcher.value()->search({queries[static_cast<std::size_t>(i)], 0, 10});
        return compare_facets(*searcher.value(), queries, options.passes, options.clock, options.json);
    }
    return measure_latency(*searcher.value(), queries, options);
}
