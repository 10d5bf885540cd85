#pragma once
// Text utilities shared by the indexer and the server: UTF-8 checks, repair of
// double-encoded (mojibake) text, the words and keys of names, HTML escaping
// and the heading ids that the medicine site's Markdown renderer gives. How
// text becomes words is text_analysis.hpp.

#include "medsearch/common/text_analysis.hpp"

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

// Words of text for matching names: its PlainWords (runs of letters and
// digits; everything else separates), each fold_case'd ("Co-Trimoxazole" ->
// {"co", "trimoxazole"}).
std::vector<std::string> split_words(std::string_view text);

// Bytes of text up to where its word after the max_words-th starts (as
// split_words counts words): all of it when it has no more.
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

}  // namespace medsearch
