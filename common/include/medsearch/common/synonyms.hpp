#pragma once
// data/synonyms.yaml: other names of a drug (INN/USAN/BAN), spelling variants,
// brand names and lay words for conditions. The indexer stores them in the
// index's synonym table; every key and value is a name_key().

#include "medsearch/common/result.hpp"

#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace medsearch {

enum class SynonymKind { name, spelling, brand, condition };

std::string_view to_string(SynonymKind kind);

// A name as the file writes it: its name_key() and its line (1-based).
struct WrittenName {
    std::string key;
    int line = 0;
};

// A group of names, or a brand, as the file writes it: for `medsearch check`.
struct SynonymEntry {
    SynonymKind kind = SynonymKind::name;
    std::vector<WrittenName> names;     // a group's names; a brand's own name
    std::vector<WrittenName> generics;  // a brand's generic name, or each ingredient of a combination
};

struct SynonymTable {
    // key -> what it expands to. A brand of a combination expands to one value
    // whose ingredients are joined by " + " ("amoxicillin + clavulanic acid").
    std::map<std::string, std::vector<std::string>> expansions;
    std::map<std::string, SynonymKind> kinds;
    std::vector<SynonymEntry> entries;  // in file order
};

// Parses the YAML text; errors name `origin` and the line.
Result<SynonymTable> parse_synonyms(std::string_view yaml_text, std::string_view origin);

// data/brands.txt: one brand a line, "brand = ingredient + ingredient", as
// people type the brand and as the pages' titles write the substances; '#'
// starts a comment. Errors name `origin` and the line: no " = ", an empty
// side, a brand written twice. The entries are brand entries (SynonymEntry).
Result<std::vector<SynonymEntry>> parse_brands(std::string_view text, std::string_view origin);

// Adds brands to `table` as kind brand; one of them replaces what the table
// had for its name (a site's brands file over the synonyms file's brands).
void add_brands(SynonymTable& table, const std::vector<SynonymEntry>& brands);

}  // namespace medsearch
