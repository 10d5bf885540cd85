// Filters and facet counts: what a page is (page_facets.hpp), the filter
// parameter, and counts that agree with the pages each filter keeps.

#include "medsearch/indexer/markdown.hpp"
#include "medsearch/indexer/page_facets.hpp"
#include "medsearch/server/json.hpp"
#include "query/match.hpp"
#include "http_support.hpp"

#include <nlohmann/json.hpp>

using namespace medsearch;
using namespace medsearch::test;
using nlohmann::json;

namespace {

Monograph page_of(const std::string& title, const std::string& dosage) {
    std::string text = "---\ntitle: " + title + "\n---\n\n# " + title + "\n\n## Usage\nUsed for pain.\n\n## Dosage\n" +
                       dosage + "\n\n## FAQs\nNone.\n";
    auto parsed = parse_monograph("x/page.md", text, ParseOptions{});
    REQUIRE(parsed.page);
    return *parsed.page;
}

std::vector<std::string> routes_of(const Monograph& page) {
    std::vector<std::string> routes;
    auto facets = facets_of(page, built_in_forms());
    for (std::size_t i = 0; i < kFacetRoutes.size(); ++i)
        if (facets.routes & (1u << i)) routes.emplace_back(kFacetRoutes[i]);
    return routes;
}

using Strings = std::vector<std::string>;

}  // namespace

TEST_CASE("a page's facts come from its title, its sections and the routes its dosage names", "[filters][unit]") {
    auto oral = page_of("Paracetamol", "Take one or two tablets by mouth every six hours.");
    CHECK(routes_of(oral) == Strings{"oral"});
    auto facets = facets_of(oral, built_in_forms());
    CHECK(facets.ingredients == 1);
    CHECK(facet_terms(facets) == Strings{"XFkind:single", "XFingredients:1", "XFroute:oral", "XFhas:usage",
                                         "XFhas:dosage", "XFhas:faqs"});

    // The title's qualifier says the route alone, whatever the text says.
    CHECK(routes_of(page_of("Lidocaine (Topical)", "Tablets are not made; injection is for clinics.")) ==
          Strings{"topical"});
    // A line that opens with a denial says nothing of the route; a route said
    // far less often than the main one is left out.
    CHECK(routes_of(page_of("Tramadol + Paracetamol",
                            "- Adults: one tablet orally every six hours.\n"
                            "- Tablets are swallowed whole, by mouth, with water.\n"
                            "- IV: it is not given intravenously. Intravenous use is for hospitals only.\n")) ==
          Strings{"oral"});
    CHECK(routes_of(page_of("Insulin Glargine", "Injected subcutaneously once a day. Rotate injection sites.")) ==
          Strings{"injection"});
    CHECK(routes_of(page_of("Mystery", "Follow the label.")).empty());
    auto combination = facets_of(page_of("Amoxicillin + Clavulanic Acid", "Capsules."), built_in_forms());
    CHECK(combination.ingredients == 2);
    CHECK(decode_facets(encode_facets(combination)).ingredients == 2);
    CHECK(decode_facets(encode_facets(combination)).sections == combination.sections);
}

TEST_CASE("a filter names a field and values; anything else is refused by name", "[filters][unit]") {
    auto topical = parse_filter("route:topical,nasal");
    REQUIRE(topical.ok());
    CHECK(topical.value().field == "route");
    CHECK(topical.value().values == Strings{"topical", "nasal"});
    CHECK(parse_filter("ingredients:2").ok());
    CHECK(parse_filter("has:side-effects").ok());
    CHECK(parse_filter("colour:red").error().message ==
          "unknown filter field 'colour' (expected kind, route, has, ingredients)");
    CHECK(parse_filter("route:oral,sublingual").error().message.starts_with("unknown route 'sublingual' (expected oral,"));
    CHECK(parse_filter("kind:").error().message == "unknown kind '' (expected single, combination)");
    CHECK(parse_filter("ingredients:0").error().message == "unknown ingredients '0' (expected 1..8)");
    CHECK(parse_filter("route").error().message == "filter looks like field:value (route:topical), got 'route'");
}

TEST_CASE_METHOD(IndexedFixtures, "facet counts are the pages each filter keeps", "[filters][integration]") {
    for (std::string query : {"metformin", "cetirizine", "pain", "amitriptyline"}) {
        INFO(query);
        auto all = searcher().search({query, 0, 100});
        REQUIRE(all.ok());
        REQUIRE(all.value().facets);
        auto fields = all.value().facets->fields();
        std::size_t kinds = 0;
        for (const auto& [field, values] : fields) {
            for (const auto& [value, count] : values) {
                if (field == "kind") kinds += count;
                SearchRequest narrowed{query, 0, 100};
                narrowed.filters.push_back(FacetFilter{field, {value}});
                auto kept = searcher().search(narrowed);
                REQUIRE(kept.ok());
                INFO(field << ":" << value);
                CHECK(kept.value().hits.size() == count);
                CHECK(kept.value().total == count);
            }
        }
        CHECK(kinds == all.value().hits.size());
    }
    // Values of one field are any of them; fields are all of them.
    SearchRequest both{"metformin", 0, 100};
    both.filters = {FacetFilter{"kind", {"single", "combination"}}};
    CHECK(searcher().search(both).value().hits.size() == searcher().search({"metformin", 0, 100}).value().hits.size());
    both.filters.push_back(FacetFilter{"ingredients", {"3"}});
    auto three = searcher().search(both);
    REQUIRE(three.value().hits.size() == 1);
    CHECK(three.value().hits[0].path == "g/glimepiride-metformin-voglibose.md");
}

TEST_CASE_METHOD(IndexedFixtures, "the match counts the facts of every page it looks at", "[filters][integration]") {
    Xapian::Database db(index_dir() / "gen-000001");
    FacetCounts all_counts, capped_counts;
    std::vector<PageFacets> facts(db.get_lastdocid() + 1, PageFacets{1, 0, 0});
    Xapian::Query query = Xapian::Query::MatchAll;
    FacetCounting all{facts, all_counts, 1000};
    auto every = match(db, query, 0, 1, &all);
    CHECK(every.get_matches_lower_bound() == db.get_doccount());
    CHECK(all_counts.kind[0] == db.get_doccount());
    // Asked to look at fewer, it still counts each page it does look at once.
    FacetCounting capped{facts, capped_counts, 5};
    auto some = match(db, query, 0, 1, &capped);
    CHECK(capped_counts.kind[0] >= 1);
    CHECK(capped_counts.kind[0] <= all_counts.kind[0]);
    CHECK(some.size() == 1);
}

TEST_CASE_METHOD(IndexedFixtures, "GET /search takes filters and answers with facets", "[filters][http][integration]") {
    QueryParams params{{"q", "cetirizine"}, {"filter", "route:ophthalmic"}};
    auto response = handle_search(params, searcher());
    REQUIRE(response.status == 200);
    auto body = json::parse(response.body);
    REQUIRE(body["hits"].size() == 1);
    CHECK(body["hits"][0]["path"] == "c/cetirizine-ophthalmic.md");
    CHECK(body["facets"]["route"] == json({{"ophthalmic", 1}}));
    CHECK(body["facets"]["kind"] == json({{"single", 1}}));

    auto unfiltered = json::parse(handle_search({{"q", "cetirizine"}}, searcher()).body);
    CHECK(unfiltered["facets"]["kind"]["single"] == 2);
    auto without = json::parse(handle_search({{"q", "cetirizine"}, {"facets", "0"}}, searcher()).body);
    CHECK_FALSE(without.contains("facets"));

    auto unknown = handle_search({{"q", "cetirizine"}, {"filter", "route:sublingual"}}, searcher());
    CHECK(unknown.status == 400);
    CHECK(json::parse(unknown.body)["error"]["message"].get<std::string>().starts_with("unknown route 'sublingual'"));
    QueryParams many{{"q", "cetirizine"}};
    for (int i = 0; i < 9; ++i) many.emplace("filter", "kind:single");
    auto refused = handle_search(many, searcher());
    CHECK(refused.status == 400);
    CHECK(json::parse(refused.body)["error"]["message"] == "at most 8 filters, got 9");
}

TEST_CASE("the command line filters and prints what results could be narrowed to", "[filters][cli]") {
    TempDir dir;
    auto index = dir / "index";
    REQUIRE(run(quoted(program()) + " -q index --source " + quoted(fixtures() / "corpus") + " --db " + quoted(index)).status == 0);
    auto search = quoted(program()) + " search --db " + quoted(index) + " ";
    auto human = run(search + "metformin");
    REQUIRE(human.status == 0);
    CHECK(human.out.find("Filters: kind: single 2, combination 2;") != std::string::npos);
    auto narrowed = run(search + "--json --filter kind:combination --filter ingredients:3 metformin");
    REQUIRE(narrowed.status == 0);
    auto body = json::parse(narrowed.out);
    REQUIRE(body["hits"].size() == 1);
    CHECK(body["facets"]["ingredients"] == json({{"3", 1}}));
    auto bad = run(search + "--filter route:sublingual metformin 2>/dev/null");
    CHECK(bad.status != 0);
}
