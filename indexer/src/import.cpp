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
        if (db.get_metadata(schema::kMetaSchema) != std::to_string(schema::kVersion))
            return Error{Errc::bad_input, source.value().path.string() + ": index schema " +
                                              db.get_metadata(schema::kMetaSchema) + ", this program serves " +
                                              std::to_string(schema::kVersion)};
        report.pages = db.get_doccount();
    } catch (const Xapian::Error& e) {
        return Error{Errc::bad_input, source.value().path.string() + ": " + e.get_description()};
    }

    auto lock = detail::IndexLock::acquire(index_dir);
    if (!lock) return lock.error();
    std::string current;
    if (auto found = read_current_generation(index_dir)) current = found.value().name;
    auto highest = detail::clean_index_dir(index_dir, current);
    report.generation = detail::generation_name(highest + 1);
    auto scratch = index_dir / ("tmp-" + report.generation);
    struct RemoveScratch {
        fs::path path;
        ~RemoveScratch() {
            std::error_code ignored;
            fs::remove_all(path, ignored);
        }
    } remove_scratch{scratch};
    std::error_code ec;
    fs::create_directories(scratch, ec);
    fs::copy(source.value().path, scratch / "db", fs::copy_options::recursive, ec);
    if (ec) return Error{Errc::index, "copying " + source.value().path.string() + ": " + ec.message()};
    auto synced = detail::sync_tree(scratch / "db");
    if (!synced) return synced.error();
    fs::rename(scratch / "db", index_dir / report.generation, ec);
    if (ec) return Error{Errc::index, "moving the index into place: " + ec.message()};
    auto published = detail::publish(index_dir, report.generation);
    if (!published) return published.error();
    detail::clean_index_dir(index_dir, report.generation);
    return report;
}

}  // namespace medsearch
