// The query log's line, written by the server and read by the report.
#include "medsearch/server/query_log.hpp"

#include <nlohmann/json.hpp>

#include <cmath>
#include <ctime>

namespace medsearch {
namespace {

using Json = nlohmann::ordered_json;

Error bad_line(const std::string& what) { return Error{Errc::bad_input, what}; }

Json optional_text(const std::optional<std::string>& text) { return text ? Json(*text) : Json(nullptr); }

// "YYYY-MM-DD" then anything: the report groups by the day.
bool starts_with_date(std::string_view time) {
    if (time.size() < 10 || time[4] != '-' || time[7] != '-') return false;
    for (std::size_t i : {0, 1, 2, 3, 5, 6, 8, 9})
        if (time[i] < '0' || time[i] > '9') return false;
    return true;
}

Result<std::optional<std::string>> read_optional_text(const Json& object, const char* key) {
    auto it = object.find(key);
    if (it == object.end() || it->is_null()) return std::optional<std::string>{};
    if (!it->is_string()) return bad_line(std::string("'") + key + "' must be a string or null");
    return std::optional<std::string>(it->get<std::string>());
}

Result<std::vector<std::string>> read_texts(const Json& object, const char* key) {
    std::vector<std::string> texts;
    auto it = object.find(key);
    if (it == object.end() || it->is_null()) return texts;
    if (!it->is_array()) return bad_line(std::string("'") + key + "' must be a list");
    for (const auto& item : *it) {
        if (!item.is_string()) return bad_line(std::string("'") + key + "' must be a list of strings");
        texts.push_back(item.get<std::string>());
    }
    return texts;
}

}  // namespace

std::string to_json_line(const LoggedSearch& search) {
    Json line;
    line["time"] = search.time;
    line["query"] = search.query;
    line["total"] = search.total;
    line["corrected"] = optional_text(search.corrected);
    line["did_you_mean"] = search.did_you_mean;
    line["topic"] = optional_text(search.topic);
    line["took_ms"] = std::round(search.took_ms * 100) / 100;
    return line.dump(-1, ' ', false, Json::error_handler_t::replace);
}

Result<LoggedSearch> parse_logged_search(std::string_view line) {
    auto json = Json::parse(line.begin(), line.end(), nullptr, false);
    if (json.is_discarded() || !json.is_object()) return bad_line("not a JSON object");
    LoggedSearch search;
    auto time = json.find("time");
    if (time == json.end() || !time->is_string() || !starts_with_date(time->get<std::string>()))
        return bad_line("'time' must be a date and time (YYYY-MM-DDTHH:MM:SSZ)");
    search.time = time->get<std::string>();
    auto query = json.find("query");
    if (query == json.end() || !query->is_string()) return bad_line("'query' must be a string");
    search.query = query->get<std::string>();
    auto total = json.find("total");
    if (total == json.end() || !total->is_number_unsigned()) return bad_line("'total' must be a whole number");
    search.total = total->get<std::uint64_t>();
    auto corrected = read_optional_text(json, "corrected");
    if (!corrected) return corrected.error();
    search.corrected = corrected.value();
    auto offered = read_texts(json, "did_you_mean");
    if (!offered) return offered.error();
    search.did_you_mean = std::move(offered.value());
    auto topic = read_optional_text(json, "topic");
    if (!topic) return topic.error();
    search.topic = topic.value();
    if (auto took = json.find("took_ms"); took != json.end() && took->is_number()) search.took_ms = took->get<double>();
    return search;
}

std::string utc_timestamp(std::chrono::system_clock::time_point time) {
    std::time_t seconds = std::chrono::system_clock::to_time_t(time);
    std::tm utc{};
    gmtime_r(&seconds, &utc);
    char text[32];
    std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &utc);
    return text;
}

}  // namespace medsearch
