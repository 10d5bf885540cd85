#include "medsearch/common/synonyms.hpp"

#include "medsearch/common/text.hpp"
#include "yaml_error.hpp"

#include <yaml-cpp/yaml.h>

#include <algorithm>

namespace medsearch {
namespace {

void add(SynonymTable& table, const std::string& key, const std::string& value, SynonymKind kind) {
    if (key == value) return;
    auto& values = table.expansions[key];
    if (std::find(values.begin(), values.end(), value) == values.end()) values.push_back(value);
    table.kinds.emplace(key, kind);
}

Result<std::string> key_of(std::string_view origin, const YAML::Node& node) {
    if (!node.IsScalar()) return yaml_error(origin, node, "expected a name");
    auto key = name_key(node.as<std::string>());
    if (key.empty()) return yaml_error(origin, node, "empty name");
    return key;
}

}  // namespace

std::string_view to_string(SynonymKind kind) {
    switch (kind) {
        case SynonymKind::name: return "name";
        case SynonymKind::spelling: return "spelling";
        case SynonymKind::brand: return "brand";
        case SynonymKind::condition: return "condition";
    }
    return "name";
}

Result<SynonymTable> parse_synonyms(std::string_view yaml_text, std::string_view origin) {
    SynonymTable table;
    auto loaded = load_yaml(yaml_text, origin);
    if (!loaded) return loaded.error();
    const auto& root = loaded.value();
    if (root.IsNull()) return table;
    if (!root.IsMap()) return yaml_error(origin, root, "expected the keys names, spellings, brands, conditions");
    try {
        for (const auto& item : root) {
            auto section = item.first.as<std::string>();
            const auto& body = item.second;
            if (section == "brands") {
                if (!body.IsMap()) return yaml_error(origin, body, "brands must map a brand to its generic name(s)");
                for (const auto& brand : body) {
                    auto key = key_of(origin, brand.first);
                    if (!key) return key.error();
                    std::string generic;
                    if (brand.second.IsSequence()) {
                        for (const auto& ingredient : brand.second) {
                            auto part = key_of(origin, ingredient);
                            if (!part) return part.error();
                            generic += (generic.empty() ? "" : " + ") + part.value();
                        }
                    } else {
                        auto part = key_of(origin, brand.second);
                        if (!part) return part.error();
                        generic = part.value();
                    }
                    if (generic.empty()) return yaml_error(origin, brand.second, "brand without a generic name");
                    add(table, key.value(), generic, SynonymKind::brand);
                }
                continue;
            }
            SynonymKind kind;
            if (section == "names") {
                kind = SynonymKind::name;
            } else if (section == "spellings") {
                kind = SynonymKind::spelling;
            } else if (section == "conditions") {
                kind = SynonymKind::condition;
            } else {
                return yaml_error(origin, item.first, "unknown section '" + section +
                                                   "' (expected names, spellings, brands, conditions)");
            }
            if (!body.IsSequence()) return yaml_error(origin, body, section + " must be a list of groups");
            for (const auto& group : body) {
                if (!group.IsSequence() || group.size() < 2)
                    return yaml_error(origin, group, "a group lists two or more names: [a, b]");
                std::vector<std::string> keys;
                for (const auto& member : group) {
                    auto key = key_of(origin, member);
                    if (!key) return key.error();
                    keys.push_back(key.value());
                }
                for (const auto& from : keys)
                    for (const auto& to : keys) add(table, from, to, kind);
            }
        }
    } catch (const YAML::Exception& e) {
        return yaml_error(origin, e);
    }
    return table;
}

}  // namespace medsearch
