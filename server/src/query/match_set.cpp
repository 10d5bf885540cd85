#include "query/match_set.hpp"

#include "medsearch/common/index_layout.hpp"

#include <algorithm>
#include <optional>
#include <string_view>

namespace medsearch {

std::size_t DocSet::count() const {
    std::size_t total = 0;
    for (auto word : words_) total += static_cast<std::size_t>(__builtin_popcountll(word));
    return total;
}

bool DocSet::contains_all(const DocSet& other) const {
    for (std::size_t w = 0; w < other.words_.size(); ++w)
        if ((other.words_[w] & ~(w < words_.size() ? words_[w] : 0)) != 0) return false;
    return true;
}

void DocSet::unite(const DocSet& other) {
    for (std::size_t w = 0; w < std::min(words_.size(), other.words_.size()); ++w) words_[w] |= other.words_[w];
}

void DocSet::intersect(const DocSet& other) {
    for (std::size_t w = 0; w < words_.size(); ++w) words_[w] &= w < other.words_.size() ? other.words_[w] : 0;
}

void DocSet::subtract(const DocSet& other) {
    for (std::size_t w = 0; w < std::min(words_.size(), other.words_.size()); ++w) words_[w] &= ~other.words_[w];
}

void DocSet::exclusive_or(const DocSet& other) {
    for (std::size_t w = 0; w < std::min(words_.size(), other.words_.size()); ++w) words_[w] ^= other.words_[w];
}

DocSet MatchSets::of(const Xapian::Database& db, const Xapian::Query& query) {
    const auto revision = generation_revision(db);
    if (db.get_lastdocid() != last_docid_ || revision != revision_) forget();
    db_ = &db;
    last_docid_ = db.get_lastdocid();
    revision_ = revision;
    DocSet scratch;
    const auto& set = evaluate(query, scratch);
    return &set == &scratch ? std::move(scratch) : set;
}

void MatchSets::forget() {
    cached_terms_.clear();
    cached_bytes_ = 0;
}

const DocSet& MatchSets::evaluate(const Xapian::Query& query, DocSet& scratch) {
    switch (query.get_type()) {
        case Xapian::Query::LEAF_TERM:
            return term(*query.get_terms_begin(), scratch);
        case Xapian::Query::LEAF_MATCH_ALL:
            return term("", scratch);  // every document's posting list
        case Xapian::Query::LEAF_MATCH_NOTHING:
            scratch.clear(last_docid_);
            return scratch;
        case Xapian::Query::OP_SCALE_WEIGHT:
            return evaluate(query.get_subquery(0), scratch);
        case Xapian::Query::OP_AND_MAYBE:  // the others only add weight
            return evaluate(query.get_subquery(0), scratch);
        case Xapian::Query::OP_OR:
        case Xapian::Query::OP_SYNONYM:
        case Xapian::Query::OP_MAX:
        case Xapian::Query::OP_AND:
        case Xapian::Query::OP_FILTER:
        case Xapian::Query::OP_AND_NOT:
        case Xapian::Query::OP_XOR:
            return combine(query, scratch);
        case Xapian::Query::OP_WILDCARD:
            return wildcard(query, scratch);
        default:
            return matched_by_xapian(query, scratch);
    }
}

const DocSet& MatchSets::combine(const Xapian::Query& query, DocSet& scratch) {
    auto op = query.get_type();
    if (op == Xapian::Query::OP_OR || op == Xapian::Query::OP_SYNONYM || op == Xapian::Query::OP_MAX) {
        unite_all(query, scratch);
        return scratch;
    }
    const auto& first = evaluate(query.get_subquery(0), scratch);
    if (&first != &scratch) scratch = first;
    DocSet next_scratch;
    for (std::size_t i = 1; i < query.get_num_subqueries(); ++i) {
        const auto& next = evaluate(query.get_subquery(i), next_scratch);
        if (op == Xapian::Query::OP_AND_NOT)
            scratch.subtract(next);
        else if (op == Xapian::Query::OP_XOR)
            scratch.exclusive_or(next);
        else
            scratch.intersect(next);
    }
    return scratch;
}

// A phrase matches only pages with all its words: when the others already
// hold every such page, Xapian need not check its positions.
void MatchSets::unite_all(const Xapian::Query& query, DocSet& scratch) {
    scratch.clear(last_docid_);
    DocSet next_scratch;
    std::vector<Xapian::Query> positional;
    for (std::size_t i = 0; i < query.get_num_subqueries(); ++i) {
        auto sub = query.get_subquery(i);
        while (sub.get_type() == Xapian::Query::OP_SCALE_WEIGHT) sub = sub.get_subquery(0);
        auto type = sub.get_type();
        if (type == Xapian::Query::OP_PHRASE || type == Xapian::Query::OP_NEAR)
            positional.push_back(sub);
        else
            scratch.unite(evaluate(sub, next_scratch));
    }
    for (const auto& phrase : positional) {
        DocSet words;
        const auto& first = evaluate(phrase.get_subquery(0), words);
        if (&first != &words) words = first;
        for (std::size_t i = 1; i < phrase.get_num_subqueries(); ++i)
            words.intersect(evaluate(phrase.get_subquery(i), next_scratch));
        if (!scratch.contains_all(words)) scratch.unite(matched_by_xapian(phrase, next_scratch));
    }
}

const DocSet& MatchSets::term(const std::string& name, DocSet& scratch) {
    scratch.clear(last_docid_);
    if (auto kept = cached_terms_.find(name); kept != cached_terms_.end()) {
        if (kept->second.ids.empty()) return kept->second.set;
        for (auto id : kept->second.ids) scratch.insert(id);
        return scratch;
    }
    KeptTerm kept;
    for (auto it = db_->postlist_begin(name); it != db_->postlist_end(name); ++it) {
        scratch.insert(*it);
        kept.ids.push_back(*it);
    }
    // Many postings are kept as the set, few as their ids (a term of none
    // as an empty set).
    std::size_t ids_bytes = kept.ids.size() * sizeof(Xapian::docid);
    if (ids_bytes >= scratch.bytes() || kept.ids.empty()) {
        kept.ids = {};
        kept.set = scratch;
    }
    std::size_t bytes = name.size() + std::max(ids_bytes, kept.set.bytes());
    if (cached_bytes_ + bytes > max_cached_bytes_) forget();
    if (bytes > max_cached_bytes_) return scratch;
    cached_bytes_ += bytes;
    const auto& stored = cached_terms_.emplace(name, std::move(kept)).first->second;
    return stored.ids.empty() ? stored.set : scratch;
}

namespace {

// A length as Xapian's remote protocol writes it (net/length.h): one byte
// under 255, else 255 and seven bits a byte, the last marked.
bool read_length(std::string_view& data, std::size_t& out) {
    if (data.empty()) return false;
    out = static_cast<unsigned char>(data.front());
    data.remove_prefix(1);
    if (out < 255) return true;
    out = 0;
    for (unsigned shift = 0; shift < 35; shift += 7) {
        if (data.empty()) return false;
        auto byte = static_cast<unsigned char>(data.front());
        data.remove_prefix(1);
        out |= static_cast<std::size_t>(byte & 0x7f) << shift;
        if (byte & 0x80) {
            out += 255;
            return true;
        }
    }
    return false;
}

struct WildcardSpec {
    std::string pattern;
    std::size_t max_expansion = 0;  // 0: every term
    int max_type = 0;
};

// Xapian 1.4's Query has no accessors for a wildcard's parts; its serialised
// form (the remote protocol's) has them: 0x0b, the limit, its kind, the
// combining operator, the pattern.
std::optional<WildcardSpec> read_wildcard(const Xapian::Query& query) {
    auto serialised = query.serialise();
    std::string_view data = serialised;
    WildcardSpec spec;
    std::size_t size = 0;
    if (data.size() < 4 || static_cast<unsigned char>(data[0]) != 0x0b) return std::nullopt;
    data.remove_prefix(1);
    if (!read_length(data, spec.max_expansion) || data.size() < 2) return std::nullopt;
    spec.max_type = static_cast<unsigned char>(data[0]);
    data.remove_prefix(2);
    if (!read_length(data, size) || size != data.size()) return std::nullopt;
    spec.pattern = std::string(data);
    return spec;
}

}  // namespace

// The terms Xapian's matcher would expand the wildcard to (queryinternal.cc,
// QueryWildcard::postlist): the terms with the prefix in order, and past the
// limit the most frequent, picked with the same nth_element on the same
// sequence, so that frequency ties fall the same way.
const DocSet& MatchSets::wildcard(const Xapian::Query& query, DocSet& scratch) {
    auto spec = read_wildcard(query);
    // Unlimited, or limited to the most frequent; the other limits (and a
    // most-frequent limit of none) are Xapian's to apply.
    bool most_frequent = spec && spec->max_type == Xapian::Query::WILDCARD_LIMIT_MOST_FREQUENT;
    if (!spec || (most_frequent != (spec->max_expansion != 0))) return matched_by_xapian(query, scratch);
    std::vector<std::pair<Xapian::doccount, std::string>> terms;
    for (auto it = db_->allterms_begin(spec->pattern); it != db_->allterms_end(spec->pattern); ++it)
        terms.emplace_back(it.get_termfreq(), *it);
    if (spec->max_expansion != 0 && terms.size() > spec->max_expansion) {
        std::nth_element(terms.begin(), terms.begin() + static_cast<std::ptrdiff_t>(spec->max_expansion) - 1,
                         terms.end(), [](const auto& a, const auto& b) { return a.first > b.first; });
        terms.resize(spec->max_expansion);
    }
    scratch.clear(last_docid_);
    DocSet next_scratch;
    for (const auto& entry : terms) scratch.unite(term(entry.second, next_scratch));
    return scratch;
}

const DocSet& MatchSets::matched_by_xapian(const Xapian::Query& query, DocSet& scratch) {
    Xapian::Enquire enquire(*db_);
    enquire.set_query(query);
    enquire.set_weighting_scheme(Xapian::BoolWeight());
    enquire.set_docid_order(Xapian::Enquire::DONT_CARE);
    scratch.clear(last_docid_);
    auto mset = enquire.get_mset(0, db_->get_doccount());
    for (auto it = mset.begin(); it != mset.end(); ++it) scratch.insert(*it);
    return scratch;
}

}  // namespace medsearch
