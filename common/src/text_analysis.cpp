#include "medsearch/common/text_analysis.hpp"

#include <xapian.h>

namespace medsearch {

bool text_detail::is_wordchar_beyond_ascii(unsigned cp) { return Xapian::Unicode::is_wordchar(cp); }

unsigned text_detail::tolower_beyond_ascii(unsigned cp) { return Xapian::Unicode::tolower(cp); }

unsigned next_code_point(std::string_view text, std::size_t& i) {
    auto byte = [&](std::size_t k) { return static_cast<unsigned char>(text[k]); };
    unsigned c = byte(i);
    if (c < 0x80) {
        ++i;
        return c;
    }
    int extra = c >= 0xF0 ? 3 : c >= 0xE0 ? 2 : 1;
    unsigned cp = c & (0x3Fu >> extra);
    std::size_t end = i + 1 + static_cast<std::size_t>(extra);
    for (std::size_t k = i + 1; k < end && k < text.size(); ++k) cp = (cp << 6) | (byte(k) & 0x3Fu);
    i = end;
    return cp;
}

void append_utf8(std::string& out, unsigned cp) {
    if (cp < 0x80) {
        out.push_back(static_cast<char>(cp));
    } else if (cp < 0x800) {
        out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
        out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    } else if (cp < 0x10000) {
        out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
        out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
        out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    } else {
        out.push_back(static_cast<char>(0xF0 | (cp >> 18)));
        out.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
        out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
        out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    }
}

namespace {

// Latin letters with accents, folded to ASCII; index = code point - 0xC0.
// '*' and '/' mark × and ÷, which stay as they are.
constexpr std::string_view kLatin1Fold = "aaaaaaaceeeeiiiidnooooo*ouuuuyts"
                                         "aaaaaaaceeeeiiiidnooooo/ouuuuyty";

}  // namespace

std::string fold_case(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    std::size_t i = 0;
    while (i < text.size()) {
        unsigned char c = static_cast<unsigned char>(text[i]);
        if (c < 0x80) {
            out.push_back(static_cast<char>(c >= 'A' && c <= 'Z' ? c + 32 : c));
            ++i;
            continue;
        }
        unsigned cp = to_lower(next_code_point(text, i));
        if (cp >= 0xC0 && cp <= 0xFF && kLatin1Fold[cp - 0xC0] != '*' && kLatin1Fold[cp - 0xC0] != '/') {
            out.push_back(kLatin1Fold[cp - 0xC0]);
            if (cp == 0xDF) out.push_back('s');  // ß -> ss
        } else {
            append_utf8(out, cp);
        }
    }
    return out;
}

bool starts_with_letter(std::string_view word) {
    if (word.empty()) return false;
    auto first = static_cast<unsigned char>(word[0]);
    if (first < 0x80) return (first >= 'a' && first <= 'z') || (first >= 'A' && first <= 'Z');
    std::size_t i = 0;
    auto category = Xapian::Unicode::get_category(next_code_point(word, i));
    return category == Xapian::Unicode::LOWERCASE_LETTER || category == Xapian::Unicode::TITLECASE_LETTER ||
           category == Xapian::Unicode::MODIFIER_LETTER || category == Xapian::Unicode::OTHER_LETTER;
}

// TermWords, after Xapian's TermGenerator (termgenerator_internal.cc).
namespace {

bool is_digit(unsigned cp) { return cp >= '0' && cp <= '9'; }

bool is_upper(unsigned cp) {
    return cp < 0x80 ? (cp >= 'A' && cp <= 'Z')
                     : Xapian::Unicode::get_category(cp) == Xapian::Unicode::UPPERCASE_LETTER;
}

// Zero-width characters inside a word are dropped.
bool zero_width(unsigned cp) { return cp >= 0x200b && (cp <= 0x200d || cp == 0x2060 || cp == 0xfeff); }

// What TermGenerator keeps between two word characters: between digits
// ',' '.' ';' ("2.5"), else an apostrophe or '&' ("patient's", "AT&T").
unsigned infix(unsigned cp, bool between_digits) {
    if (between_digits) {
        switch (cp) {
            case ',': case '.': case ';': case 0x037e: case 0x0589: case 0x060d: case 0x07f8: case 0x2044:
            case 0xfe10: case 0xfe13: case 0xfe14: return cp;
            default: return 0;
        }
    }
    if (cp == '\'' || cp == '&' || cp == 0xb7 || cp == 0x5f4 || cp == 0x2027) return cp;
    if (cp == 0x2019 || cp == 0x201b) return '\'';
    return 0;
}

// "U.S.": upper-case letters each followed by '.', read as one word ("us").
bool read_acronym(std::string_view text, std::size_t& i, std::string& word) {
    std::size_t length, p = i;
    if (!is_upper(code_point_at(text, p, length))) return false;
    word.clear();
    while (true) {
        append_utf8(word, to_lower(code_point_at(text, p, length)));
        p += length;
        if (p >= text.size() || text[p] != '.') break;
        ++p;
        if (p >= text.size() || !is_upper(code_point_at(text, p, length))) break;
    }
    if (word.size() < 2 || (p < text.size() && is_word_char(code_point_at(text, p, length)))) return false;
    i = p;
    return true;
}

// A word at text[i] (a word character), lower case, with infixes and up to
// three trailing '+' or '#' ("C++").
void read_word(std::string_view text, std::size_t& i, std::string& word) {
    word.clear();
    std::size_t length;
    unsigned previous = 0;
    while (i < text.size()) {
        auto byte = static_cast<unsigned char>(text[i]);
        if (byte < 0x80 && text_detail::kAsciiWordChar[byte]) {  // most of the text: no decoding
            word.push_back(static_cast<char>(byte >= 'A' && byte <= 'Z' ? byte + 32 : byte));
            previous = byte;
            ++i;
            continue;
        }
        unsigned cp = code_point_at(text, i, length);
        if (is_word_char(cp)) {
            append_utf8(word, to_lower(cp));
            previous = cp;
            i += length;
            continue;
        }
        std::size_t next_length = 0;
        unsigned next = i + length < text.size() ? code_point_at(text, i + length, next_length) : 0;
        if (!is_word_char(next)) break;
        if (zero_width(cp)) {
            i += length;
            continue;
        }
        unsigned kept = infix(cp, is_digit(previous) && is_digit(next));
        if (kept == 0) break;
        append_utf8(word, kept);
        i += length;
    }
    std::size_t suffix = 0;
    while (i + suffix < text.size() && (text[i + suffix] == '+' || text[i + suffix] == '#')) ++suffix;
    if (suffix > 0 && suffix <= 3 && (i + suffix >= text.size() || !is_word_char(code_point_at(text, i + suffix, length)))) {
        word.append(text.substr(i, suffix));
        i += suffix;
    }
}

}  // namespace

bool TermWords::next(std::string& word) {
    while (i_ < text_.size()) {
        std::size_t length;
        if (!is_word_char(code_point_at(text_, i_, length))) {
            i_ += length;
            continue;
        }
        offset_ = i_;
        if (!read_acronym(text_, i_, word)) read_word(text_, i_, word);
        if (word.size() > kMaxTermWordBytes || stopwords_.count(word)) continue;
        return true;
    }
    return false;
}

}  // namespace medsearch
