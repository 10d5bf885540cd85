#pragma once
// The Markdown files of a source folder, in a stable order.

#include "medsearch/common/result.hpp"

#include <filesystem>
#include <string>
#include <vector>

namespace medsearch {

struct SourceFile {
    std::string relative;             // "a/amitriptyline.md", always with '/'
    std::filesystem::path absolute;
};

// Every *.md below `dir`, sorted by relative path; folders and files whose name
// starts with '.' or '_' (Jekyll's own: _site, _includes) are left out.
Result<std::vector<SourceFile>> scan_sources(const std::filesystem::path& dir);

Result<std::string> read_whole_file(const std::filesystem::path& file);

}  // namespace medsearch
