#pragma once
// Errors in a YAML file (config, synonyms) as "FILE:LINE: what", the way
// editors and CI logs link them.

#include "medsearch/common/result.hpp"

#include <yaml-cpp/yaml.h>

#include <string>
#include <string_view>

namespace medsearch {

inline Error yaml_error(std::string_view origin, const YAML::Mark& mark, const std::string& what) {
    return Error{Errc::bad_input, std::string(origin) + ":" + std::to_string(mark.line + 1) + ": " + what};
}

// `line` is 1-based, as a node's line is shown.
inline Error yaml_error_at(std::string_view origin, int line, const std::string& what) {
    return Error{Errc::bad_input, std::string(origin) + ":" + std::to_string(line) + ": " + what};
}

inline Error yaml_error(std::string_view origin, const YAML::Node& node, const std::string& what) {
    return yaml_error(origin, node.Mark(), what);
}

// A file that is not YAML at all, or a value of the wrong type.
inline Error yaml_error(std::string_view origin, const YAML::Exception& e) {
    return yaml_error(origin, e.mark, e.msg);
}

// The document of a YAML text; a syntax error names `origin` and the line.
inline Result<YAML::Node> load_yaml(std::string_view text, std::string_view origin) {
    try {
        return YAML::Load(std::string(text));
    } catch (const YAML::Exception& e) {
        return yaml_error(origin, e);
    }
}

}  // namespace medsearch
