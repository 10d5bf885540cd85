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
void for_each_sentence(std::string_view text, OnSentence&& on_sentence) {
    std::size_t start = 0;
    for (std::size_t i = 0; i <= text.size(); ++i) {
        bool end = i == text.size() || text[i] == '\n' ||
                   ((text[i] == '.' || text[i] == '!' || text[i] == '?' || text[i] == ';') &&
                    (i + 1 == text.size() || text[i + 1] == ' ' || text[i + 1] == '\n'));
        if (!end) continue;
        if (i > start) on_sentence(text.substr(start, i - start));
        start = i + 1;
    }
}

}  // namespace

Clauses treatment_clauses(std::string_view text) {
    Clauses out;
    std::string lower;
    for_each_sentence(text, [&](std::string_view sentence) {
        lower.assign(sentence);
        std::transform(lower.begin(), lower.end(), lower.begin(),
                       [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
        auto cut = first_turn(lower);
        out.treats.append(sentence.substr(0, cut)).push_back('\n');
        if (cut < sentence.size()) out.other.append(sentence.substr(cut)).push_back('\n');
    });
    return out;
}

const Section* usage_section(const Monograph& page) {
    for (const auto& section : page.sections)
        if (section.id == schema::kUsage.id) return &section;
    return nullptr;
}

}  // namespace medsearch
