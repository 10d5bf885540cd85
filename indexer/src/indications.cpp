#include "medsearch/indexer/indications.hpp"

#include "medsearch/common/schema.hpp"

#include <algorithm>
#include <array>
#include <cctype>

namespace medsearch {
namespace {

// Where a clause stops saying what the drug is for: what it causes, what it
// warns of, what it is not for. Matched at word starts, in lower case.
constexpr std::array<std::string_view, 27> kTurns = {
    "side effect", "adverse", "cause", "causing", "induce", "overdos", "poisoning", "toxicity",
    "contraindicat", "not ", "never ", "avoid", "warning", "caution", "should be used with care",
    "worsen", "aggravat", "precipitat", "allergic to", "hypersensitiv", "interact", "withdrawn",
    "withdrawal of", "risk of developing", "however", "although", "unless"};

// Sentences of the intro that still describe the drug rather than the page.
constexpr std::size_t kIntroSentences = 3;

bool word_start(std::string_view text, std::size_t at) {
    return at == 0 || !std::isalnum(static_cast<unsigned char>(text[at - 1]));
}

// The first place in `sentence` (lower case) where a turn begins, or its size.
std::size_t first_turn(std::string_view sentence) {
    std::size_t cut = sentence.size();
    for (auto turn : kTurns)
        for (auto at = sentence.find(turn); at != std::string_view::npos && at < cut; at = sentence.find(turn, at + 1))
            if (word_start(sentence, at)) {
                cut = at;
                break;
            }
    return cut;
}

// Sentences end at '.', '!', '?', ';' before a space, and at line ends (list items).
template <typename OnSentence>
void for_each_sentence(std::string_view text, OnSentence&& on_sentence, std::size_t limit = SIZE_MAX) {
    std::size_t start = 0, count = 0;
    for (std::size_t i = 0; i <= text.size() && count < limit; ++i) {
        bool end = i == text.size() || text[i] == '\n' ||
                   ((text[i] == '.' || text[i] == '!' || text[i] == '?' || text[i] == ';') &&
                    (i + 1 == text.size() || text[i + 1] == ' ' || text[i + 1] == '\n'));
        if (!end) continue;
        if (i > start) {
            on_sentence(text.substr(start, i - start));
            ++count;
        }
        start = i + 1;
    }
}

}  // namespace

std::string treatment_clauses(std::string_view text) {
    std::string out, lower;
    for_each_sentence(text, [&](std::string_view sentence) {
        lower.assign(sentence);
        std::transform(lower.begin(), lower.end(), lower.begin(),
                       [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
        auto keep = sentence.substr(0, first_turn(lower));
        if (keep.find_first_not_of(" \t*-:,") == std::string_view::npos) return;
        out.append(keep).push_back('\n');
    });
    return out;
}

std::string treatment_text(const Monograph& page) {
    std::string out;
    const Section* usage = nullptr;
    const Section* intro = nullptr;
    for (const auto& section : page.sections) {
        if (section.id == schema::kUsage.id && !usage) usage = &section;
        if (section.id == schema::kIntro.id && !intro) intro = &section;
    }
    if (usage) out = treatment_clauses(usage->text);
    if (intro) {
        std::string opening;
        for_each_sentence(intro->text, [&](std::string_view s) { opening.append(s).append(".\n"); }, kIntroSentences);
        out += treatment_clauses(opening);
    }
    return out;
}

}  // namespace medsearch
