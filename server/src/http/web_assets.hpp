#pragma once
// The search page and widget (web/), built into the program at compile time so
// that the server needs no folder of files and serves nothing else from disk.

#include <string_view>
#include <vector>

namespace medsearch {

struct WebAsset {
    std::string_view route;         // "/medsearch.js"
    std::string_view content_type;  // "text/javascript; charset=utf-8"
    std::string_view bytes;
};

const std::vector<WebAsset>& web_assets();

}  // namespace medsearch
