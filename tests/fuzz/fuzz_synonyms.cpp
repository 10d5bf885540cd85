// The synonyms reader on arbitrary YAML: a table or an error, never a crash.
#include "medsearch/common/synonyms.hpp"

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    std::string_view text(reinterpret_cast<const char*>(data), size);
    auto table = medsearch::parse_synonyms(text, "fuzz/synonyms.yaml");
    if (!table && table.error().message.empty()) std::abort();
    return 0;
}
