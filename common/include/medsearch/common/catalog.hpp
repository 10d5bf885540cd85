#pragma once
// The catalog: every page's path, title, URL, source hash and ingredients,
// stored in the index's metadata (schema::kMetaCatalog). The indexer compares
// source hashes with it to rebuild only what changed; the searcher derives its
// drug-name lexicon from it.

#include "medsearch/common/drug_names.hpp"
#include "medsearch/common/result.hpp"

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace medsearch {

struct CatalogEntry {
    std::string path;
    std::string title;
    std::string url;
    std::uint64_t source_hash = 0;  // XXH3 of the file's bytes
    std::vector<Component> components;
};

// The stored form (docs/schema.md). Entries must be sorted by path; the
// encoding is deterministic, since the content hash covers it. Decoding fails
// on a value that is not a catalog, naming the key and the entry.
std::string encode_catalog(const std::vector<CatalogEntry>& entries);
Result<std::vector<CatalogEntry>> decode_catalog(std::string_view data);

std::uint64_t hash_bytes(std::string_view bytes);
std::string hex64(std::uint64_t value);

// hash_bytes() of bytes given in pieces (files read in blocks among them),
// without holding them all.
class StreamHash {
  public:
    StreamHash();
    StreamHash(const StreamHash&) = delete;
    StreamHash& operator=(const StreamHash&) = delete;
    ~StreamHash();
    void add(std::string_view bytes);
    // Adds the bytes of `file` and returns how many; an error when it cannot
    // be read to its end.
    Result<std::uint64_t> add_file(const std::filesystem::path& file);
    std::uint64_t digest() const;

  private:
    struct State;
    std::unique_ptr<State> state_;
};

}  // namespace medsearch
