#include "http/web_assets.hpp"

#include <optional>

namespace medsearch {

std::optional<std::string_view> embedded_web_file(std::string_view file_name);  // generated

const std::vector<WebAsset>& web_assets() {
    static const std::vector<WebAsset> assets = [] {
        struct File {
            std::string_view name, route, type;
        };
        constexpr File files[] = {
            {"index.html", "/", "text/html; charset=utf-8"},
            {"medsearch.js", "/medsearch.js", "text/javascript; charset=utf-8"},
            {"medsearch.css", "/medsearch.css", "text/css; charset=utf-8"},
        };
        std::vector<WebAsset> list;
        for (const auto& file : files)
            if (auto bytes = embedded_web_file(file.name)) list.push_back({file.route, file.type, *bytes});
        return list;
    }();
    return assets;
}

}  // namespace medsearch
