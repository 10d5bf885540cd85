#pragma once
// data/medicines.yaml: kinds of medicine ("antihistamines", lay name "allergy
// tablets") and conditions ("hay fever", "piles"), each with the names people
// type and the substances that answer it, first-line first. The indexer keeps
// the table in the index (schema::kMetaTopics), with the essential-medicines
// list and the English word list (word_list.hpp), so that an index carries
// everything its searcher reads a query with.

#include "medsearch/common/result.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace medsearch {

enum class TopicKind { medicine_class, condition };

// "class" or "condition": the `kind` of a topic block.
std::string_view to_string(TopicKind kind);

struct Topic {
    TopicKind kind = TopicKind::condition;
    std::string id;                    // "antihistamines", "hay-fever"
    std::string label;                 // shown: "Allergy tablets (antihistamines)"
    std::vector<std::string> names;    // name_key()s people type
    std::vector<std::string> members;  // substances (name_key()s), first-line first
    std::vector<std::string> classes;  // ids of related classes (conditions only)
    // Where the file writes the topic and each of its names and members
    // (1-based lines, parallel to names and members): for `medsearch check`.
    int line = 0;
    std::vector<int> name_lines = {};
    std::vector<int> member_lines = {};
};

struct TopicTable {
    std::vector<Topic> topics;  // classes and conditions, in file order
};

// Parses the YAML text; errors name `origin` and the line (an unknown key, a
// topic without names or members, an empty name, a name given to two topics:
// the line of its second use).
Result<TopicTable> parse_topics(std::string_view yaml_text, std::string_view origin);

// The stored form (schema::kMetaTopics, docs/schema.md); decoding fails on a
// value that is not a topic table, naming the key and the topic.
std::string encode_topics(const TopicTable& table);
Result<TopicTable> decode_topics(std::string_view data);

}  // namespace medsearch
