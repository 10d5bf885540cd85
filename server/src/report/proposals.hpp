#pragma once
// The proposals of a report, read in an index's lexicon (server/src/lexicon).

#include "medsearch/server/report.hpp"

#include <filesystem>
#include <string>
#include <vector>

namespace medsearch {

struct Proposals {
    std::string generation;  // the index generation read
    std::vector<Proposal> proposals;
};

// One proposal for each query of `zero` (searches that found nothing).
Result<Proposals> propose(const std::filesystem::path& index_dir, const std::vector<QueryStat>& zero);

}  // namespace medsearch
