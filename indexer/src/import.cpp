#include "medsearch/common/index_layout.hpp"
#include "medsearch/common/index_metadata.hpp"
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

namespace {

constexpr const char* kStagedDir = "staged";

// The build facts of the database at `path`, which this program can serve.
Result<BuildFacts> servable_build(const fs::path& path) {
    try {
        Xapian::Database db(path.string(), Xapian::DB_BACKEND_GLASS);
        if (auto mismatch = schema::schema_mismatch(db); !mismatch.empty())
            return Error{Errc::bad_input, path.string() + ": " + mismatch};
        auto facts = decode_build_facts(db.get_metadata(schema::kMetaBuild));
        if (!facts) return Error{Errc::bad_input, path.string() + ": " + facts.error().message};
        return facts;
    } catch (const Xapian::Error& e) {
        return Error{Errc::bad_input, path.string() + ": " + e.get_description()};
    }
}

// The copy is made in tmp-staged (removed by the next writer if this one
// dies) and renamed to staged only once it is checked and durable.
Result<StageReport> copy_and_stage(const fs::path& from_dir, const fs::path& index_dir) {
    auto source = read_current_generation(from_dir);
    if (!source) return source.error();
    auto facts = servable_build(source.value().path);
    if (!facts) return facts.error();
    auto lock = detail::IndexLock::acquire(index_dir);
    if (!lock) return lock.error();
    auto scratch = index_dir / "tmp-staged";
    if (auto removed = detail::remove_tree(scratch); !removed) return removed.error();
    std::error_code ec;
    fs::create_directories(scratch, ec);
    if (ec) return Error{Errc::index, scratch.string() + ": " + ec.message()};
    auto copied = detail::copy_database(source.value().path, scratch / "db");
    if (!copied) return copied.error();
    if (!is_complete_generation(scratch / "db"))
        return Error{Errc::index, "copying " + source.value().path.string() + ": the copy does not open"};
    if (auto damage = database_damage(scratch / "db", scratch); !damage.empty())
        return Error{Errc::index, source.value().path.string() + ": damaged: " + damage + "; not staged"};
    if (auto synced = detail::sync_tree(scratch / "db"); !synced) return synced.error();
    if (auto removed = detail::remove_tree(index_dir / kStagedDir); !removed) return removed.error();
    fs::rename(scratch, index_dir / kStagedDir, ec);
    if (ec) return Error{Errc::index, "moving the staged index into place: " + ec.message()};
    if (auto synced = detail::fsync_path(index_dir, true); !synced) return synced.error();
    return StageReport{facts.value().build_id, facts.value().pages};
}

Result<ImportReport> publish_staged(const fs::path& index_dir, const std::string& build_id) {
    auto lock = detail::IndexLock::acquire(index_dir);
    if (!lock) return lock.error();
    auto staged = index_dir / kStagedDir / "db";
    if (!is_complete_generation(staged))
        return Error{Errc::not_found, index_dir.string() + ": nothing is staged (medsearch publish --stage --from DIR)"};
    auto facts = servable_build(staged);
    if (!facts) return facts.error();
    if (!build_id.empty() && facts.value().build_id != build_id)
        return Error{Errc::bad_input, index_dir.string() + ": the staged build is " + facts.value().build_id +
                                          ", not " + build_id + "; not activated"};
    auto serving = detail::find_serving_generation(index_dir);
    if (!serving) return serving.error();
    ImportReport report;
    report.recovered = serving.value().recovered;
    report.pages = facts.value().pages;
    std::string current = serving.value().generation ? serving.value().generation->name : "";
    auto generation = detail::NewGeneration::start(index_dir, current);
    if (!generation) return generation.error();
    report.generation = generation.value().name();
    std::error_code ec;
    fs::rename(staged, generation.value().db(), ec);
    if (ec) return Error{Errc::index, "taking the staged index: " + ec.message()};
    auto published = generation.value().publish();
    if (!published) return published.error();
    (void)detail::remove_tree(index_dir / kStagedDir);
    return report;
}

}  // namespace

Result<StageReport> stage_index(const fs::path& from_dir, const fs::path& index_dir) {
    auto report = copy_and_stage(from_dir, index_dir);
    if (!report) return detail::explain_storage_error(report.error());
    return report;
}

Result<ImportReport> activate_staged(const fs::path& index_dir, const std::string& build_id) {
    auto report = publish_staged(index_dir, build_id);
    if (!report) return detail::explain_storage_error(report.error());
    return report;
}

}  // namespace medsearch
