#include "medsearch/common/topics.hpp"

#include "medsearch/common/schema.hpp"
#include "medsearch/common/text.hpp"
#include "cbor.hpp"
#include "yaml_error.hpp"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <map>

namespace medsearch {
namespace {

// How a list's items are kept: names as name_key()s; substances in lower case
// with their form and other names ("hydrocortisone (topical)"), read against
// the pages by the searcher; ids as written.
enum class Items { names, substances, ids };

// A list's items as kept, and the line each is written on.
struct ItemList {
    std::vector<std::string> keys;
    std::vector<int> lines;
};

Result<ItemList> keys_of(std::string_view origin, const YAML::Node& node, std::string_view what,
                         Items items = Items::names) {
    if (!node || !node.IsSequence() || node.size() == 0)
        return yaml_error(origin, node, std::string(what) + " must be a list of one or more names");
    ItemList list;
    for (const auto& item : node) {
        if (!item.IsScalar()) return yaml_error(origin, item, "expected a name in " + std::string(what));
        auto text = item.as<std::string>();
        auto key = items == Items::ids          ? std::string(trim(text))
                   : items == Items::substances ? (name_key(text).empty() ? "" : collapse_whitespace(fold_case(text)))
                                                : name_key(text);
        if (key.empty()) return yaml_error(origin, item, "empty name in " + std::string(what));
        list.keys.push_back(std::move(key));
        list.lines.push_back(item.Mark().line + 1);
    }
    return list;
}

Result<Topic> parse_topic(std::string_view origin, const YAML::Node& node, TopicKind kind) {
    if (!node.IsMap()) return yaml_error(origin, node, "expected a map with id, label, names and members");
    Topic topic;
    topic.kind = kind;
    topic.line = node.Mark().line + 1;
    const char* members_key = kind == TopicKind::medicine_class ? "members" : "treated_by";
    for (const auto& field : node) {
        auto key = field.first.as<std::string>();
        if (key == "id" || key == "label") {
            if (!field.second.IsScalar() || field.second.as<std::string>().empty())
                return yaml_error(origin, field.second, key + " must be a text");
            (key == "id" ? topic.id : topic.label) = field.second.as<std::string>();
        } else if (key == "names" || key == members_key || (key == "classes" && kind == TopicKind::condition)) {
            auto keys = keys_of(origin, field.second, key,
                                key == "classes" ? Items::ids : key == "names" ? Items::names : Items::substances);
            if (!keys) return keys.error();
            auto& list = keys.value();
            if (key == "names") {
                topic.names = std::move(list.keys);
                topic.name_lines = std::move(list.lines);
            } else if (key == "classes") {
                topic.classes = std::move(list.keys);
            } else {
                topic.members = std::move(list.keys);
                topic.member_lines = std::move(list.lines);
            }
        } else {
            return yaml_error(origin, field.first,
                              "unknown key '" + key + "' (expected id, label, names, " + members_key +
                                  (kind == TopicKind::condition ? ", classes)" : ")"));
        }
    }
    if (topic.id.empty()) return yaml_error(origin, node, "a topic needs an id");
    if (topic.label.empty()) return yaml_error(origin, node, "'" + topic.id + "' needs a label");
    if (topic.names.empty()) return yaml_error(origin, node, "'" + topic.id + "' needs names");
    if (topic.members.empty()) return yaml_error(origin, node, "'" + topic.id + "' needs " + members_key);
    return topic;
}

}  // namespace

std::string_view to_string(TopicKind kind) {
    return kind == TopicKind::medicine_class ? "class" : "condition";
}

Result<TopicTable> parse_topics(std::string_view yaml_text, std::string_view origin) {
    TopicTable table;
    auto loaded = load_yaml(yaml_text, origin);
    if (!loaded) return loaded.error();
    const auto& root = loaded.value();
    if (root.IsNull()) return table;
    if (!root.IsMap()) return yaml_error(origin, root, "expected the keys classes and conditions");
    std::map<std::string, std::string> owner;  // name or id -> the topic that has it
    try {
        for (const auto& item : root) {
            auto section = item.first.as<std::string>();
            TopicKind kind;
            if (section == "classes") {
                kind = TopicKind::medicine_class;
            } else if (section == "conditions") {
                kind = TopicKind::condition;
            } else {
                return yaml_error(origin, item.first, "unknown section '" + section + "' (expected classes, conditions)");
            }
            if (!item.second.IsSequence()) return yaml_error(origin, item.second, section + " must be a list");
            for (const auto& node : item.second) {
                auto topic = parse_topic(origin, node, kind);
                if (!topic) return topic.error();
                if (!owner.emplace("id:" + topic.value().id, topic.value().id).second)
                    return yaml_error(origin, node, "id '" + topic.value().id + "' is used twice");
                const auto& names = topic.value().names;
                for (std::size_t i = 0; i < names.size(); ++i) {
                    auto [it, inserted] = owner.emplace(names[i], topic.value().id);
                    if (!inserted && it->second != topic.value().id)
                        return yaml_error_at(origin, topic.value().name_lines[i],
                                             "'" + names[i] + "' names both '" + it->second + "' and '" +
                                              topic.value().id + "'");
                }
                table.topics.push_back(std::move(topic.value()));
            }
        }
    } catch (const YAML::Exception& e) {
        return yaml_error(origin, e);
    }
    for (const auto& topic : table.topics)
        for (const auto& id : topic.classes)
            if (!owner.count("id:" + id))
                return Error{Errc::bad_input, std::string(origin) + ": '" + topic.id + "' names an unknown class '" +
                                                  id + "'"};
    return table;
}

namespace {

// A topic: [kind, id, label, [names...], [members...], [classes...]].
bool read_topic(cbor::Reader& in, Topic& topic) {
    std::size_t fields = 0;
    std::string kind;
    if (!in.read_array(fields) || fields != 6 || !in.read_text(kind)) return false;
    if (kind != to_string(TopicKind::medicine_class) && kind != to_string(TopicKind::condition)) return false;
    topic.kind = kind == to_string(TopicKind::medicine_class) ? TopicKind::medicine_class : TopicKind::condition;
    return in.read_text(topic.id) && in.read_text(topic.label) && in.read_texts(topic.names) &&
           in.read_texts(topic.members) && in.read_texts(topic.classes);
}

}  // namespace

std::string encode_topics(const TopicTable& table) {
    auto list = cbor::Value::array();
    for (const auto& topic : table.topics)
        list.push_back(cbor::Value::array({to_string(topic.kind), topic.id, topic.label, cbor::texts(topic.names),
                                           cbor::texts(topic.members), cbor::texts(topic.classes)}));
    return cbor::encode(list);
}

Result<TopicTable> decode_topics(std::string_view data) {
    auto started = cbor::start(data, schema::kMetaTopics);
    if (!started) return started.error();
    auto& in = started.value();
    std::size_t count = 0;
    if (!in.read_array(count)) return in.error(schema::kMetaTopics, "not a list of topics");
    TopicTable table;
    for (std::size_t i = 0; i < count; ++i)
        if (!read_topic(in, table.topics.emplace_back()))
            return in.error(schema::kMetaTopics,
                            "topic " + std::to_string(i + 1) + " is not [kind, id, label, names, members, classes]");
    if (!in.at_end()) return in.error(schema::kMetaTopics, "more after the list of topics");
    return table;
}

}  // namespace medsearch
