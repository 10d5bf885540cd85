#pragma once
// Lists of words, one per line: the essential-medicines list
// (data/essential-medicines.txt) and English dictionaries (Debian's wamerican
// and wbritish), which tell an everyday word from a misspelled drug name.

#include "medsearch/common/result.hpp"

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
// Builds hash the lists' bytes, not the words kept: change this name when
// english_words() keeps other words, so that every index derives them again.
inline constexpr std::string_view kEnglishWordsRules = "english-words: lower-case ASCII, two letters or more";

// The English dictionaries a build reads when they are installed.
std::vector<std::filesystem::path> default_english_dictionaries();

// A list of words as the index's metadata stores it (stopwords, essential
// medicines, English words; docs/schema.md), and back; decoding fails on a
// value that is not a list of words, naming `key`.
std::string encode_word_list(const std::vector<std::string>& words);
Result<std::vector<std::string>> decode_word_list(std::string_view data, std::string_view key);

}  // namespace medsearch
