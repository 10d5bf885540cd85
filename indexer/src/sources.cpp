#include "medsearch/indexer/sources.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

namespace medsearch {

Result<std::vector<SourceFile>> scan_sources(const std::filesystem::path& dir) {
    namespace fs = std::filesystem;
    std::error_code ec;
    if (!fs::is_directory(dir, ec))
        return Error{Errc::bad_input, dir.string() + ": source folder does not exist"};
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
        files.push_back({std::move(relative), it->path()});
    }
    std::sort(files.begin(), files.end(),
              [](const SourceFile& a, const SourceFile& b) { return a.relative < b.relative; });
    return files;
}

Result<std::string> read_whole_file(const std::filesystem::path& file) {
    // POSIX read: one fstat and one read for a page, no stream machinery.
    int fd = ::open(file.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return Error{Errc::bad_input, "cannot open: " + std::string(std::strerror(errno))};
    struct stat info {};
    if (::fstat(fd, &info) != 0 || !S_ISREG(info.st_mode)) {
        ::close(fd);
        return Error{Errc::bad_input, "not a regular file"};
    }
    std::string bytes(static_cast<std::size_t>(info.st_size), '\0');
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

}  // namespace medsearch
