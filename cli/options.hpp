#pragma once
// The one place where the settings (config file and flags, as a Config)
// become each library's options.

#include "medsearch/common/config.hpp"
#include "medsearch/indexer/builder.hpp"
#include "medsearch/indexer/check.hpp"
#include "medsearch/server/http.hpp"
#include "medsearch/server/searcher.hpp"

namespace medsearch::cli {

BuildOptions build_options(const Config& config);
CheckOptions check_options(const Config& config);
DictionaryFiles dictionary_files(const Config& config);
SearchSettings search_settings(const Config& config);
// What the config says of serving; flags that are not config keys (--max-connections,
// --trusted-proxy, --no-access-log) are set by `serve` on top.
ServerOptions server_options(const Config& config);

}  // namespace medsearch::cli
