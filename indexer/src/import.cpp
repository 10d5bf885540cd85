#include "medsearch/common/index_layout.hpp"
#include "medsearch/common/log.hpp"
#include "medsearch/common/schema.hpp"
#include "medsearch/indexer/builder.hpp"
#include "medsearch/indexer/check.hpp"

#include <xapian.h>

#include "index_dir.hpp"

namespace medsearch {
namespace fs = std::filesystem;

static Result<ImportReport> copy_and_publish(const fs::path& from_dir, const fs::path& index_dir) {
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
    auto serving = detail::find_serving_generation(index_dir);
    if (!serving) return serving.error();
    report.recovered = serving.value().recovered;
    if (!report.recovered.empty()) log_warn("publish", report.recovered);
    std::string current = serving.value().generation ? serving.value().generation->name : "";
    auto generation = detail::NewGeneration::start(index_dir, current);
    if (!generation) return generation.error();
    report.generation = generation.value().name();
    auto copied = detail::copy_database(source.value().path, generation.value().db());
    if (!copied) return copied.error();
    if (!is_complete_generation(generation.value().db()))
        return Error{Errc::index, "copying " + source.value().path.string() + ": the copy does not open"};
    // A damaged artifact would serve its damage.
    if (auto damage = database_damage(generation.value().db(), generation.value().scratch()); !damage.empty())
        return Error{Errc::index, source.value().path.string() + ": damaged: " + damage + "; not published"};
    auto published = generation.value().publish();
    if (!published) return published.error();
    return report;
}

Result<ImportReport> import_index(const fs::path& from_dir, const fs::path& index_dir) {
    auto report = copy_and_publish(from_dir, index_dir);
    if (!report) return detail::explain_storage_error(report.error());
    return report;
}

}  // namespace medsearch
