#include "medsearch/common/monograph.hpp"

#include <catch2/catch.hpp>

#include <string>
#include <vector>

using namespace medsearch;

namespace {

// A monograph-like page; `n` varies the words so that pages differ.
Monograph page_number(int n) {
    Monograph page;
    page.path = "d/drug-" + std::to_string(n) + ".md";
    page.url = "/composition/d/drug-" + std::to_string(n) + "/";
    page.title = "Drug " + std::to_string(n);
    page.sections = {
        {"usage", "Usage", "usage", 0,
         "Drug " + std::to_string(n) + " is used to treat high blood pressure and to prevent heart attacks and "
         "strokes. It is often prescribed together with other medicines."},
        {"side-effects", "Side Effects", "side-effects", 0,
         "Common side effects include dizziness, headache, nausea and tiredness. Contact your doctor if you notice "
         "swelling of the face, lips or tongue, or difficulty breathing (" + std::to_string(n * 7) + ")."},
        {"precautions", "Precautions", "precautions", 0,
         "Tell your doctor if you are pregnant or breastfeeding, or have kidney or liver disease."},
    };
    return page;
}

std::string source_of(const Monograph& page) {
    std::string text = "---\ntitle: " + page.title + "\n---\n";
    for (const auto& section : page.sections) text += "### " + section.label + "\n" + section.text + "\n\n";
    return text;
}

std::vector<std::string> samples(int count) {
    std::vector<std::string> out;
    for (int n = 0; n < count; ++n) out.push_back(source_of(page_number(n)));
    return out;
}

}  // namespace

TEST_CASE("stored pages decode to what was encoded, with and without a dictionary", "[codec][unit]") {
    const PageCodec plain;
    const PageCodec trained(PageCodec::train(samples(200)));
    REQUIRE_FALSE(trained.dictionary().empty());
    auto page = page_number(1000);
    for (const auto* codec : {&plain, &trained}) {
        StoredPage decoded;
        REQUIRE(codec->decode(codec->encode(page), decoded));
        CHECK(decoded.path == page.path);
        CHECK(decoded.url == page.url);
        CHECK(decoded.title == page.title);
        REQUIRE(decoded.sections.size() == 3);
        CHECK(decoded.sections[1].anchor == "side-effects");
        CHECK(decoded.sections[1].text == page.sections[1].text);
    }
    // Pages like those it was trained on take less room with the dictionary.
    CHECK(trained.encode(page).size() * 2 < plain.encode(page).size());
    // A page without a dictionary decodes with any codec.
    StoredPage decoded;
    CHECK(trained.decode(plain.encode(page), decoded));
}

TEST_CASE("a page compressed with a dictionary needs that dictionary", "[codec][unit]") {
    const PageCodec trained(PageCodec::train(samples(200)));
    auto other_samples = samples(300);
    other_samples.erase(other_samples.begin(), other_samples.begin() + 100);
    const PageCodec other(PageCodec::train(other_samples));
    REQUIRE(other.dictionary() != trained.dictionary());
    auto encoded = trained.encode(page_number(5));
    StoredPage decoded;
    CHECK_FALSE(PageCodec().decode(encoded, decoded));
    CHECK_FALSE(other.decode(encoded, decoded));
    CHECK_FALSE(trained.decode("not a page", decoded));
    CHECK(trained.decode(encoded, decoded));
}

TEST_CASE("a dictionary is trained the same way from the same pages, and only from enough of them",
          "[codec][unit]") {
    CHECK(PageCodec::train(samples(200)) == PageCodec::train(samples(200)));
    CHECK(PageCodec::train(samples(10)).empty());
}
