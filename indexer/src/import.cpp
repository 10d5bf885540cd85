#include "medsearch/common/index_layout.hpp"
#include "medsearch/common/index_metadata.hpp"
#include "medsearch/common/log.hpp"
#include "medsearch/common/schema.hpp"
#include "medsearch/indexer/builder.hpp"
#include "medsearch/indexer/check.hpp"

#include <xapian.h>

#include <functional>

#include "index_dir.hpp"

namespace medsearch {
namespace fs = std::filesystem;

namespace {

constexpr const char* kStagedDir = "staged";

// The build facts of the database at `path`, which this program can serve.
Result<BuildFacts> servable_build(const fs::path& path) {
    try {
        auto db = open_generation_database(path);
        if (auto mismatch = schema::schema_mismatch(db); !mismatch.empty())
            return Error{Errc::bad_input, path.string() + ": " + mismatch};
        auto facts = decode_build_facts(db.get_metadata(schema::kMetaBuild));
        if (!facts) return Error{Errc::bad_input, path.string() + ": " + facts.error().message};
        return facts;
    } catch (const Xapian::Error& e) {
        return Error{Errc::bad_input, path.string() + ": " + e.get_description()};
    }
}

// A copy of the database `source` at `to` that opens and is sound: a damaged
// artifact would serve its damage. `outcome` ends the message of a damage
// ("not published").
Status copy_checked(const fs::path& source, const fs::path& to, const fs::path& scratch, const std::string& outcome) {
    auto copied = detail::copy_database(source, to);
    if (!copied) return copied.error();
    if (!is_complete_generation(to))
        return Error{Errc::index, "copying " + source.string() + ": the copy does not open"};
    if (auto damage = database_damage(to, scratch); !damage.empty())
        return Error{Errc::index, source.string() + ": damaged: " + damage + "; " + outcome};
    return Ok{};
}

// Publishes, as the next generation of `index_dir` (its lock held), the
// database that `place` puts at the path it is given.
Result<ImportReport> publish_next(const fs::path& index_dir,
                                  const std::function<Status(const fs::path& db, const fs::path& scratch)>& place) {
    auto serving = detail::find_serving_generation(index_dir);
    if (!serving) return serving.error();
    ImportReport report;
    report.recovered = serving.value().recovered;
    if (!report.recovered.empty()) log_warn("publish", report.recovered);
    std::string current = serving.value().generation ? serving.value().generation->name : "";
    auto generation = detail::NewGeneration::start(index_dir, current);
    if (!generation) return generation.error();
    report.generation = generation.value().name();
    if (auto placed = place(generation.value().db(), generation.value().scratch()); !placed) return placed.error();
    if (auto published = generation.value().publish(); !published) return published.error();
    return report;
}

// What publishing or staging a copy starts from: the current generation of
// `from_dir`, one this program can serve, and the lock of `index_dir`.
struct CopySource {
    fs::path path;
    BuildFacts facts;
    detail::IndexLock lock;
};

Result<CopySource> open_copy_source(const fs::path& from_dir, const fs::path& index_dir) {
    auto source = read_current_generation(from_dir);
    if (!source) return source.error();
    auto facts = servable_build(source.value().path);
    if (!facts) return facts.error();
    auto lock = detail::IndexLock::acquire(index_dir);
    if (!lock) return lock.error();
    return CopySource{source.value().path, std::move(facts.value()), std::move(lock.value())};
}

Result<ImportReport> copy_and_publish(const fs::path& from_dir, const fs::path& index_dir) {
    auto source = open_copy_source(from_dir, index_dir);
    if (!source) return source.error();
    auto report = publish_next(index_dir, [&](const fs::path& db, const fs::path& scratch) {
        return copy_checked(source.value().path, db, scratch, "not published");
    });
    if (report) report.value().pages = source.value().facts.pages;
    return report;
}

// The copy is made in tmp-staged (removed by the next writer if this one
// dies) and renamed to staged only once it is checked and durable.
Result<StageReport> copy_and_stage(const fs::path& from_dir, const fs::path& index_dir) {
    auto source = open_copy_source(from_dir, index_dir);
    if (!source) return source.error();
    const auto& facts = source.value().facts;
    auto scratch = index_dir / "tmp-staged";
    if (auto removed = detail::remove_tree(scratch); !removed) return removed.error();
    std::error_code ec;
    fs::create_directories(scratch, ec);
    if (ec) return Error{Errc::index, scratch.string() + ": " + ec.message()};
    if (auto copied = copy_checked(source.value().path, scratch / "db", scratch, "not staged"); !copied)
        return copied.error();
    if (auto sealed = detail::write_seal(scratch / "db"); !sealed) return sealed.error();
    if (auto synced = detail::sync_tree(scratch / "db"); !synced) return synced.error();
    if (auto removed = detail::remove_tree(index_dir / kStagedDir); !removed) return removed.error();
    fs::rename(scratch, index_dir / kStagedDir, ec);
    if (ec) return Error{Errc::index, "moving the staged index into place: " + ec.message()};
    if (auto synced = detail::fsync_path(index_dir, true); !synced) return synced.error();
    return StageReport{facts.build_id, facts.pages};
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
    auto report = publish_next(index_dir, [&](const fs::path& db, const fs::path&) -> Status {
        std::error_code ec;
        fs::rename(staged, db, ec);
        if (ec) return Error{Errc::index, "taking the staged index: " + ec.message()};
        return Ok{};
    });
    if (!report) return report;
    report.value().pages = facts.value().pages;
    (void)detail::remove_tree(index_dir / kStagedDir);
    return report;
}

}  // namespace

Result<ImportReport> import_index(const fs::path& from_dir, const fs::path& index_dir) {
    auto report = copy_and_publish(from_dir, index_dir);
    if (!report) return detail::explain_storage_error(report.error());
    return report;
}

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
