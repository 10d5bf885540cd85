#pragma once
// The first stage of a search, reading the query: what a typed query means,
// before it becomes a Xapian query: drug names (as typed, by another name or
// brand, misspelled or half-typed), combinations, the section asked about,
// the kind of medicine or condition, and the words left for full-text
// matching. The reader's passes are in reader.hpp.

#include "lexicon/snapshot.hpp"

#include "medsearch/common/schema.hpp"
#include "medsearch/server/searcher.hpp"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace medsearch {

// Why a page matched a drug name of the query.
enum class MatchKind { name, synonym, fuzzy, prefix };
std::string_view to_string(MatchKind kind);

struct NameAlternative {
    std::string key;   // a DrugName key of the lexicon
    std::string base;  // base_key(key): the key without salt words
    MatchKind kind;
    double weight;     // 1 for the name as typed; less for what it was read as
};

// One drug of the query ("clavulanic acid"); a page matches it through any
// alternative. Several concepts make a combination.
struct NameConcept {
    std::vector<NameAlternative> alternatives;  // best first
};

// Text for the full-text part, parsed with Xapian's QueryParser.
struct TextPart {
    std::string text;
    double weight = 1;
    bool phrase = false;  // the words next to each other ("opioid dependence")
};

struct QueryPlan {
    bool advanced = false;  // uses Xapian syntax (quotes, field:, AND/OR/NOT): parsed as typed
    std::vector<NameConcept> concepts;
    const schema::SectionSpec* intent = nullptr;
    std::vector<std::string> intent_words;  // the words that asked for it
    std::string qualifier;               // a page qualifier named in the query ("ophthalmic")
    std::vector<TextPart> text;          // the user's words (corrected) first
    std::optional<std::string> corrected;  // the query as corrected, when a word was
    std::vector<DidYouMean> did_you_mean;  // readings offered, when a correction was not certain
    // Words that look like the name of a product no page has (a brand the
    // dictionaries do not know): nothing else answers for them.
    std::vector<std::string> unknown_products;
    std::vector<Expansion> expanded;
    // A kind of medicine or a condition asked about ("allergy tablets",
    // "itching"), when no drug is named: its members answer it.
    const TopicEntry* topic = nullptr;
    std::vector<TopicMember> topic_members;  // first-line first
    std::vector<int> topic_combinations;     // pages of several ingredients, each one a member
    // The condition asked about, in the words of each way of saying it (the
    // user's, then the medical terms it expands to): pages whose drug treats
    // it (schema::kUsageOnlyCausedPrefix) come first.
    std::vector<std::vector<std::string>> treats;
    // The query asked for more than a search may cost (query_limits.hpp): more
    // than kMaxQueryWords words or kMaxWildcards wildcards; the rest were read as words or left out.
    bool cut_short = false;
    // A question about the drug named, in the asker's words ("does prednisolone
    // make you hungry"): what it asks about chooses the section of the answer.
    struct Question {
        std::vector<std::vector<std::string>> words;  // each word asked about, with the pages' words for it
        std::vector<std::string> sections;            // section ids that answer what it asks, most likely first
        bool only = false;                            // the first of `sections` a page has answers
        bool empty() const { return words.empty() && sections.empty(); }
    } question;
    std::size_t wildcards = 0;  // words with a wildcard ("amox*") in a query with Xapian syntax
};

enum class Syntax { allowed, ignored };

// With Syntax::ignored, quotes, field: and operators are read as plain words
// (the fallback when Xapian cannot parse what was typed).
QueryPlan plan_query(std::string_view query, const Snapshot& snapshot, Syntax syntax = Syntax::allowed);

// The QueryParser field name of a section id: without '-' ("side-effects" -> "sideeffects"),
// since field names are letters and digits only.
std::string field_name(std::string_view section_id);

// Xapian's boolean and proximity operators (AND, OR, NOT, XOR, NEAR, ADJ),
// which a query uses only in capitals.
bool is_operator(std::string_view word);

}  // namespace medsearch
