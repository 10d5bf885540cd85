#pragma once
// What a monograph's drug is for, apart from what it causes: the parts of its
// Usage section and opening sentences that say what it treats or prevents,
// without the clauses about side effects, warnings or what it must not be used
// for. Indexed as the treats field (schema::kTreats), which ranks a page for a
// condition it treats above pages that only mention the condition.

#include "medsearch/common/monograph.hpp"

#include <string>
#include <string_view>

namespace medsearch {

// The treatment text of one passage: each sentence (or list item) cut where a
// clause turns to what the drug causes, warns of or is not for.
std::string treatment_clauses(std::string_view text);

// The treatment text of a page: its Usage section, else its introduction, and
// the first sentences of the introduction.
std::string treatment_text(const Monograph& page);

}  // namespace medsearch
