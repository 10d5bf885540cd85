#include "query/answer.hpp"

#include "medsearch/common/drug_names.hpp"

#include <algorithm>

namespace medsearch {
namespace {

constexpr std::size_t kTopicMembersShown = 8;

bool page_has(const std::vector<std::vector<std::string>>& components, std::string_view key) {
    for (const auto& names : components)
        if (std::find(names.begin(), names.end(), key) != names.end()) return true;
    return false;
}

}  // namespace

std::optional<TopicBlock> topic_block(const QueryPlan& plan, const Snapshot& snapshot) {
    if (plan.topic_members.empty()) return std::nullopt;
    TopicBlock block{plan.topic->label, std::string(to_string(plan.topic->kind)), {}};
    // In the order the hits have them: single substances, then combinations.
    auto shown_members = plan.topic_members;
    std::stable_partition(shown_members.begin(), shown_members.end(),
                          [](const TopicMember& m) { return !m.combination; });
    for (const auto& member : shown_members) {
        if (member.page < 0) continue;
        const auto& entry = snapshot.pages().entry(member.page);
        block.members.push_back({member.combination ? entry.title : member.name->display, entry.url, entry.path});
        if (block.members.size() == kTopicMembersShown) break;
    }
    return block;
}

std::vector<std::string> why_matched(const QueryPlan& plan, int page, const Snapshot& snapshot, bool in_section) {
    std::vector<std::string> matched;
    if (page >= 0) {
        const auto& components = snapshot.pages().components(page);
        const auto& bases = snapshot.pages().bases(page);
        for (const auto& concept_ : plan.concepts)
            for (const auto& alt : concept_.alternatives) {
                if (!page_has(components, alt.key) && std::find(bases.begin(), bases.end(), alt.base) == bases.end())
                    continue;
                auto kind = std::string(to_string(alt.kind));
                if (std::find(matched.begin(), matched.end(), kind) == matched.end()) matched.push_back(kind);
                break;
            }
        bool member = std::any_of(plan.topic_members.begin(), plan.topic_members.end(), [&](const TopicMember& m) {
            return page_has(components, m.name->key) ||
                   std::find(bases.begin(), bases.end(), base_key(m.name->key)) != bases.end();
        });
        if (member) matched.push_back("topic");
    }
    if (in_section) matched.push_back("section");
    if (matched.empty()) matched.push_back("text");
    return matched;
}

}  // namespace medsearch
