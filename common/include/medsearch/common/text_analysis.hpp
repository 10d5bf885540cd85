#pragma once
// The one text analysis: how text becomes words, for the index and for all
// that compares text with it (names, the words of a query, the section a
// snippet comes from). One UTF-8 decoding, one set of word characters, one
// lower case, one rule for which words have a stem, and two readings of words
// (PlainWords, TermWords) that differ only where the table below says.

#include <array>
#include <cstddef>
#include <string>
#include <string_view>
#include <unordered_set>

namespace medsearch {

// Decodes the code point of valid UTF-8 at text[i], advancing i past it.
unsigned next_code_point(std::string_view text, std::size_t& i);

// Appends the UTF-8 encoding of code point cp.
void append_utf8(std::string& out, unsigned cp);

namespace text_detail {

constexpr std::array<bool, 128> ascii_word_chars(bool underscore) {
    std::array<bool, 128> table{};
    for (unsigned c = 0; c < 128; ++c)
        table[c] = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || (underscore && c == '_');
    return table;
}
inline constexpr auto kAsciiWordChar = ascii_word_chars(true);
inline constexpr auto kAsciiPlainWordChar = ascii_word_chars(false);  // PlainWords': no '_'

// Xapian's Unicode tables, out of line: this header does without <xapian.h>.
bool is_wordchar_beyond_ascii(unsigned cp);
unsigned tolower_beyond_ascii(unsigned cp);

}  // namespace text_detail

// The code point at text[i] and its length in bytes; ASCII without a call.
inline unsigned code_point_at(std::string_view text, std::size_t i, std::size_t& length) {
    auto c = static_cast<unsigned char>(text[i]);
    if (c < 0x80) {
        length = 1;
        return c;
    }
    std::size_t next = i;
    unsigned cp = next_code_point(text, next);
    length = next - i;
    return cp;
}

// Xapian's word characters (Unicode::is_wordchar), as its TermGenerator and
// QueryParser read text: letters (CJK ideographs too), marks, numbers and
// connector punctuation ('_'). Emoji and other symbols are not.
inline bool is_word_char(unsigned cp) {
    return cp < 0x80 ? text_detail::kAsciiWordChar[cp] : text_detail::is_wordchar_beyond_ascii(cp);
}

// Xapian's lower case (Unicode::tolower), which QueryParser gives queries.
inline unsigned to_lower(unsigned cp) {
    return cp < 0x80 ? (cp >= 'A' && cp <= 'Z' ? cp + 32 : cp) : text_detail::tolower_beyond_ascii(cp);
}

// to_lower, and Latin accents folded ("Sérum" -> "serum", "ß" -> "ss"): how
// names and the words of queries compare, typed with accents or without.
// A character and its folding are alike word characters or not (a test
// checks every code point), so words may be folded before or after reading.
std::string fold_case(std::string_view text);

// Whether a word (valid UTF-8) starts with a letter: the words Xapian's
// STEM_SOME stems (with schema::make_stemmer, the one stemmer), and so the
// words that have a stem term; others (numbers) are their own search term.
bool starts_with_letter(std::string_view word);

// The terms a word of the default field gets (docs/schema.md): its search
// term, "Z" + its stem, and the word as written with its position where the
// field keeps positions, for phrases. A word without a stem is its own search
// term: one term, with its position where positions are kept. Elsewhere
// queries look words up by their stem, so the words as written are left out
// of the index (the vocabulary keeps them, for spelling).
struct DefaultFieldTerms {
    bool as_written = false;   // the word as written, with its position
    bool search_term = false;  // "Z" + stem, or the word itself without a position
};
constexpr DefaultFieldTerms default_field_terms(bool has_stem, bool positions) {
    return {positions, has_stem || !positions};
}

// Two readings of words, PlainWords and TermWords. Both take the same word
// characters (is_word_char) from the same decoding; they differ only here
// (words shown as their callers fold them):
//
//   text               PlainWords            TermWords
//   "snake_case"       "snake" "case"        "snake_case"
//   "don't", "AT&T"    "don" "t", "at" "t"   "don't", "at&t": an apostrophe or '&'
//                                            between word characters stays,
//   "2.5", "1,000"     "2" "5", "1" "000"    "2.5", "1,000": so do ',' '.' ';'
//                                            between digits
//   "zero" U+200B "width"  "zero" "width"    "zerowidth": zero-width characters
//                                            inside a word are dropped
//   "U.S.A."           "u" "s" "a"           "usa": capitals' initials are one word
//   "C++", "C#"        "c"                   "c++", "c#": up to three '+' or '#'
//   "Sérum"            "serum" (fold_case)   "sérum" (to_lower)
//   stopwords, words over 64 bytes: kept     left out
//
// TermWords is Xapian's TermGenerator's reading, term for term, so that
// QueryParser (Xapian's, on the query side) finds the index's terms;
// test_text_indexer.cpp compares them, and keeps as failing tests the two
// known differences, in text the corpus does not have: TermGenerator keeps
// a separator between digits of other scripts ("٣.٥"), and reads initials
// only of ASCII capitals ("É.U." is "é" "u"). PlainWords makes the keys under
// which names match, whatever punctuation or accents are typed
// ("Co-Trimoxazole", "co trimoxazole"), and the words of a query that are
// compared with text outside Xapian (sections, suggestions): all punctuation
// separates, '_' too, which is_word_char's Unicode rule would keep (its other
// connector punctuation, such as U+203F, no name has, and joins). The index
// and the dictionaries store its keys: it changes only with them.

// A word of a text as written.
struct TextWord {
    std::string_view text;   // its bytes in the text
    std::size_t offset = 0;  // where they start
    bool ascii = true;       // all ASCII: lower case is a byte's, no fold_case needed
};

// The words of a text as PlainWords reads them (above), first to last, as
// written: callers fold_case them.
class PlainWords {
  public:
    explicit PlainWords(std::string_view text) : text_(text) {}
    // The next word, or false past the last.
    bool next(TextWord& word);

  private:
    std::string_view text_;
    std::size_t i_ = 0;
};

// The longest word TermGenerator indexes (its max_word_length), in bytes.
inline constexpr std::size_t kMaxTermWordBytes = 64;

// The words of a text as TermWords reads them (above), lower case
// (to_lower), first to last. Each takes the next position; stopwords and
// words over kMaxTermWordBytes are left out and take none (as with
// TermGenerator's STOP_ALL), so a phrase without them still matches.
class TermWords {
  public:
    // `stopwords`, lower case, must outlive the walk.
    TermWords(std::string_view text, const std::unordered_set<std::string>& stopwords)
        : text_(text), stopwords_(stopwords) {}
    TermWords(std::string_view text, std::unordered_set<std::string>&& stopwords) = delete;
    // The next word into `word`, or false past the last.
    bool next(std::string& word);
    // Where the last word starts in the text.
    std::size_t offset() const { return offset_; }

  private:
    std::string_view text_;
    const std::unordered_set<std::string>& stopwords_;
    std::size_t i_ = 0, offset_ = 0;
};

// Inline: SectionScorer reads every word of the sections of each hit.
inline bool PlainWords::next(TextWord& word) {
    while (i_ < text_.size()) {
        std::size_t start = i_;
        bool ascii = true;
        while (i_ < text_.size()) {
            auto c = static_cast<unsigned char>(text_[i_]);
            if (c < 0x80) {
                if (!text_detail::kAsciiPlainWordChar[c]) break;
                ++i_;
                continue;
            }
            std::size_t next = i_;
            if (!is_word_char(next_code_point(text_, next))) break;
            ascii = false;
            i_ = next;
        }
        if (i_ > start) {
            word = {text_.substr(start, i_ - start), start, ascii};
            return true;
        }
        if (static_cast<unsigned char>(text_[i_]) < 0x80)
            ++i_;
        else
            next_code_point(text_, i_);
    }
    return false;
}

}  // namespace medsearch
