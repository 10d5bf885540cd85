// A generation of shards (index_layout.hpp: Xapian's stub file listing one
// database per shard) answers as the one database it was split from.
#include "medsearch/common/index_layout.hpp"
#include "medsearch/common/schema.hpp"
#include "medsearch/indexer/shards.hpp"
#include "support.hpp"

#include <cmath>

using namespace medsearch;
using namespace medsearch::test;

namespace {

bool close_to(double a, double b) { return std::fabs(a - b) <= 1e-9 * std::max(std::fabs(a), std::fabs(b)); }

}  // namespace

TEST_CASE("a stub file names only shard folders of its own generation", "[shards][unit]") {
    TempDir dir;
    fs::create_directories(dir / "gen-000001");
    {
        Xapian::WritableDatabase shard((dir / "gen-000001/shard-0").string(), Xapian::DB_CREATE | Xapian::DB_BACKEND_GLASS);
        Xapian::Document doc;
        doc.add_term("Qa");
        shard.add_document(doc);
        shard.set_metadata(schema::kMetaBuild, "facts");
        shard.commit();
    }
    const auto generation = dir / "gen-000001";
    write_file(generation / kShardStubFileName, shard_stub_text(1) + "\n");
    CHECK(open_generation_database(generation).get_doccount() == 1);
    CHECK(is_complete_generation(generation));
    for (const char* stub : {"glass ../gen-000002/shard-0\n", "remote 127.0.0.1:1\n", "auto shard-0\n", "glass shard-\n",
                             "glass shard-0 extra\n", "inmemory\n", "", "\n\n"}) {
        CAPTURE(stub);
        write_file(generation / kShardStubFileName, stub);
        CHECK_THROWS_AS(open_generation_database(generation), Xapian::DatabaseOpeningError);
        CHECK_FALSE(is_complete_generation(generation));
    }
    write_file(generation / kShardStubFileName, "glass shard-7\n");  // a shard that is not there
    CHECK_THROWS_AS(open_generation_database(generation), Xapian::DatabaseOpeningError);

    // Only a database numbered without gaps is split: the shards could not number it alike.
    {
        Xapian::WritableDatabase gaps((dir / "gaps").string(), Xapian::DB_CREATE | Xapian::DB_BACKEND_GLASS);
        gaps.add_document(Xapian::Document());
        gaps.add_document(Xapian::Document());
        gaps.delete_document(1);
        gaps.commit();
    }
    auto refused = split_into_shards(Xapian::Database((dir / "gaps").string()), dir / "split", 2);
    REQUIRE_FALSE(refused.ok());
    CHECK(refused.error().message.find("gaps") != std::string::npos);
    CHECK_FALSE(fs::exists(dir / "split"));
}

TEST_CASE_METHOD(IndexedFixtures, "a generation split into shards answers every query as the whole one",
                 "[shards][integration]") {
    TempDir dir;
    const auto whole = index_dir() / "gen-000001";
    REQUIRE(Xapian::Database(whole.string()).get_doccount() == Xapian::Database(whole.string()).get_lastdocid());
    const char* queries[] = {
        "codeine", "metformin", "metformin hydrochloride", "glimepiride metformin", "glucophage", "augmentin",
        "amoxicillin and clavulanic acid", "amoxicillin clav", "acetaminophen", "paracetamol", "cetirizine",
        "cetirizine ophthalmic", "clonazepam", "levoc", "levoflo", "amitrip", "ketamine amitriptyline",
        "name:ketamine", "nausea", "side-effects:nausea", "Side-Effects:NAUSEA", "side-effects:(rash vomiting)",
        "side-effects:headache AND precautions:pregnancy", "nausea NOT side-effects:nausea", "usage:helminthiasis",
        "dosage:500", "500", "worm infection", "antihistamine NOT eyes", "side effects of metformin",
        "metformin dose", "how does codeine work", "painkiller", "metfromin", "met*", "diabetes tablets",
    };
    for (unsigned count : {2u, 3u, 4u}) {
        const auto sharded = dir / ("shards-" + std::to_string(count));
        REQUIRE(split_into_shards(Xapian::Database(whole.string()), sharded / "gen-000001", count).ok());
        write_file(sharded / kCurrentFileName, "gen-000001\n");
        auto opened = Searcher::open(sharded, SearchSettings{});
        if (!opened) FAIL(opened.error().message);
        auto& shards = *opened.value();
        for (const char* query : queries) {
            INFO(count << " shards, query: " << query);
            auto expected = searcher().search({query, 0, 10});
            auto answered = shards.search({query, 0, 10});
            REQUIRE(expected.ok());
            if (!answered) FAIL(answered.error().message);
            const auto& e = expected.value();
            const auto& a = answered.value();
            CHECK(a.total == e.total);
            CHECK(a.corrected == e.corrected);
            CHECK(a.intent == e.intent);
            REQUIRE(a.hits.size() == e.hits.size());
            for (std::size_t i = 0; i < e.hits.size(); ++i) {
                INFO("hit " << i + 1 << ": " << e.hits[i].path << " " << e.hits[i].score);
                CHECK(a.hits[i].path == e.hits[i].path);
                CHECK(close_to(a.hits[i].score, e.hits[i].score));
                CHECK(a.hits[i].section == e.hits[i].section);
                CHECK(a.hits[i].snippet == e.hits[i].snippet);
            }
            CHECK(a.facets.has_value() == e.facets.has_value());
        }
    }
}
