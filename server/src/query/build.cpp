#include "query/build.hpp"

#include "query/prior_postings.hpp"
#include "query/section_postings.hpp"
#include "query/tiered_weight.hpp"

#include "medsearch/common/drug_names.hpp"
#include "medsearch/common/schema.hpp"
#include "medsearch/common/text.hpp"
#include "medsearch/server/query_limits.hpp"

#include <algorithm>
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

// A page scores its best way of matching the concept, once, in layers that
// add up (cheaper than a chain of exclusions, and OP_MAX has crashed Xapian
// 1.4.22's matcher):
//   the best alternative, exactly:      kConcept
//   the best alternative's salt form:   kConcept - kLayer
//   another alternative, exactly:       kConcept - 2 kLayer
//   another alternative's salt form:    kConcept - 3 kLayer
Xapian::Query concept_tiers(const NameConcept& concept_) {
    const auto& alternatives = concept_.alternatives;
    std::vector<Xapian::Query> all_terms, other_exact;
    for (std::size_t a = 0; a < alternatives.size(); ++a) {
        Xapian::Query exact(prefixed(schema::kComponentPrefix, alternatives[a].key));
        all_terms.push_back(exact);
        all_terms.emplace_back(prefixed(schema::kBasePrefix, alternatives[a].base));
        if (a > 0) other_exact.push_back(exact);
    }
    Xapian::Query best_exact = all_terms[0], best_any = any_of({all_terms[0], all_terms[1]});
    // Every leaf is a posting list Xapian opens and reads: with one
    // alternative, "any" is the best one and its two layers are one.
    if (other_exact.empty())
        return Xapian::Query(Xapian::Query::OP_OR, constant(best_any, kConcept - kLayer), constant(best_exact, kLayer));
    Xapian::Query any = any_of(all_terms);
    std::vector<Xapian::Query> layers{constant(any, kConcept - 3 * kLayer), constant(best_any, 2 * kLayer),
                                      constant(best_exact, kLayer),
                                      constant(Xapian::Query(Xapian::Query::OP_AND_NOT, any_of(other_exact), best_any), kLayer)};
    return Xapian::Query(Xapian::Query::OP_OR, layers.begin(), layers.end());
}

}  // namespace

// Sets and specificity only rank pages that have an asked drug: AND_MAYBE
// evaluates them just for those pages.
Xapian::Query BuiltQuery::all() const {
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

QueryBuilder::QueryBuilder(const Xapian::Database& db, const Snapshot& snapshot, const Xapian::Stem& stem)
    : snapshot_(snapshot), stem_(stem), fewer_ingredients_first_(fewer_ingredients_first()) {
    const auto& stopwords = snapshot_.words().stopwords();
    for (auto* parser : {&parser_, &usage_parser_}) {
        parser->set_database(db);
        parser->set_stemmer(stem_);
        parser->set_stemming_strategy(Xapian::QueryParser::STEM_SOME);
        parser->set_stopper((new Xapian::SimpleStopper(stopwords.begin(), stopwords.end()))->release());
        parser->set_default_op(Xapian::Query::OP_OR);
        parser->set_max_expansion(kMaxWildcardTerms, Xapian::Query::WILDCARD_LIMIT_MOST_FREQUENT,
                                  Xapian::QueryParser::FLAG_WILDCARD | Xapian::QueryParser::FLAG_PARTIAL);
        for (const auto& field : schema::kNameFields)
            parser->add_prefix(std::string(field.name), std::string(field.prefix));
        for (const auto& section : schema::kSections) {
            if (!section.prefix.empty())
                parser->add_prefix(field_name(section.id), std::string(section.prefix));
            else if (auto bit = schema::section_bit(section); bit != 0)
                parser->add_prefix(field_name(section.id), (new SectionFieldProcessor(bit, db))->release());
        }
    }
    usage_parser_.add_prefix("", std::string(schema::kUsage.prefix));
}

BuiltQuery QueryBuilder::build(const QueryPlan& plan) {
    BuiltQuery built;
    build_names(plan, built);
    if (!plan.topic_members.empty()) built.topic = build_topic(plan);
    if (!plan.treats.empty()) built.treats = build_treats(plan);
    built.text = build_text(plan);
    return built;
}

// The drugs named: each concept's tiers, the exact set of them and its salt
// forms, fewer other ingredients.
void QueryBuilder::build_names(const QueryPlan& plan, BuiltQuery& built) const {
    if (plan.concepts.empty()) return;
    std::vector<Xapian::Query> concept_queries;
    for (const auto& concept_ : plan.concepts) concept_queries.push_back(concept_tiers(concept_));
    built.names = Xapian::Query(Xapian::Query::OP_OR, concept_queries.begin(), concept_queries.end());
    std::vector<std::pair<std::vector<std::string>, double>> sets;
    std::vector<std::string> keys;
    set_combinations(plan.concepts, 0, keys, 1.0, sets, 4);
    std::vector<Xapian::Query> set_queries;
    for (const auto& [set_keys, weight] : sets) {
        std::vector<std::string> bases;
        for (const auto& key : set_keys) bases.push_back(base_key(key));
        set_queries.push_back(constant(
            Xapian::Query(schema::set_term(schema::kExactSetPrefix, set_keys, plan.qualifier)), kExactSet * weight));
        set_queries.push_back(
            constant(Xapian::Query(schema::set_term(schema::kBaseSetPrefix, bases)), kBaseSet * weight));
    }
    // Exact and salt-form sets add up: the exact page has both.
    built.sets = Xapian::Query(Xapian::Query::OP_OR, set_queries.begin(), set_queries.end());
    built.specificity = fewer_ingredients_first_;
}

namespace {

// Whether every page of one substance that the topic's tiers can match has
// a member's name or base (the pages its id and set terms add are covered):
// then "a member, on a page of one substance" is every page of one
// substance the tiers match, and needs no posting lists of its own.
bool members_cover_single_pages(const QueryPlan& plan, const PageCatalog& pages) {
    std::unordered_set<std::string> keys, bases;
    for (const auto& member : plan.topic_members)
        if (!member.combination) {
            keys.insert(member.name->key);
            bases.insert(base_key(member.name->key));
        }
    auto covered = [&](int page) {
        if (std::max<std::size_t>(pages.components(page).size(), 1) > 1) return true;  // not one substance
        for (const auto& names : pages.components(page))
            if (std::any_of(names.begin(), names.end(), [&](const auto& key) { return keys.count(key) != 0; }))
                return true;
        const auto& own = pages.bases(page);
        return std::any_of(own.begin(), own.end(), [&](const auto& base) { return bases.count(base) != 0; });
    };
    for (const auto& member : plan.topic_members) {
        if (member.page >= 0 && !covered(member.page)) return false;
        if (!member.combination) continue;
        if (member.page < 0) return false;
        std::unordered_set<std::string> distinct;  // its copies' set term, one base: a single page's
        for (const auto& names : pages.components(member.page)) distinct.insert(base_key(names.front()));
        if (distinct.size() < 2) return false;
    }
    return std::all_of(plan.topic_combinations.begin(), plan.topic_combinations.end(), covered);
}

}  // namespace

// A kind of medicine or a condition: its members, single substances first.
Xapian::Query QueryBuilder::build_topic(const QueryPlan& plan) const {
    const auto& pages = snapshot_.pages();
    std::vector<Xapian::Query> all, combinations, tiers;
    std::unordered_set<const DrugName*> seen;
    const double count = static_cast<double>(plan.topic_members.size());
    for (std::size_t i = 0; i < plan.topic_members.size(); ++i) {
        const auto& member = *plan.topic_members[i].name;
        int shown = plan.topic_members[i].page;
        double order = kTopicOrder * (count - static_cast<double>(i)) / count +
                       kTopicPrior * snapshot_.topics().prior(snapshot_.names().index_of(member));
        // A combination ("ethinyl estradiol + levonorgestrel"): its page
        // and copies of it, after the single substances and before other
        // combinations.
        if (plan.topic_members[i].combination) {
            Xapian::Query own(schema::id_term(pages.entry(shown).path));
            std::vector<std::string> bases;
            for (const auto& keys : pages.components(shown)) bases.push_back(base_key(keys.front()));
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
        if (shown >= 0) tiers.push_back(constant(Xapian::Query(schema::id_term(pages.entry(shown).path)), kOwnPage + order));
    }
    // A page of one substance, a member; or a combination of members only.
    for (int combination : plan.topic_combinations)
        combinations.emplace_back(schema::id_term(pages.entry(combination).path));
    Xapian::Query one_substance(std::string(schema::kIngredientCountPrefix) + "1");
    // A member on a page of one substance; when the members cover every
    // such page the tiers match, it is every such page (two of the five
    // posting lists of each member).
    bool covered = members_cover_single_pages(plan, pages);
    if (!covered)
        tiers.push_back(constant(Xapian::Query(Xapian::Query::OP_FILTER, any_of(all), one_substance), kTopicMember));
    if (!combinations.empty()) tiers.push_back(constant(any_of(combinations), kTopicMember));
    Xapian::Query members(Xapian::Query::OP_OR, tiers.begin(), tiers.end());
    Xapian::Query single = constant(one_substance, covered ? kSingleSubstance + kTopicMember : kSingleSubstance);
    return Xapian::Query(Xapian::Query::OP_AND_MAYBE, members,
                         Xapian::Query(Xapian::Query::OP_OR, single, fewer_ingredients_first_));
}

// What a page's drug treats: every word of one way of saying the condition,
// each in its Usage section but not only where it says what the drug causes.
Xapian::Query QueryBuilder::build_treats(const QueryPlan& plan) const {
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
    if (ways.empty()) return {};
    auto weight = plan.topic_members.empty() ? kTreats : kTreatsInTopic;
    Xapian::Query treats = constant(any_of(ways), weight);
    if (!plan.topic_members.empty()) return treats;
    Xapian::Query prior((new PriorPostings(snapshot_.topics().page_priors(), kPagePrior))->release());
    return Xapian::Query(Xapian::Query::OP_AND_MAYBE, treats,
                         Xapian::Query(Xapian::Query::OP_OR, fewer_ingredients_first_, prior));
}

// The text parts, parsed by Xapian's QueryParser; with no drug named, their
// words in Usage and as a phrase count extra.
Xapian::Query QueryBuilder::build_text(const QueryPlan& plan) {
    std::vector<Xapian::Query> text_queries;
    const unsigned plain_flags = Xapian::QueryParser::FLAG_PHRASE;
    const unsigned advanced_flags = Xapian::QueryParser::FLAG_DEFAULT | Xapian::QueryParser::FLAG_WILDCARD;
    // The wildcards share what they may stand for (query_limits.hpp).
    auto per_wildcard = std::max<unsigned>(kMinWildcardTerms, kMaxWildcardTerms / static_cast<unsigned>(std::max<std::size_t>(1, plan.wildcards)));
    parser_.set_max_expansion(per_wildcard, Xapian::Query::WILDCARD_LIMIT_MOST_FREQUENT,
                              Xapian::QueryParser::FLAG_WILDCARD | Xapian::QueryParser::FLAG_PARTIAL);
    for (std::size_t i = 0; i < plan.text.size(); ++i) {
        const auto& part = plan.text[i];
        auto flags = plan.advanced ? advanced_flags : plain_flags;
        auto query = parser_.parse_query(part.phrase ? "\"" + part.text + "\"" : part.text, flags);
        if (query.empty()) continue;
        text_queries.emplace_back(Xapian::Query::OP_SCALE_WEIGHT, query, part.weight);
        // Usage and phrase weighting order pages when no drug name does.
        if (plan.advanced || !plan.concepts.empty()) continue;
        auto usage = usage_parser_.parse_query(part.text, flags | Xapian::QueryParser::FLAG_NO_POSITIONS);
        if (!usage.empty()) text_queries.emplace_back(Xapian::Query::OP_SCALE_WEIGHT, usage, part.weight * kUsageText);
        auto words = split_words(part.text);
        if (i == 0 && words.size() >= 2 && words.size() <= 6 &&
            std::none_of(words.begin(), words.end(), [&](const auto& w) { return snapshot_.words().is_stopword(w); })) {
            auto phrase = parser_.parse_query("\"" + part.text + "\"", Xapian::QueryParser::FLAG_PHRASE);
            if (!phrase.empty())
                text_queries.emplace_back(Xapian::Query::OP_SCALE_WEIGHT, phrase, part.weight * kPhraseText);
        }
    }
    if (text_queries.empty()) return {};
    return Xapian::Query(Xapian::Query::OP_OR, text_queries.begin(), text_queries.end());
}

}  // namespace medsearch
