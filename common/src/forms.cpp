#include "medsearch/common/forms.hpp"

#include "medsearch/common/config.hpp"
#include "medsearch/common/facets.hpp"
#include "medsearch/common/text.hpp"
#include "yaml_error.hpp"

#include <yaml-cpp/yaml.h>

#include <algorithm>

namespace medsearch {
namespace {

Result<std::vector<std::string>> words_of(std::string_view origin, const YAML::Node& node, std::string_view what) {
    if (!node.IsSequence() || node.size() == 0)
        return yaml_error(origin, node, std::string(what) + " must be a list of one or more words");
    std::vector<std::string> words;
    for (const auto& item : node) {
        auto word = item.IsScalar() ? name_key(item.as<std::string>()) : std::string();
        if (word.empty()) return yaml_error(origin, item, "expected a word in " + std::string(what));
        words.push_back(std::move(word));
    }
    return words;
}

Result<FormRoute> parse_route(std::string_view origin, const YAML::Node& node) {
    if (!node.IsMap()) return yaml_error(origin, node, "expected a map with qualifier and words");
    FormRoute route;
    for (const auto& field : node) {
        auto key = field.first.as<std::string>();
        if (key == "qualifier") {
            route.qualifier = name_key(field.second.as<std::string>());
        } else if (key == "own_page_fits") {
            route.own_page_fits = field.second.as<bool>();
        } else if (key == "words" || key == "with" || key == "fits") {
            auto words = words_of(origin, field.second, key);
            if (!words) return words.error();
            (key == "words" ? route.words : key == "with" ? route.with : route.fits) = std::move(words.value());
        } else {
            return yaml_error(origin, field.first, "unknown key '" + key + "' (expected qualifier, words, with, own_page_fits, fits)");
        }
    }
    if (route.qualifier.empty() || route.words.empty()) return yaml_error(origin, node, "a route needs a qualifier and words");
    return route;
}

Result<PageRoute> parse_page_route(std::string_view origin, const YAML::Node& node) {
    if (!node.IsMap()) return yaml_error(origin, node, "expected a map with route, qualifiers and phrases");
    PageRoute route;
    for (const auto& field : node) {
        auto key = field.first.as<std::string>();
        if (key == "route") {
            route.route = field.second.as<std::string>();
            if (std::find(kFacetRoutes.begin(), kFacetRoutes.end(), route.route) == kFacetRoutes.end())
                return yaml_error(origin, field.second, "unknown route '" + route.route + "'");
        } else if (key == "qualifiers" || key == "phrases") {
            auto words = words_of(origin, field.second, key);
            if (!words) return words.error();
            (key == "qualifiers" ? route.qualifiers : route.phrases) = std::move(words.value());
        } else {
            return yaml_error(origin, field.first, "unknown key '" + key + "' (expected route, qualifiers, phrases)");
        }
    }
    if (route.route.empty() || route.phrases.empty()) return yaml_error(origin, node, "a page route needs a route and phrases");
    return route;
}

Status parse_section(std::string_view origin, const std::string& name, const YAML::Node& body, FormTable& table) {
    if (name == "routes") {
        if (!body.IsSequence()) return yaml_error(origin, body, "routes must be a list");
        for (const auto& node : body) {
            auto route = parse_route(origin, node);
            if (!route) return route.error();
            table.routes.push_back(std::move(route.value()));
        }
        return Ok{};
    }
    if (name == "page_routes") {
        if (!body.IsSequence()) return yaml_error(origin, body, "page_routes must be a list");
        for (const auto& node : body) {
            auto route = parse_page_route(origin, node);
            if (!route) return route.error();
            table.page_routes.push_back(std::move(route.value()));
        }
        return Ok{};
    }
    auto* list = name == "not_what_for" ? &table.not_what_for
                 : name == "units"      ? &table.units
                 : name == "product_codes" ? &table.product_codes
                                           : nullptr;
    if (!list) return yaml_error(origin, body, "unknown section '" + name + "' (expected not_what_for, routes, page_routes, units, product_codes)");
    auto words = words_of(origin, body, name);
    if (!words) return words.error();
    *list = std::move(words.value());
    return Ok{};
}

}  // namespace

Result<FormTable> parse_forms(std::string_view yaml_text, std::string_view origin) {
    FormTable table;
    auto loaded = load_yaml(yaml_text, origin);
    if (!loaded) return loaded.error();
    const auto& root = loaded.value();
    if (root.IsNull()) return table;
    if (!root.IsMap()) return yaml_error(origin, root, "expected the keys not_what_for, routes, units, product_codes");
    try {
        for (const auto& item : root) {
            auto parsed = parse_section(origin, item.first.as<std::string>(), item.second, table);
            if (!parsed) return parsed.error();
        }
    } catch (const YAML::Exception& e) {
        return yaml_error(origin, e);
    }
    return table;
}

Result<FormTable> read_built_in_forms() {
    auto text = read_data_file({}, "forms.yaml");
    if (!text) return text.error();
    return parse_forms(text.value(), "forms.yaml");
}

}  // namespace medsearch
