// Everyday language: symptoms, conditions and kinds of medicine, on pages and
// dictionaries of the tests' own (fixtures/everyday, everyday-medicines.yaml,
// english-words.txt).
#include "support.hpp"

#include "medsearch/common/topics.hpp"
#include "medsearch/common/word_list.hpp"
#include "medsearch/indexer/indications.hpp"
#include "medsearch/server/json.hpp"

#include <nlohmann/json.hpp>

using namespace medsearch;
using namespace medsearch::test;
using Paths = std::vector<std::string>;

namespace {

struct Everyday : IndexedFixtures {
    Everyday() : IndexedFixtures(fixtures() / "everyday") {}
    std::string top(const std::string& query) {
        auto found = paths(query, 1);
        return found.empty() ? "" : found.front();
    }
};

// Pages and a medicines dictionary of a test's own, indexed, then searched once.
struct OwnPages {
    TempDir dir;
    void page(const std::string& path, const std::string& title, const std::string& usage) {
        write_file(dir / "src" / path, "---\ntitle: " + title + "\n---\n\n### Usage\n" + usage + "\n");
    }
    SearchPage search(const std::string& medicines, const std::string& query) {
        write_file(dir / "medicines.yaml", medicines);
        auto options = fixture_build(dir / "src", dir / "index");
        options.medicines_file = dir / "medicines.yaml";
        REQUIRE(build_index(options).ok());
        auto searcher = Searcher::open(dir / "index", SearchSettings{});
        REQUIRE(searcher.ok());
        auto answer = searcher.value()->search({query, 0, 5});
        REQUIRE(answer.ok());
        return std::move(answer.value());
    }
};

}  // namespace

TEST_CASE_METHOD(Everyday, "everyday words are never corrected or completed into drug names", "[everyday][integration]") {
    for (const auto* query : {"memory loss", "hearing loss", "birth control pill", "hair loss", "blood test"}) {
        INFO(query);
        auto answer = page(query);
        CHECK_FALSE(answer.corrected);
        for (const auto& hit : answer.hits) CHECK_FALSE(hit.matched.front() == "prefix");
    }
    CHECK(top("memory loss") == "d/donepezil.md");
    CHECK(top("hair loss") == "m/minoxidil.md");
    // A half-typed everyday word is read as the pages' commonest word with that start.
    CHECK(top("hair los") == "m/minoxidil.md");
    CHECK(paths("birth control pill").size() == 0);
    // Alone, a complete word commoner on the pages than the drug names it starts is the word.
    auto test = page("test");
    REQUIRE_FALSE(test.hits.empty());
    CHECK(test.hits.front().matched == Paths{"text"});
}

TEST_CASE_METHOD(Everyday, "drug names still complete and correct", "[everyday][integration]") {
    CHECK(top("testost") == "t/testosterone.md");
    CHECK(top("pilo") == "p/pilocarpine.md");
    auto typo = page("hydroxyzin");
    CHECK(typo.hits.at(0).path == "h/hydroxyzine.md");
}

TEST_CASE_METHOD(Everyday, "gibberish gets no correction and no results", "[everyday][integration]") {
    auto answer = page("zzzzqqq");
    CHECK_FALSE(answer.corrected);
    CHECK(answer.hits.empty());
}

TEST_CASE_METHOD(Everyday, "a page that treats a condition outranks pages that list it as a side effect",
                 "[everyday][integration]") {
    // Morphine says "itching" five times, all of them as a side effect.
    auto itching = paths("itching");
    REQUIRE(itching.size() >= 2);
    CHECK(itching.front() == "h/hydroxyzine.md");
    auto morphine = std::find(itching.begin(), itching.end(), "m/morphine.md");
    REQUIRE(morphine != itching.end());
    CHECK(morphine != itching.begin());
    // Text ranking alone would put morphine first.
    auto text_only = paths("itching OR itching");
    CHECK(text_only.front() == "m/morphine.md");
}

TEST_CASE_METHOD(Everyday, "a kind of medicine finds its members, single substances first", "[everyday][integration]") {
    auto answer = page("allergy tablets");
    REQUIRE(answer.topic);
    CHECK(answer.topic->kind == "class");
    CHECK(answer.topic->label == "Allergy tablets (antihistamines)");
    // Members in the dictionary's order; one it names but no page has is left out.
    Paths members;
    for (const auto& member : answer.topic->members) members.push_back(member.path);
    CHECK(members == Paths{"c/cetirizine.md", "l/loratadine.md", "h/hydroxyzine.md"});
    REQUIRE(answer.hits.size() >= 4);
    CHECK(answer.hits[0].path == "c/cetirizine.md");
    CHECK(answer.hits[1].path == "l/loratadine.md");
    CHECK(answer.hits[2].path == "h/hydroxyzine.md");
    CHECK(answer.hits[3].path == "c/cetirizine-pseudoephedrine.md");
    // The singular, another name and a condition the class treats.
    CHECK(top("allergy tablet") == "c/cetirizine.md");
    auto fever = page("hay fever");
    REQUIRE(fever.topic);
    CHECK(fever.topic->kind == "condition");
    CHECK(fever.hits.at(0).path == "l/loratadine.md");
    // A drug named decides: no topic.
    CHECK_FALSE(page("cetirizine hay fever").topic);
}

TEST_CASE_METHOD(Everyday, "a form asked for shows each member by its page of that form", "[everyday][integration]") {
    auto members = [&](const std::string& query) {
        auto answer = page(query);
        Paths found;
        if (answer.topic)
            for (const auto& member : answer.topic->members) found.push_back(member.path);
        return found;
    };
    CHECK(members("eczema") == Paths{"h/hydrocortisone.md", "h/hydroxyzine.md"});
    CHECK(top("eczema") == "h/hydrocortisone.md");
    // A cream: the drug's topical page, in the dictionary's order.
    CHECK(members("eczema cream") == Paths{"h/hydrocortisone-topical.md", "h/hydroxyzine.md"});
    CHECK(top("eczema cream") == "h/hydrocortisone-topical.md");
    CHECK(top("eczema tablets") == "h/hydrocortisone.md");
    // Tablets: a member the dictionary names as a cream comes after the rest.
    CHECK(members("skin rash") == Paths{"h/hydrocortisone-topical.md", "h/hydroxyzine.md"});
    CHECK(members("skin rash tablets") == Paths{"h/hydroxyzine.md", "h/hydrocortisone-topical.md"});
}

TEST_CASE_METHOD(Everyday, "a combination the dictionary names answers after the single substances",
                 "[everyday][integration]") {
    // Written in another order than the page's title; its first ingredient's
    // own page is no member.
    auto answer = page("allergic congestion");
    REQUIRE(answer.topic);
    REQUIRE(answer.topic->members.size() == 2);
    CHECK(answer.topic->members[0].path == "l/loratadine.md");
    CHECK(answer.topic->members[1].path == "c/cetirizine-pseudoephedrine.md");
    CHECK(answer.topic->members[1].label == "Cetirizine + Pseudoephedrine");
    REQUIRE(answer.hits.size() >= 3);
    CHECK(answer.hits[0].path == "l/loratadine.md");
    CHECK(answer.hits[1].path == "c/cetirizine-pseudoephedrine.md");
}

TEST_CASE_METHOD(Everyday, "the topic block is in the JSON answer, and null without one", "[everyday][integration]") {
    auto body = nlohmann::json::parse(to_json(page("antihistamines")));
    REQUIRE(body["topic"].is_object());
    CHECK(body["topic"]["kind"] == "class");
    CHECK(body["topic"]["label"] == "Allergy tablets (antihistamines)");
    CHECK(body["topic"]["members"][0]["label"] == "Cetirizine");
    CHECK(body["topic"]["members"][0]["url"] == "/composition/c/cetirizine/");
    CHECK(body["topic"]["members"][0]["path"] == "c/cetirizine.md");
    CHECK(nlohmann::json::parse(to_json(page("losartan")))["topic"].is_null());
}

TEST_CASE_METHOD(Everyday, "suggestions offer the kind of medicine and the condition", "[everyday][integration]") {
    auto suggested = searcher().suggest({"allergy t", 8});
    REQUIRE(suggested.ok());
    REQUIRE_FALSE(suggested.value().suggestions.empty());
    const auto& first = suggested.value().suggestions.front();
    CHECK(first.kind == "class");
    CHECK(first.label == "Allergy tablets (antihistamines)");
    CHECK(first.query == "allergy tablets");
    auto body = nlohmann::json::parse(to_json(suggested.value()));
    CHECK(body["suggestions"][0]["url"].is_null());
    CHECK(body["suggestions"][0]["query"] == "allergy tablets");
    auto hay = searcher().suggest({"hay", 8});
    REQUIRE(hay.ok());
    REQUIRE_FALSE(hay.value().suggestions.empty());
    CHECK(hay.value().suggestions.front().kind == "condition");
}

TEST_CASE("treatment clauses leave out what a drug causes or is not for", "[everyday][unit]") {
    auto clauses = treatment_clauses(
        "Amoxicillin is used to treat infections caused by bacteria.\n"
        "It is not effective against colds or flu.\n"
        "It may cause diarrhoea and rash.\n"
        "* Ear infections\n"
        "Side effects include nausea.");
    const auto& text = clauses.treats;
    CHECK(text.find("treat infections") != std::string::npos);
    CHECK(text.find("Ear infections") != std::string::npos);
    for (const auto* absent : {"bacteria", "colds", "flu", "diarrhoea", "rash", "nausea"}) {
        INFO(absent);
        CHECK(text.find(absent) == std::string::npos);
        CHECK(clauses.other.find(absent) != std::string::npos);
    }
}

TEST_CASE("the medicines dictionary: parsed, encoded, and its mistakes named with the line", "[everyday][unit]") {
    auto table = parse_topics(read_file(fixtures() / "everyday-medicines.yaml"), "m.yaml");
    REQUIRE(table.ok());
    REQUIRE(table.value().topics.size() == 5);
    CHECK(table.value().topics[0].kind == TopicKind::medicine_class);
    CHECK(table.value().topics[1].classes == Paths{"antihistamines"});
    CHECK(table.value().topics[3].members == Paths{"hydrocortisone (topical)", "hydroxyzine"});
    auto round_trip = decode_topics(encode_topics(table.value()));
    REQUIRE(round_trip.ok());
    REQUIRE(round_trip.value().topics.size() == 5);
    CHECK(round_trip.value().topics[1].members == table.value().topics[1].members);
    CHECK(round_trip.value().topics[0].label == "Allergy tablets (antihistamines)");

    auto error = [](const std::string& yaml) {
        auto parsed = parse_topics(yaml, "m.yaml");
        REQUIRE_FALSE(parsed.ok());
        return parsed.error().message;
    };
    CHECK(error("classes:\n  - id: a\n    label: A\n    names: [x]\n") == "m.yaml:2: 'a' needs members");
    CHECK(error("conditions:\n  - id: a\n    label: A\n    names: [x]\n    members: [y]\n") ==
          "m.yaml:5: unknown key 'members' (expected id, label, names, treated_by, classes)");
    CHECK(error("classes:\n  - {id: a, label: A, names: [x], members: [y]}\n"
                "  - {id: b, label: B, names: [x], members: [z]}\n") == "m.yaml:3: 'x' names both 'a' and 'b'");
    CHECK(error("conditions:\n  - {id: a, label: A, names: [x], treated_by: [y], classes: [nope]}\n") ==
          "m.yaml: 'a' names an unknown class 'nope'");
    CHECK(error("drugs: []\n") == "m.yaml:1: unknown section 'drugs' (expected classes, conditions)");
}

TEST_CASE("English word lists keep everyday words only", "[everyday][unit]") {
    CHECK(english_words("Aaron\nabout\nabout's\nb\nloss\nloss\nUSA\n") == Paths{"about", "loss"});
    // Out of order and with Windows line ends, as some lists come.
    CHECK(english_words("zeal\r\nabout\r\nloss\r\nabout\r\n") == Paths{"about", "loss", "zeal"});
    CHECK(parse_word_list("# list\nParacetamol\n\nibuprofen  # NSAID\n") == Paths{"ibuprofen", "paracetamol"});
}

TEST_CASE("a changed medicines dictionary is applied without indexing the pages again", "[everyday][integration]") {
    TempDir dir;
    auto options = fixture_build(fixtures() / "everyday", dir / "index");
    REQUIRE(build_index(options).ok());
    auto medicines = read_file(fixtures() / "everyday-medicines.yaml");
    auto renamed = medicines;
    renamed.replace(renamed.find("allergy medicine"), std::string("allergy medicine").size(), "sneezing pills");
    write_file(dir / "medicines.yaml", renamed);
    options.medicines_file = dir / "medicines.yaml";
    auto report = build_index(options);
    REQUIRE(report.ok());
    CHECK_FALSE(report.value().full);
    CHECK(report.value().published);
    CHECK(report.value().changed + report.value().added == 0);
    auto searcher = Searcher::open(dir / "index", SearchSettings{});
    REQUIRE(searcher.ok());
    auto page = searcher.value()->search({"sneezing pills", 0, 5});
    REQUIRE(page.ok());
    REQUIRE(page.value().topic);
    CHECK(page.value().topic->label == "Allergy tablets (antihistamines)");
    // A broken one stops the build; the published index still answers.
    write_file(dir / "medicines.yaml", renamed + "  - id: broken\n");
    auto broken = build_index(options);
    REQUIRE_FALSE(broken.ok());
    CHECK(broken.error().message.find("medicines.yaml:") != std::string::npos);
    CHECK(searcher.value()->search({"sneezing pills", 0, 5}).value().topic);
}

TEST_CASE("a topic's own names are read as the topic, not corrected, taken as drug names or as a section",
          "[everyday][integration]") {
    TempDir dir;
    fs::copy(fixtures() / "everyday", dir / "src", fs::copy_options::recursive);
    // Every word of "low iron" is a word of a drug's name, the phrase is none.
    write_file(dir / "src" / "l" / "low-dextran.md", "---\ntitle: Low Dextran\n---\n\n### Usage\nA plasma expander.\n");
    write_file(dir / "src" / "f" / "ferrous-sulfate.md", "---\ntitle: Ferrous Sulfate\n---\n\n### Usage\nReplaces iron.\n");
    write_file(dir / "src" / "i" / "iron.md", "---\ntitle: Iron\n---\n\n### Usage\nA mineral.\n");
    for (const auto* drug : {"omeprazole", "famotidine", "sucralfate"})
        write_file(dir / "src" / "g" / (std::string(drug) + ".md"),
                   std::string("---\ntitle: ") + drug + "\n---\n\n### Usage\nA group of acid reducers.\n");
    auto options = fixture_build(dir / "src", dir / "index");
    // "low testosterone" is also a lay word for a condition; "croup" is on no
    // page and in no word list, one letter from a word of three pages.
    write_file(dir / "synonyms.yaml", "conditions:\n  - [low testosterone, hypogonadism]\n");
    write_file(dir / "medicines.yaml", read_file(fixtures() / "everyday-medicines.yaml") +
                                           "  - id: hypogonadism\n    label: Low testosterone (hypogonadism)\n"
                                           "    names: [low testosterone, hypogonadism]\n    treated_by: [testosterone]\n"
                                           "  - id: croup\n    label: Croup\n    names: [croup]\n"
                                           "    treated_by: [hydrocortisone]\n"
                                           "  - id: pregnancy-hay-fever\n    label: Hay fever in pregnancy\n"
                                           "    names: [hay fever in pregnancy]\n    treated_by: [loratadine]\n"
                                           "  - id: iron-deficiency\n    label: Iron deficiency\n"
                                           "    names: [low iron]\n    treated_by: [ferrous sulfate]\n"
                                           "  - id: the-allergy-pill\n    label: The allergy pill\n"
                                           "    names: [the allergy pill]\n    treated_by: [loratadine]\n");
    options.synonyms_file = dir / "synonyms.yaml";
    options.medicines_file = dir / "medicines.yaml";
    REQUIRE(build_index(options).ok());
    auto searcher = Searcher::open(dir / "index", SearchSettings{});
    REQUIRE(searcher.ok());
    auto search = [&](const std::string& query) {
        auto page = searcher.value()->search({query, 0, 5});
        REQUIRE(page.ok());
        return page.value();
    };
    auto low = search("low testosterone");
    CHECK(low.topic);
    // A section's word ("pregnancy" asks for Precautions) inside a topic's name.
    auto pregnancy = search("hay fever in pregnancy");
    REQUIRE(pregnancy.topic);
    CHECK(pregnancy.topic->label == "Hay fever in pregnancy");
    auto iron = search("low iron");
    REQUIRE(iron.topic);
    CHECK(iron.hits.at(0).path == "f/ferrous-sulfate.md");
    // A name that starts with a stopword.
    auto pill = search("the allergy pill");
    REQUIRE(pill.topic);
    CHECK(pill.topic->label == "The allergy pill");
    auto croup = search("croup");
    CHECK_FALSE(croup.corrected);
    REQUIRE(croup.topic);
    CHECK(croup.topic->label == "Croup");
}

TEST_CASE("a combination with an ingredient that is no member ranks below the pages that treat the condition",
          "[everyday][integration]") {
    OwnPages pages;
    pages.page("p/paracetamol.md", "Paracetamol", "Relieves mild pain and fever.");
    pages.page("p/paracetamol-caffeine.md", "Paracetamol + Caffeine", "Relieves muscle aches.");
    pages.page("a/aspirin.md", "Aspirin", "Relieves headache.");
    auto answer = pages.search("conditions:\n  - id: headache\n    label: Headache\n"
                               "    names: [headache]\n    treated_by: [paracetamol]\n",
                               "headache tablets");
    Paths found;
    for (const auto& hit : answer.hits) found.push_back(hit.path);
    CHECK(found == Paths{"p/paracetamol.md", "a/aspirin.md", "p/paracetamol-caffeine.md"});
}

TEST_CASE("a member's name written with its words apart or together finds both spellings' pages",
          "[everyday][integration]") {
    OwnPages pages;
    pages.page("c/carboxymethylcellulose.md", "Carboxymethylcellulose", "Binds tablets.");
    pages.page("c/carboxymethyl-cellulose.md", "Carboxymethyl Cellulose", "Artificial tears for dry eyes.");
    pages.page("p/polyvinyl-alcohol.md", "Polyvinyl Alcohol", "Lubricates the eye.");
    pages.page("t/timolol.md", "Timolol", "Lowers eye pressure; may cause dry eyes.");
    auto answer = pages.search("conditions:\n  - id: dry-eyes\n    label: Dry eyes\n    names: [dry eyes]\n"
                               "    treated_by: [carboxymethylcellulose, polyvinyl alcohol]\n",
                               "dry eyes");
    // Both spellings are the member's pages, above the page that only causes it.
    std::vector<std::pair<std::string, bool>> found;
    for (const auto& hit : answer.hits)
        found.emplace_back(hit.path, std::find(hit.matched.begin(), hit.matched.end(), "topic") != hit.matched.end());
    REQUIRE(found.size() == 4);
    CHECK(std::count(found.begin(), found.begin() + 3, std::pair<std::string, bool>{"c/carboxymethyl-cellulose.md", true}) == 1);
    CHECK(found.back() == std::pair<std::string, bool>{"t/timolol.md", false});
}
