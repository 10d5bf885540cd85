#include "medsearch/indexer/markdown.hpp"
#include "support.hpp"

using namespace medsearch;
using namespace medsearch::test;

namespace {

ParsedPage parse_fixture(const std::string& name) {
    return parse_monograph("x/" + name, read_file(fixtures() / "pages" / name), ParseOptions{});
}

const Section* section(const Monograph& page, const std::string& id) {
    for (const auto& s : page.sections)
        if (s.id == id) return &s;
    return nullptr;
}

std::vector<std::string> ids(const Monograph& page) {
    std::vector<std::string> out;
    for (const auto& s : page.sections) out.push_back(s.id);
    return out;
}

std::vector<std::string> codes(const ParsedPage& parsed) {
    std::vector<std::string> out;
    for (const auto& d : parsed.diagnostics) out.push_back(d.code);
    return out;
}

}  // namespace

TEST_CASE("sections come from headings with canonical names and kramdown anchors", "[markdown][unit]") {
    auto parsed = parse_monograph("a/amitriptyline.md",
                                  read_file(fixtures() / "corpus/a/amitriptyline.md"), ParseOptions{});
    REQUIRE(parsed.page);
    const auto& page = *parsed.page;
    CHECK(page.title == "Amitriptyline");
    CHECK(page.url == "/composition/a/amitriptyline/");
    CHECK(ids(page) == std::vector<std::string>{"generic-name", "usage", "dosage", "side-effects",
                                                "how-it-works", "precautions", "faqs"});
    const auto* effects = section(page, "side-effects");
    REQUIRE(effects);
    CHECK(effects->label == "Side Effects");
    CHECK(effects->anchor == "side-effects");
    CHECK(effects->line == 16);
    CHECK(effects->text.starts_with("Drowsiness, dry mouth"));
    CHECK(page.other_names == std::vector<std::string>{"Amitriptyline"});
    CHECK(parsed.diagnostics.empty());
}

TEST_CASE("sections come from bold labels at the start of a paragraph", "[markdown][unit]") {
    auto parsed = parse_fixture("bold-labels.md");
    REQUIRE(parsed.page);
    const auto& page = *parsed.page;
    CHECK(ids(page) == std::vector<std::string>{"generic-name", "usage", "dosage", "side-effects",
                                                "how-it-works", "precautions", "disclaimer"});
    CHECK(section(page, "usage")->text == "Relieves headache and migraine.\nTension headache: a common use.");
    CHECK(section(page, "usage")->anchor.empty());
    CHECK(page.components.size() == 2);
    CHECK(page.other_names == std::vector<std::string>{"Paracetamol", "Caffeine"});
}

TEST_CASE("a heading ending in ':' and a label with the colon outside the bold", "[markdown][unit]") {
    auto parsed = parse_fixture("heading-colon.md");
    REQUIRE(parsed.page);
    const auto& page = *parsed.page;
    CHECK(ids(page) == std::vector<std::string>{"intro", "side-effects", "usage", "usage"});
    CHECK(section(page, "intro")->text == "Ibuprofen is a common pain reliever.");
    CHECK(section(page, "side-effects")->anchor == "side-effects");
    // Inside "### Usage", bold labels are sub-headings and stay in the section.
    CHECK(page.sections[2].text == "Usage: for pain and fever.\nAdults: 200 to 400 mg.");
    CHECK(page.sections[3].anchor == "usage-1");
}

TEST_CASE("a heading over bold-label sections only groups them", "[markdown][unit]") {
    auto parsed = parse_fixture("group-headings.md");
    REQUIRE(parsed.page);
    CHECK(ids(*parsed.page) == std::vector<std::string>{"intro", "alprazolam", "usage", "side-effects",
                                                        "sertraline", "usage", "side-effects"});
    CHECK(codes(parsed) == std::vector<std::string>{"title-mismatch"});  // no empty-section
}

TEST_CASE("front matter problems are errors with file and line", "[markdown][unit]") {
    struct Row {
        std::string file;
        int line;
        std::string code, message;
    };
    const Row rows[] = {
        {"no-front-matter.md", 1, "front-matter", "no front matter: a page starts with '---', 'title: ...', '---'"},
        {"broken-yaml.md", 3, "front-matter", "front matter is not valid YAML: end of sequence flow not found"},
        {"no-title.md", 1, "no-title", "front matter has no 'title'"},
    };
    for (const auto& row : rows) {
        CAPTURE(row.file);
        auto parsed = parse_fixture(row.file);
        CHECK_FALSE(parsed.page);
        REQUIRE(parsed.diagnostics.size() == 1);
        const auto& d = parsed.diagnostics.front();
        CHECK(d.severity == Severity::error);
        CHECK(d.line == row.line);
        CHECK(d.code == row.code);
        CHECK(d.message == row.message);
        CHECK(format_text(d) == "x/" + row.file + ":" + std::to_string(row.line) + ": error: " + row.message +
                                    " [" + row.code + "]");
    }
}

TEST_CASE("invalid UTF-8 is an error with its byte offset", "[markdown][unit]") {
    auto parsed = parse_monograph("b/bad.md", "---\ntitle: Bad\n---\n\nBad \xFF byte\n", ParseOptions{});
    CHECK_FALSE(parsed.page);
    REQUIRE(parsed.diagnostics.size() == 1);
    CHECK(parsed.diagnostics[0].code == "invalid-utf8");
    CHECK(parsed.diagnostics[0].line == 5);
    CHECK(parsed.diagnostics[0].message == "invalid UTF-8 at byte offset 24");
}

TEST_CASE("double-encoded text is repaired and reported", "[markdown][unit]") {
    auto parsed = parse_fixture("mojibake.md");
    REQUIRE(parsed.page);
    CHECK(section(*parsed.page, "usage")->text ==
          "It relieves the patient\xE2\x80\x99s hay fever \xE2\x80\x93 sneezing and itching.");
    REQUIRE(codes(parsed) == std::vector<std::string>{"mojibake", "title-mismatch"});
    CHECK(parsed.diagnostics[0].line == 7);
    CHECK(parsed.diagnostics[0].severity == Severity::warning);
}

TEST_CASE("a refusal instead of a monograph is a warning", "[markdown][unit]") {
    auto parsed = parse_fixture("refusal.md");
    REQUIRE(parsed.page);
    CHECK(codes(parsed) == std::vector<std::string>{"no-sections", "refusal", "title-mismatch"});
}

TEST_CASE("qualifiers, aliases and generic names become names", "[markdown][unit]") {
    auto parsed = parse_fixture("qualifier-alias.md");
    REQUIRE(parsed.page);
    const auto& page = *parsed.page;
    REQUIRE(page.components.size() == 2);
    CHECK(page.components[0].aliases == std::vector<std::string>{"paracetamol"});
    CHECK(page.components[1].qualifier == "Topical");
    CHECK(page.other_names == std::vector<std::string>{"Acetaminophen", "Lidocaine"});
}
