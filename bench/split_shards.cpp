// Splits the published generation of an index into shards, for comparing a
// sharded index's answers and speed with the whole one's: page d goes to shard
// (d - 1) % N, in order, so that the combined database numbers the pages as
// the whole one does; every shard keeps the metadata and synonyms. Writes
// OUTDIR/gen-000001/ (Xapian's stub file and shard-K/) and OUTDIR/CURRENT.
//
//   medsearch_split_shards --db INDEXDIR --shards N --out OUTDIR

#include "medsearch/common/index_layout.hpp"

#include <CLI/CLI.hpp>
#include <xapian.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <iostream>

namespace fs = std::filesystem;

namespace {

void copy_shard(const Xapian::Database& whole, const fs::path& to, unsigned shard, unsigned count) {
    Xapian::WritableDatabase part(to.string(), Xapian::DB_CREATE | Xapian::DB_BACKEND_GLASS | Xapian::DB_NO_SYNC);
    for (Xapian::docid id = shard + 1; id <= whole.get_lastdocid(); id += count)
        part.add_document(whole.get_document(id));
    for (auto key = whole.metadata_keys_begin(); key != whole.metadata_keys_end(); ++key)
        part.set_metadata(*key, whole.get_metadata(*key));
    for (auto key = whole.synonym_keys_begin(); key != whole.synonym_keys_end(); ++key)
        for (auto value = whole.synonyms_begin(*key); value != whole.synonyms_end(*key); ++value)
            part.add_synonym(*key, *value);
    part.commit();
}

}  // namespace

int main(int argc, char** argv) {
    CLI::App app{"Split an index's generation into shards"};
    std::string db_dir, out_dir;
    unsigned count = 4;
    app.add_option("--db", db_dir, "Index folder")->required();
    app.add_option("--shards", count, "Number of shards")->check(CLI::Range(2, 64));
    app.add_option("--out", out_dir, "Folder of the sharded index (must not exist)")->required();
    CLI11_PARSE(app, argc, argv);
    try {
        auto opened = medsearch::open_current_index(db_dir);
        if (!opened) {
            std::cerr << "medsearch_split_shards: " << opened.error().message << "\n";
            return 1;
        }
        const auto& whole = opened.value().db;
        if (whole.get_doccount() != whole.get_lastdocid()) {
            std::cerr << "medsearch_split_shards: the database's document ids have gaps; split an index built in full\n";
            return 1;
        }
        const fs::path generation = fs::path(out_dir) / "gen-000001";
        if (fs::exists(out_dir)) {
            std::cerr << "medsearch_split_shards: " << out_dir << " exists\n";
            return 1;
        }
        fs::create_directories(generation);
        const auto started = std::chrono::steady_clock::now();
        std::ofstream stub(generation / medsearch::kShardStubFileName);
        for (unsigned shard = 0; shard < count; ++shard) {
            auto name = "shard-" + std::to_string(shard);
            copy_shard(whole, generation / name, shard, count);
            stub << "glass " << name << "\n";
        }
        stub.close();
        std::ofstream(fs::path(out_dir) / medsearch::kCurrentFileName) << "gen-000001\n";
        std::cout << "split " << whole.get_doccount() << " pages into " << count << " shards in "
                  << std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count() << " s\n";
    } catch (const Xapian::Error& e) {
        std::cerr << "medsearch_split_shards: " << e.get_description() << "\n";
        return 1;
    }
    return 0;
}
