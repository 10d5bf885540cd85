#include "medsearch/server/searcher.hpp"

#include "lexicon/snapshot.hpp"
#include "query/answer.hpp"
#include "query/build.hpp"
#include "query/cached_stem.hpp"
#include "query/explain.hpp"
#include "query/facet_spy.hpp"
#include "query/match.hpp"
#include "query/plan.hpp"
#include "query/section.hpp"
#include "query/snippet.hpp"
#include "query/suggest.hpp"
#include "remote_shards.hpp"

#include "medsearch/common/schema.hpp"
#include "medsearch/common/text.hpp"

#include <xapian.h>

namespace medsearch {
namespace {

double elapsed_ms(std::chrono::steady_clock::time_point since) {
    return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - since).count();
}

}  // namespace

// What every hit of one search is read with.
struct HitContext {
    const Xapian::MSet& mset;
    const QueryPlan& plan;
    SectionWords words;
    bool in_time = true;  // before the deadline: sections and snippets are made
};

Status validate(const SearchRequest& request) {
    if (trim(request.query).empty()) return Error{Errc::bad_input, "query 'q' is empty"};
    if (request.query.size() > kMaxQueryBytes)
        return Error{Errc::bad_input, "query 'q' is longer than " + std::to_string(kMaxQueryBytes) + " bytes"};
    if (auto bad = find_invalid_utf8(request.query))
        return Error{Errc::bad_input, "query 'q' is not valid UTF-8 (byte " + std::to_string(*bad) + ")"};
    if (request.limit < 1 || request.limit > kMaxLimit)
        return Error{Errc::bad_input, "limit must be 1.." + std::to_string(kMaxLimit) + ", got " +
                                          std::to_string(request.limit)};
    if (request.offset > kMaxOffset)
        return Error{Errc::bad_input, "offset must be 0.." + std::to_string(kMaxOffset) + ", got " +
                                          std::to_string(request.offset)};
    if (request.filters.size() > kMaxFilters)
        return Error{Errc::bad_input, "at most " + std::to_string(kMaxFilters) + " filters, got " +
                                          std::to_string(request.filters.size())};
    for (const auto& filter : request.filters)
        if (filter.values.size() > kMaxFilterValues)
            return Error{Errc::bad_input, "at most " + std::to_string(kMaxFilterValues) + " values in filter " +
                                              filter.field};
    return Ok{};
}

Status validate(const SuggestRequest& request) {
    if (request.query.size() > kMaxQueryBytes)
        return Error{Errc::bad_input, "query 'q' is longer than " + std::to_string(kMaxQueryBytes) + " bytes"};
    if (auto bad = find_invalid_utf8(request.query))
        return Error{Errc::bad_input, "query 'q' is not valid UTF-8 (byte " + std::to_string(*bad) + ")"};
    if (request.limit < 1 || request.limit > kMaxSuggestLimit)
        return Error{Errc::bad_input, "limit must be 1.." + std::to_string(kMaxSuggestLimit) + ", got " +
                                          std::to_string(request.limit)};
    return Ok{};
}

Searcher::Searcher(std::shared_ptr<const Snapshot> snapshot, SearchSettings settings)
    : snapshot_(std::move(snapshot)),
      settings_(std::move(settings)),
      stem_(make_cached_stemmer(schema::make_stemmer())),
      match_sets_(std::make_unique<MatchSets>(kMatchSetCacheBytes)) {
    if (!settings_.shard_servers.empty()) return;  // connected at the first search
    db_ = open_generation_database(snapshot_->generation().path);
    builder_ = std::make_unique<QueryBuilder>(db_, *snapshot_, stem_);
    db_open_ = true;
}

Searcher::~Searcher() = default;

Result<std::unique_ptr<Searcher>> Searcher::open(const std::filesystem::path& index_dir,
                                                 SearchSettings settings) {
    auto opened = open_current_index(index_dir);
    if (!opened) return opened.error();
    auto snapshot = Snapshot::load(opened.value().db, opened.value().generation);
    if (!snapshot) return snapshot.error();
    try {
        return std::make_unique<Searcher>(snapshot.value(), settings);
    } catch (const Xapian::Error& e) {
        return Error{Errc::index, e.get_description()};
    }
}

Status Searcher::open_database(const Snapshot& snapshot) {
    db_open_ = false;
    try {
        if (settings_.shard_servers.empty()) {
            db_ = open_generation_database(snapshot.generation().path);
        } else {
            auto shards = open_remote_shards(snapshot.generation(), settings_.shard_servers);
            if (!shards) return shards.error();
            db_ = std::move(shards.value());
        }
        builder_ = std::make_unique<QueryBuilder>(db_, snapshot, stem_);
    } catch (const Xapian::NetworkError& e) {
        return remote_shard_error(e);
    } catch (const Xapian::Error& e) {
        return Error{Errc::index, e.get_description()};
    }
    match_sets_->forget();
    db_open_ = true;
    return Ok{};
}

Status Searcher::use(std::shared_ptr<const Snapshot> snapshot) {
    if (snapshot == snapshot_) return Ok{};
    if (settings_.shard_servers.empty()) {
        if (auto opened = open_database(*snapshot); !opened) return opened;
    } else {
        db_open_ = false;
    }
    snapshot_ = std::move(snapshot);
    return Ok{};
}

Result<SearchPage> Searcher::search(const SearchRequest& request) {
    auto valid = validate(request);
    if (!valid) return valid.error();
    auto started = std::chrono::steady_clock::now();
    deadline_ = started + settings_.deadline;
    if (!db_open_)
        if (auto opened = open_database(*snapshot_); !opened) return opened.error();
    auto syntax = Syntax::allowed;
    bool reconnected = false;
    for (int attempt = 0;; ++attempt) {
        try {
            auto page = run(request, syntax);
            if (page) page.value().took_ms = elapsed_ms(started);
            return page;
        } catch (const Xapian::DatabaseModifiedError&) {
            if (attempt == 2) return Error{Errc::index, "index kept changing during the search"};
            db_.reopen();
            match_sets_->forget();
        } catch (const Xapian::NetworkError& e) {
            // A shard server that dropped an idle connection, or restarted
            // for a new generation, is connected once more; twice is down.
            if (reconnected || settings_.shard_servers.empty()) {
                db_open_ = false;
                return remote_shard_error(e);
            }
            reconnected = true;
            if (auto opened = open_database(*snapshot_); !opened) return opened.error();
        } catch (const Xapian::QueryParserError& e) {
            // What looked like syntax ("AND" alone) is read as plain words.
            if (syntax == Syntax::ignored) return Error{Errc::bad_input, "cannot parse query: " + e.get_msg()};
            syntax = Syntax::ignored;
        } catch (const Xapian::Error& e) {
            return Error{Errc::index, e.get_description()};
        }
    }
}

// The stages of a search, in the order the data flows through them.
Result<SearchPage> Searcher::run(const SearchRequest& request, Syntax syntax) {
    SearchPage page;
    StageClock clock(page.stages);
    auto plan = plan_query(request.query, *snapshot_, syntax);
    clock.lap(&StageTimes::plan);
    auto built = builder_->build(plan);
    auto query = built.all();
    if (!request.filters.empty() && !query.empty())
        query = Xapian::Query(Xapian::Query::OP_FILTER, query, filter_query(request.filters));
    clock.lap(&StageTimes::build);
    page.query = request.query;
    page.corrected = plan.corrected;
    page.did_you_mean = plan.did_you_mean;
    page.expanded = plan.expanded;
    page.partial = plan.cut_short;
    if (plan.intent) page.intent = std::string(plan.intent->id);
    page.topic = topic_block(plan, *snapshot_);
    if (request.facets) page.facets.emplace();
    if (query.empty() || !plan.unknown_products.empty()) return page;
    auto mset = match(db_, query, request.offset, request.limit);
    page.total = mset.get_matches_estimated();
    clock.lap(&StageTimes::match);
    if (page.facets && !settings_.shard_servers.empty()) {
        // Counted on the shard servers, which send back only the counts.
        auto counted = count_matches_with_spy(db_, query);
        page.total = counted.total;
        page.facets = counted.facets;
        clock.lap(&StageTimes::facets);
    } else if (page.facets) {
        auto matched = match_sets_->of(db_, query);
        page.total = matched.count();
        page.facets = count_facets(matched, snapshot_->page_facets());
        clock.lap(&StageTimes::facets);
    }
    HitContext context{mset, plan, SectionWords(plan, *snapshot_, stem_)};
    for (auto it = mset.begin(); it != mset.end(); ++it) {
        context.in_time = context.in_time && clock.now() < deadline_;
        auto hit = read_hit(it, context, clock);
        if (!hit) return hit.error();
        page.hits.push_back(std::move(hit.value()));
    }
    page.partial = page.partial || !context.in_time;
    if (request.explain) {
        auto parts = score_parts(db_, built, page.hits);
        for (std::size_t i = 0; i < page.hits.size(); ++i) {
            int index = snapshot_->pages().page_index(page.hits[i].path);
            std::size_t ingredients = index >= 0 ? snapshot_->pages().components(index).size() : 0;
            page.hits[i].explain_json =
                nlohmann::json{{"score", page.hits[i].score}, {"parts", parts[i]}, {"ingredients", ingredients}}.dump();
        }
        page.explained = true;
        clock.lap(&StageTimes::explain);
    }
    return page;
}

// One hit: its stored page, the section that answers, a snippet of it, and
// why it matched. Past the deadline, without section and snippet.
Result<Hit> Searcher::read_hit(const Xapian::MSetIterator& match, const HitContext& context, StageClock& clock) {
    const auto& plan = context.plan;
    Hit hit;
    hit.rank = static_cast<unsigned>(match.get_rank()) + 1;  // MSet ranks count from the first page
    hit.score = match.get_weight();
    auto decoded = snapshot_->stored_pages().read(db_, match, snapshot_->page_codec());
    if (!decoded) return Error{Errc::index, "document " + std::to_string(*match) + " is not a medsearch page"};
    const auto& stored = decoded->page;
    hit.path = stored.path;
    hit.title = stored.title;
    hit.url = stored.url;
    SectionChoice choice;
    if (context.in_time) choice = choose_section(stored, plan, context.words, stem_);
    clock.lap(&StageTimes::section);
    const auto* section = choice.section;
    bool in_section = plan.intent && section && section->id == plan.intent->id;
    if (section) {
        hit.section = section->id;
        hit.section_label = section->label;
        hit.snippet = make_snippet(context.mset, section->text, choice.focus, settings_.snippet_bytes, stem_);
        // The section asked for, or the one that answers a question, is where the link points.
        bool answers = in_section || (!plan.intent && !plan.question.empty());
        if (answers && !section->anchor.empty()) hit.url.append("#").append(section->anchor);
        clock.lap(&StageTimes::snippet);
    }
    hit.matched = why_matched(plan, snapshot_->pages().page_index(stored.path), *snapshot_, in_section);
    return hit;
}

Result<SuggestPage> Searcher::suggest(const SuggestRequest& request) {
    auto valid = validate(request);
    if (!valid) return valid.error();
    auto started = std::chrono::steady_clock::now();
    SuggestPage page;
    page.query = request.query;
    suggest_completions(request, *snapshot_, page);
    page.took_ms = elapsed_ms(started);
    return page;
}

}  // namespace medsearch
