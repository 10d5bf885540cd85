#include "medsearch/server/searcher.hpp"
#include "medsearch/server/cached_stem.hpp"
#include "medsearch/server/prior.hpp"
#include "medsearch/server/section_query.hpp"
#include "medsearch/server/tiered_weight.hpp"

#include "medsearch/common/drug_names.hpp"
#include "medsearch/common/log.hpp"
#include "medsearch/common/monograph.hpp"
#include "medsearch/common/schema.hpp"
#include "medsearch/common/text.hpp"

#include <nlohmann/json.hpp>
#include <xapian.h>

#include <algorithm>
#include <array>
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
constexpr double kLayer = 500;  // between ways of matching one concept
constexpr double kExactSet = 4000;
constexpr double kBaseSet = 3000;
constexpr double kSpecificity = 1000;
// The Usage section says what a drug is for: its words count extra.
constexpr double kUsageText = 0.8;
// Words next to each other as typed.
constexpr double kPhraseText = 0.5;
// A kind of medicine or a condition (docs/ranking.md): a page with one of its
// members, more for a page of just one substance, then by the member's place
// in the dictionary and its prior, and the member's own page before its
// variants.
constexpr double kTopicMember = 6000;
constexpr double kSingleSubstance = 2000;
constexpr double kTopicOrder = 300;
constexpr double kTopicPrior = 60;
constexpr double kOwnPage = 100;
constexpr double kVariantOrder = 0.25;
constexpr std::size_t kTopicMembersShown = 8;
// A page whose drug treats the condition asked about (schema::kUsageOnlyCausedPrefix); with a
// topic, its members whose pages say they treat it come before those whose
// pages do not, each in the dictionary's order.
constexpr double kTreats = 3000;
constexpr double kTreatsInTopic = 1000;
// The page prior among pages that match in the same tier.
constexpr double kPagePrior = 40;

// A flat score for every page matching `match` (TieredWeight: scales of
// kTierScale and more are flat). `match` is a term, a union of terms
// (OP_SYNONYM, so a page scores once however many it has) or an AND_NOT of those.
Xapian::Query constant(const Xapian::Query& match, double weight) {
    return Xapian::Query(Xapian::Query::OP_SCALE_WEIGHT, match, weight);
}

// Fewer ingredients first: kSpecificity / n for a page of n ingredients. The
// same for every query; built once per searcher (Xapian queries are not
// shared across threads).
Xapian::Query fewer_ingredients_first() {
    std::vector<Xapian::Query> by_count;
    for (int n = 1; n <= schema::kMaxIngredientCount; ++n)
        by_count.push_back(constant(
            Xapian::Query(std::string(schema::kIngredientCountPrefix) + std::to_string(n)), kSpecificity / n));
    return Xapian::Query(Xapian::Query::OP_OR, by_count.begin(), by_count.end());
}

Xapian::Query any_of(const std::vector<Xapian::Query>& terms) {
    return Xapian::Query(Xapian::Query::OP_SYNONYM, terms.begin(), terms.end());
}

std::string prefixed(std::string_view prefix, std::string_view key) {
    return schema::prefixed_term(prefix, key);
}

struct BuiltQuery {
    Xapian::Query names;        // concept tiers
    Xapian::Query sets;         // exact and salt-form sets
    Xapian::Query specificity;  // fewer ingredients
    Xapian::Query topic;        // members of a kind of medicine or a condition
    Xapian::Query treats;       // pages whose drug treats the condition asked about
    Xapian::Query text;         // full-text part
    // Sets and specificity only rank pages that have an asked drug: AND_MAYBE
    // evaluates them just for those pages.
    Xapian::Query all() const {
        Xapian::Query ranked = names;
        if (!names.empty()) {
            std::vector<Xapian::Query> extras;
            for (const auto* q : {&sets, &specificity})
                if (!q->empty()) extras.push_back(*q);
            if (!extras.empty())
                ranked = Xapian::Query(Xapian::Query::OP_AND_MAYBE, names,
                                       Xapian::Query(Xapian::Query::OP_OR, extras.begin(), extras.end()));
        }
        std::vector<Xapian::Query> parts;
        for (const Xapian::Query* q : {static_cast<const Xapian::Query*>(&ranked), &topic, &treats, &text})
            if (!q->empty()) parts.push_back(*q);
        if (parts.empty()) return {};
        return parts.size() == 1 ? parts.front() : Xapian::Query(Xapian::Query::OP_OR, parts.begin(), parts.end());
    }
};

// The words of an advanced query without its operators ("metformin NOT alcohol").
std::string without_operators(std::string_view text) {
    std::string out;
    std::size_t start = 0;
    while (start < text.size()) {
        auto end = std::min(text.find(' ', start), text.size());
        auto word = text.substr(start, end - start);
        if (!is_operator(word)) out.append(word).push_back(' ');
        start = end + 1;
    }
    return out;
}

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

// Plain-text words of the query, lower case, for choosing a snippet's section.
struct SectionScorer {
    struct Key {
        std::string word;
        std::string stem;
    };
    std::vector<Key> keys;

    std::array<bool, 256> first_letters{};  // first letters of the words and stems

    SectionScorer(const std::vector<std::string>& words, const Xapian::Stem& stem) {
        for (const auto& word : words) {
            if (word.empty() || std::any_of(keys.begin(), keys.end(), [&](const Key& k) { return k.word == word; }))
                continue;
            keys.push_back({word, stem(word)});
            first_letters[static_cast<unsigned char>(word[0])] = true;
            if (!keys.back().stem.empty()) first_letters[static_cast<unsigned char>(keys.back().stem[0])] = true;
        }
    }

    struct Score {
        int words = 0;           // distinct query words found (by word or by stem)
        std::size_t focus = 0;   // byte offset of the first of them
    };

    // Only words sharing their first three letters with a query stem are
    // stemmed: few are, so scanning a section costs little; the scan stops
    // once every word is found, when nothing further can change the score.
    Score score(std::string_view text, const Xapian::Stem& stem) const {
        Score result;
        if (keys.empty()) return result;
        std::array<char, 32> few{};
        std::vector<char> many;  // for queries of more words than `few` holds
        char* found = few.data();
        if (keys.size() > few.size()) {
            many.assign(keys.size(), 0);
            found = many.data();
        }
        auto lower = [](char c) { return static_cast<char>(c >= 'A' && c <= 'Z' ? c + 32 : c); };
        static constexpr auto kAsciiWord = [] {
            std::array<bool, 128> table{};
            for (int c = 0; c < 128; ++c)
                table[c] = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
            return table;
        }();
        std::string token, folded;
        for (std::size_t i = 0; i < text.size() && static_cast<std::size_t>(result.words) < keys.size();) {
            // A word: ASCII letters and digits, and the letters of other
            // scripts ("Sjögren"), which are folded as the query's words are.
            std::size_t start = i;
            bool ascii = true;
            while (i < text.size()) {
                auto c = static_cast<unsigned char>(text[i]);
                if (c < 0x80) {
                    if (!kAsciiWord[c]) break;
                    ++i;
                    continue;
                }
                std::size_t next = i;
                if (!Xapian::Unicode::is_wordchar(next_code_point(text, next))) break;
                ascii = false;
                i = next;
            }
            if (i == start) {
                if (static_cast<unsigned char>(text[i]) < 0x80) {
                    ++i;
                } else {
                    next_code_point(text, i);
                }
                continue;
            }
            std::string_view word = text.substr(start, i - start);
            if (!ascii) {
                folded = fold_case(word);
                word = folded;
            }
            if (word.size() < 2 || !first_letters[static_cast<unsigned char>(lower(word[0]))]) continue;
            for (std::size_t k = 0; k < keys.size(); ++k) {
                if (found[k]) continue;
                const auto& key = keys[k];
                auto same_start = [&](std::size_t n) {
                    for (std::size_t j = 0; j < n; ++j)
                        if (lower(word[j]) != key.stem[j]) return false;
                    return true;
                };
                bool match = word.size() == key.word.size() && std::equal(word.begin(), word.end(), key.word.begin(),
                                                                          [&](char a, char b) { return lower(a) == b; });
                if (!match && key.stem.size() >= 3 && word.size() >= key.stem.size() && same_start(3)) {
                    token.assign(word);
                    for (auto& c : token) c = lower(c);
                    match = stem(token) == key.stem;
                }
                if (!match) continue;
                found[k] = true;
                if (result.words++ == 0) result.focus = start;
            }
        }
        return result;
    }
};

// The part of a section around `focus` that MSet::snippet looks at: it stems
// every word it is given, so it gets a few snippet lengths, not a whole section.
std::string make_snippet(const Xapian::MSet& mset, std::string_view text, std::size_t focus, unsigned bytes,
                         const Xapian::Stem& stem) {
    std::size_t begin = focus > bytes / 4 ? focus - bytes / 4 : 0;
    if (begin > 0) {
        auto space = text.find_last_of(" \n", begin);
        begin = space == std::string_view::npos ? 0 : space + 1;
    }
    std::size_t end = std::min(text.size(), begin + 5 * static_cast<std::size_t>(bytes) / 4);
    if (end < text.size()) {
        auto space = text.find_first_of(" \n", end);
        end = space == std::string_view::npos ? text.size() : space;
    }
    const std::string omit = "…";
    auto snippet = mset.snippet(std::string(text.substr(begin, end - begin)), bytes, stem,
                                Xapian::MSet::SNIPPET_EXHAUSTIVE, "<mark>", "</mark>", omit);
    // List items and paragraphs are lines of the stored text; one line here.
    for (auto at = snippet.find('\n'); at != std::string::npos; at = snippet.find('\n', at))
        snippet.replace(at, 1, " · ");
    if (begin > 0 && !snippet.starts_with(omit)) snippet.insert(0, omit);
    if (end < text.size() && !snippet.ends_with(omit)) snippet += omit;
    return snippet;
}

// Sections a snippet may come from when nothing else decides: what a drug is for.
constexpr std::string_view kDefaultSections[] = {"usage", "intro", "how-it-works", "generic-name"};

using PageSection = StoredPageView::SectionView;

struct SectionChoice {
    const PageSection* section = nullptr;
    std::size_t focus = 0;  // where in its text the snippet should be
};

// `words` (the query's own, not drug names) choose the section; `names`
// (everywhere on a page) place the snippet in a section asked for when no
// word of the query is in it.
SectionChoice choose_section(const StoredPageView& page, const QueryPlan& plan, const SectionScorer& words,
                             const SectionScorer& names, const Xapian::Stem& stem) {
    auto find = [&](std::string_view id) -> const PageSection* {
        for (const auto& section : page.sections)
            if (section.id == id) return &section;
        return nullptr;
    };
    auto with_focus = [&](const PageSection* section) {
        auto score = words.score(section->text, stem);
        return SectionChoice{section, score.words > 0 ? score.focus : names.score(section->text, stem).focus};
    };
    if (plan.intent) {
        if (const auto* section = find(plan.intent->id)) return with_focus(section);
        for (auto fallback : plan.intent->fallbacks)
            if (const auto* section = find(fallback)) return with_focus(section);
    }
    SectionChoice best;
    int best_words = 0;
    for (const auto& section : page.sections) {
        auto score = words.score(section.text, stem);
        if (score.words > best_words) {
            best = {&section, score.focus};
            best_words = score.words;
        }
    }
    if (best.section) return best;
    for (auto id : kDefaultSections)
        if (const auto* section = find(id)) return {section, 0};
    return {page.sections.empty() ? nullptr : &page.sections.front(), 0};
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
    if (request.limit < 1 || request.limit > kMaxSuggestLimit)
        return Error{Errc::bad_input, "limit must be 1.." + std::to_string(kMaxSuggestLimit) + ", got " +
                                          std::to_string(request.limit)};
    return Ok{};
}

Searcher::Searcher(std::shared_ptr<const Snapshot> snapshot, SearchSettings settings)
    : snapshot_(std::move(snapshot)),
      settings_(settings),
      db_(snapshot_->generation().path.string(), Xapian::DB_BACKEND_GLASS),
      stem_(make_cached_stemmer(schema::make_stemmer())),
      fewer_ingredients_first_(fewer_ingredients_first()) {
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
        for (const auto& section : schema::kSections) {
            if (!section.prefix.empty())
                parser->add_prefix(field_name(section.id), std::string(section.prefix));
            else if (auto bit = schema::section_bit(section); bit != 0)
                parser->add_prefix(field_name(section.id), (new SectionFieldProcessor(bit))->release());
        }
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
        // A page scores its best way of matching the concept, once, in layers
        // that add up (cheaper than a chain of exclusions, and OP_MAX has
        // crashed Xapian 1.4.22's matcher):
        //   the best alternative, exactly:      kConcept
        //   the best alternative's salt form:   kConcept - kLayer
        //   another alternative, exactly:       kConcept - 2 kLayer
        //   another alternative's salt form:    kConcept - 3 kLayer
        const auto& alternatives = concept_.alternatives;
        std::vector<Xapian::Query> all_terms, other_exact;
        for (std::size_t a = 0; a < alternatives.size(); ++a) {
            Xapian::Query exact(prefixed(schema::kComponentPrefix, alternatives[a].key));
            all_terms.push_back(exact);
            all_terms.emplace_back(prefixed(schema::kBasePrefix, alternatives[a].base));
            if (a > 0) other_exact.push_back(exact);
        }
        Xapian::Query best_exact = all_terms[0], best_any = any_of({all_terms[0], all_terms[1]});
        Xapian::Query any = any_of(all_terms);
        std::vector<Xapian::Query> layers{constant(any, kConcept - 3 * kLayer), constant(best_any, 2 * kLayer),
                                          constant(best_exact, kLayer)};
        if (!other_exact.empty())
            layers.push_back(constant(Xapian::Query(Xapian::Query::OP_AND_NOT, any_of(other_exact), best_any),
                                      kLayer));
        concept_queries.emplace_back(Xapian::Query::OP_OR, layers.begin(), layers.end());
        any_name.push_back(any);
    }
    if (!concept_queries.empty()) {
        built.names = Xapian::Query(Xapian::Query::OP_OR, concept_queries.begin(), concept_queries.end());
        std::vector<std::pair<std::vector<std::string>, double>> sets;
        std::vector<std::string> keys;
        set_combinations(plan.concepts, 0, keys, 1.0, sets, 4);
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
        built.specificity = fewer_ingredients_first_;
    }

    // A kind of medicine or a condition: its members, single substances first.
    if (!plan.topic_members.empty()) {
        std::vector<Xapian::Query> all, combinations, tiers;
        std::unordered_set<const DrugName*> seen;
        const double count = static_cast<double>(plan.topic_members.size());
        for (std::size_t i = 0; i < plan.topic_members.size(); ++i) {
            const auto& member = *plan.topic_members[i].name;
            int shown = plan.topic_members[i].page;
            double order = kTopicOrder * (count - static_cast<double>(i)) / count + kTopicPrior * snapshot_->prior(member);
            // A combination ("ethinyl estradiol + levonorgestrel"): its page
            // and copies of it, after the single substances and before other
            // combinations.
            if (plan.topic_members[i].combination) {
                const auto& entry = snapshot_->catalog()[static_cast<std::size_t>(shown)];
                Xapian::Query own(schema::id_term(entry.path));
                std::vector<std::string> bases;
                for (const auto& keys : snapshot_->page_components(shown)) bases.push_back(base_key(keys.front()));
                Xapian::Query copies(schema::set_term(schema::kBaseSetPrefix, std::move(bases)));
                combinations.push_back(own);
                combinations.push_back(copies);
                tiers.push_back(constant(any_of({own, copies}), order * kVariantOrder));
                tiers.push_back(constant(own, kOwnPage + order));
                continue;
            }
            bool again = !seen.insert(&member).second;  // the same drug in another form
            Xapian::Query has = any_of({Xapian::Query(prefixed(schema::kComponentPrefix, member.key)),
                                        Xapian::Query(prefixed(schema::kBasePrefix, base_key(member.key)))});
            // Each member's own page first, in order; then the other pages
            // of its substance (salt forms, other forms), in the same order.
            if (!again) {
                all.push_back(has);
                tiers.push_back(constant(has, order * kVariantOrder));
            }
            if (shown >= 0)
                tiers.push_back(constant(
                    Xapian::Query(schema::id_term(snapshot_->catalog()[static_cast<std::size_t>(shown)].path)),
                    kOwnPage + order));
        }
        // A page of one substance, a member; or a combination of members only.
        for (int combination : plan.topic_combinations)
            combinations.emplace_back(schema::id_term(snapshot_->catalog()[static_cast<std::size_t>(combination)].path));
        Xapian::Query one_substance(std::string(schema::kIngredientCountPrefix) + "1");
        tiers.push_back(constant(Xapian::Query(Xapian::Query::OP_FILTER, any_of(all), one_substance), kTopicMember));
        if (!combinations.empty()) tiers.push_back(constant(any_of(combinations), kTopicMember));
        Xapian::Query members(Xapian::Query::OP_OR, tiers.begin(), tiers.end());
        Xapian::Query single = constant(one_substance, kSingleSubstance);
        built.topic = Xapian::Query(Xapian::Query::OP_AND_MAYBE, members,
                                    Xapian::Query(Xapian::Query::OP_OR, single, fewer_ingredients_first_));
        TopicBlock block{plan.topic->label, std::string(to_string(plan.topic->kind)), {}};
        // In the order the hits have them: single substances, then combinations.
        auto shown_members = plan.topic_members;
        std::stable_partition(shown_members.begin(), shown_members.end(),
                              [](const TopicMember& m) { return !m.combination; });
        for (const auto& member : shown_members) {
            if (member.page < 0) continue;
            const auto& entry = snapshot_->catalog()[static_cast<std::size_t>(member.page)];
            block.members.push_back({member.combination ? entry.title : member.name->display, entry.url, entry.path});
            if (block.members.size() == kTopicMembersShown) break;
        }
        page.topic = std::move(block);
    }
    // What a page's drug treats: every word of one way of saying the
    // condition, each in its Usage section but not only where it says what
    // the drug causes.
    if (!plan.treats.empty()) {
        std::vector<Xapian::Query> ways;
        for (const auto& words : plan.treats) {
            std::vector<Xapian::Query> stems;
            for (const auto& word : words) {
                if (!starts_with_letter(word)) break;
                auto stem = stem_(word);
                stems.emplace_back(Xapian::Query::OP_AND_NOT,
                                   Xapian::Query(schema::search_term(schema::kUsage.prefix, stem, true)),
                                   Xapian::Query(std::string(schema::kUsageOnlyCausedPrefix) + stem));
            }
            if (!stems.empty() && stems.size() == words.size())
                ways.emplace_back(Xapian::Query::OP_AND, stems.begin(), stems.end());
        }
        if (!ways.empty()) {
            auto weight = plan.topic_members.empty() ? kTreats : kTreatsInTopic;
            Xapian::Query treats = constant(any_of(ways), weight);
            if (plan.topic_members.empty())
                treats = Xapian::Query(Xapian::Query::OP_AND_MAYBE, treats,
                                       Xapian::Query(Xapian::Query::OP_OR, fewer_ingredients_first_,
                                                     Xapian::Query((new PriorPostings(snapshot_->page_priors(), kPagePrior))->release())));
            built.treats = treats;
        }
    }

    std::vector<Xapian::Query> text_queries;
    std::vector<std::string> highlight_words;
    const unsigned plain_flags = Xapian::QueryParser::FLAG_PHRASE;
    const unsigned advanced_flags = Xapian::QueryParser::FLAG_DEFAULT | Xapian::QueryParser::FLAG_WILDCARD;
    for (std::size_t i = 0; i < plan.text.size(); ++i) {
        const auto& part = plan.text[i];
        auto flags = plan.advanced ? advanced_flags : plain_flags;
        auto query = parser_.parse_query(part.phrase ? "\"" + part.text + "\"" : part.text, flags);
        if (query.empty()) continue;
        text_queries.emplace_back(Xapian::Query::OP_SCALE_WEIGHT, query, part.weight);
        // Usage and phrase weighting order pages when no drug name does.
        if (!plan.advanced && plan.concepts.empty()) {
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
    // not drug names (those are everywhere on the page), not the words asking
    // for the section, nor stopwords.
    std::vector<std::string> section_words, name_words;
    if (!plan.text.empty()) {
        std::unordered_set<std::string> skip(plan.intent_words.begin(), plan.intent_words.end());
        for (const auto& concept_ : plan.concepts) {
            for (const auto& alt : concept_.alternatives)
                for (const auto& w : split_words(alt.key)) skip.insert(w);
            for (const auto& w : split_words(concept_.alternatives.front().key)) name_words.push_back(w);
        }
        for (const auto& word : split_words(plan.advanced ? without_operators(plan.text.front().text)
                                                          : plan.text.front().text))
            if (!skip.count(word) && !snapshot_->is_stopword(word)) section_words.push_back(word);
        for (std::size_t i = 1; i < plan.text.size(); ++i)
            if (plan.concepts.empty())
                for (const auto& word : split_words(plan.text[i].text))
                    if (!snapshot_->is_stopword(word)) section_words.push_back(word);
    }
    SectionScorer scorer(section_words, stem_), name_scorer(name_words, stem_);

    auto query = built.all();
    if (query.empty()) return page;
    if (log_enabled(LogLevel::debug)) log_debug("search", query.get_description());
    Xapian::Enquire enquire(db_);
    enquire.set_weighting_scheme(TieredWeight());
    enquire.set_query(query);
    // Equal scores fall back to the path: the same order whatever the docids.
    enquire.set_sort_by_relevance_then_value(schema::kSlotPath, false);
    auto mset = enquire.get_mset(request.offset, request.limit);
    page.total = mset.get_matches_estimated();

    for (auto it = mset.begin(); it != mset.end(); ++it) {
        Hit hit;
        hit.rank = static_cast<unsigned>(it.get_rank()) + 1;  // MSet ranks count from the first page
        hit.score = it.get_weight();
        auto& stored = stored_page_;
        if (!snapshot_->page_codec().decode(it.get_document().get_value(schema::kSlotPage), stored_text_, stored))
            return Error{Errc::index, "document " + std::to_string(*it) + " is not a medsearch page"};
        hit.path = stored.path;
        hit.title = stored.title;
        hit.url = stored.url;
        auto choice = choose_section(stored, plan, scorer, name_scorer, stem_);
        const auto* section = choice.section;
        if (section) {
            hit.section = section->id;
            hit.section_label = section->label;
            // No background model: it looks up the frequency of every word of
            // the text in the index, most of a query's time.
            hit.snippet = make_snippet(mset, section->text, choice.focus, settings_.snippet_bytes, stem_);
            if (plan.intent && section->id == plan.intent->id && !section->anchor.empty())
                hit.url.append("#").append(section->anchor);
        }
        // Why it matched.
        int index = snapshot_->page_index(stored.path);
        if (index >= 0) {
            const auto& components = snapshot_->page_components(index);
            const auto& bases = snapshot_->page_bases(index);
            for (const auto& concept_ : plan.concepts) {
                for (const auto& alt : concept_.alternatives) {
                    if (page_has(components, alt.key) ||
                        std::find(bases.begin(), bases.end(), alt.base) != bases.end()) {
                        auto kind = std::string(to_string(alt.kind));
                        if (std::find(hit.matched.begin(), hit.matched.end(), kind) == hit.matched.end())
                            hit.matched.push_back(kind);
                        break;
                    }
                }
            }
        }
        if (index >= 0 && std::any_of(plan.topic_members.begin(), plan.topic_members.end(), [&](const TopicMember& m) {
                const auto& bases = snapshot_->page_bases(index);
                return page_has(snapshot_->page_components(index), m.name->key) ||
                       std::find(bases.begin(), bases.end(), base_key(m.name->key)) != bases.end();
            }))
            hit.matched.push_back("topic");
        if (plan.intent && section && section->id == plan.intent->id) hit.matched.push_back("section");
        if (hit.matched.empty()) hit.matched.push_back("text");

        if (request.explain) {
            nlohmann::json parts = nlohmann::json::object();
            Xapian::Query only(schema::id_term(stored.path));
            for (const auto& [name, part] : {std::pair{"names", &built.names}, std::pair{"sets", &built.sets},
                                             std::pair{"specificity", &built.specificity},
                                             std::pair{"topic", &built.topic}, std::pair{"treats", &built.treats},
                                             std::pair{"text", &built.text}}) {
                if (part->empty()) continue;
                Xapian::Enquire one(db_);
                one.set_weighting_scheme(TieredWeight());
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
        std::erase_if(found, [&](const SuggestEntry* entry) { return !starts_like(typed, entry->key); });
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
        if (entry->topic) {  // a search for the kind of medicine or the condition
            page.suggestions.push_back({entry->label, entry->detail, "", "", std::string(entry->kind), entry->key});
            continue;
        }
        const auto& target = snapshot_->catalog()[static_cast<std::size_t>(entry->page)];
        page.suggestions.push_back({entry->label, entry->detail, target.url, target.path, std::string(entry->kind), ""});
    }
    page.took_ms = elapsed_ms(started);
    return page;
}

}  // namespace medsearch
