#pragma once
// data/forms.yaml: the forms of a medicine in the words people type: words
// that say how a medicine is wanted rather than what for, the route a query
// asks for (as the pages' qualifiers name it), and the units and codes of a
// product's strength. Built into the program.

#include "medsearch/common/result.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace medsearch {

struct FormRoute {
    std::string qualifier;            // name_key() of the pages' qualifier: "topical", "oral inhalation"
    std::vector<std::string> words;   // any of them asks for the route...
    std::vector<std::string> with;    // ...with one of these too, when there are any
    bool own_page_fits = false;       // a member's own page fits when unqualified or of `fits`
    std::vector<std::string> fits;    // other qualifiers that count as this route
};

// How a page says it is taken by a route (a filter's route:...).
struct PageRoute {
    std::string route;                    // one of kFacetRoutes
    std::vector<std::string> qualifiers;  // name_key()s of title qualifiers that mean it
    std::vector<std::string> phrases;     // name_key()s looked for in the page's words
};

struct FormTable {
    std::vector<std::string> not_what_for;
    std::vector<FormRoute> routes;  // the first that the words ask for wins
    std::vector<PageRoute> page_routes;
    std::vector<std::string> units;
    std::vector<std::string> product_codes;
};

// Parses the YAML text; errors name `origin` and the line.
Result<FormTable> parse_forms(std::string_view yaml_text, std::string_view origin);

// data/forms.yaml as built into the program.
Result<FormTable> read_built_in_forms();

}  // namespace medsearch
