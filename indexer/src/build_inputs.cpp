#include "build_stages.hpp"

#include "medsearch/common/config.hpp"
#include "medsearch/common/index_metadata.hpp"
#include "medsearch/common/schema.hpp"
#include "medsearch/common/text.hpp"
#include "medsearch/common/word_list.hpp"

#include <algorithm>
#include <iterator>

namespace medsearch::detail {
namespace fs = std::filesystem;
namespace {

std::vector<std::string> parse_stopwords(std::string_view text) {
    std::vector<std::string> words;
    std::size_t start = 0;
    while (start < text.size()) {
        auto end = text.find('\n', start);
        auto line = text.substr(start, end == text.npos ? text.npos : end - start);
        start = end == text.npos ? text.size() : end + 1;
        line = trim(line.substr(0, line.find('#')));
        if (!line.empty()) words.emplace_back(line);
    }
    return words;
}

// The English dictionaries that are installed, their bytes added to `hash`:
// the lists run to megabytes, read again only when the index stores them.
Result<std::vector<fs::path>> hash_english_lists(const std::vector<fs::path>& dictionaries, StreamHash& hash) {
    std::vector<fs::path> installed;
    for (const auto& dictionary : dictionaries) {
        std::error_code error;
        if (!fs::is_regular_file(dictionary, error)) continue;
        hash.add(std::string_view("\0", 1));
        if (auto added = hash.add_file(dictionary); !added) return added.error();
        installed.push_back(dictionary);
    }
    return installed;
}

// The words of the English dictionaries, sorted, unique, as stored.
Result<std::string> encode_english_words(const std::vector<fs::path>& dictionaries) {
    std::vector<std::string> english;
    for (const auto& dictionary : dictionaries) {
        auto text = read_data_file(dictionary, "");
        if (!text) return text.error();
        // Each list comes sorted: merged, not sorted again.
        auto words = english_words(text.value());
        std::vector<std::string> merged;
        merged.reserve(english.size() + words.size());
        std::merge(std::make_move_iterator(english.begin()), std::make_move_iterator(english.end()),
                   std::make_move_iterator(words.begin()), std::make_move_iterator(words.end()),
                   std::back_inserter(merged));
        english = std::move(merged);
    }
    english.erase(std::unique(english.begin(), english.end()), english.end());
    return encode_word_list(english);
}

std::string origin_of(const fs::path& file, const char* built_in) {
    return file.empty() ? std::string(built_in) : file.string();
}

}  // namespace

Result<IndexInputs> load_inputs(const BuildOptions& options) {
    IndexInputs inputs;
    auto synonyms_text = read_data_file(options.synonyms_file, "synonyms.yaml");
    if (!synonyms_text) return synonyms_text.error();
    inputs.synonyms_origin = origin_of(options.synonyms_file, "built-in synonyms.yaml");
    auto brands_text = read_data_file(options.brands_file, "brands.txt");
    if (!brands_text) return brands_text.error();
    inputs.brands_origin = origin_of(options.brands_file, "built-in brands.txt");
    auto stopwords_text = read_data_file(options.stopwords_file, "stopwords.txt");
    if (!stopwords_text) return stopwords_text.error();
    inputs.stopwords = parse_stopwords(stopwords_text.value());
    inputs.document_hash = hex64(hash_bytes("schema=" + std::to_string(schema::kVersion) +
                                            "\npermalink=" + options.permalink +
                                            "\nstopwords=" + stopwords_text.value()));
    auto medicines_text = read_data_file(options.medicines_file, "medicines.yaml");
    if (!medicines_text) return medicines_text.error();
    inputs.medicines_origin = origin_of(options.medicines_file, "built-in medicines.yaml");
    auto essential_text = read_data_file(options.essential_file, "essential-medicines.txt");
    if (!essential_text) return essential_text.error();
    StreamHash hash;
    for (const auto* text : {&synonyms_text.value(), &brands_text.value(), &medicines_text.value()}) {
        hash.add(*text);
        hash.add(std::string_view("\0", 1));
    }
    hash.add(essential_text.value());
    hash.add(kEnglishWordsRules);
    auto english = hash_english_lists(options.english_dictionaries, hash);
    if (!english) return english.error();
    inputs.english_dictionaries = std::move(english.value());
    inputs.synonyms_hash = hex64(hash.digest());
    inputs.synonyms_text = std::move(synonyms_text.value());
    inputs.brands_text = std::move(brands_text.value());
    inputs.medicines_text = std::move(medicines_text.value());
    inputs.essential_text = std::move(essential_text.value());
    return inputs;
}

Result<Dictionaries> parse_dictionaries(const IndexInputs& inputs) {
    auto synonyms = parse_synonyms(inputs.synonyms_text, inputs.synonyms_origin);
    if (!synonyms) return synonyms.error();
    auto brands = parse_brands(inputs.brands_text, inputs.brands_origin);
    if (!brands) return brands.error();
    add_brands(synonyms.value(), brands.value());
    auto topics = parse_topics(inputs.medicines_text, inputs.medicines_origin);
    if (!topics) return topics.error();
    return Dictionaries{std::move(synonyms.value()), std::move(topics.value())};
}

Status write_dictionaries(Xapian::WritableDatabase& db, const Dictionaries& dictionaries, const IndexInputs& inputs) {
    auto english = encode_english_words(inputs.english_dictionaries);
    if (!english) return english.error();
    const auto& table = dictionaries.synonyms;
    std::vector<std::string> old_keys(db.synonym_keys_begin(), db.synonym_keys_end());
    for (const auto& key : old_keys) db.clear_synonyms(key);
    SynonymKinds kinds;
    for (const auto& [key, values] : table.expansions) {
        if (key.size() > schema::kMaxSynonymBytes) continue;
        for (const auto& value : values)
            if (value.size() <= schema::kMaxSynonymBytes) db.add_synonym(key, value);
        kinds.emplace(key, table.kinds.at(key));
    }
    db.set_metadata(schema::kMetaSynonymKinds, encode_synonym_kinds(kinds));
    db.set_metadata(schema::kMetaTopics, encode_topics(dictionaries.topics));
    db.set_metadata(schema::kMetaEssential, encode_word_list(parse_word_list(inputs.essential_text)));
    db.set_metadata(schema::kMetaEnglishWords, english.value());
    return Ok{};
}

}  // namespace medsearch::detail
