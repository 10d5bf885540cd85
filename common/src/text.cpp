#include "medsearch/common/text.hpp"

#include <array>
#include <cstdint>

namespace medsearch {

namespace {

// Windows-1252 bytes 0x80..0x9F as Unicode; 0 where the byte is undefined.
constexpr std::array<unsigned, 32> kCp1252High = {
    0x20AC, 0,      0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160,
    0x2039, 0x0152, 0,      0x017D, 0,      0,      0x2018, 0x2019, 0x201C, 0x201D, 0x2022,
    0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0,      0x017E, 0x0178};

// The byte a code point came from when UTF-8 was misread as Windows-1252 (or
// Latin-1 for the bytes 1252 leaves undefined); -1 if none.
int cp1252_byte(unsigned cp) {
    if (cp >= 0xA0 && cp <= 0xFF) return static_cast<int>(cp);
    if (cp >= 0x80 && cp <= 0x9F) return static_cast<int>(cp);  // undefined in 1252, kept as C1
    for (unsigned b = 0; b < kCp1252High.size(); ++b)
        if (kCp1252High[b] == cp && cp != 0) return static_cast<int>(0x80 + b);
    return -1;
}

int utf8_length_of_lead(int byte) {
    if (byte >= 0xC2 && byte <= 0xDF) return 2;
    if (byte >= 0xE0 && byte <= 0xEF) return 3;
    if (byte >= 0xF0 && byte <= 0xF4) return 4;
    return 0;
}

}  // namespace

std::optional<std::size_t> find_invalid_utf8(std::string_view text) {
    std::size_t i = 0, n = text.size();
    auto byte = [&](std::size_t k) { return static_cast<unsigned char>(text[k]); };
    while (i < n) {
        unsigned c = byte(i);
        if (c < 0x80) {
            ++i;
            continue;
        }
        std::size_t len;
        unsigned min_second = 0x80, max_second = 0xBF;
        if (c >= 0xC2 && c <= 0xDF) {
            len = 2;
        } else if (c >= 0xE0 && c <= 0xEF) {
            len = 3;
            if (c == 0xE0) min_second = 0xA0;  // overlong
            if (c == 0xED) max_second = 0x9F;  // surrogates
        } else if (c >= 0xF0 && c <= 0xF4) {
            len = 4;
            if (c == 0xF0) min_second = 0x90;
            if (c == 0xF4) max_second = 0x8F;
        } else {
            return i;
        }
        if (i + len > n) return i;
        if (byte(i + 1) < min_second || byte(i + 1) > max_second) return i;
        for (std::size_t k = 2; k < len; ++k)
            if (byte(i + k) < 0x80 || byte(i + k) > 0xBF) return i;
        i += len;
    }
    return std::nullopt;
}

std::size_t repair_mojibake(std::string& text, std::size_t* first_repair) {
    // Cheap exit: every damaged sequence starts with a lead byte misread as
    // U+00C2..U+00F4 (Â..ô), which UTF-8 encodes as C3 82..C3 B4.
    if (text.find('\xC3') == std::string::npos) return 0;
    std::string out;
    out.reserve(text.size());
    std::size_t repaired = 0, i = 0;
    std::string_view view(text);
    while (i < view.size()) {
        std::size_t start = i;
        unsigned cp = next_code_point(view, i);
        int lead = cp1252_byte(cp);
        int need = lead >= 0 ? utf8_length_of_lead(lead) : 0;
        if (need == 0) {
            out.append(view.substr(start, i - start));
            continue;
        }
        // Collect the continuation characters: each must map back to 0x80..0xBF.
        std::string bytes(1, static_cast<char>(lead));
        std::size_t j = i;
        while (static_cast<int>(bytes.size()) < need && j < view.size()) {
            std::size_t before = j;
            int b = cp1252_byte(next_code_point(view, j));
            if (b < 0x80 || b > 0xBF) {
                j = before;
                break;
            }
            bytes.push_back(static_cast<char>(b));
        }
        if (static_cast<int>(bytes.size()) == need && !find_invalid_utf8(bytes)) {
            if (repaired == 0 && first_repair) *first_repair = start;
            out += bytes;
            ++repaired;
            i = j;
        } else {
            out.append(view.substr(start, i - start));
        }
    }
    if (repaired) text = std::move(out);
    return repaired;
}

std::vector<std::string> split_words(std::string_view text) {
    std::vector<std::string> words;
    PlainWords walk(text);
    for (TextWord word; walk.next(word);) words.push_back(fold_case(word.text));
    return words;
}

std::size_t prefix_with_words(std::string_view text, std::size_t max_words) {
    PlainWords walk(text);
    std::size_t words = 0;
    for (TextWord word; walk.next(word);)
        if (words++ == max_words) return word.offset;
    return text.size();
}

std::string name_key(std::string_view text) {
    std::string key;
    PlainWords walk(text);
    for (TextWord word; walk.next(word);) {
        if (!key.empty()) key.push_back(' ');
        key += fold_case(word.text);
    }
    return key;
}

std::string_view trim(std::string_view text) {
    const char* space = " \t\r\n\f\v";
    auto first = text.find_first_not_of(space);
    if (first == std::string_view::npos) return {};
    auto last = text.find_last_not_of(space);
    return text.substr(first, last - first + 1);
}

std::string collapse_whitespace(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    bool pending_space = false;
    for (char c : trim(text)) {
        if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v') {
            pending_space = true;
            continue;
        }
        if (pending_space) out.push_back(' ');
        pending_space = false;
        out.push_back(c);
    }
    return out;
}

std::string html_escape(std::string_view text) {
    std::string out;
    out.reserve(text.size() + text.size() / 8);
    for (char c : text) {
        switch (c) {
            case '&': out += "&amp;"; break;
            case '<': out += "&lt;"; break;
            case '>': out += "&gt;"; break;
            case '"': out += "&quot;"; break;
            case '\'': out += "&#39;"; break;
            default: out.push_back(c);
        }
    }
    return out;
}

std::string kramdown_id(std::string_view heading) {
    std::string id;
    bool seen_letter = false;
    for (char c : heading) {
        bool letter = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
        if (!seen_letter && !letter) continue;
        seen_letter = true;
        if (letter || (c >= '0' && c <= '9') || c == '-') {
            id.push_back(static_cast<char>(c >= 'A' && c <= 'Z' ? c + 32 : c));
        } else if (c == ' ') {
            id.push_back('-');
        }
    }
    return id.empty() ? "section" : id;
}

}  // namespace medsearch
