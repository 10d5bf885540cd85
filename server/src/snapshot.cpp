#include "medsearch/server/snapshot.hpp"

#include "medsearch/common/drug_names.hpp"
#include "medsearch/common/schema.hpp"
#include "medsearch/common/text.hpp"
#include "medsearch/common/vocabulary.hpp"
#include "medsearch/common/word_list.hpp"

#include <xapian.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <tuple>

namespace medsearch {
namespace {

std::size_t word_count(std::string_view key) {
    return key.empty() ? 0 : 1 + static_cast<std::size_t>(std::count(key.begin(), key.end(), ' '));
}

// "crocin" -> "Crocin", "co-amoxiclav" -> "Co-Amoxiclav": how a key is shown.
std::string title_case(std::string_view key) {
    std::string out(key);
    bool start = true;
    for (auto& c : out) {
        if (start && c >= 'a' && c <= 'z') c = static_cast<char>(c - 32);
        start = !((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'));
    }
    return out;
}

// Pages on which a name's suggestion and exact matches land: the page of just
// that drug, preferring one without a qualifier ("Acyclovir" over
// "Acyclovir (Topical)"), then the shorter title.
bool better_own_page(const CatalogEntry& candidate, const CatalogEntry& current) {
    auto rank = [](const CatalogEntry& e) {
        return std::make_tuple(!e.components.front().qualifier.empty(), e.title.size(), e.path);
    };
    return rank(candidate) < rank(current);
}

}  // namespace

Result<std::shared_ptr<const Snapshot>> Snapshot::load(const Xapian::Database& db,
                                                       const IndexGeneration& generation) {
    std::shared_ptr<Snapshot> snapshot(new Snapshot());
    snapshot->generation_ = generation;
    try {
        if (auto mismatch = schema::schema_mismatch(db); !mismatch.empty())
            return Error{Errc::index, generation.path.string() + ": " + mismatch +
                                          "; rebuild it with medsearch index --full"};
        auto catalog = decode_catalog(db.get_metadata(schema::kMetaCatalog));
        if (!catalog) return Error{Errc::index, generation.path.string() + ": " + catalog.error().message};
        snapshot->catalog_ = std::move(catalog.value());

        for (auto key = db.synonym_keys_begin(); key != db.synonym_keys_end(); ++key) {
            auto& values = snapshot->synonyms_[*key];
            for (auto value = db.synonyms_begin(*key); value != db.synonyms_end(*key); ++value)
                values.push_back(*value);
            snapshot->longest_synonym_words_ = std::max(snapshot->longest_synonym_words_, word_count(*key));
        }
        for (const auto& line : split_lines(db.get_metadata(schema::kMetaSynonymKinds))) {
            auto tab = line.find('\t');
            if (tab == std::string::npos) continue;
            auto kind_text = line.substr(tab + 1);
            auto kind = kind_text == "brand" ? SynonymKind::brand
                        : kind_text == "spelling" ? SynonymKind::spelling
                        : kind_text == "condition" ? SynonymKind::condition
                                                   : SynonymKind::name;
            snapshot->synonym_kinds_.emplace(line.substr(0, tab), kind);
        }
        snapshot->stopwords_ = split_lines(db.get_metadata(schema::kMetaStopwords));
        snapshot->page_codec_ = PageCodec(db.get_metadata(schema::kMetaPageDictionary));
        snapshot->stopword_set_.insert(snapshot->stopwords_.begin(), snapshot->stopwords_.end());

        snapshot->build_lexicon();
        for (auto& word : split_lines(db.get_metadata(schema::kMetaEnglishWords)))
            snapshot->english_words_.insert(std::move(word));

        // Words for spelling correction: drug names, synonyms, section words
        // and the pages' vocabulary.
        std::vector<FuzzyIndex::Word> words;
        std::unordered_map<std::string, std::size_t> word_index;
        auto add_word = [&](const std::string& text, std::uint32_t weight, bool drug, int edits) {
            auto [it, inserted] = word_index.emplace(text, words.size());
            if (inserted) {
                words.push_back({text, weight, drug, edits});
                return;
            }
            auto& word = words[it->second];
            word.weight += weight;
            word.drug_name = word.drug_name || drug;
            word.max_edits = std::max(word.max_edits, edits);
        };
        for (const auto& name : snapshot->names_)
            for (const auto& word : split_words(name.key)) {
                snapshot->known_words_.insert(word);
                if (word.size() >= 4) add_word(word, name.pages, true, 2);
            }
        for (const auto& [key, values] : snapshot->synonyms_) {
            auto kind = snapshot->synonym_kind(key);
            for (const auto& word : split_words(key)) {
                snapshot->known_words_.insert(word);
                if (word.size() >= 4 && !snapshot->is_stopword(word))
                    add_word(word, 1, kind == SynonymKind::brand || kind == SynonymKind::name, 2);
            }
        }
        // The words that ask for a section are query vocabulary whatever the pages say.
        for (const auto& spec : schema::kSections)
            for (const auto& phrases : {spec.intents, spec.headings})
                for (auto phrase : phrases)
                    for (const auto& word : split_words(phrase)) {
                        snapshot->known_words_.insert(word);
                        if (word.size() >= 4 && !snapshot->is_stopword(word)) add_word(word, 1, false, 1);
                    }
        // The words of the pages that at least three pages have.
        for (const auto& [text, pages] : decode_vocabulary(db.get_metadata(schema::kMetaVocabulary))) {
            snapshot->vocabulary_.emplace_back(text, pages);  // the map is sorted
            if (pages < 3) continue;
            snapshot->known_words_.insert(text);
            bool letters = std::all_of(text.begin(), text.end(), [](char c) { return c >= 'a' && c <= 'z'; });
            if (letters && text.size() >= 4) add_word(text, pages, false, 1);
        }
        snapshot->fuzzy_ = FuzzyIndex(std::move(words));
        snapshot->build_topics(db);
        snapshot->build_suggestions();
    } catch (const Xapian::Error& e) {
        return Error{Errc::index, generation.path.string() + ": " + e.get_description()};
    }
    return std::shared_ptr<const Snapshot>(std::move(snapshot));
}

void Snapshot::build_lexicon() {
    std::map<std::string, DrugName> by_key;
    component_keys_.resize(catalog_.size());
    page_bases_.resize(catalog_.size());
    component_bases_.resize(catalog_.size());
    for (std::size_t i = 0; i < catalog_.size(); ++i) {
        const auto& page = catalog_[i];
        page_by_path_.emplace(page.path, static_cast<int>(i));
        std::vector<std::string> seen;
        for (const auto& component : page.components) {
            if (!component.qualifier.empty()) qualifiers_.insert(name_key(component.qualifier));
            auto keys = component_keys(component);
            for (std::size_t k = 0; k < keys.size(); ++k) {
                auto& name = by_key[keys[k]];
                // Shown as a title writes it, not as an alias in brackets does.
                if (name.key.empty() || (k == 0 && name.display == name.key)) {
                    name.key = keys[k];
                    name.display = k == 0 ? component.name : component.aliases[k - 1];
                }
                if (std::find(seen.begin(), seen.end(), keys[k]) == seen.end()) {
                    ++name.pages;
                    seen.push_back(keys[k]);
                }
                if (name.best_page < 0 ||
                    page.components.size() < catalog_[static_cast<std::size_t>(name.best_page)].components.size())
                    name.best_page = static_cast<int>(i);
                if (page.components.size() == 1 &&
                    (name.own_page < 0 || better_own_page(page, catalog_[static_cast<std::size_t>(name.own_page)])))
                    name.own_page = static_cast<int>(i);
            }
            std::vector<std::string> bases;
            for (const auto& key : keys) bases.push_back(base_key(key));
            page_bases_[i].insert(page_bases_[i].end(), bases.begin(), bases.end());
            component_bases_[i].push_back(std::move(bases));
            if (page.components.size() == 1 && !component.qualifier.empty())
                for (const auto& key : keys) {
                    auto [it, inserted] = form_pages_.emplace(key + '|' + name_key(component.qualifier), static_cast<int>(i));
                    if (!inserted && better_own_page(page, catalog_[static_cast<std::size_t>(it->second)]))
                        it->second = static_cast<int>(i);
                }
            component_keys_[i].push_back(std::move(keys));
        }
        if (page.components.size() > 1) {
            auto bases = page_bases_[i];
            std::sort(bases.begin(), bases.end());
            bases.erase(std::unique(bases.begin(), bases.end()), bases.end());
            for (auto& base : bases) combinations_by_base_[std::move(base)].push_back(static_cast<int>(i));
        }
    }
    names_.reserve(by_key.size());
    for (auto& [key, name] : by_key) {
        name_by_key_.emplace(key, static_cast<std::uint32_t>(names_.size()));
        longest_name_words_ = std::max(longest_name_words_, word_count(key));
        names_.push_back(std::move(name));
    }
    for (std::uint32_t id = 0; id < names_.size(); ++id)
        names_by_sound_.emplace_back(phonetic_phrase(names_[id].key), id);
    std::sort(names_by_sound_.begin(), names_by_sound_.end());
    for (std::uint32_t id = 0; id < names_.size(); ++id) {
        auto base = base_key(names_[id].key);
        auto [it, inserted] = name_by_base_.emplace(base, id);
        if (inserted) continue;
        // The name that is the base itself (no salt word) wins, then the more popular one.
        const auto& current = names_[it->second];
        const auto& candidate = names_[id];
        bool candidate_is_base = run_together(candidate.key) == base, current_is_base = run_together(current.key) == base;
        if (candidate_is_base > current_is_base ||
            (candidate_is_base == current_is_base && candidate.pages > current.pages))
            it->second = id;
    }
}

const std::vector<int>& Snapshot::combinations_with_base(const std::string& base) const {
    static const std::vector<int> none;
    auto found = combinations_by_base_.find(base);
    return found == combinations_by_base_.end() ? none : found->second;
}

int Snapshot::form_page(const DrugName& name, std::string_view qualifier) const {
    auto found = form_pages_.find(name.key + '|' + std::string(qualifier));
    return found == form_pages_.end() ? -1 : found->second;
}

std::string Snapshot::page_qualifier(int page) const {
    if (page < 0) return {};
    const auto& components = catalog_[static_cast<std::size_t>(page)].components;
    return components.size() == 1 ? name_key(components.front().qualifier) : std::string();
}

void Snapshot::build_topics(const Xapian::Database& db) {
    for (const auto& name : names_)
        for (auto& word : split_words(name.key)) drug_words_.insert(std::move(word));

    // The prior of each name: on the essential-medicines list (under any of its
    // other names), then how many pages have it, on a log scale.
    auto essential_list = split_lines(db.get_metadata(schema::kMetaEssential));
    std::unordered_set<std::string> essential(essential_list.begin(), essential_list.end());
    // base_key() runs words together; so do the listed names, to compare with it.
    for (const auto& listed : essential_list) essential.insert(run_together(listed));
    std::uint32_t most_pages = 1;
    for (const auto& name : names_) most_pages = std::max(most_pages, name.pages);
    priors_.reserve(names_.size());
    for (const auto& name : names_) {
        bool listed = essential.count(name.key) || essential.count(base_key(name.key));
        if (const auto* others = synonyms(name.key); others && !listed && synonym_kind(name.key) == SynonymKind::name)
            listed = std::any_of(others->begin(), others->end(), [&](const auto& o) { return essential.count(o) > 0; });
        priors_.push_back(0.6 * listed + 0.4 * std::log1p(name.pages) / std::log1p(most_pages));
    }

    auto page_priors = std::make_shared<std::vector<float>>(db.get_lastdocid() + 1, 0.0f);
    for (std::size_t i = 0; i < catalog_.size(); ++i) {
        auto postings = db.postlist_begin(schema::id_term(catalog_[i].path));
        if (postings == db.postlist_end(schema::id_term(catalog_[i].path)) || *postings >= page_priors->size()) continue;
        double sum = 0;
        for (const auto& keys : component_keys_[i])
            if (const auto* found = name(keys.front())) sum += priors_[static_cast<std::size_t>(found - names_.data())];
        (*page_priors)[*postings] = static_cast<float>(sum / static_cast<double>(std::max<std::size_t>(1, component_keys_[i].size())));
    }
    page_priors_ = std::move(page_priors);

    // A member is the lexicon's name for it: as written, another name, a
    // spelling or its salt-free form; members no page has are left out.
    auto resolve_name = [&](const std::string& key) -> const DrugName* {
        if (const auto* found = name(key)) return found;
        if (const auto* others = synonyms(key); others && synonym_kind(key) != SynonymKind::condition)
            for (const auto& other : *others)
                if (const auto* found = name(other)) return found;
        return name_by_base(base_key(key));
    };
    // "ethinyl estradiol + levonorgestrel": the page of just those
    // ingredients, in any order and under any of their names.
    auto resolve_combination = [&](const std::vector<Component>& components) -> TopicMember {
        std::vector<std::string> wanted;
        const DrugName* first = nullptr;
        for (const auto& component : components) {
            const auto* found = resolve_name(name_key(component.name));
            if (!found) return {};
            if (!first) first = found;
            wanted.push_back(base_key(found->key));
        }
        int best = -1;
        for (int i : combinations_with_base(wanted.front())) {
            const auto& page = catalog_[static_cast<std::size_t>(i)];
            if (page.components.size() != wanted.size()) continue;
            const auto& bases = page_bases_[static_cast<std::size_t>(i)];
            bool same = std::all_of(wanted.begin(), wanted.end(), [&](const std::string& base) {
                return std::find(bases.begin(), bases.end(), base) != bases.end();
            });
            if (same && (best < 0 || better_own_page(page, catalog_[static_cast<std::size_t>(best)]))) best = i;
        }
        if (best < 0) return {};
        return {first, best, true};
    };
    // "hydrocortisone (topical)": the drug, shown by its page of that form.
    auto resolve = [&](const std::string& written) -> TopicMember {
        auto components = parse_components(written);
        if (components.size() > 1) return resolve_combination(components);
        if (components.empty()) return {};
        const auto& component = components.front();
        TopicMember member{resolve_name(name_key(component.name)), -1};
        if (!member.name) return member;
        if (!component.qualifier.empty()) member.page = form_page(*member.name, name_key(component.qualifier));
        if (member.page < 0) member.page = member.name->own_page >= 0 ? member.name->own_page : member.name->best_page;
        return member;
    };
    auto table = decode_topics(db.get_metadata(schema::kMetaTopics));
    auto stem = schema::make_stemmer();
    topics_.reserve(table.topics.size());
    for (const auto& topic : table.topics) {
        TopicEntry entry{topic.kind, topic.id, topic.label, topic.names, {}};
        for (const auto& written : topic.members) {
            auto member = resolve(written);
            if (member.name && std::find(entry.members.begin(), entry.members.end(), member) == entry.members.end())
                entry.members.push_back(member);
        }
        if (entry.members.empty()) continue;
        topics_.push_back(std::move(entry));
        auto index = static_cast<std::uint32_t>(topics_.size() - 1);
        for (const auto& topic_name : topic.names) {
            for (auto& word : split_words(topic_name)) topic_words_.insert(std::move(word));
            topic_by_key_.emplace(topic_key(topic_name, stem), index);
            topic_names_.emplace_back(topic_name, index);
            longest_topic_words_ = std::max(longest_topic_words_, word_count(topic_name));
        }
    }
}

void Snapshot::build_suggestions() {
    // Rank classes: single drugs first, then other names and brands, then
    // combinations; within a class the more popular and the shorter first.
    auto rank_of = [](std::uint32_t cls, std::uint32_t pages, std::size_t length) {
        std::uint32_t popularity = 0xFFFF - std::min<std::uint32_t>(pages, 0xFFFF);
        return (cls << 28) | (popularity << 8) | static_cast<std::uint32_t>(std::min<std::size_t>(length, 255));
    };
    auto kind_of_page = [&](int page) -> std::string_view {
        return catalog_[static_cast<std::size_t>(page)].components.size() > 1 ? "combination" : "drug";
    };
    for (const auto& name : names_) {
        int page = name.own_page >= 0 ? name.own_page : name.best_page;
        if (page < 0) continue;
        std::string detail;
        if (name.own_page < 0) detail = "in " + catalog_[static_cast<std::size_t>(page)].title;
        suggestions_.push_back({name.key, name.display, detail, kind_of_page(page), page,
                                rank_of(name.own_page >= 0 ? 0 : 2, name.pages, name.display.size())});
    }
    // Pages whose title is not just a drug name: combinations and qualified pages.
    for (std::size_t i = 0; i < catalog_.size(); ++i) {
        const auto& page = catalog_[i];
        const auto& keys = component_keys_[i];
        if (keys.size() == 1 && name(name_key(page.title)) && name(name_key(page.title))->own_page == static_cast<int>(i))
            continue;
        std::uint32_t cls = keys.size() == 1 ? 0 : 2;
        std::uint32_t pages = 0;
        for (const auto& names : keys)
            if (const auto* n = name(names.front())) pages += n->pages;
        auto rank = rank_of(cls, keys.size() == 1 ? pages : 0, page.title.size());
        // Reachable from the start of each ingredient ("ketamine" finds "Amitriptyline + Ketamine").
        for (std::size_t first = 0; first < keys.size(); ++first) {
            std::string key;
            for (std::size_t k = 0; k < keys.size(); ++k) {
                if (!key.empty()) key.push_back(' ');
                key += keys[(first + k) % keys.size()].front();
            }
            if (first == 0 && keys.size() == 1) key = name_key(page.title);
            suggestions_.push_back({key, page.title, "", kind_of_page(static_cast<int>(i)), static_cast<int>(i), rank});
            if (keys.size() > 4) break;  // long combinations: from their first ingredient only
        }
    }
    // Brands and other names that are not themselves drug names of the pages.
    for (const auto& [key, values] : synonyms_) {
        auto kind = synonym_kind(key);
        if ((kind != SynonymKind::brand && kind != SynonymKind::name) || name(key)) continue;
        for (const auto& value : values) {
            const DrugName* target = name(value);
            int page = -1;
            std::string target_label;
            if (target && target->own_page >= 0) {
                page = target->own_page;
                target_label = target->display;
            } else if (value.find(" + ") != std::string::npos) {
                // A combination brand: the page whose ingredients are exactly these.
                std::vector<std::string> wanted;
                std::size_t start = 0;
                while (start <= value.size()) {
                    auto end = value.find(" + ", start);
                    wanted.push_back(value.substr(start, end == std::string::npos ? std::string::npos : end - start));
                    if (end == std::string::npos) break;
                    start = end + 3;
                }
                std::sort(wanted.begin(), wanted.end());
                for (std::size_t i = 0; i < catalog_.size() && page < 0; ++i) {
                    std::vector<std::string> have;
                    for (const auto& names : component_keys_[i]) have.push_back(names.front());
                    std::sort(have.begin(), have.end());
                    if (have == wanted) {
                        page = static_cast<int>(i);
                        target_label = catalog_[i].title;
                    }
                }
            }
            if (page < 0) continue;
            std::string detail = (kind == SynonymKind::brand ? "brand of " : "other name for ") + target_label;
            suggestions_.push_back({key, title_case(key), detail,
                                    kind == SynonymKind::brand ? "brand" : "other-name", page,
                                    rank_of(1, target ? target->pages : 0, key.size())});
            break;
        }
    }
    // Kinds of medicine and conditions, by each of their names: a search for
    // them, ranked after the single drugs (with brands), by how many pages
    // their members have.
    std::unordered_map<const TopicEntry*, std::uint32_t> topic_pages;
    for (const auto& topic : topics_)
        for (const auto& member : topic.members) topic_pages[&topic] += member.name->pages;
    for (const auto& [key, index] : topic_names_) {
        const auto& topic = topics_[index];
        suggestions_.push_back({key, topic.label,
                                topic.kind == TopicKind::medicine_class ? "kind of medicine" : "condition",
                                to_string(topic.kind), -1,
                                rank_of(1, topic_pages[&topic], key.size()), &topic});
    }
    std::sort(suggestions_.begin(), suggestions_.end(), [](const SuggestEntry& a, const SuggestEntry& b) {
        return std::tie(a.key, a.rank, a.page) < std::tie(b.key, b.rank, b.page);
    });
    for (std::uint32_t i = 0; i < suggestions_.size(); ++i)
        suggestions_by_sound_.emplace_back(phonetic_phrase(suggestions_[i].key), i);
    std::sort(suggestions_by_sound_.begin(), suggestions_by_sound_.end());
}

int Snapshot::page_index(std::string_view path) const {
    auto it = page_by_path_.find(std::string(path));
    return it == page_by_path_.end() ? -1 : it->second;
}

const DrugName* Snapshot::name(std::string_view key) const {
    auto it = name_by_key_.find(std::string(key));
    return it == name_by_key_.end() ? nullptr : &names_[it->second];
}

const DrugName* Snapshot::name_by_base(std::string_view base) const {
    auto it = name_by_base_.find(std::string(base));
    return it == name_by_base_.end() ? nullptr : &names_[it->second];
}

namespace {

// Entries of `sorted` (pairs of key and id, sorted by key) whose key starts with prefix.
template <typename Id>
std::vector<Id> ids_with_prefix(const std::vector<std::pair<std::string, Id>>& sorted, std::string_view prefix) {
    std::vector<Id> ids;
    auto first = std::lower_bound(sorted.begin(), sorted.end(), prefix,
                                  [](const auto& entry, std::string_view p) { return entry.first < p; });
    for (auto it = first; it != sorted.end() && std::string_view(it->first).starts_with(prefix); ++it)
        ids.push_back(it->second);
    return ids;
}

// The most popular names first, then the shorter.
std::vector<const DrugName*> best_names(std::vector<const DrugName*> found, std::size_t limit) {
    auto order = [](const DrugName* a, const DrugName* b) {
        return std::make_tuple(-static_cast<long>(a->pages), a->key.size(), std::string_view(a->key)) <
               std::make_tuple(-static_cast<long>(b->pages), b->key.size(), std::string_view(b->key));
    };
    if (found.size() > limit) {
        std::partial_sort(found.begin(), found.begin() + static_cast<long>(limit), found.end(), order);
        found.resize(limit);
    } else {
        std::sort(found.begin(), found.end(), order);
    }
    return found;
}

// Exact key first, then by rank; one entry per page.
std::vector<const SuggestEntry*> best_suggestions(std::vector<const SuggestEntry*> found, std::string_view typed,
                                                  std::size_t limit) {
    std::sort(found.begin(), found.end(), [&](const SuggestEntry* a, const SuggestEntry* b) {
        return std::make_tuple(a->key != typed, a->rank, a->page) < std::make_tuple(b->key != typed, b->rank, b->page);
    });
    std::vector<const SuggestEntry*> unique;
    std::unordered_set<int> pages;
    std::unordered_set<const TopicEntry*> topics;
    for (const auto* entry : found) {
        if (entry->topic ? !topics.insert(entry->topic).second : !pages.insert(entry->page).second) continue;
        unique.push_back(entry);
        if (unique.size() == limit) break;
    }
    return unique;
}

}  // namespace

std::vector<const DrugName*> Snapshot::names_with_prefix(std::string_view prefix, std::size_t limit) const {
    std::vector<const DrugName*> found;
    auto first = std::lower_bound(names_.begin(), names_.end(), prefix,
                                  [](const DrugName& n, std::string_view p) { return n.key < p; });
    for (auto it = first; it != names_.end() && std::string_view(it->key).starts_with(prefix); ++it)
        found.push_back(&*it);
    return best_names(std::move(found), limit);
}

std::vector<const DrugName*> Snapshot::names_sounding_like(std::string_view prefix, std::size_t limit) const {
    std::vector<const DrugName*> found;
    for (auto id : ids_with_prefix(names_by_sound_, phonetic_phrase(prefix))) found.push_back(&names_[id]);
    return best_names(std::move(found), limit);
}

const std::vector<std::string>* Snapshot::synonyms(std::string_view key) const {
    auto it = synonyms_.find(std::string(key));
    return it == synonyms_.end() ? nullptr : &it->second;
}

SynonymKind Snapshot::synonym_kind(std::string_view key) const {
    auto it = synonym_kinds_.find(std::string(key));
    return it == synonym_kinds_.end() ? SynonymKind::name : it->second;
}

bool Snapshot::is_known_word(std::string_view word) const {
    return known_words_.count(std::string(word)) > 0;
}

bool Snapshot::is_english_word(std::string_view word) const {
    return english_words_.count(std::string(word)) > 0;
}

std::pair<std::string_view, std::uint32_t> Snapshot::commonest_word_with_prefix(std::string_view prefix,
                                                                                  bool drug) const {
    std::pair<std::string_view, std::uint32_t> best{"", 0};
    auto first = std::lower_bound(vocabulary_.begin(), vocabulary_.end(), prefix,
                                  [](const auto& entry, std::string_view p) { return entry.first < p; });
    for (auto it = first; it != vocabulary_.end() && std::string_view(it->first).starts_with(prefix); ++it)
        if (it->second > best.second && drug_words_.count(it->first) == (drug ? 1u : 0u)) best = {it->first, it->second};
    return best;
}

std::uint32_t Snapshot::word_pages(std::string_view word) const {
    auto it = std::lower_bound(vocabulary_.begin(), vocabulary_.end(), word,
                               [](const auto& entry, std::string_view w) { return entry.first < w; });
    return it != vocabulary_.end() && it->first == word ? it->second : 0;
}

const TopicEntry* Snapshot::topic(std::string_view stemmed_key) const {
    auto it = topic_by_key_.find(std::string(stemmed_key));
    return it == topic_by_key_.end() ? nullptr : &topics_[it->second];
}

std::string topic_key(std::string_view text, const Xapian::Stem& stem) {
    std::string key;
    for (const auto& word : split_words(text)) key += (key.empty() ? "" : " ") + stem(word);
    return key;
}

bool Snapshot::is_stopword(std::string_view word) const {
    return stopword_set_.count(std::string(word)) > 0;
}

std::vector<const SuggestEntry*> Snapshot::suggest(std::string_view prefix, std::size_t limit) const {
    if (prefix.empty() || limit == 0) return {};
    std::vector<const SuggestEntry*> found;
    auto first = std::lower_bound(suggestions_.begin(), suggestions_.end(), prefix,
                                  [](const SuggestEntry& e, std::string_view p) { return e.key < p; });
    for (auto it = first; it != suggestions_.end() && std::string_view(it->key).starts_with(prefix); ++it)
        found.push_back(&*it);
    return best_suggestions(std::move(found), prefix, limit);
}

std::vector<const SuggestEntry*> Snapshot::suggest_sounding_like(std::string_view prefix, std::size_t limit) const {
    if (prefix.empty() || limit == 0) return {};
    std::vector<const SuggestEntry*> found;
    for (auto id : ids_with_prefix(suggestions_by_sound_, phonetic_phrase(prefix))) found.push_back(&suggestions_[id]);
    return best_suggestions(std::move(found), prefix, limit);
}


}  // namespace medsearch
