// `medsearch check` of the dictionaries: data/synonyms.yaml and
// data/medicines.yaml against the pages being checked.

#include "medsearch/common/config.hpp"
#include "medsearch/common/drug_names.hpp"
#include "medsearch/common/synonyms.hpp"
#include "medsearch/common/text.hpp"
#include "medsearch/common/topics.hpp"
#include "medsearch/indexer/check.hpp"

#include <algorithm>
#include <charconv>
#include <map>
#include <optional>
#include <unordered_map>
#include <unordered_set>

namespace medsearch {
namespace {

// A dictionary's text and how findings name it.
struct Dictionary {
    std::string origin;  // the file as given, or "built-in NAME"
    std::string text;
    bool named = false;  // given by the user: checked against the pages too
};

Result<Dictionary> read_dictionary(const std::filesystem::path& file, std::string_view builtin) {
    auto text = read_data_file(file, builtin);
    if (!text) return text.error();
    if (file.empty()) return Dictionary{"built-in " + std::string(builtin), std::move(text.value()), false};
    return Dictionary{file.string(), std::move(text.value()), true};
}

// A parser's error ("origin:LINE: what") as a finding at that line.
Diagnostic parse_finding(const std::string& origin, const Error& error) {
    Diagnostic finding{Severity::error, origin, 0, "dictionary", error.message};
    std::string_view rest = error.message;
    if (!rest.starts_with(origin + ":")) return finding;
    rest.remove_prefix(origin.size() + 1);
    int line = 0;
    auto [end, ec] = std::from_chars(rest.data(), rest.data() + rest.size(), line);
    if (ec == std::errc{} && end != rest.data() + rest.size() && *end == ':') {
        finding.line = line;
        rest.remove_prefix(static_cast<std::size_t>(end - rest.data()) + 1);
    }
    finding.message = std::string(trim(rest));
    return finding;
}

// The drug names of the pages as the searcher's lexicon reads them
// (server/src/lexicon: PageCatalog, DrugLexicon, MemberResolver), so that a
// name found here is one the searcher finds a page for.
class PageNames {
  public:
    PageNames(const std::vector<CatalogEntry>& pages, const SynonymTable& synonyms) : synonyms_(synonyms) {
        for (std::size_t i = 0; i < pages.size(); ++i) {
            std::vector<std::string> bases;
            for (const auto& component : pages[i].components)
                for (const auto& key : component_keys(component)) {
                    names_.insert(key);
                    bases.push_back(base_key(key));
                    for (const auto& word : words_of(key)) {
                        auto& list = pages_with_word_[word];
                        if (list.empty() || list.back() != i) list.push_back(i);
                    }
                }
            bases_.insert(bases.begin(), bases.end());
            if (pages[i].components.size() > 1)
                combinations_.push_back({pages[i].components.size(), std::move(bases)});
        }
    }

    // What a synonym expands to finds a page by its names: some page has
    // this name, the same substance in another salt form, or every word of
    // it among its names ("codeine paracetamol" for Paracetamol + Codeine).
    bool has(const std::string& key) const {
        return names_.count(key) > 0 || bases_.count(base_key(key)) > 0 || on_one_page(words_of(key));
    }

    // A member as the medicines file writes it: "hydrocortisone (topical)",
    // "ethinyl estradiol + levonorgestrel" (the page of just those, in any order).
    bool resolves(std::string_view written) const {
        auto components = parse_components(written);
        if (components.empty()) return false;
        std::vector<std::string> wanted;
        for (const auto& component : components) {
            auto found = find(name_key(component.name));
            if (!found) return false;
            wanted.push_back(base_key(*found));
        }
        if (wanted.size() == 1) return true;  // a form no page has falls back to the drug's page
        return std::any_of(combinations_.begin(), combinations_.end(), [&](const Combination& page) {
            return page.ingredients == wanted.size() &&
                   std::all_of(wanted.begin(), wanted.end(), [&](const std::string& base) {
                       return std::find(page.bases.begin(), page.bases.end(), base) != page.bases.end();
                   });
        });
    }

    // The name of the pages `key` stands for: itself, another name of it (not
    // a condition's lay word), or a salt form of it.
    std::optional<std::string> find(const std::string& key) const {
        if (names_.count(key)) return key;
        auto others = synonyms_.expansions.find(key);
        auto kind = synonyms_.kinds.find(key);
        if (others != synonyms_.expansions.end() && kind != synonyms_.kinds.end() &&
            kind->second != SynonymKind::condition)
            for (const auto& other : others->second)
                if (names_.count(other)) return other;
        if (bases_.count(base_key(key))) return key;
        return std::nullopt;
    }

  private:
    static std::vector<std::string> words_of(std::string_view key) {
        std::vector<std::string> words;
        for (std::size_t start = 0; start < key.size();) {
            auto end = std::min(key.find(' ', start), key.size());
            if (end > start) words.emplace_back(key.substr(start, end - start));
            start = end + 1;
        }
        return words;
    }

    bool on_one_page(const std::vector<std::string>& words) const {
        std::vector<const std::vector<std::size_t>*> lists;
        for (const auto& word : words) {
            auto found = pages_with_word_.find(word);
            if (found == pages_with_word_.end()) return false;
            lists.push_back(&found->second);
        }
        if (lists.empty()) return false;
        std::sort(lists.begin(), lists.end(), [](auto* a, auto* b) { return a->size() < b->size(); });
        return std::any_of(lists.front()->begin(), lists.front()->end(), [&](std::size_t page) {
            return std::all_of(lists.begin() + 1, lists.end(),
                               [&](auto* list) { return std::binary_search(list->begin(), list->end(), page); });
        });
    }

    struct Combination {
        std::size_t ingredients = 0;
        std::vector<std::string> bases;  // of every name of every ingredient
    };
    const SynonymTable& synonyms_;
    std::unordered_set<std::string> names_;
    std::unordered_set<std::string> bases_;
    std::vector<Combination> combinations_;
    std::unordered_map<std::string, std::vector<std::size_t>> pages_with_word_;  // page indexes, ascending
};

// A name written in two entries (two groups, or a group and a brand)
// expands to the names of both: the file should say which it means. One
// group may write a name twice in forms name_key() folds together
// ("omega-3 fatty acids", "omega 3 fatty acids"): people type both.
void find_duplicate_names(const std::string& origin, const SynonymTable& table, std::vector<Diagnostic>& findings) {
    struct First {
        std::size_t entry;
        int line;
    };
    std::map<std::string, First> first;
    for (std::size_t e = 0; e < table.entries.size(); ++e)
        for (const auto& name : table.entries[e].names) {
            auto [it, inserted] = first.emplace(name.key, First{e, name.line});
            if (!inserted && it->second.entry != e)
                findings.push_back({Severity::error, origin, name.line, "duplicate-name",
                                    "'" + name.key + "' is also written at line " + std::to_string(it->second.line)});
        }
}

// Brands whose generic name no page has, and groups of other names none of
// which finds a page.
void find_synonyms_without_page(const std::string& origin, const SynonymTable& table, const PageNames& pages,
                                std::vector<Diagnostic>& findings) {
    for (const auto& entry : table.entries) {
        if (entry.kind == SynonymKind::brand) {
            for (const auto& generic : entry.generics)
                if (!pages.find(generic.key) && !pages.has(generic.key))
                    findings.push_back({Severity::warning, origin, generic.line, "no-page",
                                        "'" + entry.names.front().key + "' is a brand of '" + generic.key +
                                            "', which no page has"});
        } else if (entry.kind == SynonymKind::name) {
            bool any = std::any_of(entry.names.begin(), entry.names.end(),
                                   [&](const WrittenName& name) { return pages.has(name.key); });
            if (!any)
                findings.push_back({Severity::warning, origin, entry.names.front().line, "no-page",
                                    "no page has '" + entry.names.front().key + "' or its other names"});
        }
    }
}

// Brands some of whose ingredients no page has: the searcher answers with the
// pages of the others, or nothing.
void find_brands_without_page(const std::string& origin, const std::vector<SynonymEntry>& brands, const PageNames& pages,
                              std::vector<Diagnostic>& findings) {
    for (const auto& brand : brands)
        for (const auto& ingredient : brand.generics)
            if (!pages.find(ingredient.key) && !pages.has(ingredient.key) && !pages.resolves(ingredient.key))
                findings.push_back({Severity::warning, origin, ingredient.line, "no-page",
                                    "'" + brand.names.front().key + "' has '" + ingredient.key + "', which no page has"});
}

// The brands file: errors stop a build; with the pages, the ingredients no page has.
void check_brands(const std::filesystem::path& file, const PageNames& pages, std::vector<Diagnostic>& findings) {
    auto brands_file = read_dictionary(file, "brands.txt");
    if (!brands_file) {
        findings.push_back({Severity::error, file.string(), 0, "unreadable", brands_file.error().message});
        return;
    }
    const auto& brands = brands_file.value();
    auto parsed = parse_brands(brands.text, brands.origin);
    if (!parsed) findings.push_back(parse_finding(brands.origin, parsed.error()));
    else if (brands.named) find_brands_without_page(brands.origin, parsed.value(), pages, findings);
}

// Members the searcher leaves out (no page), and topics left with none.
void find_members_without_page(const std::string& origin, const TopicTable& table, const PageNames& pages,
                               std::vector<Diagnostic>& findings) {
    for (const auto& topic : table.topics) {
        std::size_t resolved = 0;
        for (std::size_t i = 0; i < topic.members.size(); ++i) {
            if (pages.resolves(topic.members[i])) {
                ++resolved;
                continue;
            }
            int line = i < topic.member_lines.size() ? topic.member_lines[i] : topic.line;
            findings.push_back({Severity::warning, origin, line, "no-page",
                                "'" + topic.members[i] + "' of '" + topic.id + "' has no page: the searcher leaves it out"});
        }
        if (resolved == 0)
            findings.push_back({Severity::warning, origin, topic.line, "no-page",
                                "no member of '" + topic.id + "' has a page: the topic is left out"});
    }
}

}  // namespace

std::vector<Diagnostic> check_dictionaries(const DictionaryFiles& files, const std::vector<CatalogEntry>& pages) {
    std::vector<Diagnostic> of_synonyms, of_medicines;
    SynonymTable synonyms;  // what members' names resolve through; empty when the file is broken
    auto synonyms_file = read_dictionary(files.synonyms_file, "synonyms.yaml");
    if (!synonyms_file) {
        of_synonyms.push_back(
            {Severity::error, files.synonyms_file.string(), 0, "unreadable", synonyms_file.error().message});
    } else {
        const auto& file = synonyms_file.value();
        auto parsed = parse_synonyms(file.text, file.origin);
        if (parsed) synonyms = std::move(parsed.value());
        else of_synonyms.push_back(parse_finding(file.origin, parsed.error()));
        find_duplicate_names(file.origin, synonyms, of_synonyms);
    }
    const PageNames names(pages, synonyms);
    if (synonyms_file && synonyms_file.value().named)
        find_synonyms_without_page(synonyms_file.value().origin, synonyms, names, of_synonyms);
    auto medicines_file = read_dictionary(files.medicines_file, "medicines.yaml");
    if (!medicines_file) {
        of_medicines.push_back(
            {Severity::error, files.medicines_file.string(), 0, "unreadable", medicines_file.error().message});
    } else {
        const auto& file = medicines_file.value();
        auto parsed = parse_topics(file.text, file.origin);
        if (!parsed) of_medicines.push_back(parse_finding(file.origin, parsed.error()));
        else if (file.named) find_members_without_page(file.origin, parsed.value(), names, of_medicines);
    }
    std::vector<Diagnostic> of_brands;
    check_brands(files.brands_file, names, of_brands);
    // Each file's findings in line order, as an editor reads them.
    auto by_line = [](const Diagnostic& a, const Diagnostic& b) { return a.line < b.line; };
    for (auto* findings : {&of_synonyms, &of_medicines, &of_brands}) std::stable_sort(findings->begin(), findings->end(), by_line);
    of_synonyms.insert(of_synonyms.end(), of_medicines.begin(), of_medicines.end());
    of_synonyms.insert(of_synonyms.end(), of_brands.begin(), of_brands.end());
    return of_synonyms;
}

}  // namespace medsearch
