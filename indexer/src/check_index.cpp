#include "medsearch/common/catalog.hpp"
#include "medsearch/common/index_layout.hpp"
#include "medsearch/common/index_metadata.hpp"
#include "medsearch/common/monograph.hpp"
#include "medsearch/common/schema.hpp"
#include "medsearch/indexer/check.hpp"
#include "index_dir.hpp"

#include <stdlib.h>

#include <xapian.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <sstream>

namespace medsearch {
namespace fs = std::filesystem;
namespace {

constexpr std::size_t kMostProblems = 10;  // pages named one by one: one damaged block can spoil thousands

// Every metadata value reads, and the build facts agree with the rest.
void check_metadata(const Xapian::Database& db, std::vector<std::string>& problems) {
    auto unreadable = unreadable_metadata(db);
    problems.insert(problems.end(), unreadable.begin(), unreadable.end());
    auto facts = decode_build_facts(db.get_metadata(schema::kMetaBuild));
    auto derivation = decode_input_hash(db.get_metadata(schema::kMetaDerivation), schema::kMetaDerivation);
    auto dictionaries = decode_input_hash(db.get_metadata(schema::kMetaSynonymsHash), schema::kMetaSynonymsHash);
    if (!facts || !derivation || !dictionaries) return;  // said above
    if (facts.value().pages != db.get_doccount())
        problems.push_back("its build facts count " + std::to_string(facts.value().pages) +
                           " pages, the database holds " + std::to_string(db.get_doccount()));
    auto hash = content_hash(derivation.value(), dictionaries.value(), db.get_metadata(schema::kMetaCatalog));
    if (facts.value().content_hash != hash)
        problems.push_back("its catalog or derivation does not match the content hash of its build facts");
}

// Each catalog entry: one document, whose path value and stored page name it.
void check_documents(const Xapian::Database& db, std::vector<std::string>& problems) {
    auto catalog = decode_catalog(db.get_metadata(schema::kMetaCatalog));
    if (!catalog) return;  // check_metadata says why
    if (catalog.value().size() != db.get_doccount())
        problems.push_back("its catalog lists " + std::to_string(catalog.value().size()) + " pages, the database holds " +
                           std::to_string(db.get_doccount()));
    const PageCodec codec(db.get_metadata(schema::kMetaPageDictionary));
    std::size_t bad = 0;
    StoredPage stored;
    for (const auto& entry : catalog.value()) {
        auto id = schema::id_term(entry.path);
        std::string problem;
        if (db.get_termfreq(id) != 1) {
            problem = "in the catalog, with " + std::to_string(db.get_termfreq(id)) + " documents";
        } else {
            auto doc = db.get_document(*db.postlist_begin(id));
            if (doc.get_value(schema::kSlotPath) != entry.path) problem = "a document of another path";
            else if (!codec.decode(doc.get_value(schema::kSlotPage), stored) || stored.path != entry.path)
                problem = "a stored page that does not decode";
        }
        if (problem.empty()) continue;
        if (++bad <= kMostProblems) problems.push_back(entry.path + ": " + problem);
    }
    if (bad > kMostProblems) problems.push_back(std::to_string(bad - kMostProblems) + " more pages like these");
}

// Xapian's findings about the database at `path`; throws what its check throws.
std::string xapian_check(const fs::path& path) {
    std::ostringstream findings;
    auto errors = Xapian::Database::check(path.string(), 0, &findings);
    if (errors == 0) return {};
    auto text = findings.str();
    auto first = text.substr(0, text.find('\n'));
    return std::to_string(errors) + " errors in its tables" + (first.empty() ? "" : ", first: " + first);
}

}  // namespace

std::string content_hash(std::string_view derivation, std::string_view synonyms_hash, std::string_view catalog) {
    std::string hashed(derivation);
    hashed.append(synonyms_hash);
    hashed.append(catalog);
    return hex64(hash_bytes(hashed));
}

std::string database_damage(const std::filesystem::path& path, const std::filesystem::path& scratch) {
    std::vector<fs::path> shards;
    try {
        shards = generation_databases(path);
    } catch (const Xapian::Error& e) {
        return e.get_description();
    }
    if (shards.size() > 1 || shards.front() != path) {
        for (const auto& shard : shards)
            if (auto damage = database_damage(shard, scratch); !damage.empty())
                return shard.filename().string() + ": " + damage;
        return {};
    }
    try {
        return xapian_check(path);
    } catch (const Xapian::DatabaseOpeningError&) {
        // Xapian's check opens tables for writing: a database this process may
        // not write (read-only files) is checked through a copy.
    } catch (const Xapian::Error& e) {
        return e.get_description();
    }
    auto folder = scratch / "check-XXXXXX";
    std::string name = folder.string();
    if (!::mkdtemp(name.data())) return "cannot check " + path.string() + ": " + std::strerror(errno);
    std::string damage;
    if (auto copied = detail::copy_database(path, fs::path(name) / "db"); !copied) {
        damage = copied.error().message;
    } else {
        try {
            damage = xapian_check(fs::path(name) / "db");
        } catch (const Xapian::Error& e) {
            damage = e.get_description();
        }
    }
    (void)detail::remove_tree(name);
    return damage;
}

Result<IndexCheckReport> check_index(const std::filesystem::path& index_dir) {
    auto started = std::chrono::steady_clock::now();
    auto opened = open_current_index(index_dir);
    if (!opened) return opened.error();
    IndexCheckReport report;
    const auto& generation = opened.value().generation;
    report.generation = generation.name;
    // Readers cope with a damaged CURRENT, but it is damage all the same.
    if (!opened.value().fallback.empty()) report.problems.push_back(opened.value().fallback);
    if (auto damage = database_damage(generation.path, fs::temp_directory_path()); !damage.empty())
        report.problems.push_back(damage);
    try {
        const auto& db = opened.value().db;
        report.pages = db.get_doccount();
        // The metadata of another schema is in another encoding: the mismatch says it all.
        if (auto mismatch = schema::schema_mismatch(db); !mismatch.empty()) {
            report.problems.push_back(mismatch + "; rebuild it with medsearch index --full");
        } else {
            check_metadata(db, report.problems);
            check_documents(db, report.problems);
        }
    } catch (const Xapian::Error& e) {
        // Reading a damaged block fails as Xapian's check of it did: one problem.
        auto& problems = report.problems;
        if (std::find(problems.begin(), problems.end(), e.get_description()) == problems.end())
            problems.push_back(e.get_description());
    }
    report.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    return report;
}

}  // namespace medsearch
