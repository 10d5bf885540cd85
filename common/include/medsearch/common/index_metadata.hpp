#pragma once
// The metadata values of an index (schema::kMeta*) that belong to no other
// module: the build facts, the kind of each synonym key and the hashes of what
// the index was built from. Every value but the schema number and the page
// dictionary is one CBOR document, written and read only through the
// encode_*/decode_* functions of common (this header, catalog.hpp,
// vocabulary.hpp, topics.hpp, word_list.hpp); docs/schema.md describes each.
// A value that cannot be read is an error naming its key.

#include "medsearch/common/result.hpp"
#include "medsearch/common/synonyms.hpp"

#include <xapian.h>

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace medsearch {

// What a build says of itself (schema::kMetaBuild), written in the commit
// that completes a generation.
struct BuildFacts {
    int schema = 0;              // schema::kVersion of the program that built it
    std::string generation;      // "gen-000007"
    std::string build_id;        // generation number and the start of the content hash
    std::string built_at;        // UTC, ISO 8601
    std::uint64_t pages = 0;
    std::string content_hash;    // check.hpp's content_hash()
    bool full = false;           // whether every page was indexed
    int threads = 0;
};

std::string encode_build_facts(const BuildFacts& facts);
Result<BuildFacts> decode_build_facts(std::string_view data);

// The kind of each synonym key (schema::kMetaSynonymKinds).
using SynonymKinds = std::map<std::string, SynonymKind>;

std::string encode_synonym_kinds(const SynonymKinds& kinds);
Result<SynonymKinds> decode_synonym_kinds(std::string_view data);

// A hash of what the index was built from, in hex (schema::kMetaDerivation,
// schema::kMetaSynonymsHash); `key` names the value in errors.
std::string encode_input_hash(std::string_view hex);
Result<std::string> decode_input_hash(std::string_view data, std::string_view key);

// What cannot be read among the CBOR values of `db`, one message each
// ("medsearch.vocabulary: not a CBOR document: ..."); empty when all decode.
// Throws what Xapian throws.
std::vector<std::string> unreadable_metadata(const Xapian::Database& db);

}  // namespace medsearch
