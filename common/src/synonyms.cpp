#include "medsearch/common/synonyms.hpp"

#include "medsearch/common/text.hpp"
#include "yaml_error.hpp"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <optional>

namespace medsearch {
namespace {

void add(SynonymTable& table, const std::string& key, const std::string& value, SynonymKind kind) {
    if (key == value) return;
    auto& values = table.expansions[key];
    if (std::find(values.begin(), values.end(), value) == values.end()) values.push_back(value);
    table.kinds.emplace(key, kind);
}

Result<WrittenName> name_of(std::string_view origin, const YAML::Node& node) {
    if (!node.IsScalar()) return yaml_error(origin, node, "expected a name");
    auto key = name_key(node.as<std::string>());
    if (key.empty()) return yaml_error(origin, node, "empty name");
    return WrittenName{std::move(key), node.Mark().line + 1};
}

// "crocin: paracetamol", or a list of ingredients for a combination brand.
Result<SynonymEntry> parse_brand(std::string_view origin, const YAML::Node& brand, const YAML::Node& generic) {
    SynonymEntry entry{SynonymKind::brand, {}, {}};
    auto name = name_of(origin, brand);
    if (!name) return name.error();
    entry.names.push_back(std::move(name.value()));
    if (generic.IsSequence()) {
        for (const auto& ingredient : generic) {
            auto part = name_of(origin, ingredient);
            if (!part) return part.error();
            entry.generics.push_back(std::move(part.value()));
        }
    } else {
        auto part = name_of(origin, generic);
        if (!part) return part.error();
        entry.generics.push_back(std::move(part.value()));
    }
    if (entry.generics.empty()) return yaml_error(origin, generic, "brand without a generic name");
    return entry;
}

Result<SynonymEntry> parse_group(std::string_view origin, const YAML::Node& group, SynonymKind kind) {
    if (!group.IsSequence() || group.size() < 2)
        return yaml_error(origin, group, "a group lists two or more names: [a, b]");
    SynonymEntry entry{kind, {}, {}};
    for (const auto& member : group) {
        auto name = name_of(origin, member);
        if (!name) return name.error();
        entry.names.push_back(std::move(name.value()));
    }
    return entry;
}

// The kind of a section's entries: "brands" -> brand, ...; none for an unknown section.
std::optional<SynonymKind> section_kind(std::string_view section) {
    if (section == "names") return SynonymKind::name;
    if (section == "spellings") return SynonymKind::spelling;
    if (section == "brands") return SynonymKind::brand;
    if (section == "conditions") return SynonymKind::condition;
    return std::nullopt;
}

// The entries of one section of the file, in order.
Status parse_section(std::string_view origin, const std::string& section, const YAML::Node& body, SynonymKind kind,
                     std::vector<SynonymEntry>& entries) {
    if (kind == SynonymKind::brand) {
        if (!body.IsMap()) return yaml_error(origin, body, "brands must map a brand to its generic name(s)");
        for (const auto& brand : body) {
            auto entry = parse_brand(origin, brand.first, brand.second);
            if (!entry) return entry.error();
            entries.push_back(std::move(entry.value()));
        }
        return Ok{};
    }
    if (!body.IsSequence()) return yaml_error(origin, body, section + " must be a list of groups");
    for (const auto& group : body) {
        auto entry = parse_group(origin, group, kind);
        if (!entry) return entry.error();
        entries.push_back(std::move(entry.value()));
    }
    return Ok{};
}

// What each entry expands: a group's names to each other, a brand to its generic.
void add_entry(SynonymTable& table, const SynonymEntry& entry) {
    if (entry.kind == SynonymKind::brand) {
        std::string generic;
        for (const auto& part : entry.generics) generic += (generic.empty() ? "" : " + ") + part.key;
        add(table, entry.names.front().key, generic, SynonymKind::brand);
        return;
    }
    for (const auto& from : entry.names)
        for (const auto& to : entry.names) add(table, from.key, to.key, entry.kind);
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
            auto kind = section_kind(section);
            if (!kind)
                return yaml_error(origin, item.first, "unknown section '" + section +
                                                       "' (expected names, spellings, brands, conditions)");
            auto parsed = parse_section(origin, section, item.second, *kind, table.entries);
            if (!parsed) return parsed.error();
        }
    } catch (const YAML::Exception& e) {
        return yaml_error(origin, e);
    }
    for (const auto& entry : table.entries) add_entry(table, entry);
    return table;
}

Result<std::vector<SynonymEntry>> parse_brands(std::string_view text, std::string_view origin) {
    std::vector<SynonymEntry> brands;
    std::map<std::string, int> seen;  // brand -> its line
    int line = 0;
    for (std::size_t start = 0; start < text.size();) {
        auto end = std::min(text.find('\n', start), text.size());
        auto row = text.substr(start, end - start);
        start = end + 1;
        ++line;
        if (auto hash = row.find('#'); hash != std::string_view::npos) row = row.substr(0, hash);
        if (trim(row).empty()) continue;
        auto where = std::string(origin) + ":" + std::to_string(line) + ": ";
        auto equals = row.find(" = ");
        if (equals == std::string_view::npos)
            return Error{Errc::bad_input, where + "expected 'brand = ingredient + ingredient'"};
        auto brand = name_key(row.substr(0, equals));
        if (brand.empty()) return Error{Errc::bad_input, where + "no brand before ' = '"};
        auto [it, inserted] = seen.emplace(brand, line);
        if (!inserted)
            return Error{Errc::bad_input, where + "'" + brand + "' is also written at line " + std::to_string(it->second)};
        SynonymEntry entry{SynonymKind::brand, {{brand, line}}, {}};
        auto rest = row.substr(equals + 3);
        for (std::size_t from = 0; from <= rest.size();) {
            auto plus = std::min(rest.find('+', from), rest.size());
            auto ingredient = name_key(rest.substr(from, plus - from));
            if (ingredient.empty()) return Error{Errc::bad_input, where + "an empty ingredient of '" + brand + "'"};
            entry.generics.push_back({ingredient, line});
            from = plus + 1;
        }
        brands.push_back(std::move(entry));
    }
    return brands;
}

void add_brands(SynonymTable& table, const std::vector<SynonymEntry>& brands) {
    for (const auto& brand : brands) {
        const auto& key = brand.names.front().key;
        std::string value;
        for (const auto& ingredient : brand.generics) value += (value.empty() ? "" : " + ") + ingredient.key;
        if (value == key) continue;
        table.expansions[key] = {value};
        table.kinds[key] = SynonymKind::brand;
        table.entries.push_back(brand);
    }
}

}  // namespace medsearch
