#include "medsearch/common/index_layout.hpp"

#include "medsearch/common/text.hpp"

#include <xapian.h>

#include <charconv>
#include <fstream>

namespace medsearch {

unsigned long generation_number(std::string_view name) {
    if (!name.starts_with(kGenerationPrefix)) return 0;
    auto digits = name.substr(std::string_view(kGenerationPrefix).size());
    unsigned long number = 0;
    std::from_chars(digits.data(), digits.data() + digits.size(), number);
    return number;
}

Result<IndexGeneration> read_current_generation(const std::filesystem::path& index_dir) {
    std::ifstream in(index_dir / kCurrentFileName);
    if (!in) {
        std::error_code ec;
        if (!std::filesystem::exists(index_dir, ec))
            return Error{Errc::not_found, index_dir.string() + ": no such index folder"};
        return Error{Errc::not_found, index_dir.string() +
                                          ": no index yet (no CURRENT file); run medsearch index"};
    }
    std::string line;
    std::getline(in, line);
    auto name = std::string(trim(line));
    if (!name.starts_with(kGenerationPrefix) || name.find('/') != std::string::npos)
        return Error{Errc::index, (index_dir / kCurrentFileName).string() +
                                      ": does not name a generation: '" + name + "'"};
    return IndexGeneration{name, index_dir / name, generation_number(name)};
}

Result<OpenedIndex> open_current_index(const std::filesystem::path& index_dir) {
    std::string last_error;
    for (int attempt = 0; attempt < 5; ++attempt) {
        auto generation = read_current_generation(index_dir);
        if (!generation) return generation.error();
        try {
            Xapian::Database db(generation.value().path.string(), Xapian::DB_BACKEND_GLASS);
            return OpenedIndex{std::move(db), std::move(generation.value())};
        } catch (const Xapian::DatabaseNotFoundError& e) {
            last_error = e.get_description();  // replaced and removed meanwhile: read again
        } catch (const Xapian::Error& e) {
            return Error{Errc::index, generation.value().path.string() + ": " + e.get_description()};
        }
    }
    return Error{Errc::index, index_dir.string() + ": cannot open the current index: " + last_error};
}

}  // namespace medsearch
