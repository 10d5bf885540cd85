#pragma once
// What a page is, for filters and facet counts (facets.hpp), from what it
// says: its title's ingredients and qualifier, its sections, and the routes
// its Dosage section names (data/forms.yaml, page_routes).

#include "medsearch/common/facets.hpp"
#include "medsearch/common/forms.hpp"
#include "medsearch/common/monograph.hpp"

namespace medsearch {

PageFacets facets_of(const Monograph& page, const FormTable& forms);

// data/forms.yaml as built into the program (parsed once).
const FormTable& built_in_forms();

}  // namespace medsearch
