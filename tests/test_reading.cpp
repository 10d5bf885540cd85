// Reading what people type when it is not the name as written: names spelled
// by ear, brands the dictionaries do not know, strengths after a brand, and
// questions in people's own words. Each on pages and dictionaries of its own.
#include "support.hpp"

using namespace medsearch;
using namespace medsearch::test;

namespace {

struct Page {
    std::string path, title, usage;
    std::string side_effects = {}, precautions = {}, how_it_works = {}, faqs = {};
};

class OwnIndex {
  public:
    OwnIndex(const std::vector<Page>& pages, const std::string& synonyms, const std::string& english = "") {
        for (const auto& p : pages) {
            std::string text = "---\ntitle: " + p.title + "\n---\n\n### Usage\n" + p.usage + "\n";
            if (!p.side_effects.empty()) text += "\n### Side Effects\n" + p.side_effects + "\n";
            if (!p.precautions.empty()) text += "\n### Precautions\n" + p.precautions + "\n";
            if (!p.how_it_works.empty()) text += "\n### How it Works\n" + p.how_it_works + "\n";
            if (!p.faqs.empty()) text += "\n### FAQs\n" + p.faqs + "\n";
            write_file(dir_ / "src" / p.path, text);
        }
        write_file(dir_ / "synonyms.yaml", synonyms);
        write_file(dir_ / "english.txt", english + "\nthe\nand\n");
        auto options = fixture_build(dir_ / "src", dir_ / "index");
        options.synonyms_file = dir_ / "synonyms.yaml";
        options.english_dictionaries = {dir_ / "english.txt"};
        REQUIRE(build_index(options).ok());
        auto opened = Searcher::open(dir_ / "index", SearchSettings{});
        REQUIRE(opened.ok());
        searcher_ = std::move(opened.value());
    }
    SearchPage search(const std::string& query) {
        auto answer = searcher_->search({query, 0, 5});
        REQUIRE(answer.ok());
        return std::move(answer.value());
    }

  private:
    TempDir dir_;
    std::unique_ptr<Searcher> searcher_;
};

std::vector<std::string> offered(const SearchPage& page) {
    std::vector<std::string> texts;
    for (const auto& d : page.did_you_mean) texts.push_back(d.text);
    return texts;
}

}  // namespace

TEST_CASE("a drug name spelled by ear finds the drug, and says what was searched", "[reading][integration]") {
    OwnIndex index({{"p/phenazopyridine.md", "Phenazopyridine", "Relieves burning when passing urine."},
                    {"p/phenelzine.md", "Phenelzine", "Treats depression."},
                    {"t/theophylline.md", "Theophylline", "Opens the airways in asthma."},
                    {"e/ephedrine.md", "Ephedrine", "Raises low blood pressure during anaesthesia."},
                    {"g/gentamicin.md", "Gentamicin", "An antibiotic for serious infections."},
                    {"p/pseudoephedrine.md", "Pseudoephedrine", "Clears a blocked nose."}},
                   "names: []\n");
    struct Row {
        const char *typed, *page, *corrected;
    };
    const Row rows[] = {
        {"fenazopyridine", "p/phenazopyridine.md", "phenazopyridine"},  // ph as f
        {"fenelzine", "p/phenelzine.md", "phenelzine"},
        {"teofylline", "t/theophylline.md", "theophylline"},             // th as t, ph as f, y as i
        {"efedrine", "e/ephedrine.md", "ephedrine"},
        {"jentamisin", "g/gentamicin.md", "gentamicin"},                 // soft g and c
        {"sudoefedrine", "p/pseudoephedrine.md", "pseudoephedrine"},     // silent p, oe
    };
    for (const auto& row : rows) {
        CAPTURE(row.typed);
        auto answer = index.search(std::string(row.typed) + " ");
        REQUIRE(answer.corrected);
        CHECK(*answer.corrected == row.corrected);
        REQUIRE_FALSE(answer.hits.empty());
        CHECK(answer.hits.front().path == row.page);
        CHECK(answer.hits.front().matched.front() == "fuzzy");
    }
}

TEST_CASE("a brand the dictionaries do not know never becomes another drug", "[reading][integration]") {
    OwnIndex index({{"n/nafarelin.md", "Nafarelin", "A nasal spray for endometriosis."},
                    {"q/quinine.md", "Quinine", "Treats malaria and leg cramps; ticks are not its concern."}},
                   "brands:\n  synarel: nafarelin\n", "ticks\naction");
    // One brand away from another in sound: offered, not searched.
    auto unknown = index.search("sinarest");
    CHECK_FALSE(unknown.corrected);
    CHECK(unknown.hits.empty());
    auto offers = offered(unknown);
    REQUIRE_FALSE(offers.empty());
    CHECK(offers.front() == "synarel");
    CHECK(unknown.did_you_mean.front().kind == "brand");
    // A product's name with its strength is never read as an everyday word.
    auto product = index.search("vicks action 500");
    CHECK_FALSE(product.corrected);
    CHECK(product.hits.empty());
    for (const auto& text : offered(product)) CHECK(text.find("ticks") == std::string::npos);
}

TEST_CASE("a strength after a brand is not text to match", "[reading][integration]") {
    OwnIndex index({{"p/paracetamol.md", "Paracetamol", "Relieves pain and fever."},
                    {"l/leaflet.md", "Leaflet Sample", "Tablets of 650 mg: 650, 650 and 650 again."}},
                   "brands:\n  dolo: paracetamol\n");
    auto answer = index.search("dolo 650");
    REQUIRE(answer.hits.size() == 1);
    CHECK(answer.hits.front().path == "p/paracetamol.md");
    // Alone, a number is what there is to search.
    auto number = index.search("650");
    REQUIRE_FALSE(number.hits.empty());
    CHECK(number.hits.front().path == "l/leaflet.md");
}

TEST_CASE("a question is answered from the section that holds the answer", "[reading][integration]") {
    OwnIndex index(
        {{"p/prednisolone.md", "Prednisolone", "Reduces inflammation in asthma and arthritis.",
          "* Increased appetite\n* Mood changes\n* Thinning skin", "Avoid live vaccines.",
          "A corticosteroid that calms the immune system.",
          "* **Q: Can I stop taking it suddenly?** A: No, the dose is lowered slowly."},
         {"t/tinidazole.md", "Tinidazole", "Treats giardiasis and amoebiasis.", "* Nausea\n* Metallic taste",
          "* **Alcohol:** Avoid alcohol during treatment and for 72 hours after it.",
          "Damages the DNA of parasites.", "* **Q: What if I miss a dose?** A: Take it when you remember."},
         {"a/alcohol.md", "Alcohol", "Used on the skin as an antiseptic."},
         {"a/amlodipine.md", "Amlodipine", "Lowers high blood pressure.", "* Swollen ankles\n* Flushing",
          "Not for people with severe aortic stenosis.",
          "Relaxes the blood vessels, so that blood pressure falls.", ""}},
        "names: []\n");
    struct Row {
        const char *question, *page, *section;
    };
    const Row rows[] = {
        {"does prednisolone make you hungry", "p/prednisolone.md", "side-effects"},  // appetite
        {"tinidazole and alcohol", "t/tinidazole.md", "precautions"},                 // not the drug alcohol
        {"how does amlodipine lower blood pressure", "a/amlodipine.md", "how-it-works"},
        {"who should not take amlodipine", "a/amlodipine.md", "precautions"},
    };
    for (const auto& row : rows) {
        CAPTURE(row.question);
        auto answer = index.search(row.question);
        REQUIRE_FALSE(answer.hits.empty());
        CHECK(answer.hits.front().path == row.page);
        CHECK(answer.hits.front().section == row.section);
        CHECK(answer.hits.front().url.ends_with(std::string("#") + row.section));
    }
}

TEST_CASE("a brand whose ingredients no page combines is answered by each ingredient's page, and says so",
          "[reading][integration]") {
    OwnIndex index({{"p/paracetamol.md", "Paracetamol", "Relieves pain and fever."},
                    {"p/phenylephrine.md", "Phenylephrine", "Clears a blocked nose."},
                    {"c/chlorpheniramine-maleate.md", "Chlorpheniramine Maleate", "Relieves a runny nose."},
                    {"m/menthol.md", "Menthol", "Cools the skin."}},
                   "brands:\n  sinarest: [paracetamol, phenylephrine, chlorpheniramine maleate]\n"
                   "  vaporub: [menthol, eucalyptus oil]\n  bengay: methyl salicylate\n");
    auto cold = index.search("sinarest");
    REQUIRE(cold.expanded.size() == 1);
    CHECK(cold.expanded.front().note == "no page has all of paracetamol + phenylephrine + chlorpheniramine maleate: the pages of each");
    std::vector<std::string> paths;
    for (const auto& hit : cold.hits) paths.push_back(hit.path);
    std::sort(paths.begin(), paths.end());
    CHECK(paths == std::vector<std::string>{"c/chlorpheniramine-maleate.md", "p/paracetamol.md", "p/phenylephrine.md"});
    // An ingredient no page has: the others' pages, and the note names it.
    auto rub = index.search("vaporub");
    REQUIRE(rub.expanded.size() == 1);
    CHECK(rub.expanded.front().note == "no page has eucalyptus oil: the pages of the other ingredients");
    REQUIRE_FALSE(rub.hits.empty());
    CHECK(rub.hits.front().path == "m/menthol.md");
    // A brand of what no page has: said, and no other drug is answered.
    auto none = index.search("bengay");
    REQUIRE(none.expanded.size() == 1);
    CHECK(none.expanded.front().note == "no page has methyl salicylate");
    CHECK(none.hits.empty());
    CHECK(none.did_you_mean.empty());
}

TEST_CASE("a site's brands file names brands, one a line, and a change to it is applied without indexing the pages",
          "[reading][integration]") {
    TempDir dir;
    write_file(dir / "src/p/paracetamol.md", "---\ntitle: Paracetamol\n---\n\n### Usage\nRelieves pain.\n");
    write_file(dir / "src/c/caffeine.md", "---\ntitle: Caffeine\n---\n\n### Usage\nKeeps you awake.\n");
    write_file(dir / "brands.txt", "# ours\nzqpain = paracetamol\n");
    auto options = fixture_build(dir / "src", dir / "index");
    options.brands_file = dir / "brands.txt";
    REQUIRE(build_index(options).ok());
    auto first = [&](const std::string& query) {
        auto searcher = Searcher::open(dir / "index", SearchSettings{});
        REQUIRE(searcher.ok());
        auto answer = searcher.value()->search({query, 0, 5});
        REQUIRE(answer.ok());
        return answer.value().hits.empty() ? std::string() : answer.value().hits.front().path;
    };
    CHECK(first("zqpain") == "p/paracetamol.md");
    write_file(dir / "brands.txt", "# ours\nzqpain = caffeine\n");
    auto rebuilt = build_index(options);
    REQUIRE(rebuilt.ok());
    CHECK_FALSE(rebuilt.value().full);
    CHECK(rebuilt.value().changed == 0);
    CHECK(first("zqpain") == "c/caffeine.md");
}
