#include "medsearch/common/questions.hpp"

#include "medsearch/common/schema.hpp"
#include "medsearch/common/text.hpp"
#include "yaml_error.hpp"

#include <yaml-cpp/yaml.h>

#include <algorithm>

namespace medsearch {
namespace {

// A list of names as name_key()s ('*' kept: it stands for words in phrases).
Result<std::vector<std::string>> keys_of(std::string_view origin, const YAML::Node& node, std::string_view what) {
    if (!node.IsSequence() || node.size() == 0)
        return yaml_error(origin, node, std::string(what) + " must be a list of one or more words");
    std::vector<std::string> keys;
    for (const auto& item : node) {
        if (!item.IsScalar()) return yaml_error(origin, item, "expected a word in " + std::string(what));
        std::string key, text = item.as<std::string>();
        for (std::size_t start = 0; start < text.size();) {
            auto end = std::min(text.find(' ', start), text.size());
            auto part = std::string_view(text).substr(start, end - start);
            auto word = part == "*" ? std::string("*") : name_key(part);
            if (!word.empty()) key += (key.empty() ? "" : " ") + word;
            start = end + 1;
        }
        if (key.empty()) return yaml_error(origin, item, "empty word in " + std::string(what));
        keys.push_back(std::move(key));
    }
    return keys;
}

bool is_section_id(std::string_view id) {
    return std::any_of(std::begin(schema::kSections), std::end(schema::kSections),
                       [&](const schema::SectionSpec& spec) { return spec.id == id; });
}

Result<QuestionAsk> parse_ask(std::string_view origin, const YAML::Node& node) {
    if (!node.IsMap()) return yaml_error(origin, node, "expected a map with about, words or phrases, and sections");
    QuestionAsk ask;
    for (const auto& field : node) {
        auto key = field.first.as<std::string>();
        if (key == "about") {
            ask.about = field.second.as<std::string>();
        } else if (key == "only") {
            ask.only = field.second.as<bool>();
        } else if (key == "words" || key == "phrases" || key == "sections") {
            auto keys = keys_of(origin, field.second, key);
            if (!keys) return keys.error();
            (key == "words" ? ask.words : key == "phrases" ? ask.phrases : ask.sections) = std::move(keys.value());
        } else {
            return yaml_error(origin, field.first, "unknown key '" + key + "' (expected about, words, phrases, sections, only)");
        }
    }
    for (auto& id : ask.sections) {
        std::replace(id.begin(), id.end(), ' ', '-');
        if (!is_section_id(id)) return yaml_error(origin, node, "'" + id + "' is not a section id");
    }
    if (ask.sections.empty()) return yaml_error(origin, node, "'" + ask.about + "' needs sections");
    if (ask.words.empty() && ask.phrases.empty()) return yaml_error(origin, node, "'" + ask.about + "' needs words or phrases");
    return ask;
}

Status parse_lay_words(std::string_view origin, const YAML::Node& node, QuestionTable& table) {
    if (!node.IsMap()) return yaml_error(origin, node, "lay_words must map a word to the words pages use");
    for (const auto& entry : node) {
        auto word = name_key(entry.first.as<std::string>());
        if (word.empty()) return yaml_error(origin, entry.first, "empty lay word");
        auto keys = keys_of(origin, entry.second, word);
        if (!keys) return keys.error();
        table.lay_words[word] = std::move(keys.value());
    }
    return Ok{};
}

}  // namespace

Result<QuestionTable> parse_questions(std::string_view yaml_text, std::string_view origin) {
    QuestionTable table;
    auto loaded = load_yaml(yaml_text, origin);
    if (!loaded) return loaded.error();
    const auto& root = loaded.value();
    if (root.IsNull()) return table;
    if (!root.IsMap()) return yaml_error(origin, root, "expected the keys question_words, lay_words and asks");
    try {
        for (const auto& item : root) {
            auto section = item.first.as<std::string>();
            if (section == "question_words") {
                auto keys = keys_of(origin, item.second, section);
                if (!keys) return keys.error();
                table.question_words = std::move(keys.value());
            } else if (section == "lay_words") {
                auto parsed = parse_lay_words(origin, item.second, table);
                if (!parsed) return parsed.error();
            } else if (section == "asks") {
                if (!item.second.IsSequence()) return yaml_error(origin, item.second, "asks must be a list");
                for (const auto& node : item.second) {
                    auto ask = parse_ask(origin, node);
                    if (!ask) return ask.error();
                    table.asks.push_back(std::move(ask.value()));
                }
            } else {
                return yaml_error(origin, item.first,
                                  "unknown section '" + section + "' (expected question_words, lay_words, asks)");
            }
        }
    } catch (const YAML::Exception& e) {
        return yaml_error(origin, e);
    }
    return table;
}

}  // namespace medsearch
