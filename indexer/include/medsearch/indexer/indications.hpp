#pragma once
// What a monograph's drug is for, apart from what it causes: the parts of its
// Usage section that say what it treats or prevents, without the clauses about
// side effects, warnings or what it must not be used for. The indexer marks
// the Usage stems found only in those clauses (schema::kUsageOnlyCausedPrefix),
// so that a page ranks for a condition it treats above pages that only
// mention the condition.

#include "medsearch/common/monograph.hpp"

#include <string>
#include <string_view>

namespace medsearch {

// A passage split where each sentence (or list item) turns to what the drug
// causes, warns of or is not for: what comes before, and what after.
struct Clauses {
    std::string treats;
    std::string other;
};
Clauses treatment_clauses(std::string_view text);

// The page's Usage section, or nullptr.
const Section* usage_section(const Monograph& page);

}  // namespace medsearch
