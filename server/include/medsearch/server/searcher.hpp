#pragma once
// Searcher: one query in, one page of ranked hits with snippets out.
// Owns a Xapian::Database, QueryParsers and a Stem: not thread-safe, one per
// worker thread (see SearcherPool). The CLI uses the same class, so CLI and
// HTTP answers are the same.

#include "medsearch/common/defaults.hpp"
#include "medsearch/common/facets.hpp"
#include "medsearch/common/monograph.hpp"
#include "medsearch/common/result.hpp"
#include "medsearch/server/query_limits.hpp"

#include <xapian.h>

#include <chrono>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace medsearch {

class Snapshot;  // what a searcher reads of one index generation (server/src/lexicon)
struct QueryPlan;
struct HitContext;
class StageClock;
class QueryBuilder;
class MatchSets;
enum class Syntax;

struct SearchRequest {
    std::string query;
    unsigned offset = 0;
    unsigned limit = defaults::kSearchLimit;
    bool explain = false;
    std::vector<FacetFilter> filters = {};  // each must hold (AND); any value of one will do (OR)
    bool facets = true;                // count the facts of every matching page
};

// A word of the query searched as another: "albuterol" as "salbutamol".
struct Expansion {
    std::string from;
    std::string to;
    std::string kind;  // "name", "spelling", "brand", "condition"
    // When what it stands for has no page of its own: what was searched instead
    // ("no page has all of ...: the pages of each").
    std::string note = {};
};

// A reading of the query offered, not searched: a misspelling whose
// correction is not certain enough to be applied silently.
struct DidYouMean {
    std::string text;  // the whole query as it would be searched
    std::string kind;  // what the changed word was read as: "drug", "brand" or "word"
};

struct Hit {
    unsigned rank = 0;  // 1-based, counting from the first page of results
    std::string path;
    std::string url;    // with the section's anchor when the query asked for a section
    std::string title;
    double score = 0;
    std::string section;        // id of the section the snippet comes from
    std::string section_label;  // "Side Effects"
    std::string snippet;        // HTML-escaped text, matches in <mark>...</mark>
    std::vector<std::string> matched;  // name, synonym, fuzzy, prefix, section, text
    std::string explain_json;   // set with SearchRequest::explain
};

// A short answer above the hits: the kind of medicine or the condition asked
// about, and the medicines that answer it, first-line first.
struct TopicBlock {
    struct Member {
        std::string label;  // "Cetirizine"
        std::string url;
        std::string path;
    };
    std::string label;  // "Allergy tablets (antihistamines)"
    std::string kind;   // "class" or "condition"
    std::vector<Member> members;
};

// What each stage of a search took, in milliseconds (per-hit stages summed
// over the hits): what explain reports and bench/ sums up.
struct StageTimes {
    double plan = 0;     // reading the query
    double build = 0;    // making the Xapian query
    double match = 0;    // Xapian's match
    double facets = 0;   // counting the facts of every matching page
    double section = 0;  // choosing each hit's section (and reading its stored page)
    double snippet = 0;  // making each hit's snippet
    double explain = 0;  // the parts of each hit's score (explain only)
};

struct SearchPage {
    std::string query;
    std::size_t total = 0;  // matching pages: exact with facets, else Xapian's estimate
    double took_ms = 0;
    std::optional<std::string> corrected;
    std::vector<DidYouMean> did_you_mean;  // offered, not searched
    std::vector<Expansion> expanded;
    std::string intent;     // section id the query asked about, or empty
    std::optional<TopicBlock> topic;  // the kind of medicine or condition asked about
    std::vector<Hit> hits;
    bool partial = false;  // the search's deadline cut it short: hits or snippets may be missing
    std::optional<FacetCounts> facets;  // over every matching page, when asked for
    StageTimes stages;
    bool explained = false;  // the request asked to explain: the JSON shows the stages too
};

struct SuggestRequest {
    std::string query;
    unsigned limit = defaults::kSuggestLimit;
};

struct Suggestion {
    std::string label;   // "Paracetamol"
    std::string detail;  // "brand of Paracetamol", "in Amoxicillin + Clavulanic Acid", ""
    std::string url;
    std::string path;
    std::string kind;    // "drug", "combination", "brand", "other-name", "class", "condition"
    std::string query;   // for a class or condition: the search that answers it (url is empty)
};

struct SuggestPage {
    std::string query;
    double took_ms = 0;
    std::optional<std::string> corrected;  // when nothing completed what was typed
    std::vector<Suggestion> suggestions;
};

struct SearchSettings {
    unsigned snippet_bytes = defaults::kSnippetBytes;
    // Time a search may take before it returns what it has (SearchPage::partial).
    std::chrono::milliseconds deadline = defaults::kSearchDeadline;
    // HOST:PORT of shard servers matching in place of the generation's own
    // shards, in their order (remote_shards.hpp); empty: the local shards.
    std::vector<std::string> shard_servers;
};

// A search is a pipeline of stages (server/src/query/): read the query
// (plan) -> build the Xapian query -> match -> choose each hit's section ->
// snippet -> explain.
class Searcher {
  public:
    Searcher(std::shared_ptr<const Snapshot> snapshot, SearchSettings settings);
    ~Searcher();

    // Opens the published index of `index_dir` (for one-off use, as the CLI).
    static Result<std::unique_ptr<Searcher>> open(const std::filesystem::path& index_dir,
                                                  SearchSettings settings);

    Result<SearchPage> search(const SearchRequest& request);
    Result<SuggestPage> suggest(const SuggestRequest& request);

    // Switches to another generation (hot swap); cheap when it is the same one.
    Status use(std::shared_ptr<const Snapshot> snapshot);

  private:
    Result<SearchPage> run(const SearchRequest& request, Syntax syntax);
    // Opens what this searcher matches against for `snapshot`: the
    // generation's database, or its shards on the shard servers.
    Status open_database(const Snapshot& snapshot);
    Result<Hit> read_hit(const Xapian::MSetIterator& match, const HitContext& context, StageClock& clock);

    std::shared_ptr<const Snapshot> snapshot_;
    SearchSettings settings_;
    Xapian::Database db_;
    bool db_open_ = false;  // shard servers are connected at the first search, and again after a failure
    Xapian::Stem stem_;
    std::unique_ptr<QueryBuilder> builder_;       // the query stage's parsers, for this generation
    std::unique_ptr<MatchSets> match_sets_;       // every match, for facets
    std::chrono::steady_clock::time_point deadline_;  // of the search under way
};

// Checks what arrives from outside: size, UTF-8, ranges. Errors are bad_input.
Status validate(const SearchRequest& request);
Status validate(const SuggestRequest& request);

}  // namespace medsearch
