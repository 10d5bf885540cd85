// Splits the published generation of an index into shards (split_into_shards
// in indexer/shards.hpp), for comparing a sharded index's answers and speed
// with the whole one's. Writes OUTDIR/gen-000001/ and OUTDIR/CURRENT.
//
//   medsearch_split_shards --db INDEXDIR --shards N --out OUTDIR

#include "medsearch/common/index_layout.hpp"
#include "medsearch/indexer/shards.hpp"

#include <CLI/CLI.hpp>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <iostream>

namespace fs = std::filesystem;

int main(int argc, char** argv) {
    CLI::App app{"Split an index's generation into shards"};
    std::string db_dir, out_dir;
    unsigned count = 4;
    app.add_option("--db", db_dir, "Index folder")->required();
    app.add_option("--shards", count, "Number of shards")->check(CLI::Range(2, 64));
    app.add_option("--out", out_dir, "Folder of the sharded index (must not exist)")->required();
    CLI11_PARSE(app, argc, argv);
    auto opened = medsearch::open_current_index(db_dir);
    if (!opened) {
        std::cerr << "medsearch_split_shards: " << opened.error().message << "\n";
        return 1;
    }
    if (fs::exists(out_dir)) {
        std::cerr << "medsearch_split_shards: " << out_dir << " exists\n";
        return 1;
    }
    const auto started = std::chrono::steady_clock::now();
    auto split = medsearch::split_into_shards(opened.value().db, fs::path(out_dir) / "gen-000001", count);
    if (!split) {
        std::cerr << "medsearch_split_shards: " << split.error().message << "\n";
        return 1;
    }
    std::ofstream(fs::path(out_dir) / medsearch::kCurrentFileName) << "gen-000001\n";
    std::cout << "split " << opened.value().db.get_doccount() << " pages into " << count << " shards in "
              << std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count() << " s\n";
    return 0;
}
