#pragma once
// The Markdown files of a source folder, in a stable order, and reading them
// safely: only regular files inside the folder, of a bounded size, never
// blocking on a FIFO or a device.

#include "medsearch/common/result.hpp"

#include <cstddef>
#include <filesystem>
#include <string>
#include <vector>

namespace medsearch {

inline constexpr std::size_t kDefaultMaxPageBytes = std::size_t{4} << 20;  // config max_page_bytes

struct SourceFile {
    std::string relative;             // "a/amitriptyline.md", always with '/'
    std::filesystem::path absolute;
    std::string refused;              // why it is not read (a FIFO, a link out of the folder); empty: fine
};

// Every *.md below `dir`, sorted by relative path; folders and files whose name
// starts with '.' or '_' (Jekyll's own: _site, _includes) are left out. Files
// that must not be read (not regular, or symbolic links leading out of `dir`)
// are listed with `refused` set, so that each is reported.
Result<std::vector<SourceFile>> scan_sources(const std::filesystem::path& dir);

// The bytes of a regular file of at most `max_bytes`; a FIFO, device or socket
// is an error at once, without waiting for a writer.
Result<std::string> read_whole_file(const std::filesystem::path& file,
                                    std::size_t max_bytes = kDefaultMaxPageBytes);

// read_whole_file, or the reason scan_sources refused the file.
Result<std::string> read_source(const SourceFile& file, std::size_t max_bytes);

}  // namespace medsearch
