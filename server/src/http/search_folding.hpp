#pragma once
// Keystrokes are not searches. A search box sends /search while a visitor
// refines a query ("amitr", "amitrip", "amitriptyline"); the query log counts
// the one they settled on. A search is held for a few seconds; another from
// the same client that extends or edits it replaces it, and what nobody
// replaced within the window is settled. Clients are told apart by a key
// made from their address and User-Agent, kept in memory for those seconds
// only. Time is passed in, so tests drive the clock.

#include "medsearch/server/query_log.hpp"

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace medsearch {

// How long after a search another one from the same client may replace it.
inline constexpr std::chrono::milliseconds kRefineWindow{3000};
// Clients with a search held at once; past it the oldest is settled early.
inline constexpr std::size_t kMaxHeldClients = 10000;

// Whether `next`, sent after `previous`, is the same search refined: one
// starts with the other (typing on, or deleting back), or they are at most
// two edits apart (a typo fixed). Compared case-folded, spaces collapsed.
bool refines(std::string_view previous, std::string_view next);

// A key for "the same client" for a few seconds: never written anywhere.
std::uint64_t client_key(std::string_view address, std::string_view user_agent);

class SearchFolder {
  public:
    using TimePoint = std::chrono::steady_clock::time_point;

    explicit SearchFolder(std::chrono::milliseconds window = kRefineWindow, std::size_t max_clients = kMaxHeldClients);

    // A search answered at `now`. Returns the searches this settles at once:
    // the client's held search when this one does not refine it, the oldest
    // held one when too many clients are held.
    std::vector<LoggedSearch> add(std::uint64_t client, LoggedSearch search, TimePoint now);
    // Held searches not replaced within the window, oldest first.
    std::vector<LoggedSearch> take_settled(TimePoint now);
    // Every held search (at stop), oldest first.
    std::vector<LoggedSearch> take_all();
    std::size_t held() const { return held_.size(); }

  private:
    struct Held {
        LoggedSearch search;
        TimePoint last;  // when the client last searched
    };
    std::vector<LoggedSearch> take_if(bool all, TimePoint now);

    std::chrono::milliseconds window_;
    std::size_t max_clients_;
    std::unordered_map<std::uint64_t, Held> held_;
};

}  // namespace medsearch
