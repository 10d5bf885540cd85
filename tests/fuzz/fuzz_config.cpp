// The config reader on arbitrary YAML: a Config or an error, never a crash.
#include "medsearch/common/config.hpp"

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    std::string_view text(reinterpret_cast<const char*>(data), size);
    auto config = medsearch::parse_config(text, "fuzz/config.yaml");
    if (!config && config.error().message.empty()) std::abort();
    if (config) (void)medsearch::validate_config(config.value());
    return 0;
}
