#pragma once
// /opensearch.xml: the description that lets a browser search the site from
// its address bar, with completions from /suggest?format=opensearch.

#include "medsearch/server/http.hpp"

#include <string>

namespace medsearch {

// The address browsers reach this server at: options.public_url, else
// http:// and the request's Host when it is a plain host[:port], else the
// listening address.
std::string public_base_url(const HttpRequest& req, const ServerOptions& options);

// The name a browser shows: options.search_name, else the site's host name,
// else "Medicines"; at most 16 characters, as OpenSearch asks.
std::string search_short_name(const ServerOptions& options);

// The OpenSearch 1.1 description document of the search at `base_url`.
std::string opensearch_description(std::string_view short_name, std::string_view base_url);

}  // namespace medsearch
