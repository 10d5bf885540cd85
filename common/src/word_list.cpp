#include "medsearch/common/word_list.hpp"

#include "medsearch/common/text.hpp"
#include "cbor.hpp"

#include <algorithm>

namespace medsearch {

namespace {

std::vector<std::string> split_lines(std::string_view text) {
    std::vector<std::string> lines;
    std::size_t start = 0;
    while (start < text.size()) {
        auto end = text.find('\n', start);
        if (end == std::string_view::npos) end = text.size();
        if (end > start) lines.emplace_back(text.substr(start, end - start));
        start = end + 1;
    }
    return lines;
}

}  // namespace

std::string encode_word_list(const std::vector<std::string>& words) { return cbor::encode(cbor::texts(words)); }

Result<std::vector<std::string>> decode_word_list(std::string_view data, std::string_view key) {
    auto started = cbor::start(data, key);
    if (!started) return started.error();
    auto& in = started.value();
    std::vector<std::string> words;
    if (!in.read_texts(words)) return in.error(key, "not a list of words");
    if (!in.at_end()) return in.error(key, "more after the list of words");
    return words;
}

std::vector<std::string> parse_word_list(std::string_view text) {
    std::vector<std::string> words;
    for (const auto& line : split_lines(text)) {
        auto key = name_key(std::string_view(line).substr(0, line.find('#')));
        if (!key.empty()) words.push_back(std::move(key));
    }
    std::sort(words.begin(), words.end());
    words.erase(std::unique(words.begin(), words.end()), words.end());
    return words;
}

// The lists are large (a hundred thousand lines and more) and read on every
// build: lines are looked at in place, and only the words kept are copied.
std::vector<std::string> english_words(std::string_view dictionary_text) {
    std::vector<std::string> words;
    std::size_t start = 0;
    while (start < dictionary_text.size()) {
        auto end = dictionary_text.find('\n', start);
        if (end == std::string_view::npos) end = dictionary_text.size();
        auto line = dictionary_text.substr(start, end - start);
        start = end + 1;
        if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
        bool lower = line.size() >= 2 && std::all_of(line.begin(), line.end(), [](char c) { return c >= 'a' && c <= 'z'; });
        if (lower) words.emplace_back(line);
    }
    if (!std::is_sorted(words.begin(), words.end())) std::sort(words.begin(), words.end());
    words.erase(std::unique(words.begin(), words.end()), words.end());
    return words;
}

std::vector<std::filesystem::path> default_english_dictionaries() {
    return {"/usr/share/dict/american-english", "/usr/share/dict/british-english",
            "/usr/share/dict/american-english-large", "/usr/share/dict/british-english-large"};
}

}  // namespace medsearch
