#include "medsearch/indexer/diagnostics.hpp"

namespace medsearch {
namespace {

// GitHub's workflow commands need %, CR and LF escaped in the message, and also
// ',' and ':' in property values.
std::string escape_github(std::string_view text, bool property) {
    std::string out;
    for (char c : text) {
        if (c == '%') out += "%25";
        else if (c == '\r') out += "%0D";
        else if (c == '\n') out += "%0A";
        else if (property && c == ':') out += "%3A";
        else if (property && c == ',') out += "%2C";
        else out.push_back(c);
    }
    return out;
}

}  // namespace

std::string_view to_string(Severity severity) {
    return severity == Severity::error ? "error" : "warning";
}

std::string format_text(const Diagnostic& d) {
    std::string out = d.path;
    if (d.line > 0) out += ":" + std::to_string(d.line);
    out += ": ";
    out += to_string(d.severity);
    out += ": " + d.message;
    if (!d.code.empty()) out += " [" + d.code + "]";
    return out;
}

std::string format_github(const Diagnostic& d, std::string_view path_prefix) {
    std::string file(path_prefix);
    if (!file.empty() && file.back() != '/') file.push_back('/');
    file += d.path;
    std::string out = "::";
    out += to_string(d.severity);
    out += " file=" + escape_github(file, true);
    if (d.line > 0) out += ",line=" + std::to_string(d.line);
    out += ",title=" + escape_github("medsearch " + d.code, true);
    out += "::" + escape_github(d.message, false);
    return out;
}

}  // namespace medsearch
