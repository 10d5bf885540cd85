#include "medsearch/common/index_metadata.hpp"

#include "medsearch/common/catalog.hpp"
#include "medsearch/common/schema.hpp"
#include "medsearch/common/topics.hpp"
#include "medsearch/common/vocabulary.hpp"
#include "medsearch/common/word_list.hpp"
#include "cbor.hpp"

#include <algorithm>
#include <array>
#include <limits>
#include <set>

namespace medsearch {
namespace {

constexpr std::array kSynonymKinds = {SynonymKind::name, SynonymKind::spelling, SynonymKind::brand,
                                      SynonymKind::condition};
constexpr std::size_t kBuildFactCount = 8;

bool read_int(cbor::Reader& in, int& out) {
    std::uint64_t number = 0;
    if (!in.read_number(number) || number > static_cast<std::uint64_t>(std::numeric_limits<int>::max())) return false;
    out = static_cast<int>(number);
    return true;
}

// The value of build fact `name`; false when it is not one or not of its type.
bool read_fact(cbor::Reader& in, std::string_view name, BuildFacts& facts) {
    if (name == "schema") return read_int(in, facts.schema);
    if (name == "generation") return in.read_text(facts.generation);
    if (name == "build_id") return in.read_text(facts.build_id);
    if (name == "built_at") return in.read_text(facts.built_at);
    if (name == "pages") return in.read_number(facts.pages);
    if (name == "content_hash") return in.read_text(facts.content_hash);
    if (name == "full") return in.read_boolean(facts.full);
    if (name == "threads") return read_int(in, facts.threads);
    return false;
}

// One [kind, [keys...]] per kind of synonym.
bool read_kind_group(cbor::Reader& in, SynonymKinds& kinds) {
    std::size_t fields = 0;
    std::string name;
    std::vector<std::string> keys;
    if (!in.read_array(fields) || fields != 2 || !in.read_text(name) || !in.read_texts(keys)) return false;
    auto kind = std::find_if(kSynonymKinds.begin(), kSynonymKinds.end(), [&](auto k) { return to_string(k) == name; });
    if (kind == kSynonymKinds.end()) return false;
    for (auto& key : keys) kinds.emplace(std::move(key), *kind);
    return true;
}

}  // namespace

// A map: a handful of facts, read by people and tools as much as by us.
std::string encode_build_facts(const BuildFacts& facts) {
    return cbor::encode({{"schema", facts.schema},
                         {"generation", facts.generation},
                         {"build_id", facts.build_id},
                         {"built_at", facts.built_at},
                         {"pages", facts.pages},
                         {"content_hash", facts.content_hash},
                         {"full", facts.full},
                         {"threads", facts.threads}});
}

Result<BuildFacts> decode_build_facts(std::string_view data) {
    auto started = cbor::start(data, schema::kMetaBuild);
    if (!started) return started.error();
    auto& in = started.value();
    BuildFacts facts;
    std::size_t size = 0;
    std::set<std::string> read;
    bool ok = in.read_map(size) && size == kBuildFactCount;
    for (std::size_t i = 0; ok && i < size; ++i) {
        std::string name;
        ok = in.read_text(name) && read_fact(in, name, facts) && read.insert(std::move(name)).second;
    }
    if (!ok || !in.at_end())
        return in.error(schema::kMetaBuild,
                        "not {schema, generation, build_id, built_at, pages, content_hash, full, threads}");
    return facts;
}

std::string encode_synonym_kinds(const SynonymKinds& kinds) {
    auto groups = cbor::Value::array();
    for (auto kind : kSynonymKinds) {
        auto keys = cbor::Value::array();
        for (const auto& [key, key_kind] : kinds)
            if (key_kind == kind) keys.push_back(key);
        if (!keys.empty()) groups.push_back(cbor::Value::array({to_string(kind), std::move(keys)}));
    }
    return cbor::encode(groups);
}

Result<SynonymKinds> decode_synonym_kinds(std::string_view data) {
    auto started = cbor::start(data, schema::kMetaSynonymKinds);
    if (!started) return started.error();
    auto& in = started.value();
    std::size_t groups = 0;
    if (!in.read_array(groups)) return in.error(schema::kMetaSynonymKinds, "not a list of [kind, keys]");
    SynonymKinds kinds;
    for (std::size_t i = 0; i < groups; ++i)
        if (!read_kind_group(in, kinds))
            return in.error(schema::kMetaSynonymKinds,
                            "group " + std::to_string(i + 1) + " is not [name|spelling|brand|condition, keys]");
    if (!in.at_end()) return in.error(schema::kMetaSynonymKinds, "more after the list of groups");
    return kinds;
}

std::string encode_input_hash(std::string_view hex) { return cbor::encode(std::string(hex)); }

Result<std::string> decode_input_hash(std::string_view data, std::string_view key) {
    auto started = cbor::start(data, key);
    if (!started) return started.error();
    auto& in = started.value();
    std::string hex;
    if (!in.read_text(hex) || !in.at_end()) return in.error(key, "not a hash in hex");
    return hex;
}

std::vector<std::string> unreadable_metadata(const Xapian::Database& db) {
    std::vector<std::string> problems;
    auto note = [&](const auto& decoded) {
        if (!decoded) problems.push_back(decoded.error().message);
    };
    note(decode_input_hash(db.get_metadata(schema::kMetaDerivation), schema::kMetaDerivation));
    note(decode_catalog(db.get_metadata(schema::kMetaCatalog)));
    note(decode_build_facts(db.get_metadata(schema::kMetaBuild)));
    note(decode_synonym_kinds(db.get_metadata(schema::kMetaSynonymKinds)));
    note(decode_input_hash(db.get_metadata(schema::kMetaSynonymsHash), schema::kMetaSynonymsHash));
    for (const char* key : {schema::kMetaStopwords, schema::kMetaEssential, schema::kMetaEnglishWords})
        note(decode_word_list(db.get_metadata(key), key));
    note(decode_vocabulary(db.get_metadata(schema::kMetaVocabulary)));
    note(decode_topics(db.get_metadata(schema::kMetaTopics)));
    return problems;
}

}  // namespace medsearch
