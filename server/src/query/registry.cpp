#include "query/registry.hpp"

#include "query/facet_spy.hpp"
#include "query/prior_postings.hpp"
#include "query/section_postings.hpp"
#include "query/tiered_weight.hpp"

namespace medsearch {

Xapian::Registry query_registry(std::shared_ptr<const PagePriors> page_priors) {
    Xapian::Registry registry;
    registry.register_weighting_scheme(TieredWeight());
    registry.register_posting_source(PriorPostings(std::move(page_priors), 0));
    registry.register_posting_source(SectionPostings("", false, 1, {}));
    registry.register_match_spy(FacetSpy());
    return registry;
}

}  // namespace medsearch
