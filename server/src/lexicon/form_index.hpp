#pragma once
// The forms of a medicine in the words of a query (data/forms.yaml, built
// into the program): which words say how rather than what for, the route a
// query asks for, and a product's strength.

#include "medsearch/common/forms.hpp"
#include "medsearch/common/result.hpp"

#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

namespace medsearch {

class FormIndex {
  public:
    FormIndex() = default;
    explicit FormIndex(FormTable table);
    // The table built into the program.
    static Result<FormIndex> built_in();

    // A word that says how a medicine is wanted, not what it is for ("tablet", "cream").
    bool is_not_what_for(std::string_view word) const { return not_what_for_.count(std::string(word)) > 0; }
    // The route `words` ask for, or nullptr.
    const FormRoute* asked_route(const std::vector<std::string>& words) const;
    // A qualifier that names a route ("topical", "oral", "systemic").
    bool is_route_qualifier(std::string_view qualifier) const { return route_qualifiers_.count(std::string(qualifier)) > 0; }
    // A strength or a release code: a number, a number with a unit, a unit, a code ("500", "40mg", "xr").
    bool is_strength(std::string_view word) const;

  private:
    FormTable table_;
    std::unordered_set<std::string> not_what_for_, route_qualifiers_, units_, codes_;
};

}  // namespace medsearch
