#include "medsearch/server/searcher.hpp"

#include "medsearch/common/drug_names.hpp"
#include "medsearch/common/log.hpp"
#include "medsearch/common/monograph.hpp"
#include "medsearch/common/schema.hpp"
#include "medsearch/common/text.hpp"

#include <nlohmann/json.hpp>
#include <xapian.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <unordered_set>

namespace medsearch {
namespace {

// Score tiers (see docs/ranking.md). Each drug of the query a page has as an
// ingredient is worth kConcept; that outweighs everything else, so pages with
// more of the asked drugs come first. Then the page of exactly those drugs,
// then their salt forms, then fewer other ingredients; text relevance (BM25,
// tens at most) orders pages within a tier.
constexpr double kConcept = 10000;
constexpr double kSaltFormFactor = 0.95;
constexpr double kExactSet = 4000;
constexpr double kBaseSet = 3000;
constexpr double kSpecificity = 1000;
// The Usage section says what a drug is for: its words count extra.
constexpr double kUsageText = 0.8;
// Words next to each other as typed.
constexpr double kPhraseText = 0.5;

Xapian::Query constant(const Xapian::Query& match, double weight) {
    // FixedWeightPostingSource gives weight 1 to every page; FILTER keeps the
    // pages that match, with that weight: a flat score whatever the term counts.
    Xapian::Query one((new Xapian::FixedWeightPostingSource(1.0))->release());
    return Xapian::Query(Xapian::Query::OP_SCALE_WEIGHT, Xapian::Query(Xapian::Query::OP_FILTER, one, match),
                         weight);
}

std::string prefixed(std::string_view prefix, std::string_view key) {
    return std::string(prefix) + std::string(key);
}

struct BuiltQuery {
    Xapian::Query names;        // concept tiers
    Xapian::Query sets;         // exact and salt-form sets
    Xapian::Query specificity;  // fewer ingredients
    Xapian::Query text;         // full-text part
    Xapian::Query all() const {
        std::vector<Xapian::Query> parts;
        for (const auto* q : {&names, &sets, &specificity, &text})
            if (!q->empty()) parts.push_back(*q);
        return Xapian::Query(Xapian::Query::OP_OR, parts.begin(), parts.end());
    }
};

// Up to `limit` combinations of one alternative per concept, best first.
void set_combinations(const std::vector<NameConcept>& concepts, std::size_t index,
                      std::vector<std::string>& keys, double weight,
                      std::vector<std::pair<std::vector<std::string>, double>>& out, std::size_t limit) {
    if (out.size() >= limit) return;
    if (index == concepts.size()) {
        out.emplace_back(keys, weight);
        return;
    }
    const auto& alternatives = concepts[index].alternatives;
    for (std::size_t a = 0; a < alternatives.size() && a < 3; ++a) {
        keys.push_back(alternatives[a].key);
        set_combinations(concepts, index + 1, keys, weight * alternatives[a].weight, out, limit);
        keys.pop_back();
    }
}

bool page_has(const std::vector<std::vector<std::string>>& components, std::string_view key) {
    for (const auto& names : components)
        if (std::find(names.begin(), names.end(), key) != names.end()) return true;
    return false;
}

bool page_has_base(const std::vector<std::vector<std::string>>& components, std::string_view base) {
    for (const auto& names : components)
        for (const auto& name : names)
            if (base_key(name) == base) return true;
    return false;
}

// Plain-text words of the query, lower case, for choosing a snippet's section.
struct SectionScorer {
    struct Key {
        std::string word;
        std::string stem;
    };
    std::vector<Key> keys;

    SectionScorer(const std::vector<std::string>& words, const Xapian::Stem& stem) {
        for (const auto& word : words) keys.push_back({word, stem(word)});
    }

    // Distinct query words found in text (by word or by stem).
    int score(std::string_view text, const Xapian::Stem& stem) const {
        if (keys.empty()) return 0;
        std::vector<bool> found(keys.size(), false);
        std::string token;
        auto check = [&] {
            if (token.size() < 2) return;
            for (std::size_t k = 0; k < keys.size(); ++k) {
                if (found[k]) continue;
                const auto& key = keys[k];
                if (token == key.word) {
                    found[k] = true;
                } else if (key.stem.size() >= 3 && token.size() >= key.stem.size() &&
                           token.compare(0, 3, key.stem, 0, 3) == 0 && stem(token) == key.stem) {
                    found[k] = true;
                }
            }
        };
        for (char c : text) {
            if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) {
                token.push_back(c);
            } else if (c >= 'A' && c <= 'Z') {
                token.push_back(static_cast<char>(c + 32));
            } else {
                check();
                token.clear();
            }
        }
        check();
        return static_cast<int>(std::count(found.begin(), found.end(), true));
    }
};

// Sections a snippet may come from when nothing else decides: what a drug is for.
constexpr std::string_view kDefaultSections[] = {"usage", "intro", "how-it-works", "generic-name"};

const Section* choose_section(const StoredPage& page, const QueryPlan& plan, const SectionScorer& scorer,
                              const Xapian::Stem& stem) {
    auto find = [&](std::string_view id) -> const Section* {
        for (const auto& section : page.sections)
            if (section.id == id) return &section;
        return nullptr;
    };
    if (plan.intent) {
        if (const auto* section = find(plan.intent->id)) return section;
        for (auto fallback : plan.intent->fallbacks)
            if (const auto* section = find(fallback)) return section;
    }
    const Section* best = nullptr;
    int best_score = 0;
    for (const auto& section : page.sections) {
        int score = scorer.score(section.text, stem);
        if (score > best_score) {
            best = &section;
            best_score = score;
        }
    }
    if (best) return best;
    for (auto id : kDefaultSections)
        if (const auto* section = find(id)) return section;
    return page.sections.empty() ? nullptr : &page.sections.front();
}

double elapsed_ms(std::chrono::steady_clock::time_point since) {
    return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - since).count();
}

}  // namespace

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
    return Ok{};
}

Status validate(const SuggestRequest& request) {
    if (request.query.size() > kMaxQueryBytes)
        return Error{Errc::bad_input, "query 'q' is longer than " + std::to_string(kMaxQueryBytes) + " bytes"};
    if (auto bad = find_invalid_utf8(request.query))
        return Error{Errc::bad_input, "query 'q' is not valid UTF-8 (byte " + std::to_string(*bad) + ")"};
    if (request.limit < 1 || request.limit > 50)
        return Error{Errc::bad_input, "limit must be 1..50, got " + std::to_string(request.limit)};
    return Ok{};
}

Searcher::Searcher(std::shared_ptr<const Snapshot> snapshot, SearchSettings settings)
    : snapshot_(std::move(snapshot)),
      settings_(settings),
      db_(snapshot_->generation().path.string(), Xapian::DB_BACKEND_GLASS),
      stem_(schema::make_stemmer()) {
    configure_parsers();
}

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

Status Searcher::use(std::shared_ptr<const Snapshot> snapshot) {
    if (snapshot == snapshot_) return Ok{};
    try {
        db_ = Xapian::Database(snapshot->generation().path.string(), Xapian::DB_BACKEND_GLASS);
    } catch (const Xapian::Error& e) {
        return Error{Errc::index, e.get_description()};
    }
    snapshot_ = std::move(snapshot);
    configure_parsers();
    return Ok{};
}

void Searcher::configure_parsers() {
    const auto& stopwords = snapshot_->stopwords();
    for (auto* parser : {&parser_, &usage_parser_}) {
        *parser = Xapian::QueryParser();
        parser->set_database(db_);
        parser->set_stemmer(stem_);
        parser->set_stemming_strategy(Xapian::QueryParser::STEM_SOME);
        parser->set_stopper((new Xapian::SimpleStopper(stopwords.begin(), stopwords.end()))->release());
        parser->set_default_op(Xapian::Query::OP_OR);
        for (const auto& field : schema::kNameFields)
            parser->add_prefix(std::string(field.name), std::string(field.prefix));
        for (const auto& section : schema::kSections)
            if (!section.prefix.empty()) parser->add_prefix(field_name(section.id), std::string(section.prefix));
    }
    usage_parser_.add_prefix("", std::string(schema::kUsage.prefix));
}

Result<SearchPage> Searcher::search(const SearchRequest& request) {
    auto valid = validate(request);
    if (!valid) return valid.error();
    auto started = std::chrono::steady_clock::now();
    auto syntax = Syntax::allowed;
    for (int attempt = 0;; ++attempt) {
        try {
            auto plan = plan_query(request.query, *snapshot_, syntax);
            auto page = run(request, plan);
            if (page) page.value().took_ms = elapsed_ms(started);
            return page;
        } catch (const Xapian::DatabaseModifiedError&) {
            if (attempt == 2) return Error{Errc::index, "index kept changing during the search"};
            db_.reopen();
        } catch (const Xapian::QueryParserError& e) {
            // What looked like syntax ("AND" alone) is read as plain words.
            if (syntax == Syntax::ignored) return Error{Errc::bad_input, "cannot parse query: " + e.get_msg()};
            syntax = Syntax::ignored;
        } catch (const Xapian::Error& e) {
            return Error{Errc::index, e.get_description()};
        }
    }
}

Result<SearchPage> Searcher::run(const SearchRequest& request, const QueryPlan& plan) {
    SearchPage page;
    page.query = request.query;
    page.corrected = plan.corrected;
    page.expanded = plan.expanded;
    if (plan.intent) page.intent = std::string(plan.intent->id);

    BuiltQuery built;
    std::vector<Xapian::Query> concept_queries, any_name;
    for (const auto& concept_ : plan.concepts) {
        // A page scores its best way of matching the concept, once. Xapian's
        // OP_MAX would say that, but crashes 1.4.22's matcher in OR trees with
        // posting sources; so each way excludes the better ones before it.
        std::vector<std::pair<Xapian::Query, double>> ways;
        for (const auto& alt : concept_.alternatives) {
            ways.emplace_back(Xapian::Query(prefixed(schema::kComponentPrefix, alt.key)), alt.weight);
            ways.emplace_back(Xapian::Query(prefixed(schema::kBasePrefix, base_key(alt.key))),
                              alt.weight * kSaltFormFactor);
        }
        std::stable_sort(ways.begin(), ways.end(), [](const auto& a, const auto& b) { return a.second > b.second; });
        std::vector<Xapian::Query> exclusive, better;
        for (const auto& [match, weight] : ways) {
            auto only = better.empty() ? match
                                       : Xapian::Query(Xapian::Query::OP_AND_NOT, match,
                                                       Xapian::Query(Xapian::Query::OP_OR, better.begin(), better.end()));
            exclusive.push_back(constant(only, kConcept * weight));
            better.push_back(match);
            any_name.push_back(match);
        }
        concept_queries.emplace_back(Xapian::Query::OP_OR, exclusive.begin(), exclusive.end());
    }
    if (!concept_queries.empty()) {
        built.names = Xapian::Query(Xapian::Query::OP_OR, concept_queries.begin(), concept_queries.end());
        std::vector<std::pair<std::vector<std::string>, double>> sets;
        std::vector<std::string> keys;
        set_combinations(plan.concepts, 0, keys, 1.0, sets, 8);
        std::vector<Xapian::Query> set_queries;
        for (const auto& [set_keys, weight] : sets) {
            std::vector<std::string> bases;
            for (const auto& key : set_keys) bases.push_back(base_key(key));
            set_queries.push_back(
                constant(Xapian::Query(schema::set_term(schema::kExactSetPrefix, set_keys, plan.qualifier)),
                         kExactSet * weight));
            set_queries.push_back(constant(Xapian::Query(schema::set_term(schema::kBaseSetPrefix, bases)),
                                           kBaseSet * weight));
        }
        // Exact and salt-form sets add up: the exact page has both.
        built.sets = Xapian::Query(Xapian::Query::OP_OR, set_queries.begin(), set_queries.end());
        // Fewer ingredients first: kSpecificity / n for a page of n ingredients.
        // (A ValueWeightPostingSource under FILTER crashes Xapian 1.4.22's
        // matcher in larger OR trees; count terms do the same job.)
        Xapian::Query any(Xapian::Query::OP_OR, any_name.begin(), any_name.end());
        std::vector<Xapian::Query> by_count;
        for (int n = 1; n <= schema::kMaxIngredientCount; ++n)
            by_count.push_back(constant(
                Xapian::Query(Xapian::Query::OP_AND, any,
                              Xapian::Query(std::string(schema::kIngredientCountPrefix) + std::to_string(n))),
                kSpecificity / n));
        built.specificity = Xapian::Query(Xapian::Query::OP_OR, by_count.begin(), by_count.end());
    }

    std::vector<Xapian::Query> text_queries;
    std::vector<std::string> highlight_words;
    const unsigned plain_flags = Xapian::QueryParser::FLAG_PHRASE;
    const unsigned advanced_flags = Xapian::QueryParser::FLAG_DEFAULT | Xapian::QueryParser::FLAG_WILDCARD;
    for (std::size_t i = 0; i < plan.text.size(); ++i) {
        const auto& part = plan.text[i];
        auto flags = plan.advanced ? advanced_flags : plain_flags;
        auto query = parser_.parse_query(part.text, flags);
        if (query.empty()) continue;
        text_queries.emplace_back(Xapian::Query::OP_SCALE_WEIGHT, query, part.weight);
        if (!plan.advanced) {
            auto usage = usage_parser_.parse_query(part.text, flags | Xapian::QueryParser::FLAG_NO_POSITIONS);
            if (!usage.empty())
                text_queries.emplace_back(Xapian::Query::OP_SCALE_WEIGHT, usage, part.weight * kUsageText);
            auto words = split_words(part.text);
            if (i == 0 && words.size() >= 2 && words.size() <= 6 &&
                std::none_of(words.begin(), words.end(), [&](const auto& w) { return snapshot_->is_stopword(w); })) {
                auto phrase = parser_.parse_query("\"" + part.text + "\"", Xapian::QueryParser::FLAG_PHRASE);
                if (!phrase.empty())
                    text_queries.emplace_back(Xapian::Query::OP_SCALE_WEIGHT, phrase, part.weight * kPhraseText);
            }
        }
    }
    if (!text_queries.empty())
        built.text = Xapian::Query(Xapian::Query::OP_OR, text_queries.begin(), text_queries.end());

    // Words that choose a snippet's section: the query's own words that are
    // not drug names (those are everywhere on the page) nor stopwords.
    std::vector<std::string> section_words;
    if (!plan.text.empty()) {
        std::unordered_set<std::string> name_words;
        for (const auto& concept_ : plan.concepts)
            for (const auto& alt : concept_.alternatives)
                for (const auto& w : split_words(alt.key)) name_words.insert(w);
        for (const auto& word : split_words(plan.text.front().text))
            if (!name_words.count(word) && !snapshot_->is_stopword(word) && !(plan.advanced && std::isupper(static_cast<unsigned char>(word[0]))))
                section_words.push_back(word);
        for (std::size_t i = 1; i < plan.text.size(); ++i)
            if (plan.concepts.empty())
                for (const auto& word : split_words(plan.text[i].text))
                    if (!snapshot_->is_stopword(word)) section_words.push_back(word);
    }
    SectionScorer scorer(section_words, stem_);

    auto query = built.all();
    if (query.empty()) return page;
    log_debug("search", query.get_description());
    Xapian::Enquire enquire(db_);
    enquire.set_query(query);
    // Equal scores fall back to the path: the same order whatever the docids.
    enquire.set_sort_by_relevance_then_value(schema::kSlotPath, false);
    auto mset = enquire.get_mset(request.offset, request.limit);
    page.total = mset.get_matches_estimated();

    for (auto it = mset.begin(); it != mset.end(); ++it) {
        Hit hit;
        hit.rank = static_cast<unsigned>(it.get_rank()) + 1;  // MSet ranks count from the first page
        hit.score = it.get_weight();
        auto document = it.get_document();
        StoredPage stored;
        if (!decode_stored_page(document.get_data(), stored))
            return Error{Errc::index, "document " + std::to_string(*it) + " is not a medsearch page"};
        hit.path = stored.path;
        hit.title = stored.title;
        hit.url = stored.url;
        const auto* section = choose_section(stored, plan, scorer, stem_);
        if (section) {
            hit.section = section->id;
            hit.section_label = section->label;
            hit.snippet = mset.snippet(section->text, settings_.snippet_bytes, stem_,
                                       Xapian::MSet::SNIPPET_BACKGROUND_MODEL | Xapian::MSet::SNIPPET_EXHAUSTIVE,
                                       "<mark>", "</mark>", "…");
            if (plan.intent && section->id == plan.intent->id && !section->anchor.empty())
                hit.url += "#" + section->anchor;
        }
        // Why it matched.
        int index = snapshot_->page_index(stored.path);
        if (index >= 0) {
            const auto& components = snapshot_->page_components(index);
            for (const auto& concept_ : plan.concepts) {
                for (const auto& alt : concept_.alternatives) {
                    if (page_has(components, alt.key) || page_has_base(components, base_key(alt.key))) {
                        auto kind = std::string(to_string(alt.kind));
                        if (std::find(hit.matched.begin(), hit.matched.end(), kind) == hit.matched.end())
                            hit.matched.push_back(kind);
                        break;
                    }
                }
            }
        }
        if (plan.intent && section && section->id == plan.intent->id) hit.matched.push_back("section");
        if (hit.matched.empty()) hit.matched.push_back("text");

        if (request.explain) {
            nlohmann::json parts = nlohmann::json::object();
            Xapian::Query only(schema::id_term(stored.path));
            for (const auto& [name, part] : {std::pair{"names", &built.names}, std::pair{"sets", &built.sets},
                                             std::pair{"specificity", &built.specificity},
                                             std::pair{"text", &built.text}}) {
                if (part->empty()) continue;
                Xapian::Enquire one(db_);
                one.set_query(Xapian::Query(Xapian::Query::OP_FILTER, *part, only));
                auto result = one.get_mset(0, 1);
                parts[name] = result.empty() ? 0.0 : result.begin().get_weight();
            }
            nlohmann::json explain = {{"score", hit.score}, {"parts", parts},
                                      {"ingredients", index >= 0 ? snapshot_->page_components(index).size() : 0}};
            hit.explain_json = explain.dump();
        }
        page.hits.push_back(std::move(hit));
    }
    return page;
}

Result<SuggestPage> Searcher::suggest(const SuggestRequest& request) {
    auto valid = validate(request);
    if (!valid) return valid.error();
    auto started = std::chrono::steady_clock::now();
    SuggestPage page;
    page.query = request.query;
    auto typed = name_key(request.query);
    auto found = snapshot_->suggest(typed, request.limit);
    if (found.empty() && typed.size() >= 4) {
        // Nothing starts with it: something that sounds the same ("amitryp").
        found = snapshot_->suggest_sounding_like(typed, request.limit);
        if (!found.empty()) page.corrected = found.front()->key;
    }
    if (found.empty() && !typed.empty()) {
        // Nothing completes it: read the last word as a misspelling.
        auto words = split_words(typed);
        auto matches = snapshot_->fuzzy().lookup(words.back(), 3);
        for (const auto& match : matches) {
            words.back() = match.word->text;
            std::string fixed;
            for (const auto& w : words) fixed += (fixed.empty() ? "" : " ") + w;
            found = snapshot_->suggest(fixed, request.limit);
            if (!found.empty()) {
                page.corrected = fixed;
                break;
            }
        }
    }
    for (const auto* entry : found) {
        const auto& target = snapshot_->catalog()[static_cast<std::size_t>(entry->page)];
        std::string kind = entry->detail.starts_with("brand of")        ? "brand"
                           : entry->detail.starts_with("other name for") ? "other-name"
                           : target.components.size() > 1              ? "combination"
                                                                        : "drug";
        page.suggestions.push_back({entry->label, entry->detail, target.url, target.path, kind});
    }
    page.took_ms = elapsed_ms(started);
    return page;
}

}  // namespace medsearch
