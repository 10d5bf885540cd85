#include "query/suggest.hpp"

#include "medsearch/common/drug_names.hpp"
#include "medsearch/common/text.hpp"

namespace medsearch {
namespace {

// Nothing completes what was typed: its last word read as a misspelling.
std::vector<const SuggestEntry*> complete_misspelling(const std::string& typed, const Snapshot& snapshot,
                                                      std::size_t limit, SuggestPage& page) {
    auto words = split_words(typed);
    for (const auto& match : snapshot.typos().lookup(words.back(), 3)) {
        words.back() = match.word->text;
        std::string fixed;
        for (const auto& w : words) fixed += (fixed.empty() ? "" : " ") + w;
        auto found = snapshot.suggestions().starting_with(fixed, limit);
        if (!found.empty()) {
            page.corrected = fixed;
            return found;
        }
    }
    return {};
}

}  // namespace

void suggest_completions(const SuggestRequest& request, const Snapshot& snapshot, SuggestPage& page) {
    auto typed = name_key(request.query);
    auto found = snapshot.suggestions().starting_with(typed, request.limit);
    if (found.empty() && typed.size() >= 4) {
        // Nothing starts with it: something that sounds the same ("amitryp").
        found = snapshot.suggestions().sounding_like(typed, request.limit);
        std::erase_if(found, [&](const SuggestEntry* entry) { return !starts_like(typed, entry->key); });
        if (!found.empty()) page.corrected = found.front()->key;
    }
    if (found.empty() && !typed.empty()) found = complete_misspelling(typed, snapshot, request.limit, page);
    for (const auto* entry : found) {
        if (entry->topic) {  // a search for the kind of medicine or the condition
            page.suggestions.push_back({entry->label, entry->detail, "", "", std::string(entry->kind), entry->key});
            continue;
        }
        const auto& target = snapshot.pages().entry(entry->page);
        page.suggestions.push_back({entry->label, entry->detail, target.url, target.path, std::string(entry->kind), ""});
    }
}

}  // namespace medsearch
