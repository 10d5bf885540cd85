#include "medsearch/indexer/sources.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

namespace medsearch {
namespace fs = std::filesystem;
namespace {

const char* kind_of(fs::file_type type) {
    switch (type) {
        case fs::file_type::fifo: return "a FIFO";
        case fs::file_type::socket: return "a socket";
        case fs::file_type::block: return "a block device";
        case fs::file_type::character: return "a character device";
        case fs::file_type::not_found: return "a broken symbolic link";
        default: return "not a regular file";
    }
}

bool is_inside(const fs::path& root, const fs::path& path) {
    auto [end, unused] = std::mismatch(root.begin(), root.end(), path.begin(), path.end());
    return end == root.end();
}

// Why a listed file must not be read; empty when it may.
std::string refusal(const fs::path& root, const fs::directory_entry& entry) {
    std::error_code ec;
    // The listing's own file type answers for most files without a stat.
    if (entry.is_regular_file(ec) && !entry.is_symlink(ec)) return "";
    auto own = entry.symlink_status(ec);
    if (fs::is_symlink(own)) {
        auto target = fs::canonical(entry.path(), ec);
        if (ec) return "a broken symbolic link";
        if (!is_inside(root, target))
            return "a symbolic link to " + target.string() + ", outside the source folder";
    }
    auto type = entry.status(ec).type();
    if (type == fs::file_type::regular) return "";
    return std::string(kind_of(type)) + ", not a regular file";
}

}  // namespace

Result<std::vector<SourceFile>> scan_sources(const fs::path& dir) {
    std::error_code ec;
    if (!fs::is_directory(dir, ec))
        return Error{Errc::bad_input, dir.string() + ": source folder does not exist"};
    auto root = fs::canonical(dir, ec);
    if (ec) return Error{Errc::bad_input, dir.string() + ": " + ec.message()};
    std::vector<SourceFile> files;
    fs::recursive_directory_iterator it(dir, fs::directory_options::skip_permission_denied, ec);
    if (ec) return Error{Errc::bad_input, dir.string() + ": " + ec.message()};
    for (; it != fs::recursive_directory_iterator(); it.increment(ec)) {
        if (ec) return Error{Errc::bad_input, dir.string() + ": " + ec.message()};
        auto name = it->path().filename().string();
        if (name.starts_with(".") || name.starts_with("_")) {
            if (it->is_directory(ec)) it.disable_recursion_pending();
            continue;
        }
        if (it->path().extension() != ".md" || it->is_directory(ec)) continue;
        auto relative = it->path().lexically_relative(dir).generic_string();
        files.push_back({std::move(relative), it->path(), refusal(root, *it)});
    }
    std::sort(files.begin(), files.end(),
              [](const SourceFile& a, const SourceFile& b) { return a.relative < b.relative; });
    return files;
}

Result<std::string> read_whole_file(const fs::path& file, std::size_t max_bytes) {
    // O_NONBLOCK: opening a FIFO would otherwise wait for a writer, forever.
    int fd = ::open(file.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
    if (fd < 0) return Error{Errc::bad_input, "cannot open: " + std::string(std::strerror(errno))};
    struct stat info {};
    if (::fstat(fd, &info) != 0 || !S_ISREG(info.st_mode)) {
        ::close(fd);
        return Error{Errc::bad_input, "not a regular file"};
    }
    auto size = static_cast<std::size_t>(info.st_size);
    if (size > max_bytes) {
        ::close(fd);
        return Error{Errc::bad_input, "file is " + std::to_string(size) + " bytes, more than max_page_bytes (" +
                                          std::to_string(max_bytes) + ")"};
    }
    std::string bytes(size, '\0');
    std::size_t done = 0;
    while (done < bytes.size()) {
        auto n = ::read(fd, bytes.data() + done, bytes.size() - done);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) {
            std::string message = "cannot read: " + std::string(std::strerror(errno));
            ::close(fd);
            return Error{Errc::bad_input, message};
        }
        if (n == 0) break;
        done += static_cast<std::size_t>(n);
    }
    bytes.resize(done);
    ::close(fd);
    return bytes;
}

Result<std::string> read_source(const SourceFile& file, std::size_t max_bytes) {
    if (!file.refused.empty()) return Error{Errc::bad_input, "refused: " + file.refused};
    return read_whole_file(file.absolute, max_bytes);
}

}  // namespace medsearch
