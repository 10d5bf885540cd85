#include "http/search_folding.hpp"

#include "medsearch/common/drug_names.hpp"
#include "medsearch/common/text.hpp"
#include "medsearch/common/text_analysis.hpp"

#include <algorithm>
#include <functional>

namespace medsearch {
namespace {

// Longer queries are compared by their starts only: the edit distance costs
// the product of the lengths.
constexpr std::size_t kMaxEditedBytes = 128;
constexpr int kMaxEdits = 2;

std::string folded(std::string_view query) { return fold_case(collapse_whitespace(trim(query))); }

}  // namespace

bool refines(std::string_view previous, std::string_view next) {
    auto a = folded(previous), b = folded(next);
    if (a.starts_with(b) || b.starts_with(a)) return true;
    if (a.size() > kMaxEditedBytes || b.size() > kMaxEditedBytes) return false;
    return osa_distance(a, b, kMaxEdits) <= kMaxEdits;
}

std::uint64_t client_key(std::string_view address, std::string_view user_agent) {
    std::string both;
    both.reserve(address.size() + user_agent.size() + 1);
    both.append(address).push_back('\0');
    both.append(user_agent);
    return std::hash<std::string>{}(both);
}

SearchFolder::SearchFolder(std::chrono::milliseconds window, std::size_t max_clients)
    : window_(window), max_clients_(std::max<std::size_t>(1, max_clients)) {}

std::vector<LoggedSearch> SearchFolder::add(std::uint64_t client, LoggedSearch search, TimePoint now) {
    std::vector<LoggedSearch> settled;
    auto it = held_.find(client);
    if (it != held_.end()) {
        bool in_window = now - it->second.last <= window_;
        if (!in_window || !refines(it->second.search.query, search.query))
            settled.push_back(std::move(it->second.search));
        it->second = Held{std::move(search), now};
        return settled;
    }
    if (held_.size() >= max_clients_) {
        auto oldest = std::min_element(held_.begin(), held_.end(),
                                       [](const auto& x, const auto& y) { return x.second.last < y.second.last; });
        settled.push_back(std::move(oldest->second.search));
        held_.erase(oldest);
    }
    held_.emplace(client, Held{std::move(search), now});
    return settled;
}

std::vector<LoggedSearch> SearchFolder::take_settled(TimePoint now) { return take_if(false, now); }

std::vector<LoggedSearch> SearchFolder::take_all() { return take_if(true, TimePoint{}); }

std::vector<LoggedSearch> SearchFolder::take_if(bool all, TimePoint now) {
    std::vector<Held> taken;
    for (auto it = held_.begin(); it != held_.end();) {
        if (all || now - it->second.last > window_) {
            taken.push_back(std::move(it->second));
            it = held_.erase(it);
        } else {
            ++it;
        }
    }
    std::sort(taken.begin(), taken.end(), [](const Held& x, const Held& y) { return x.last < y.last; });
    std::vector<LoggedSearch> out;
    out.reserve(taken.size());
    for (auto& held : taken) out.push_back(std::move(held.search));
    return out;
}

}  // namespace medsearch
