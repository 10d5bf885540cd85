#include "medsearch/server/json.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <cmath>

using namespace medsearch;
using nlohmann::json;

namespace {

// The body as nlohmann_json builds and dumps it: what to_json must write, byte
// for byte.
std::string reference_body(const SearchPage& page) {
    auto round3 = [](double x) { return std::round(x * 1000.0) / 1000.0; };
    json hits = json::array();
    for (const auto& hit : page.hits) {
        json item = {{"rank", hit.rank},       {"path", hit.path},       {"url", hit.url},
                     {"title", hit.title},     {"score", round3(hit.score)}, {"section", hit.section},
                     {"section_label", hit.section_label}, {"snippet", hit.snippet}, {"matched", hit.matched}};
        if (!hit.explain_json.empty()) item["explain"] = json::parse(hit.explain_json);
        hits.push_back(std::move(item));
    }
    json did_you_mean = json::array();
    for (const auto& d : page.did_you_mean) did_you_mean.push_back({{"text", d.text}, {"kind", d.kind}});
    json expanded = json::array();
    for (const auto& e : page.expanded)
        expanded.push_back({{"from", e.from}, {"to", e.to}, {"kind", e.kind}, {"note", e.note.empty() ? json(nullptr) : json(e.note)}});
    json topic = nullptr;
    if (page.topic) {
        json members = json::array();
        for (const auto& m : page.topic->members) members.push_back({{"label", m.label}, {"url", m.url}, {"path", m.path}});
        topic = {{"label", page.topic->label}, {"kind", page.topic->kind}, {"members", members}};
    }
    json body = {{"query", page.query},
                 {"total", page.total},
                 {"took_ms", round3(page.took_ms)},
                 {"corrected", page.corrected ? json(*page.corrected) : json(nullptr)},
                 {"did_you_mean", did_you_mean},
                 {"expanded", expanded},
                 {"intent", page.intent.empty() ? json(nullptr) : json(page.intent)},
                 {"topic", topic},
                 {"partial", page.partial},
                 {"hits", hits}};
    if (page.explained) {
        const auto& t = page.stages;
        body["explain"] = {{"stages_ms", {{"plan", round3(t.plan)}, {"build", round3(t.build)}, {"match", round3(t.match)},
                                          {"facets", round3(t.facets)},
                                          {"section", round3(t.section)}, {"snippet", round3(t.snippet)},
                                          {"explain", round3(t.explain)}}}};
    }
    return body.dump(-1, ' ', false, json::error_handler_t::replace);
}

SearchPage page_with(const std::string& text, double score) {
    SearchPage page;
    page.query = text;
    page.total = 1234567;
    page.took_ms = 0.4567;
    page.corrected = text;
    page.expanded = {{text, "salbutamol", "name"}, {"b", text, "brand", "no page has all of " + text}};
    page.did_you_mean = {{text, "drug"}, {"x " + text, "word"}};
    page.intent = "side-effects";
    page.partial = score > 1000;
    page.explained = score < 1;
    page.stages = {0.1234, 1.0, 2.5, score, 1e-4, 0};
    page.topic = TopicBlock{text, "class", {{text, "/composition/c/cetirizine/", "c/cetirizine.md"}, {"B", text, text}}};
    Hit hit;
    hit.rank = 1;
    hit.path = text;
    hit.url = "/composition/" + text + "/#side-effects";
    hit.title = text;
    hit.score = score;
    hit.section = "side-effects";
    hit.section_label = text;
    hit.snippet = "…<mark>" + text + "</mark> &amp; more…";
    hit.matched = {"name", text};
    page.hits.push_back(hit);
    hit.rank = 2;
    hit.explain_json = R"({"ingredients":2,"parts":{"names":10000.0,"text":3.25},"score":10003.25})";
    page.hits.push_back(hit);
    return page;
}

}  // namespace

TEST_CASE("a search body is written as nlohmann_json dumps it, whatever its strings hold", "[json][unit]") {
    const std::string hostile[] = {
        "",
        "metformin side effects",
        "quote \" backslash \\ slash / and </script><script>alert(1)</script>",
        "controls \x01\x02\x07\b\f\n\r\t\x0b\x1b\x1f and \x7f",
        std::string("a nul \0 inside", 14),
        "UTF-8: Sjögren, naïve café, ½, 日本語, emoji 😀, U+FFFD \xEF\xBF\xBD",
        "invalid: \xff alone, \xC3 cut, overlong \xC0\xAF, surrogate \xED\xA0\x80, past U+10FFFF \xF4\x90\x80\x80",
        "truncated at the end \xE2\x82",
    };
    const double scores[] = {10000, 9553.14, 0.1 + 0.2, 1e-5, 123456789.125, 0, 18012.3};
    for (const auto& text : hostile) {
        for (double score : scores) {
            CAPTURE(text, score);
            auto page = page_with(text, score);
            CHECK(to_json(page) == reference_body(page));
        }
    }
}

TEST_CASE("an empty search body has nulls and empty lists", "[json][unit]") {
    SearchPage page;
    page.query = "zzzz";
    CHECK(to_json(page) ==
          R"({"corrected":null,"did_you_mean":[],"expanded":[],"hits":[],"intent":null,"partial":false,"query":"zzzz","took_ms":0.0,"topic":null,"total":0})");
    CHECK(to_json(page) == reference_body(page));
}
