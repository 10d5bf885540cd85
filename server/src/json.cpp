#include "medsearch/server/json.hpp"

#include <nlohmann/json.hpp>

#include <cmath>

namespace medsearch {
namespace {

using nlohmann::json;

// Invalid UTF-8 is replaced rather than thrown on.
std::string dump(const json& body) { return body.dump(-1, ' ', false, json::error_handler_t::replace); }

// To `digits` decimals; dividing (not multiplying by 0.001) gives the double
// nearest to the decimal, which prints short.
double round_to(double value, int digits) {
    double scale = std::pow(10.0, digits);
    return std::round(value * scale) / scale;
}

json optional_string(const std::optional<std::string>& value) {
    return value ? json(*value) : json(nullptr);
}

json topic_json(const std::optional<TopicBlock>& topic) {
    if (!topic) return nullptr;
    json members = json::array();
    for (const auto& m : topic->members) members.push_back({{"label", m.label}, {"url", m.url}, {"path", m.path}});
    return {{"label", topic->label}, {"kind", topic->kind}, {"members", members}};
}

}  // namespace

std::string to_json(const SearchPage& page) {
    json hits = json::array();
    for (const auto& hit : page.hits) {
        json item = {{"rank", hit.rank},
                     {"path", hit.path},
                     {"url", hit.url},
                     {"title", hit.title},
                     {"score", round_to(hit.score, 3)},
                     {"section", hit.section},
                     {"section_label", hit.section_label},
                     {"snippet", hit.snippet},
                     {"matched", hit.matched}};
        if (!hit.explain_json.empty()) item["explain"] = json::parse(hit.explain_json);
        hits.push_back(std::move(item));
    }
    json expanded = json::array();
    for (const auto& e : page.expanded) expanded.push_back({{"from", e.from}, {"to", e.to}, {"kind", e.kind}});
    json body = {{"query", page.query},
                 {"total", page.total},
                 {"took_ms", round_to(page.took_ms, 3)},
                 {"corrected", optional_string(page.corrected)},
                 {"expanded", expanded},
                 {"intent", page.intent.empty() ? json(nullptr) : json(page.intent)},
                 {"topic", topic_json(page.topic)},
                 {"hits", hits}};
    return dump(body);
}

std::string to_json(const SuggestPage& page) {
    json suggestions = json::array();
    for (const auto& s : page.suggestions) {
        json item = {{"label", s.label}, {"detail", s.detail}, {"url", s.url}, {"path", s.path}, {"kind", s.kind}};
        if (!s.query.empty()) {  // a class or condition: a search, not a page
            item["url"] = nullptr;
            item["path"] = nullptr;
            item["query"] = s.query;
        }
        suggestions.push_back(std::move(item));
    }
    json body = {{"query", page.query},
                 {"took_ms", round_to(page.took_ms, 3)},
                 {"corrected", optional_string(page.corrected)},
                 {"suggestions", suggestions}};
    return dump(body);
}

std::string error_json(int status, std::string_view message) {
    return dump(json{{"error", {{"status", status}, {"message", message}}}});
}

}  // namespace medsearch
