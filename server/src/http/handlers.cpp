// The API's handlers: query parameters in, a JSON body out.
#include "http/parts.hpp"

#include "medsearch/common/log.hpp"
#include "medsearch/server/json.hpp"

#include <charconv>

namespace medsearch {
namespace {

Result<unsigned> unsigned_param(const QueryParams& params, const char* name, unsigned fallback) {
    auto it = params.find(name);
    if (it == params.end()) return fallback;
    const auto& text = it->second;
    unsigned value = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (text.empty() || ec != std::errc{} || end != text.data() + text.size())
        return Error{Errc::bad_input, std::string(name) + " must be a whole number, got '" + text + "'"};
    return value;
}

Result<std::string> query_param(const QueryParams& params) {
    auto it = params.find("q");
    if (it == params.end()) return Error{Errc::bad_input, "missing query parameter 'q'"};
    return it->second;
}

HttpResponse json_response(int status, std::string body) {
    HttpResponse response;
    response.status = status;
    response.body = std::move(body);
    return response;
}

// Every `filter` parameter; the first that is not one is the error.
Result<std::vector<FacetFilter>> filter_params(const QueryParams& params) {
    std::vector<FacetFilter> filters;
    auto [first, last] = params.equal_range("filter");
    for (auto it = first; it != last; ++it) {
        auto filter = parse_filter(it->second);
        if (!filter) return filter.error();
        filters.push_back(std::move(filter.value()));
    }
    return filters;
}

bool flag_param(const QueryParams& params, const char* name) {
    auto it = params.find(name);
    return it != params.end() && (it->second == "1" || it->second == "true");
}

}  // namespace

HttpResponse error_response(const Error& error) {
    int status = error.code == Errc::bad_input     ? 400
                 : error.code == Errc::not_found   ? 404
                 : error.code == Errc::unavailable ? 503
                                                   : 500;
    // Details of internal failures go to the log, not to the client; a
    // missing shard is named, so that whoever runs the site sees which.
    if (status >= 500) log_error("http", error.message);
    auto response = json_response(status, error_json(status, status == 500 ? "internal error" : error.message));
    if (status == 503) response.headers.emplace_back("Retry-After", "1");
    return response;
}

HttpResponse handle_search(const QueryParams& params, Searcher& searcher,
                           const std::function<void(const SearchPage&)>& answered) {
    SearchRequest request;
    auto q = query_param(params);
    if (!q) return error_response(q.error());
    request.query = q.value();
    auto limit = unsigned_param(params, "limit", 10);
    if (!limit) return error_response(limit.error());
    auto offset = unsigned_param(params, "offset", 0);
    if (!offset) return error_response(offset.error());
    request.limit = limit.value();
    request.offset = offset.value();
    request.explain = flag_param(params, "explain");
    auto filters = filter_params(params);
    if (!filters) return error_response(filters.error());
    request.filters = std::move(filters.value());
    auto facets = params.find("facets");
    request.facets = facets == params.end() || facets->second != "0";
    auto page = searcher.search(request);
    if (!page) return error_response(page.error());
    if (answered) answered(page.value());
    return json_response(200, to_json(page.value()));
}

HttpResponse handle_suggest(const QueryParams& params, Searcher& searcher) {
    SuggestRequest request;
    auto q = query_param(params);
    if (!q) return error_response(q.error());
    request.query = q.value();
    auto limit = unsigned_param(params, "limit", 8);
    if (!limit) return error_response(limit.error());
    request.limit = limit.value();
    auto format = params.find("format");
    bool opensearch = format != params.end() && format->second == "opensearch";
    if (format != params.end() && !opensearch && format->second != "json")
        return error_response(Error{Errc::bad_input, "format must be json or opensearch"});
    auto page = searcher.suggest(request);
    if (!page) return error_response(page.error());
    if (!opensearch) return json_response(200, to_json(page.value()));
    auto response = json_response(200, to_opensearch_json(page.value()));
    response.content_type = "application/x-suggestions+json";
    return response;
}

}  // namespace medsearch
