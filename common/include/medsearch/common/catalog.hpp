#pragma once
// The catalog: one line per page (path, title, URL, source hash, ingredients),
// stored in the index's metadata. The indexer compares source hashes with it to
// rebuild only what changed; the searcher derives its drug-name lexicon from it.

#include "medsearch/common/drug_names.hpp"
#include "medsearch/common/result.hpp"

#include <cstdint>
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

// Entries must be sorted by path; the encoding is deterministic.
std::string encode_catalog(const std::vector<CatalogEntry>& entries);
Result<std::vector<CatalogEntry>> decode_catalog(std::string_view data);

std::uint64_t hash_bytes(std::string_view bytes);
std::string hex64(std::uint64_t value);

}  // namespace medsearch
