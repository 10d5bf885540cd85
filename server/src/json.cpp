#include "medsearch/server/json.hpp"

#include "medsearch/common/text.hpp"

#include <nlohmann/json.hpp>

#include <charconv>
#include <cmath>
#include <cstdio>

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

// The body of a search, written directly rather than built as a json tree
// and dumped (a sixth of a request's time): the same bytes as nlohmann's
// dump with sorted keys, which the tests compare.
class BodyWriter {
  public:
    explicit BodyWriter(std::size_t reserve) { out_.reserve(reserve); }

    BodyWriter& raw(std::string_view text) {
        out_ += text;
        return *this;
    }
    // `"key":`, after a comma unless it opens its object.
    BodyWriter& key(std::string_view name, bool first = false) {
        if (!first) out_ += ',';
        out_ += '"';
        out_ += name;
        out_ += "\":";
        return *this;
    }
    BodyWriter& string(std::string_view text) {
        // Invalid UTF-8 is nlohmann's to replace, as everywhere else.
        if (find_invalid_utf8(text)) return raw(dump(json(text)));
        out_ += '"';
        std::size_t plain = 0;
        for (std::size_t i = 0; i < text.size(); ++i) {
            auto c = static_cast<unsigned char>(text[i]);
            if (c >= 0x20 && c != '"' && c != '\\') continue;
            out_.append(text.data() + plain, i - plain);
            plain = i + 1;
            switch (c) {
                case '"': out_ += "\\\""; break;
                case '\\': out_ += "\\\\"; break;
                case '\b': out_ += "\\b"; break;
                case '\f': out_ += "\\f"; break;
                case '\n': out_ += "\\n"; break;
                case '\r': out_ += "\\r"; break;
                case '\t': out_ += "\\t"; break;
                default: {
                    char escaped[7];
                    std::snprintf(escaped, sizeof escaped, "\\u%04x", c);
                    out_ += escaped;
                }
            }
        }
        out_.append(text.data() + plain, text.size() - plain);
        out_ += '"';
        return *this;
    }
    BodyWriter& string_or_null(const std::optional<std::string>& text) {
        return text ? string(*text) : raw("null");
    }
    BodyWriter& number(std::size_t n) {
        char digits[24];
        auto [end, ec] = std::to_chars(digits, digits + sizeof digits, n);
        (void)ec;
        out_.append(digits, end);
        return *this;
    }
    // Doubles as nlohmann prints them (its shortest form, "10000.0").
    BodyWriter& number(double x) { return raw(json(x).dump()); }

    std::string take() { return std::move(out_); }

  private:
    std::string out_;
};

// {"has": {"dosage": 12, ...}, "kind": {...}, ...}: values with no page left out.
std::string facets_json(const FacetCounts& counts) {
    json body = json::object();
    for (const auto& [field, values] : counts.fields()) {
        json field_counts = json::object();
        for (const auto& [value, count] : values) field_counts[value] = count;
        body[field] = std::move(field_counts);
    }
    return dump(body);
}

}  // namespace

std::string to_json(const SearchPage& page) {
    BodyWriter out(1024 + 512 * page.hits.size());
    out.raw("{").key("corrected", true).string_or_null(page.corrected).key("did_you_mean").raw("[");
    for (std::size_t i = 0; i < page.did_you_mean.size(); ++i) {
        if (i) out.raw(",");
        out.raw("{").key("kind", true).string(page.did_you_mean[i].kind).key("text").string(page.did_you_mean[i].text).raw("}");
    }
    out.raw("]").key("expanded").raw("[");
    for (std::size_t i = 0; i < page.expanded.size(); ++i) {
        const auto& e = page.expanded[i];
        if (i) out.raw(",");
        out.raw("{").key("from", true).string(e.from).key("kind").string(e.kind).key("note");
        if (e.note.empty())
            out.raw("null");
        else
            out.string(e.note);
        out.key("to").string(e.to).raw("}");
    }
    out.raw("]");
    if (page.explained) {
        const auto& t = page.stages;
        out.key("explain").raw("{").key("stages_ms", true).raw("{");
        out.key("build", true).number(round_to(t.build, 3)).key("explain").number(round_to(t.explain, 3));
        out.key("facets").number(round_to(t.facets, 3)).key("match").number(round_to(t.match, 3)).key("plan").number(round_to(t.plan, 3));
        out.key("section").number(round_to(t.section, 3)).key("snippet").number(round_to(t.snippet, 3));
        out.raw("}}");
    }
    if (page.facets) out.key("facets").raw(facets_json(*page.facets));
    out.key("hits").raw("[");
    for (std::size_t i = 0; i < page.hits.size(); ++i) {
        const auto& hit = page.hits[i];
        if (i) out.raw(",");
        out.raw("{");
        bool first = true;
        if (!hit.explain_json.empty()) {
            out.key("explain", true).raw(dump(json::parse(hit.explain_json)));
            first = false;
        }
        out.key("matched", first).raw("[");
        for (std::size_t m = 0; m < hit.matched.size(); ++m) {
            if (m) out.raw(",");
            out.string(hit.matched[m]);
        }
        out.raw("]")
            .key("path").string(hit.path)
            .key("rank").number(std::size_t{hit.rank})
            .key("score").number(round_to(hit.score, 3))
            .key("section").string(hit.section)
            .key("section_label").string(hit.section_label)
            .key("snippet").string(hit.snippet)
            .key("title").string(hit.title)
            .key("url").string(hit.url)
            .raw("}");
    }
    out.raw("]").key("intent");
    if (page.intent.empty()) {
        out.raw("null");
    } else {
        out.string(page.intent);
    }
    out.key("partial").raw(page.partial ? "true" : "false");
    out.key("query").string(page.query).key("took_ms").number(round_to(page.took_ms, 3)).key("topic");
    if (!page.topic) {
        out.raw("null");
    } else {
        out.raw("{").key("kind", true).string(page.topic->kind).key("label").string(page.topic->label);
        out.key("members").raw("[");
        for (std::size_t i = 0; i < page.topic->members.size(); ++i) {
            const auto& m = page.topic->members[i];
            if (i) out.raw(",");
            out.raw("{").key("label", true).string(m.label).key("path").string(m.path).key("url").string(m.url).raw("}");
        }
        out.raw("]}");
    }
    out.key("total").number(page.total).raw("}");
    return out.take();
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

std::string to_opensearch_json(const SuggestPage& page) {
    json completions = json::array(), descriptions = json::array();
    for (const auto& s : page.suggestions) {
        completions.push_back(s.query.empty() ? s.label : s.query);
        descriptions.push_back(s.detail);
    }
    return dump(json::array({page.query, completions, descriptions}));
}

std::string error_json(int status, std::string_view message) {
    return dump(json{{"error", {{"status", status}, {"message", message}}}});
}

}  // namespace medsearch
