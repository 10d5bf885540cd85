#pragma once
// Text utilities shared by the indexer and the server: UTF-8 checks, repair of
// double-encoded (mojibake) text, case folding and word splitting for name keys,
// HTML escaping and the heading ids that the medicine site's Markdown renderer gives.

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace medsearch {

// Byte offset of the first byte that is not part of valid UTF-8, or nullopt.
std::optional<std::size_t> find_invalid_utf8(std::string_view text);

// Undoes UTF-8 text that was decoded as Windows-1252 and encoded again
// ("â€™" -> "’", "Ã©" -> "é"). Returns the number of sequences repaired.
std::size_t repair_mojibake(std::string& text, std::size_t* first_repair = nullptr);

// Lower-cases (Unicode-aware) and folds Latin accents ("Sérum" -> "serum").
std::string fold_case(std::string_view text);

// Words of text for matching names: runs of letters and digits after fold_case;
// everything else separates words ("Co-Trimoxazole" -> {"co", "trimoxazole"}).
std::vector<std::string> split_words(std::string_view text);

// Bytes of text up to the end of its max_words-th word (as split_words counts
// words): all of it when it has no more.
std::size_t prefix_with_words(std::string_view text, std::size_t max_words);

// The words of text joined by single spaces: the key under which names match.
std::string name_key(std::string_view text);

std::string_view trim(std::string_view text);
std::string collapse_whitespace(std::string_view text);

// Escapes &, <, >, " and ' for HTML text and attribute values.
std::string html_escape(std::string_view text);

// The id kramdown (Jekyll's Markdown renderer) gives a heading with auto_ids:
// leading non-letters dropped, only [a-zA-Z0-9 -] kept, spaces -> '-', lower case.
std::string kramdown_id(std::string_view heading);

// Decodes the code point of valid UTF-8 at text[i], advancing i past it.
unsigned next_code_point(std::string_view text, std::size_t& i);

// Appends the UTF-8 encoding of code point cp.
void append_utf8(std::string& out, unsigned cp);

// Whether a word (valid UTF-8) starts with a letter: the words Xapian's
// STEM_SOME stems, and so the words that have a stem term.
bool starts_with_letter(std::string_view word);

}  // namespace medsearch
