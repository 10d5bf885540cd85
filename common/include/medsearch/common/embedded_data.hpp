#pragma once
// Data files built into the program (data/synonyms.yaml, data/stopwords.txt),
// used when the configuration names none.

#include <optional>
#include <string_view>

namespace medsearch {

std::optional<std::string_view> embedded_data(std::string_view file_name);

}  // namespace medsearch
