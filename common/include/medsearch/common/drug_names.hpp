#pragma once
// Drug-name analysis: the components of a combination title, aliases and
// qualifiers, salt-free base names, and the spelling tools behind typo-tolerant
// matching (sound-alike keys and edit distance).

#include <string>
#include <string_view>
#include <vector>

namespace medsearch {

// One ingredient of a monograph: "Lidocaine/Lignocaine (Topical)" ->
// name "Lidocaine", aliases {"Lignocaine"}, qualifier "Topical".
struct Component {
    std::string name;                  // as displayed, qualifier removed
    std::vector<std::string> aliases;  // other names given in the title
    std::string qualifier;             // "Topical", "Ophthalmic", ... or empty
};

// Splits a title into its components at " + " ("Amitriptyline + Ketamine" -> 2);
// "[paracetamol]" and single-word "A/B" give aliases; "(...)" is a qualifier.
std::vector<Component> parse_components(std::string_view title);

// Names in a Generic Name line: "Abacavir/Dolutegravir/Lamivudine",
// "Abacavir and Lamivudine (commonly found as ...)" -> each drug name.
std::vector<std::string> parse_generic_names(std::string_view line);

// name_key() of every name of a component, the main name first.
std::vector<std::string> component_keys(const Component& component);

// The substance of a key: without salt or hydrate words ("metformin hydrochloride"
// -> "metformin", "sodium valproate" -> "valproate"), its words run together
// ("ethinyl estradiol" and "ethinylestradiol" -> "ethinylestradiol").
std::string base_key(std::string_view key);
// The key's words run together, as base_key() writes them ("clavulanic acid" -> "clavulanicacid").
std::string run_together(std::string_view key);
bool is_salt_word(std::string_view word);

// A sound-alike spelling key of one lower-case word: ph->f, c/q->k, y->i,
// ae/oe->e, z->s, x->ks, h after a consonant dropped, doubled letters collapsed.
std::string phonetic_key(std::string_view word);

// How a drug name's word sounds, for names spelled by ear: phonetic_key()'s
// rules and more of how drug names are written (silent initial p of ps/pn/pt,
// initial x as z, ch as k, c and g soft before e/i/y, qu as kw, ae/oe as e,
// doubled letters once, a final e dropped): "fentermine", "phentermine" ->
// "fentermin"; "jentamisin", "gentamicin" -> "jentamisin".
std::string sound_key(std::string_view word);

// A distance between two sound_key()s with adjacent transpositions, where
// what changes a vowel (inserting, deleting, replacing it by another) counts
// half: "karbamasapin" and "karbamasepin" are 0.5 apart. max_distance + 1
// when larger than max_distance.
double sound_distance(std::string_view a, std::string_view b, double max_distance);

// phonetic_key() of each word of a name_key(), joined by spaces.
std::string phonetic_phrase(std::string_view key);

// Optimal-string-alignment distance (edits: insert, delete, substitute, swap of
// neighbours), or max_distance + 1 when it is larger than max_distance.
int osa_distance(std::string_view a, std::string_view b, int max_distance);

// How many edits a typed word of this length may differ by (0 for short words).
int allowed_typos(std::size_t word_length);

// Whether `key` starts with what was typed but for the typos its length
// allows (at least one): sounding alike forgives spelling, not everything
// ("zzzzqqq" sounds like "sk..." once letters are merged).
bool starts_like(std::string_view typed, std::string_view key);

}  // namespace medsearch
