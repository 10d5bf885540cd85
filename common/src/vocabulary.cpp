#include "medsearch/common/vocabulary.hpp"

#include <charconv>

namespace medsearch {

std::string encode_vocabulary(const Vocabulary& vocabulary) {
    std::string out;
    for (const auto& [word, pages] : vocabulary) {
        out += word;
        out += '\t';
        out += std::to_string(pages);
        out += '\n';
    }
    return out;
}

Vocabulary decode_vocabulary(std::string_view data) {
    Vocabulary vocabulary;
    while (!data.empty()) {
        auto end = data.find('\n');
        auto line = data.substr(0, end);
        data.remove_prefix(end == std::string_view::npos ? data.size() : end + 1);
        auto tab = line.rfind('\t');
        if (tab == std::string_view::npos || tab == 0) continue;
        std::uint32_t pages = 0;
        auto digits = line.substr(tab + 1);
        auto [rest, error] = std::from_chars(digits.data(), digits.data() + digits.size(), pages);
        if (error != std::errc{} || rest != digits.data() + digits.size() || pages == 0) continue;
        vocabulary.emplace(std::string(line.substr(0, tab)), pages);
    }
    return vocabulary;
}

}  // namespace medsearch
