#pragma once
// The JSON bodies of the API, shared by HTTP and `medsearch search --json`.

#include "medsearch/server/searcher.hpp"

#include <string>
#include <string_view>

namespace medsearch {

std::string to_json(const SearchPage& page);
std::string to_json(const SuggestPage& page);
// The OpenSearch suggestions form of a completion: [query, [completions],
// [descriptions]], what a browser's address bar reads.
std::string to_opensearch_json(const SuggestPage& page);
// {"error": {"status": 400, "message": "..."}}
std::string error_json(int status, std::string_view message);

}  // namespace medsearch
