#include "query/explain.hpp"

#include "query/tiered_weight.hpp"

#include "medsearch/common/schema.hpp"

#include <unordered_map>

namespace medsearch {

std::vector<nlohmann::json> score_parts(const Xapian::Database& db, const BuiltQuery& built,
                                        const std::vector<Hit>& hits) {
    std::vector<nlohmann::json> parts(hits.size(), nlohmann::json::object());
    std::vector<Xapian::Query> pages;
    for (const auto& hit : hits) pages.emplace_back(schema::id_term(hit.path));
    Xapian::Query only(Xapian::Query::OP_OR, pages.begin(), pages.end());
    for (const auto& [name, part] : {std::pair{"names", &built.names}, std::pair{"sets", &built.sets},
                                     std::pair{"specificity", &built.specificity}, std::pair{"topic", &built.topic},
                                     std::pair{"treats", &built.treats}, std::pair{"text", &built.text}}) {
        if (part->empty()) continue;
        Xapian::Enquire enquire(db);
        enquire.set_weighting_scheme(TieredWeight());
        enquire.set_query(Xapian::Query(Xapian::Query::OP_FILTER, *part, only));
        std::unordered_map<std::string, double> weights;
        auto mset = enquire.get_mset(0, static_cast<Xapian::doccount>(hits.size()));
        for (auto it = mset.begin(); it != mset.end(); ++it)
            weights[it.get_document().get_value(schema::kSlotPath)] = it.get_weight();
        for (std::size_t i = 0; i < hits.size(); ++i) {
            auto found = weights.find(hits[i].path);
            parts[i][name] = found == weights.end() ? 0.0 : found->second;
        }
    }
    return parts;
}

}  // namespace medsearch
