// Filters and facet counts: what a page is (page_facets.hpp), the filter
// parameter, and counts that agree with the pages each filter keeps.

#include "medsearch/indexer/markdown.hpp"
#include "medsearch/indexer/page_facets.hpp"
#include "medsearch/server/json.hpp"
#include "query/match.hpp"
#include "query/match_set.hpp"
#include "medsearch/server/query_limits.hpp"
#include "http_support.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>

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

namespace {

std::vector<Xapian::docid> matched_by_enquire(const Xapian::Database& db, const Xapian::Query& query) {
    Xapian::Enquire enquire(db);
    enquire.set_query(query);
    enquire.set_docid_order(Xapian::Enquire::ASCENDING);
    enquire.set_weighting_scheme(Xapian::BoolWeight());
    auto mset = enquire.get_mset(0, db.get_doccount());
    return {mset.begin(), mset.end()};
}

std::vector<Xapian::docid> ids_of(const DocSet& set) {
    std::vector<Xapian::docid> ids;
    set.for_each([&](Xapian::docid id) { ids.push_back(id); });
    return ids;
}

// Terms of the index from the most frequent down, and the rarest.
std::vector<std::string> sample_terms(const Xapian::Database& db) {
    std::vector<std::pair<Xapian::doccount, std::string>> terms;
    for (auto it = db.allterms_begin(); it != db.allterms_end(); ++it) terms.emplace_back(it.get_termfreq(), *it);
    std::sort(terms.rbegin(), terms.rend());
    std::vector<std::string> sample;
    for (std::size_t i = 0; i < 6 && i < terms.size(); ++i) sample.push_back(terms[i * terms.size() / 12].second);
    sample.push_back(terms.back().second);
    sample.push_back("XFkind:combination");
    sample.push_back("no-such-term");
    return sample;
}

}  // namespace

TEST_CASE_METHOD(IndexedFixtures, "a query's match set holds the pages Xapian's match has", "[filters][integration]") {
    Xapian::Database db(index_dir() / "gen-000001");
    auto t = sample_terms(db);
    using Q = Xapian::Query;
    auto of_three = [&](Q::op op) {
        std::vector<Q> three{Q(t[0]), Q(t[1]), Q(t[2])};
        return Q(op, three.begin(), three.end());
    };
    std::vector<Q> queries = {
        Q::MatchAll, Q::MatchNothing, Q(t[0]), Q(t[6]), Q(t[8]),
        Q(Q::OP_OR, Q(t[1]), Q(t[2])), Q(Q::OP_AND, Q(t[0]), Q(t[3])), Q(Q::OP_AND_NOT, Q(t[0]), Q(t[1])),
        Q(Q::OP_AND_MAYBE, Q(t[2]), Q(t[0])), Q(Q::OP_FILTER, Q(t[0]), Q(t[7])), Q(Q::OP_XOR, Q(t[1]), Q(t[2])),
        Q(Q::OP_SYNONYM, Q(t[3]), Q(t[4])), Q(Q::OP_MAX, Q(t[4]), Q(t[5])), Q(Q::OP_SCALE_WEIGHT, Q(t[5]), 0.0),
        of_three(Q::OP_XOR), of_three(Q::OP_AND_NOT), of_three(Q::OP_ELITE_SET),
        Q(Q::OP_OR, Q(Q::OP_PHRASE, Q("nerve"), Q("pain")), Q(t[6])), Q(Q::OP_WILDCARD, "met"),
        Q(Q::OP_SYNONYM, Q(Q::OP_PHRASE, Q("nerve"), Q("pain")), Q(Q::OP_AND, Q("nerve"), Q("pain"))),
        Q(Q::OP_OR, Q(Q::OP_SCALE_WEIGHT, Q(Q::OP_PHRASE, Q("nerve"), Q("pain")), 0.5), Q(t[6])),
        Q(Q::OP_OR, Q(Q::OP_AND, Q(t[0]), Q(Q::OP_PHRASE, Q("nerve"), Q("pain"))), Q(Q::OP_AND_NOT, Q(t[4]), Q(t[7]))),
    };
    // Positions and wildcards, left to Xapian, within the sets of the others.
    REQUIRE_FALSE(matched_by_enquire(db, Q(Q::OP_PHRASE, Q("nerve"), Q("pain"))).empty());
    REQUIRE_FALSE(matched_by_enquire(db, Q(Q::OP_WILDCARD, "met")).empty());
    MatchSets sets(kMatchSetCacheBytes);
    for (int round = 0; round < 2; ++round) {  // the second from the terms kept
        for (const auto& query : queries) {
            INFO(query.get_description());
            CHECK(ids_of(sets.of(db, query)) == matched_by_enquire(db, query));
        }
    }
    // A budget too small to keep anything gives the same sets.
    MatchSets uncached(0);
    for (const auto& query : queries) CHECK(ids_of(uncached.of(db, query)) == matched_by_enquire(db, query));
}

TEST_CASE_METHOD(IndexedFixtures, "a wildcard's match set is what Xapian expands it to, ties and limits included",
                 "[filters][integration]") {
    Xapian::Database db(index_dir() / "gen-000001");
    using Q = Xapian::Query;
    MatchSets sets(kMatchSetCacheBytes);
    std::size_t limited = 0;
    for (char letter = 'a'; letter <= 'z'; ++letter) {
        std::string prefix(1, letter);
        std::size_t expansions = 0;
        for (auto it = db.allterms_begin(prefix); it != db.allterms_end(prefix); ++it) ++expansions;
        for (unsigned limit : {0u, 1u, 2u, 3u, 5u, 8u, 13u, 40u}) {
            Q query(Q::OP_WILDCARD, prefix, limit, Q::WILDCARD_LIMIT_MOST_FREQUENT);
            INFO(prefix << "* limited to " << limit << " of " << expansions << " terms");
            CHECK(ids_of(sets.of(db, query)) == matched_by_enquire(db, query));
            if (limit != 0 && expansions > limit) ++limited;
        }
    }
    CHECK(limited > 50);  // most checks had to choose among the terms
    // Inside other operators, and with a prefix as the parser writes it.
    Q nested(Q::OP_AND_NOT, Q(Q::OP_WILDCARD, "p", 4, Q::WILDCARD_LIMIT_MOST_FREQUENT),
             Q(Q::OP_WILDCARD, "n", 2, Q::WILDCARD_LIMIT_MOST_FREQUENT));
    CHECK(ids_of(sets.of(db, nested)) == matched_by_enquire(db, nested));
    Q other_kind(Q::OP_WILDCARD, "s", 3, Q::WILDCARD_LIMIT_FIRST);
    CHECK(ids_of(sets.of(db, other_kind)) == matched_by_enquire(db, other_kind));
}

TEST_CASE_METHOD(IndexedFixtures, "facets and the total count every page a search matches", "[filters][integration]") {
    Xapian::Database db(index_dir() / "gen-000001");
    auto page = searcher().search({"pain", 0, 1});
    REQUIRE(page.ok());
    REQUIRE(page.value().facets);
    REQUIRE(page.value().hits.size() == 1);
    // More than the one hit asked for: every page with a word that "pain" reads as.
    auto everything = searcher().search({"pain", 0, kMaxLimit});
    CHECK(page.value().total > 1);
    CHECK(page.value().total == everything.value().total);
    auto kinds = page.value().facets->kind;
    CHECK(kinds[0] + kinds[1] == page.value().total);
    SearchRequest unfaceted{"pain", 0, 1};
    unfaceted.facets = false;
    CHECK_FALSE(searcher().search(unfaceted).value().facets);
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
