#include "lexicon/topic_index.hpp"

#include "medsearch/common/drug_names.hpp"
#include "medsearch/common/index_layout.hpp"
#include "medsearch/common/schema.hpp"
#include "medsearch/common/text.hpp"
#include "medsearch/common/word_list.hpp"

#include <algorithm>
#include <cmath>

namespace medsearch {
namespace {

// A member as the dictionary writes it, read as the lexicon's drug name and
// the page that shows it.
class MemberResolver {
  public:
    MemberResolver(const PageCatalog& pages, const DrugLexicon& names, const SynonymIndex& synonyms)
        : pages_(pages), names_(names), synonyms_(synonyms) {}

    // "hydrocortisone (topical)": the drug, shown by its page of that form.
    TopicMember resolve(const std::string& written) const {
        auto components = parse_components(written);
        if (components.size() > 1) return resolve_combination(components);
        if (components.empty()) return {};
        const auto& component = components.front();
        TopicMember member{resolve_name(name_key(component.name)), -1};
        if (!member.name) return member;
        if (!component.qualifier.empty())
            member.page = pages_.form_page(member.name->key, name_key(component.qualifier));
        if (member.page < 0) member.page = member.name->own_page >= 0 ? member.name->own_page : member.name->best_page;
        return member;
    }

  private:
    // As written, another name, a spelling or its salt-free form; members no
    // page has are left out.
    const DrugName* resolve_name(const std::string& key) const {
        if (const auto* found = names_.find(key)) return found;
        if (const auto* others = synonyms_.find(key); others && synonyms_.kind(key) != SynonymKind::condition)
            for (const auto& other : *others)
                if (const auto* found = names_.find(other)) return found;
        return names_.find_by_base(base_key(key));
    }

    // "ethinyl estradiol + levonorgestrel": the page of just those
    // ingredients, in any order and under any of their names.
    TopicMember resolve_combination(const std::vector<Component>& components) const {
        std::vector<std::string> wanted;
        const DrugName* first = nullptr;
        for (const auto& component : components) {
            const auto* found = resolve_name(name_key(component.name));
            if (!found) return {};
            if (!first) first = found;
            wanted.push_back(base_key(found->key));
        }
        int best = -1;
        for (int i : pages_.combinations_with_base(wanted.front())) {
            const auto& page = pages_.entry(i);
            if (page.components.size() != wanted.size()) continue;
            const auto& bases = pages_.bases(i);
            bool same = std::all_of(wanted.begin(), wanted.end(), [&](const std::string& base) {
                return std::find(bases.begin(), bases.end(), base) != bases.end();
            });
            if (same && (best < 0 || better_own_page(page, pages_.entry(best)))) best = i;
        }
        if (best < 0) return {};
        return {first, best, true};
    }

    const PageCatalog& pages_;
    const DrugLexicon& names_;
    const SynonymIndex& synonyms_;
};

}  // namespace

std::string topic_key(std::string_view text, const Xapian::Stem& stem) {
    std::string key;
    for (const auto& word : split_words(text)) key += (key.empty() ? "" : " ") + stem(word);
    return key;
}

TopicIndex::TopicIndex(const Xapian::Database& db, const PageCatalog& pages, const DrugLexicon& names,
                       const SynonymIndex& synonyms) {
    read_priors(db, pages, names, synonyms);
    MemberResolver resolver(pages, names, synonyms);
    // A value that cannot be read is a damaged index, which Snapshot::load reports.
    auto decoded = decode_topics(db.get_metadata(schema::kMetaTopics));
    if (!decoded) throw Xapian::DatabaseCorruptError(decoded.error().message);
    const auto& table = decoded.value();
    auto stem = schema::make_stemmer();
    topics_.reserve(table.topics.size());
    for (const auto& topic : table.topics) {
        TopicEntry entry{topic.kind, topic.id, topic.label, topic.names, {}};
        for (const auto& written : topic.members) {
            auto member = resolver.resolve(written);
            if (member.name && std::find(entry.members.begin(), entry.members.end(), member) == entry.members.end())
                entry.members.push_back(member);
        }
        if (entry.members.empty()) continue;
        topics_.push_back(std::move(entry));
        auto index = static_cast<std::uint32_t>(topics_.size() - 1);
        for (const auto& topic_name : topic.names) {
            for (auto& word : split_words(topic_name)) words_.insert(std::move(word));
            by_key_.emplace(topic_key(topic_name, stem), index);
            names_.emplace_back(topic_name, index);
            longest_words_ = std::max(longest_words_, word_count(topic_name));
        }
    }
}

// The prior of each name: on the essential-medicines list (under any of its
// other names), then how many pages have it, on a log scale; a page's is its
// ingredients' mean.
void TopicIndex::read_priors(const Xapian::Database& db, const PageCatalog& pages, const DrugLexicon& names,
                             const SynonymIndex& synonyms) {
    auto decoded = decode_word_list(db.get_metadata(schema::kMetaEssential), schema::kMetaEssential);
    if (!decoded) throw Xapian::DatabaseCorruptError(decoded.error().message);  // see the constructor
    const auto& essential_list = decoded.value();
    std::unordered_set<std::string> essential(essential_list.begin(), essential_list.end());
    // base_key() runs words together; so do the listed names, to compare with it.
    for (const auto& listed : essential_list) essential.insert(run_together(listed));
    std::uint32_t most_pages = 1;
    for (const auto& name : names.all()) most_pages = std::max(most_pages, name.pages);
    priors_.reserve(names.all().size());
    for (const auto& name : names.all()) {
        bool listed = essential.count(name.key) || essential.count(base_key(name.key));
        if (const auto* others = synonyms.find(name.key); others && !listed && synonyms.kind(name.key) == SynonymKind::name)
            listed = std::any_of(others->begin(), others->end(), [&](const auto& o) { return essential.count(o) > 0; });
        priors_.push_back(0.6 * listed + 0.4 * std::log1p(name.pages) / std::log1p(most_pages));
    }

    page_priors_ = page_priors_in(db, pages, names);
}

std::shared_ptr<const PagePriors> TopicIndex::page_priors_in(const Xapian::Database& db, const PageCatalog& pages,
                                                             const DrugLexicon& names) const {
    auto page_priors = std::make_shared<PagePriors>();
    auto& by_docid = page_priors->by_docid;
    by_docid.assign(db.get_lastdocid() + 1, 0.0f);
    if (db.size() > 1) page_priors->shard_uuids = shard_uuids(db);
    for (std::size_t i = 0; i < pages.size(); ++i) {
        const auto& id_term = schema::id_term(pages.entry(static_cast<int>(i)).path);
        auto postings = db.postlist_begin(id_term);
        if (postings == db.postlist_end(id_term) || *postings >= by_docid.size()) continue;
        const auto& components = pages.components(static_cast<int>(i));
        double sum = 0;
        for (const auto& keys : components)
            if (const auto* found = names.find(keys.front())) sum += priors_[names.index_of(*found)];
        by_docid[*postings] = static_cast<float>(sum / static_cast<double>(std::max<std::size_t>(1, components.size())));
    }
    return page_priors;
}

const TopicEntry* TopicIndex::find(std::string_view stemmed_key) const {
    auto it = by_key_.find(std::string(stemmed_key));
    return it == by_key_.end() ? nullptr : &topics_[it->second];
}

}  // namespace medsearch
