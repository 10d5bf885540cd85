#include "medsearch/common/catalog.hpp"
#include "medsearch/common/index_layout.hpp"
#include "medsearch/common/index_metadata.hpp"
#include "medsearch/common/schema.hpp"
#include "medsearch/common/topics.hpp"
#include "medsearch/common/vocabulary.hpp"
#include "medsearch/common/word_list.hpp"
#include "medsearch/indexer/check.hpp"
#include "support.hpp"

#include <xapian.h>

#include <climits>
#include <cstdint>
#include <functional>
#include <random>

using namespace medsearch;
using namespace medsearch::test;

namespace {

std::vector<CatalogEntry> sample_catalog() {
    return {
        {"a/amoxicillin-clavulanic-acid.md", "Amoxicillin + Clavulanic Acid", "/composition/a/amoxicillin-clavulanic-acid/",
         0xfedcba9876543210ull,  // needs all eight bytes of a CBOR number
         {{"Amoxicillin", {}, ""}, {"Clavulanic Acid", {"clavulanate"}, ""}}},
        {"c/cetirizine-ophthalmic.md", "Cetirizine (Ophthalmic)", "/composition/c/cetirizine-ophthalmic/", 7,
         {{"Cetirizine", {"cetirizine hydrochloride", "zyrtec"}, "Ophthalmic"}}},
        {"x/x.md", "X", "/x/", 0, {}},
    };
}

TopicTable sample_topics() {
    TopicTable table;
    table.topics.push_back({TopicKind::medicine_class, "antihistamines", "Allergy tablets (antihistamines)",
                            {"antihistamines", "allergy tablets"}, {"cetirizine", "hydrocortisone (topical)"}, {}});
    table.topics.push_back({TopicKind::condition, "hay-fever", "Hay fever", {"hay fever"}, {"cetirizine"},
                            {"antihistamines"}});
    return table;
}

// Every decoder of a metadata value, with its key: what each must name when
// it cannot read a value.
struct Decoder {
    const char* key;
    std::function<std::optional<Error>(std::string_view)> decode;
};

template <typename T>
std::optional<Error> error_of(const Result<T>& decoded) {
    if (decoded) return std::nullopt;
    return decoded.error();
}

const std::vector<Decoder>& decoders() {
    static const std::vector<Decoder> all = {
        {schema::kMetaCatalog, [](auto data) { return error_of(decode_catalog(data)); }},
        {schema::kMetaVocabulary, [](auto data) { return error_of(decode_vocabulary(data)); }},
        {schema::kMetaTopics, [](auto data) { return error_of(decode_topics(data)); }},
        {schema::kMetaStopwords, [](auto data) { return error_of(decode_word_list(data, schema::kMetaStopwords)); }},
        {schema::kMetaSynonymKinds, [](auto data) { return error_of(decode_synonym_kinds(data)); }},
        {schema::kMetaBuild, [](auto data) { return error_of(decode_build_facts(data)); }},
        {schema::kMetaDerivation, [](auto data) { return error_of(decode_input_hash(data, schema::kMetaDerivation)); }},
    };
    return all;
}

// A sound value of each key of decoders(), in the same order.
std::vector<std::string> sound_values() {
    BuildFacts facts{16, "gen-000007", "7-0123abcd", "2026-01-02T03:04:05Z", 6447, "0123abcd0123abcd", true, 2};
    return {encode_catalog(sample_catalog()),
            encode_vocabulary({{"aspirin", 1}, {"dose", 300}, {"the", UINT32_MAX}}),
            encode_topics(sample_topics()),
            encode_word_list({"a", "about", "the"}),
            encode_synonym_kinds({{"albuterol", SynonymKind::name}, {"crocin", SynonymKind::brand}}),
            encode_build_facts(facts),
            encode_input_hash("0123456789abcdef")};
}

std::string hex(std::string_view bytes) {
    std::string out;
    for (unsigned char c : bytes) out += "0123456789abcdef"[c >> 4], out += "0123456789abcdef"[c & 15];
    return out;
}

}  // namespace

TEST_CASE("every metadata value decodes to what was encoded", "[metadata][unit]") {
    auto catalog = decode_catalog(encode_catalog(sample_catalog()));
    REQUIRE(catalog.ok());
    REQUIRE(catalog.value().size() == 3);
    for (std::size_t i = 0; i < 3; ++i) {
        const auto &got = catalog.value()[i], want = sample_catalog()[i];
        CAPTURE(want.path);
        CHECK(got.path == want.path);
        CHECK(got.title == want.title);
        CHECK(got.url == want.url);
        CHECK(got.source_hash == want.source_hash);
        REQUIRE(got.components.size() == want.components.size());
        for (std::size_t c = 0; c < want.components.size(); ++c) {
            CHECK(got.components[c].name == want.components[c].name);
            CHECK(got.components[c].qualifier == want.components[c].qualifier);
            CHECK(got.components[c].aliases == want.components[c].aliases);
        }
    }

    // Counts in every width of a CBOR number.
    const Vocabulary vocabulary = {{"a", 23}, {"b", 24}, {"c", 255}, {"d", 256}, {"e", 65536}, {"f", UINT32_MAX}};
    auto words = decode_vocabulary(encode_vocabulary(vocabulary));
    REQUIRE(words.ok());
    CHECK(words.value() == vocabulary);

    auto topics = decode_topics(encode_topics(sample_topics()));
    REQUIRE(topics.ok());
    REQUIRE(topics.value().topics.size() == 2);
    CHECK(topics.value().topics[0].kind == TopicKind::medicine_class);
    CHECK(topics.value().topics[0].label == "Allergy tablets (antihistamines)");
    CHECK(topics.value().topics[0].members == std::vector<std::string>{"cetirizine", "hydrocortisone (topical)"});
    CHECK(topics.value().topics[1].kind == TopicKind::condition);
    CHECK(topics.value().topics[1].classes == std::vector<std::string>{"antihistamines"});

    // Texts of every length class: empty, short, past one byte, UTF-8.
    const std::vector<std::string> list = {"", "café", std::string(300, 'w'), std::string(70000, 'x')};
    auto decoded_list = decode_word_list(encode_word_list(list), schema::kMetaEnglishWords);
    REQUIRE(decoded_list.ok());
    CHECK(decoded_list.value() == list);
    auto empty_list = decode_word_list(encode_word_list({}), schema::kMetaStopwords);
    REQUIRE(empty_list.ok());
    CHECK(empty_list.value().empty());

    const SynonymKinds kinds = {{"albuterol", SynonymKind::name},
                                {"colour", SynonymKind::spelling},
                                {"crocin", SynonymKind::brand},
                                {"high blood pressure", SynonymKind::condition}};
    auto decoded_kinds = decode_synonym_kinds(encode_synonym_kinds(kinds));
    REQUIRE(decoded_kinds.ok());
    CHECK(decoded_kinds.value() == kinds);

    BuildFacts facts{16, "gen-000007", "7-0123abcd", "2026-01-02T03:04:05Z", 6447, "0123abcd0123abcd", true, 2};
    auto decoded_facts = decode_build_facts(encode_build_facts(facts));
    REQUIRE(decoded_facts.ok());
    CHECK(decoded_facts.value().schema == 16);
    CHECK(decoded_facts.value().generation == "gen-000007");
    CHECK(decoded_facts.value().build_id == "7-0123abcd");
    CHECK(decoded_facts.value().built_at == "2026-01-02T03:04:05Z");
    CHECK(decoded_facts.value().pages == 6447);
    CHECK(decoded_facts.value().content_hash == "0123abcd0123abcd");
    CHECK(decoded_facts.value().full);
    CHECK(decoded_facts.value().threads == 2);

    auto hash = decode_input_hash(encode_input_hash("0123456789abcdef"), schema::kMetaDerivation);
    REQUIRE(hash.ok());
    CHECK(hash.value() == "0123456789abcdef");
}

// docs/schema.md describes these forms; a change of them is a change of schema.
TEST_CASE("metadata values are CBOR in the forms docs/schema.md gives", "[metadata][unit]") {
    // [[path, title, url, hash, [[name, qualifier, [aliases]]]]]
    CHECK(hex(encode_catalog({{"p", "T", "/u/", 1, {{"N", {"a"}, ""}}}})) ==
          "81" "85" "6170" "6154" "632f752f" "01" "81" "83" "614e" "60" "81" "6161");
    // [[words], [pages of each]]
    CHECK(hex(encode_vocabulary({{"a", 1}, {"b", 300}})) == "82" "82" "6161" "6162" "82" "01" "19012c");
    CHECK(hex(encode_word_list({"a", "b"})) == "82" "6161" "6162");
    // [[kind, [keys]]], the kinds in the order name, spelling, brand, condition
    CHECK(hex(encode_synonym_kinds({{"x", SynonymKind::brand}, {"y", SynonymKind::name}})) ==
          "82" "82" "646e616d65" "81" "6179" "82" "656272616e64" "81" "6178");
    CHECK(hex(encode_input_hash("ab")) == "626162");
}

TEST_CASE("a metadata value that cannot be read is an error naming its key", "[metadata][unit]") {
    struct Row {
        const char* what;
        std::string bytes;
    };
    const Row rows[] = {
        {"missing", ""},
        {"the line format of schema 15", "a/x.md\tX\t/x/\t0000000000000001\t\n"},
        {"JSON", "{\"pages\": 1}"},
        {"a number where a list is", "\x01"},
        {"a map where a list is", "\xa1\x61" "a" "\x01"},
        {"a list of numbers", "\x82\x01\x02"},
        {"a list of indefinite size", "\x9f\x61" "a" "\xff"},
        {"a size larger than the value", std::string("\x9b\xff\xff\xff\xff\xff\xff\xff\xff", 9)},
        {"a text longer than the value", std::string("\x81\x7a\x7f\xff\xff\xff", 6) + "abc"},
        {"a tag", "\xc0\x61" "a"},
        {"a float", std::string("\xfb\x3f\xf0\x00\x00\x00\x00\x00\x00", 9)},
        {"a reserved head", "\x1c"},
        {"nothing but a head's start", "\x19"},
    };
    for (const auto& decoder : decoders()) {
        for (const auto& row : rows) {
            CAPTURE(decoder.key, row.what);
            auto error = decoder.decode(row.bytes);
            REQUIRE(error);
            CHECK(error->code == Errc::index);
            CHECK(error->message.starts_with(std::string(decoder.key) + ": "));
        }
    }
    CHECK(decode_catalog("").error().message == "medsearch.catalog: missing");
    CHECK(decode_vocabulary(std::string("\x82\x81\x61" "a" "\x81\x00", 6)).error().message ==
          "medsearch.vocabulary: 'a' has no count of pages (at byte 6 of 6)");
    CHECK(decode_catalog(encode_catalog(sample_catalog()) + "\x01").error().message.starts_with(
        "medsearch.catalog: more after the list of pages"));
    CHECK(decode_topics("\x81\x86\x63" "pet" "\x61" "a\x61" "A\x80\x80\x80").error().message ==
          "medsearch.topics: topic 1 is not [kind, id, label, names, members, classes] (at byte 6 of 13)");
}

TEST_CASE("every cut and a thousand damaged copies of a value are read or refused, never crashed on",
          "[metadata][unit]") {
    const auto sound = sound_values();
    std::mt19937 random(19);
    for (std::size_t d = 0; d < decoders().size(); ++d) {
        const auto& decoder = decoders()[d];
        CAPTURE(decoder.key);
        REQUIRE_FALSE(decoder.decode(sound[d]));
        for (std::size_t cut = 0; cut < sound[d].size(); ++cut) {
            CAPTURE(cut);
            auto error = decoder.decode(std::string_view(sound[d]).substr(0, cut));
            REQUIRE(error);
            CHECK(error->message.starts_with(std::string(decoder.key) + ": "));
        }
        for (int copy = 0; copy < 1000; ++copy) {
            auto damaged = sound[d];
            damaged[random() % damaged.size()] = static_cast<char>(random() % 256);
            auto error = decoder.decode(damaged);  // may still read: a changed letter of a word
            if (error) CHECK(error->message.starts_with(std::string(decoder.key) + ": "));
        }
    }
}

TEST_CASE("an index with a value that cannot be read is reported by check, refused by readers and rebuilt",
          "[metadata][integration]") {
    TempDir dir;
    auto options = fixture_build(fixtures() / "corpus", dir / "index");
    REQUIRE(build_index(options).ok());
    auto generation = read_current_generation(dir / "index");
    REQUIRE(generation.ok());
    {
        Xapian::WritableDatabase db(generation.value().path.string(), Xapian::DB_OPEN);
        db.set_metadata(schema::kMetaVocabulary, "\x82\x80");  // a list of two items, cut after the first
        db.commit();
    }
    const std::string problem = "medsearch.vocabulary: not [words, pages of each] (at byte 0 of 2)";
    auto checked = check_index(dir / "index");
    REQUIRE(checked.ok());
    CHECK(checked.value().problems == std::vector<std::string>{problem});

    auto searcher = Searcher::open(dir / "index", SearchSettings{});
    REQUIRE_FALSE(searcher.ok());
    CHECK(searcher.error().message == generation.value().path.string() + ": DatabaseCorruptError: " + problem);

    // Nothing changed in the pages, yet the build does not keep what readers refuse.
    auto rebuilt = build_index(options);
    REQUIRE(rebuilt.ok());
    CHECK(rebuilt.value().published);
    CHECK(rebuilt.value().full_reason == "current index damaged: " + problem);
    CHECK(check_index(dir / "index").value().problems.empty());
    CHECK(Searcher::open(dir / "index", SearchSettings{}).ok());
}

TEST_CASE("an index of the previous schema is complete but read no further than its schema",
          "[metadata][integration]") {
    TempDir dir;
    auto options = fixture_build(fixtures() / "corpus", dir / "index");
    REQUIRE(build_index(options).ok());
    auto generation = read_current_generation(dir / "index");
    REQUIRE(generation.ok());
    {
        // What schema 15 wrote: JSON build facts, lines elsewhere.
        Xapian::WritableDatabase db(generation.value().path.string(), Xapian::DB_OPEN);
        db.set_metadata(schema::kMetaSchema, "15");
        db.set_metadata(schema::kMetaBuild, "{\"content_hash\": \"0123abcd0123abcd\", \"pages\": 25}");
        db.set_metadata(schema::kMetaStopwords, "a\nthe\n");
        db.commit();
    }
    CHECK(is_complete_generation(generation.value().path));
    auto checked = check_index(dir / "index");
    REQUIRE(checked.ok());
    CHECK(checked.value().problems ==
          std::vector<std::string>{"index has schema 15, this program's is " + std::to_string(schema::kVersion) +
                                   "; rebuild it with medsearch index --full"});
    auto stats = read_index_stats(dir / "index");
    REQUIRE_FALSE(stats.ok());
    CHECK(stats.error().message == generation.value().path.string() + ": index has schema 15, this program's is " +
                                       std::to_string(schema::kVersion));
    auto rebuilt = build_index(options);
    REQUIRE(rebuilt.ok());
    CHECK(rebuilt.value().full_reason == "index schema changed");
}
