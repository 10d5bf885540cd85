#pragma once
// The last stage of a search, when asked for (explain=1): what each part of
// the query gave each hit. Each stage's time is measured by StageClock.

#include "query/build.hpp"

#include "medsearch/server/searcher.hpp"

#include <nlohmann/json.hpp>
#include <xapian.h>

#include <chrono>
#include <vector>

namespace medsearch {

// The score each part of `built` gives each hit: one match per part over the
// hits' pages, not one per hit and part.
std::vector<nlohmann::json> score_parts(const Xapian::Database& db, const BuiltQuery& built,
                                        const std::vector<Hit>& hits);

// Adds the time from construction (or the last lap) to a stage.
class StageClock {
  public:
    explicit StageClock(StageTimes& times) : times_(times), last_(std::chrono::steady_clock::now()) {}
    void lap(double StageTimes::*stage) {
        auto now = std::chrono::steady_clock::now();
        times_.*stage += std::chrono::duration<double, std::milli>(now - last_).count();
        last_ = now;
    }
    std::chrono::steady_clock::time_point now() const { return last_; }

  private:
    StageTimes& times_;
    std::chrono::steady_clock::time_point last_;
};

}  // namespace medsearch
