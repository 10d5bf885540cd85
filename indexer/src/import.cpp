#include "medsearch/common/index_layout.hpp"
#include "medsearch/common/schema.hpp"
#include "medsearch/indexer/builder.hpp"

#include <xapian.h>

#include "index_dir.hpp"

namespace medsearch {
namespace fs = std::filesystem;

Result<ImportReport> import_index(const fs::path& from_dir, const fs::path& index_dir) {
    auto source = read_current_generation(from_dir);
    if (!source) return source.error();
    ImportReport report;
    try {
        Xapian::Database db(source.value().path.string(), Xapian::DB_BACKEND_GLASS);
        if (auto mismatch = schema::schema_mismatch(db); !mismatch.empty())
            return Error{Errc::bad_input, source.value().path.string() + ": " + mismatch};
        report.pages = db.get_doccount();
    } catch (const Xapian::Error& e) {
        return Error{Errc::bad_input, source.value().path.string() + ": " + e.get_description()};
    }

    auto lock = detail::IndexLock::acquire(index_dir);
    if (!lock) return lock.error();
    std::string current;
    if (auto found = read_current_generation(index_dir)) current = found.value().name;
    auto generation = detail::NewGeneration::start(index_dir, current);
    if (!generation) return generation.error();
    report.generation = generation.value().name();
    std::error_code ec;
    fs::copy(source.value().path, generation.value().db(), fs::copy_options::recursive, ec);
    if (ec) return Error{Errc::index, "copying " + source.value().path.string() + ": " + ec.message()};
    auto published = generation.value().publish();
    if (!published) return published.error();
    return report;
}

}  // namespace medsearch
