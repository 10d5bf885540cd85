#include "medsearch/indexer/shards.hpp"

#include "medsearch/common/index_layout.hpp"

#include <fstream>

namespace medsearch {
namespace fs = std::filesystem;
namespace {

void write_shard(const Xapian::Database& whole, const fs::path& to, unsigned shard, unsigned count) {
    Xapian::WritableDatabase part(to.string(), Xapian::DB_CREATE | Xapian::DB_BACKEND_GLASS | Xapian::DB_NO_SYNC);
    for (Xapian::docid id = shard + 1; id <= whole.get_lastdocid(); id += count)
        part.add_document(whole.get_document(id));
    // The metadata and synonyms once, in the first shard, as `index --shards` writes them.
    if (shard == 0) {
        for (auto key = whole.metadata_keys_begin(); key != whole.metadata_keys_end(); ++key)
            part.set_metadata(*key, whole.get_metadata(*key));
        for (auto key = whole.synonym_keys_begin(); key != whole.synonym_keys_end(); ++key)
            for (auto value = whole.synonyms_begin(*key); value != whole.synonyms_end(*key); ++value)
                part.add_synonym(*key, *value);
    }
    part.commit();
}

}  // namespace

Status split_into_shards(const Xapian::Database& whole, const fs::path& generation, unsigned count) {
    if (count < 1) return Error{Errc::bad_input, "a split needs at least one shard"};
    if (whole.get_doccount() != whole.get_lastdocid())
        return Error{Errc::bad_input, "the database's document ids have gaps: split an index built in full"};
    std::error_code ec;
    if (fs::exists(generation, ec) || !fs::create_directories(generation, ec))
        return Error{Errc::bad_input, generation.string() + ": exists or cannot be made"};
    try {
        for (unsigned shard = 0; shard < count; ++shard)
            write_shard(whole, generation / shard_folder_name(shard), shard, count);
    } catch (const Xapian::Error& e) {
        return Error{Errc::index, generation.string() + ": " + e.get_description()};
    }
    std::ofstream stub(generation / kShardStubFileName);
    stub << shard_stub_text(count);
    stub.close();
    if (!stub) return Error{Errc::index, (generation / kShardStubFileName).string() + ": cannot write"};
    return Ok{};
}

}  // namespace medsearch
