#include "medsearch/common/drug_names.hpp"

#include "medsearch/common/text.hpp"

#include <algorithm>
#include <cstdlib>
#include <iterator>
#include <utility>
#include <vector>

namespace medsearch {
namespace {

// Salt, ester and hydrate words that name the form of a drug rather than the drug.
constexpr std::string_view kSaltWords[] = {
    "acetate",     "acetonide",   "anhydrous",   "axetil",      "benzoate",    "besilate",
    "besylate",    "bitartrate",  "bromide",     "butyrate",    "camsylate",   "carbonate",
    "chloride",    "citrate",     "cypionate",   "decanoate",   "diacetate",   "dihydrate",
    "dimesylate",  "dipropionate", "disodium",   "embonate",    "enanthate",   "esylate",
    "estolate",    "ethylsuccinate", "fumarate", "furoate",     "gluconate",   "hcl",
    "hemifumarate", "hemihydrate", "hydrate",    "hydrobromide", "hydrochloride", "hyclate",
    "iodide",      "lactate",     "lysinate",    "malate",      "maleate",     "mesilate",
    "mesylate",    "monohydrate", "monosodium",  "napsylate",   "nitrate",     "oxalate",
    "palmitate",   "pamoate",     "phosphate",   "pivoxil",     "propionate",  "proxetil",
    "sesquihydrate", "sodium",    "stearate",    "succinate",   "sulfate",     "sulphate",
    "tartrate",    "tosylate",    "trihydrate",  "tromethamine", "trometamol", "undecanoate",
    "valerate",    "xinafoate",   "potassium",   "calcium",     "magnesium",   "dihydrochloride"};

// Cations that may lead a salt name ("sodium valproate").
constexpr std::string_view kLeadingCations[] = {"sodium", "potassium", "calcium", "magnesium"};

bool is_vowel(char c) { return c == 'a' || c == 'e' || c == 'i' || c == 'o' || c == 'u'; }

// Removes "(...)" groups, returning the first group's text as the qualifier.
std::string strip_parentheses(std::string_view text, std::string& qualifier) {
    std::string out;
    int depth = 0;
    std::string group;
    for (char c : text) {
        if (c == '(') {
            if (depth++ == 0) group.clear();
            continue;
        }
        if (c == ')' && depth > 0) {
            if (--depth == 0 && qualifier.empty()) qualifier = std::string(trim(group));
            continue;
        }
        if (depth > 0) {
            group.push_back(c);
        } else {
            out.push_back(c);
        }
    }
    return out;
}

// Removes "[...]" groups, appending their contents as aliases.
std::string strip_brackets(std::string_view text, std::vector<std::string>& aliases) {
    std::string out;
    std::size_t i = 0;
    while (i < text.size()) {
        if (text[i] == '[') {
            auto close = text.find(']', i);
            if (close == std::string_view::npos) close = text.size();
            auto alias = collapse_whitespace(text.substr(i + 1, close - i - 1));
            if (!alias.empty()) aliases.push_back(alias);
            i = close + 1;
            continue;
        }
        out.push_back(text[i++]);
    }
    return out;
}

// Trailing punctuation left by the site's scraper ("Clonazepam .", "Pyridoxal-").
std::string clean_name(std::string_view text) {
    auto name = collapse_whitespace(text);
    while (!name.empty() && (name.back() == '.' || name.back() == ',' || name.back() == '-' ||
                             name.back() == ' ' || name.back() == ';'))
        name.pop_back();
    return name;
}

std::vector<std::string_view> split_on(std::string_view text, std::string_view separator) {
    std::vector<std::string_view> parts;
    std::size_t start = 0;
    while (true) {
        auto at = text.find(separator, start);
        parts.push_back(text.substr(start, at == std::string_view::npos ? text.npos : at - start));
        if (at == std::string_view::npos) break;
        start = at + separator.size();
    }
    return parts;
}

}  // namespace

std::vector<Component> parse_components(std::string_view title) {
    std::vector<Component> components;
    for (auto part : split_on(title, "+")) {
        Component component;
        auto text = strip_brackets(part, component.aliases);
        text = strip_parentheses(text, component.qualifier);
        auto name = clean_name(text);
        // "Lidocaine/Lignocaine": one drug with two names, when every side is one word.
        auto sides = split_on(name, "/");
        bool alias_slash = sides.size() > 1 && std::all_of(sides.begin(), sides.end(), [](auto s) {
                               auto t = trim(s);
                               return !t.empty() && t.find(' ') == std::string_view::npos;
                           });
        if (alias_slash) {
            // The sides view `name`: take them all before replacing it.
            std::string first(trim(sides[0]));
            for (std::size_t i = 1; i < sides.size(); ++i)
                component.aliases.emplace_back(trim(sides[i]));
            name = std::move(first);
        }
        if (name.empty() || name_key(name).empty()) continue;
        component.name = std::move(name);
        for (auto& alias : component.aliases) alias = clean_name(alias);
        std::erase_if(component.aliases, [](const std::string& a) { return name_key(a).empty(); });
        components.push_back(std::move(component));
    }
    return components;
}

std::vector<std::string> parse_generic_names(std::string_view line) {
    std::string ignored;
    std::vector<std::string> aliases;
    auto text = strip_parentheses(line, ignored);
    text = strip_brackets(text, aliases);
    // Separators between drug names in free text; a line that is a sentence
    // rather than a list of names contributes nothing.
    for (const char* separator : {" and ", " & ", "/", "+", ",", ";"}) {
        std::string replaced;
        for (auto part : split_on(text, separator)) {
            if (!replaced.empty()) replaced.push_back('\x1f');
            replaced.append(part);
        }
        text = std::move(replaced);
    }
    std::vector<std::string> names;
    for (auto part : split_on(text, "\x1f")) {
        auto name = clean_name(part);
        auto words = split_words(name);
        if (words.empty() || words.size() > 5) continue;
        names.push_back(std::move(name));
    }
    for (auto& alias : aliases) names.push_back(clean_name(alias));
    return names;
}

std::vector<std::string> component_keys(const Component& component) {
    std::vector<std::string> keys{name_key(component.name)};
    for (const auto& alias : component.aliases) {
        auto key = name_key(alias);
        if (!key.empty() && std::find(keys.begin(), keys.end(), key) == keys.end())
            keys.push_back(std::move(key));
    }
    return keys;
}

bool is_salt_word(std::string_view word) {
    return std::find(std::begin(kSaltWords), std::end(kSaltWords), word) != std::end(kSaltWords);
}

std::string base_key(std::string_view key) {
    std::vector<std::string_view> words;
    for (auto w : split_on(key, " "))
        if (!w.empty()) words.push_back(w);
    auto end = words.size();
    while (end > 1 && is_salt_word(words[end - 1])) --end;
    std::size_t begin = 0;
    if (end == words.size() && words.size() > 1 &&
        std::find(std::begin(kLeadingCations), std::end(kLeadingCations), words[0]) !=
            std::end(kLeadingCations) &&
        !is_salt_word(words[1]))
        begin = 1;
    // Words run together: "carboxymethyl cellulose" and "carboxymethylcellulose"
    // are one substance under two spellings.
    std::string base;
    for (auto i = begin; i < end; ++i) base.append(words[i]);
    return base;
}

std::string run_together(std::string_view key) {
    std::string joined(key);
    std::erase(joined, ' ');
    return joined;
}

std::string phonetic_key(std::string_view word) {
    std::string mapped;
    mapped.reserve(word.size() + 2);
    for (std::size_t i = 0; i < word.size(); ++i) {
        char c = word[i];
        char next = i + 1 < word.size() ? word[i + 1] : '\0';
        if (c == 'p' && next == 'h') {
            mapped.push_back('f');
            ++i;
        } else if ((c == 'a' || c == 'o') && next == 'e' && i + 2 < word.size()) {
            mapped.push_back('e');  // haem-, oestr-; not a final "-oe"
            ++i;
        } else if (c == 'c' || c == 'q') {
            mapped.push_back('k');
        } else if (c == 'y') {
            mapped.push_back('i');
        } else if (c == 'z') {
            mapped.push_back('s');
        } else if (c == 'x') {
            mapped += "ks";
        } else if (c == 'h' && !mapped.empty() && !is_vowel(mapped.back())) {
            // th, kh (ch), rh, gh: the h is silent
        } else {
            mapped.push_back(c);
        }
    }
    std::string key;
    key.reserve(mapped.size());
    for (char c : mapped)
        if (key.empty() || key.back() != c) key.push_back(c);
    return key;
}

namespace {

// Optimal string alignment of a and b: inserting or deleting c costs gap(c),
// replacing x by y replace(x, y), swapping neighbours 1; max_distance + 1 as
// soon as every alignment costs more. Three rows of the dynamic programme
// suffice for adjacent transpositions.
template <typename Cost, typename Gap, typename Replace>
Cost edit_distance(std::string_view a, std::string_view b, Cost max_distance, Gap gap, Replace replace) {
    const std::size_t n = a.size(), m = b.size();
    std::vector<Cost> before(m + 1), previous(m + 1), current(m + 1);
    previous[0] = 0;
    for (std::size_t j = 1; j <= m; ++j) previous[j] = previous[j - 1] + gap(b[j - 1]);
    for (std::size_t i = 1; i <= n; ++i) {
        current[0] = previous[0] + gap(a[i - 1]);
        Cost row_min = current[0];
        for (std::size_t j = 1; j <= m; ++j) {
            Cost best = std::min({previous[j] + gap(a[i - 1]), current[j - 1] + gap(b[j - 1]),
                                  previous[j - 1] + replace(a[i - 1], b[j - 1])});
            if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) best = std::min(best, before[j - 2] + 1);
            current[j] = best;
            row_min = std::min(row_min, best);
        }
        if (row_min > max_distance) return max_distance + 1;
        std::swap(before, previous);
        std::swap(previous, current);
    }
    return std::min(previous[m], max_distance + 1);
}

// Initial clusters whose first letter is not heard ("pseudo", "pneumo").
constexpr std::pair<std::string_view, std::string_view> kInitialSounds[] = {
    {"ps", "s"}, {"pn", "n"}, {"pt", "t"}, {"kn", "n"}, {"gn", "n"}, {"wr", "r"}, {"rh", "r"}, {"mn", "n"}, {"x", "s"}};

// The letters of `word` as they sound, one step: `i` is advanced past what was read.
void append_sound(std::string_view word, std::size_t& i, std::string& out) {
    char c = word[i];
    char next = i + 1 < word.size() ? word[i + 1] : '\0';
    auto take = [&](std::string_view sound, std::size_t letters) {
        out += sound;
        i += letters;
    };
    if (c == 'p' && next == 'h') return take("f", 2);
    if (c == 's' && next == 'c' && i + 2 < word.size() && word[i + 2] == 'h') return take("sk", 3);
    if (c == 'c' && (next == 'h' || next == 'k')) return take("k", 2);
    if (c == 'q' && next == 'u') return take("kw", 2);
    if ((c == 'a' || c == 'o') && next == 'e' && i + 2 < word.size()) return take("e", 2);  // haem-, oestr-
    if (c == 'c') return take(next == 'e' || next == 'i' || next == 'y' ? "s" : "k", 1);
    if (c == 'g' && (next == 'e' || next == 'i' || next == 'y')) return take("j", 1);
    if (c == 'q') return take("k", 1);
    if (c == 'y') return take("i", 1);
    if (c == 'z') return take("s", 1);
    if (c == 'x') return take("ks", 1);
    // th, kh, rh, gh: the h is silent
    if (c == 'h' && !out.empty() && !is_vowel(out.back())) return take("", 1);
    take(std::string_view(&c, 1), 1);
}

}  // namespace

std::string sound_key(std::string_view word) {
    std::string letters;
    for (char c : word)
        if (c >= 'a' && c <= 'z' && (letters.empty() || letters.back() != c)) letters.push_back(c);
    std::string_view rest(letters);
    std::string mapped;
    for (const auto& [cluster, sound] : kInitialSounds)
        if (rest.size() > cluster.size() && rest.starts_with(cluster)) {
            mapped = sound;
            rest.remove_prefix(cluster.size());
            break;
        }
    for (std::size_t i = 0; i < rest.size();) append_sound(rest, i, mapped);
    std::string key;
    key.reserve(mapped.size());
    for (char c : mapped)
        if (key.empty() || key.back() != c) key.push_back(c);
    if (key.size() > 3 && key.back() == 'e') key.pop_back();
    return key;
}

double sound_distance(std::string_view a, std::string_view b, double max_distance) {
    auto gap = [](char c) { return is_vowel(c) ? 0.5 : 1.0; };
    auto replace = [](char x, char y) { return x == y ? 0.0 : is_vowel(x) && is_vowel(y) ? 0.5 : 1.0; };
    return edit_distance(a, b, max_distance, gap, replace);
}

std::string phonetic_phrase(std::string_view key) {
    std::string out;
    for (auto word : split_on(key, " ")) {
        if (word.empty()) continue;
        if (!out.empty()) out.push_back(' ');
        out += phonetic_key(word);
    }
    return out;
}

int osa_distance(std::string_view a, std::string_view b, int max_distance) {
    if (std::abs(static_cast<int>(a.size()) - static_cast<int>(b.size())) > max_distance) return max_distance + 1;
    return edit_distance(a, b, max_distance, [](char) { return 1; }, [](char x, char y) { return x == y ? 0 : 1; });
}

int allowed_typos(std::size_t word_length) {
    if (word_length < 4) return 0;
    if (word_length < 7) return 1;
    return 2;
}

bool starts_like(std::string_view typed, std::string_view key) {
    int allowed = std::max(1, allowed_typos(typed.size()));
    return osa_distance(typed, key.substr(0, typed.size()), allowed) <= allowed;
}

}  // namespace medsearch
