#include "medsearch/common/vocabulary.hpp"

#include "medsearch/common/schema.hpp"
#include "cbor.hpp"

namespace medsearch {

// Two lists of the same length: the words, sorted, and the pages of each.
std::string encode_vocabulary(const Vocabulary& vocabulary) {
    auto words = cbor::Value::array();
    auto pages = cbor::Value::array();
    for (const auto& [word, count] : vocabulary) {
        words.push_back(word);
        pages.push_back(count);
    }
    return cbor::encode(cbor::Value::array({std::move(words), std::move(pages)}));
}

Result<Vocabulary> decode_vocabulary(std::string_view data) {
    auto started = cbor::start(data, schema::kMetaVocabulary);
    if (!started) return started.error();
    auto& in = started.value();
    std::size_t lists = 0, counts = 0;
    std::vector<std::string> words;
    if (!in.read_array(lists) || lists != 2 || !in.read_texts(words) || !in.read_array(counts) ||
        counts != words.size())
        return in.error(schema::kMetaVocabulary, "not [words, pages of each]");
    Vocabulary vocabulary;
    for (auto& word : words) {
        std::uint64_t pages = 0;
        if (!in.read_number(pages) || pages == 0 || pages > UINT32_MAX)
            return in.error(schema::kMetaVocabulary, "'" + word + "' has no count of pages");
        // The words come sorted: each goes at the end.
        vocabulary.emplace_hint(vocabulary.end(), std::move(word), static_cast<std::uint32_t>(pages));
    }
    if (!in.at_end()) return in.error(schema::kMetaVocabulary, "more after the pages of each word");
    return vocabulary;
}

}  // namespace medsearch
