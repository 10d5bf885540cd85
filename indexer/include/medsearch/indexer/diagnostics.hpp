#pragma once
// Findings about source pages, reported like a compiler ("file:line: error: ...").

#include <string>
#include <string_view>
#include <vector>

namespace medsearch {

enum class Severity { warning, error };

struct Diagnostic {
    Severity severity = Severity::error;
    std::string path;  // relative to the source folder
    int line = 0;      // 1-based; 0 when the finding is about the whole file
    std::string code;  // stable id: "front-matter", "no-title", "invalid-utf8", ...
    std::string message;
};

std::string_view to_string(Severity severity);

// "a/x.md:3: error: front matter has no 'title'"
std::string format_text(const Diagnostic& diagnostic);
// GitHub Actions workflow command: "::error file=a/x.md,line=3,title=no-title::..."
std::string format_github(const Diagnostic& diagnostic, std::string_view path_prefix);

}  // namespace medsearch
