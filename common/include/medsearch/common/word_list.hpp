#pragma once
// Lists of words, one per line: the essential-medicines list
// (data/essential-medicines.txt) and English dictionaries (Debian's wamerican
// and wbritish), which tell an everyday word from a misspelled drug name.

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace medsearch {

// name_key() of each line, '#' comments and blank lines left out; sorted, unique.
std::vector<std::string> parse_word_list(std::string_view text);

// The everyday words of an English dictionary file: lower-case ASCII words of
// two letters or more (proper nouns, possessives and abbreviations left out).
std::vector<std::string> english_words(std::string_view dictionary_text);

// The English dictionaries a build reads when they are installed.
std::vector<std::filesystem::path> default_english_dictionaries();

// Newline-joined, for the index's metadata, and back.
std::string join_lines(const std::vector<std::string>& words);
std::vector<std::string> split_lines(std::string_view text);

}  // namespace medsearch
