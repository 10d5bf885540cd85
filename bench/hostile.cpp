// The costliest requests we know of, through the same Searcher the server
// uses: long and many words, wildcards, deep syntax, the largest pages of
// results, and any inputs given (a fuzzer's corpus). Prints the time (median
// of the runs) and the memory each takes above the resting process, and the
// worst of each; docs/reliability.md states the bound these must stay under.
//
//   medsearch_hostile --db INDEXDIR [--runs 3] [--inputs DIR_OR_FILE]... [--json]

#include "medsearch/server/searcher.hpp"

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <random>
#include <sstream>

namespace {

struct Case {
    std::string name;
    medsearch::SearchRequest search;
    bool suggest = false;
};

std::string random_letters(std::mt19937& rng, std::size_t n) {
    std::uniform_int_distribution<int> letter('a', 'z');
    std::string word;
    for (std::size_t i = 0; i < n; ++i) word.push_back(static_cast<char>(letter(rng)));
    return word;
}

std::string repeat(std::string_view unit, std::size_t max_bytes) {
    std::string out;
    while (out.size() + unit.size() <= max_bytes) out += unit;
    return out;
}

std::string random_words(std::mt19937& rng, std::size_t length, std::size_t max_bytes) {
    std::string out;
    while (out.size() + length + 1 <= max_bytes) out += random_letters(rng, length) + " ";
    return out;
}

// Each case once as a search; the word-shaped ones also as a suggestion.
std::vector<Case> generated_cases() {
    std::mt19937 rng(20261205);
    const std::size_t max = medsearch::kMaxQueryBytes;
    std::vector<std::pair<std::string, std::string>> queries = {
        {"one word of 64 letters", random_letters(rng, 64)},
        {"one word of 256 letters", random_letters(rng, 256)},
        {"one word of 1024 letters", random_letters(rng, max)},
        {"a drug name repeated as one word", repeat("paracetamol", max)},
        {"512 one-letter words", repeat("a ", max)},
        {"256 three-letter words", random_words(rng, 3, max)},
        {"204 four-letter words", random_words(rng, 4, max)},
        {"113 eight-letter words", random_words(rng, 8, max)},
        {"drug names, many times", repeat("paracetamol ibuprofen codeine ", max)},
        {"topic words, many times", repeat("pain fever cough itching ", max)},
        {"section words, many times", repeat("side effects of dosage ", max)},
        {"32 misspelled drug names", repeat("paracetamoll ibuprofin amoxycilin metformine ", max)},
        {"32 words of 30 letters", random_words(rng, 30, 32 * 31)},
        {"100 wildcards", repeat("a* ", 300)},
        {"32 wildcards, each another", [] {
             std::string q;
             for (char a = 'a'; a <= 'z'; ++a) q += std::string(1, a) + "* ";
             return q + "ab* ac* ad* ae* af* ag*";
         }()},
        {"32 phrases of common words", repeat("\"the tablet\" ", max)},
        {"wildcards in every field", repeat("usage:a* side-effects:b* name:c* ", max)},
        {"a phrase of 100 words", "\"" + repeat("take the tablet ", max - 2) + "\""},
        {"1024 quotes", repeat("\"", max)},
        {"deep brackets", repeat("(", 500) + "a" + repeat(")", 500)},
        {"operators chained", repeat("a AND b OR c NOT ", max)},
        {"NEAR chains", repeat("pain NEAR fever ", max)},
        {"1024 bytes of a two-byte letter", repeat("\xc3\xa9", max)},
        {"one long word of two-byte letters", "x" + repeat("\xc3\xa9", max - 2)},
    };
    std::vector<Case> cases;
    for (const auto& [name, q] : queries) {
        cases.push_back({name, {q, 0, 10, false}, false});
        cases.push_back({name, {q, 0, 10, false}, true});
    }
    cases.push_back({"100 hits with explain", {"pain", 0, 100, true}, false});
    cases.push_back({"the last page of results", {"tablet", medsearch::kMaxOffset, 100, false}, false});
    cases.push_back({"100 hits of a common word", {"tablet", 0, 100, false}, false});
    return cases;
}

// Files of a fuzzer's corpus (or one file of one query per line), as queries.
void add_inputs(const std::string& where, std::vector<Case>& cases) {
    namespace fs = std::filesystem;
    auto add = [&](std::string q, const std::string& from) {
        if (q.size() > medsearch::kMaxQueryBytes) q.resize(medsearch::kMaxQueryBytes);
        if (!medsearch::validate(medsearch::SearchRequest{q, 0, 10, false})) return;
        cases.push_back({from, {q, 0, 10, false}, false});
        cases.push_back({from, {q, 0, 10, false}, true});
    };
    if (fs::is_directory(where)) {
        for (const auto& entry : fs::directory_iterator(where)) {
            std::ifstream in(entry.path(), std::ios::binary);
            std::stringstream bytes;
            bytes << in.rdbuf();
            add(bytes.str(), entry.path().filename().string());
        }
        return;
    }
    std::ifstream in(where);
    for (std::string line; std::getline(in, line);) add(line, where);
}

long status_kb(const char* field) {
    std::ifstream in("/proc/self/status");
    for (std::string line; std::getline(in, line);)
        if (line.rfind(field, 0) == 0) return std::stol(line.substr(std::strlen(field)));
    return 0;
}

// Resets the process's peak resident size to what it holds now (Linux).
void reset_peak() { std::ofstream("/proc/self/clear_refs") << "5"; }

struct Measure {
    double ms = 0;
    long extra_kb = 0;  // peak resident memory above what the process held before
    bool partial = false;
};

Measure run_case(medsearch::Searcher& searcher, const Case& c, int runs) {
    std::vector<double> times;
    Measure out;
    for (int r = 0; r < runs; ++r) {
        long before = status_kb("VmRSS:");
        reset_peak();
        auto start = std::chrono::steady_clock::now();
        if (c.suggest) {
            (void)searcher.suggest({c.search.query, 8});
        } else if (auto page = searcher.search(c.search)) {
            out.partial = out.partial || page.value().partial;
        }
        times.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count());
        out.extra_kb = std::max(out.extra_kb, status_kb("VmHWM:") - before);
    }
    std::sort(times.begin(), times.end());
    out.ms = times[times.size() / 2];
    return out;
}

}  // namespace

int main(int argc, char** argv) {
    CLI::App app{"The costliest requests medsearch is known to get, timed"};
    std::string db;
    std::vector<std::string> inputs;
    int runs = 3;
    bool json = false;
    app.add_option("--db", db, "Index folder")->required();
    app.add_option("--inputs", inputs, "A folder of inputs (one query a file) or a file of one query a line");
    app.add_option("--runs", runs, "Runs of each case (the median is shown)")->check(CLI::Range(1, 100));
    app.add_flag("--json", json, "One JSON line per case, then the worst");
    CLI11_PARSE(app, argc, argv);

    auto searcher = medsearch::Searcher::open(db, medsearch::SearchSettings{});
    if (!searcher) {
        std::cerr << searcher.error().message << "\n";
        return 1;
    }
    auto cases = generated_cases();
    for (const auto& where : inputs) add_inputs(where, cases);
    // Warm: the first search reads the index's files.
    (void)searcher.value()->search({"metformin", 0, 10, false});
    std::pair<double, std::string> slowest{0, ""};
    std::pair<long, std::string> largest{0, ""};
    for (const auto& c : cases) {
        auto m = run_case(*searcher.value(), c, runs);
        std::string label = std::string(c.suggest ? "suggest" : "search") + ": " + c.name;
        if (m.ms > slowest.first) slowest = {m.ms, label};
        if (m.extra_kb > largest.first) largest = {m.extra_kb, label};
        if (json) {
            std::cout << nlohmann::json{{"case", label}, {"ms", m.ms}, {"extra_mb", static_cast<double>(m.extra_kb) / 1024},
                                        {"partial", m.partial}}.dump() << "\n";
        } else if (inputs.empty() || m.ms > 5) {
            std::printf("%8.2f ms %7.1f MB%s  %s\n", m.ms, static_cast<double>(m.extra_kb) / 1024,
                        m.partial ? " partial" : "        ", label.c_str());
        }
    }
    if (json) {
        std::cout << nlohmann::json{{"cases", cases.size()}, {"slowest_ms", slowest.first}, {"slowest", slowest.second},
                                    {"largest_mb", static_cast<double>(largest.first) / 1024},
                                    {"largest", largest.second}}.dump() << "\n";
    } else {
        std::printf("%zu cases; slowest %.2f ms (%s); most memory %.1f MB (%s)\n", cases.size(), slowest.first,
                    slowest.second.c_str(), static_cast<double>(largest.first) / 1024, largest.second.c_str());
    }
    return 0;
}
