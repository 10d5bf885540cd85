#pragma once
// The one schema table shared by the indexer and the searcher: searchable fields
// and their term prefixes (Omega's conventions: Q id, S title, X... our own),
// the canonical sections of a monograph, value slots and metadata keys.
// docs/schema.md explains each entry.

#include <xapian.h>

#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace Xapian {
class Stem;
}

namespace medsearch::schema {

// Bumped whenever documents or metadata values would be written differently:
// forces a full rebuild.
inline constexpr int kVersion = 17;

// Text terms count occurrences in units of kWdfUnit: the low bits of the wdf
// (within-document frequency) of a search term (search_term: a stem, or a
// word without one) say which sections it occurs in, one bit per canonical
// section (section_bit). A section query ("side-effects:
// nausea") reads them from the stem's postings: one term per page and stem
// instead of one more per section, which were half of each page's terms.
// Weights divide wdfs by the unit (wdf_count); document lengths, sums of wdfs,
// scale with it, and BM25 only uses their ratio to the average.
inline constexpr Xapian::termcount kWdfUnit = 512;
inline constexpr Xapian::termcount wdf_count(Xapian::termcount wdf) { return wdf / kWdfUnit; }

// A field users can search by name ("name:codeine"); `boost` multiplies the
// within-document frequency of its words in the unprefixed (default) field too.
struct FieldSpec {
    std::string_view name;
    std::string_view prefix;
    Xapian::termcount boost;
};

inline constexpr FieldSpec kName{"name", "XN", 6};    // every drug name of the page
inline constexpr FieldSpec kTitle{"title", "S", 4};   // the front matter title
inline constexpr FieldSpec kNameFields[] = {kName, kTitle};

// Boolean (non-weighted) terms.
inline constexpr std::string_view kIdPrefix = "Q";          // Q<path>
inline constexpr std::string_view kComponentPrefix = "XC";  // XC<name key> per ingredient name
inline constexpr std::string_view kBasePrefix = "XB";       // XB<salt-free key>
inline constexpr std::string_view kExactSetPrefix = "XS";   // XS<sorted keys joined by '+'>
inline constexpr std::string_view kBaseSetPrefix = "XT";    // XT<sorted salt-free keys, '+'>
inline constexpr std::string_view kIngredientCountPrefix = "XK";  // XK<n>, n = 1..kMaxIngredientCount
inline constexpr int kMaxIngredientCount = 4;                     // 4 means four or more
inline constexpr std::string_view kFacetPrefix = "XF";  // XF<field>:<value> per fact of facets.hpp

// What a page's drug is for: the Usage section's stems, but those it has only
// where it says what the drug causes, warns of or is not for, which get a
// boolean term "XW" + stem. A page treats a word when it has "ZXU" + stem and
// not "XW" + stem; conditions in everyday words rank by that. (A field of the
// treating stems instead was a tenth more terms per page and of build time.)
inline constexpr std::string_view kUsageOnlyCausedPrefix = "XW";

// A canonical section. `headings` are the normalised heading or bold-label texts
// that open it; `intents` the query phrases that ask for it ('*' = any words, as
// in "how does * work"); `fallbacks` answer when a page lacks the section.
struct SectionSpec {
    std::string_view id;      // also its field name: side-effects:nausea
    std::string_view label;   // shown to people
    // Terms of its own (prefix + stem), where ranking needs the section's own
    // statistics (Usage); the others' field queries use section bits.
    std::string_view prefix;
    Xapian::termcount boost;  // wdf multiplier of its words in the default field
    bool positions;           // word positions kept: phrases match in this section
    std::span<const std::string_view> headings;
    std::span<const std::string_view> intents;
    std::span<const std::string_view> fallbacks;
};

namespace detail {
inline constexpr std::string_view kGenericHeadings[] = {"generic name", "generic names",
                                                       "generic"};
inline constexpr std::string_view kUsageHeadings[] = {"usage", "uses", "use", "indications",
                                                     "indication", "used for"};
inline constexpr std::string_view kUsageIntents[] = {
    "used for", "use for", "uses", "use of", "usage", "indications", "indication",
    "used to treat", "what is * for", "what is * used", "benefits", "purpose"};
inline constexpr std::string_view kDosageHeadings[] = {"dosage", "dose", "doses", "dosing",
                                                      "dosage and administration"};
inline constexpr std::string_view kDosageIntents[] = {
    "dose", "doses", "dosage", "dosages", "dosing", "how much", "how to take", "how many",
    "maximum dose", "max dose", "mg"};
inline constexpr std::string_view kSideEffectHeadings[] = {
    "side effects", "side effect", "adverse effects", "adverse reactions", "adverse effect"};
inline constexpr std::string_view kSideEffectIntents[] = {
    "side effects", "side effect", "sideeffects", "adverse effects", "adverse effect",
    "adverse reactions", "adverse reaction", "reactions"};
inline constexpr std::string_view kHowHeadings[] = {"how it works", "how does it work",
                                                   "mechanism of action", "mechanism",
                                                   "pharmacology"};
inline constexpr std::string_view kHowIntents[] = {
    "how does * work", "how do * work", "how * works", "how it works", "mechanism of action",
    "mechanism", "moa", "how does work", "mode of action", "pharmacology"};
inline constexpr std::string_view kPrecautionHeadings[] = {
    "precautions", "precaution", "warnings", "warnings and precautions", "contraindications",
    "cautions"};
inline constexpr std::string_view kPrecautionIntents[] = {
    "precautions", "precaution", "warnings", "warning", "contraindications",
    "contraindication", "contraindicated", "pregnancy", "pregnant", "breastfeeding",
    "breast feeding", "lactation", "safe in pregnancy", "while pregnant", "cautions"};
inline constexpr std::string_view kInteractionHeadings[] = {"interactions", "drug interactions",
                                                           "interaction"};
inline constexpr std::string_view kInteractionIntents[] = {"interactions", "interaction",
                                                          "interact", "interacts",
                                                          "drug interactions"};
inline constexpr std::string_view kInteractionFallbacks[] = {"precautions", "faqs"};
inline constexpr std::string_view kFaqHeadings[] = {"faqs", "faq", "frequently asked questions"};
inline constexpr std::string_view kFaqIntents[] = {"faq", "faqs", "frequently asked questions"};
inline constexpr std::string_view kDisclaimerHeadings[] = {"disclaimer"};
}  // namespace detail

// The canonical sections; the named references below point into this table,
// so a SectionSpec* found in it compares equal to &kUsage and friends.
inline constexpr SectionSpec kSections[] = {
    {"intro", "Overview", "", 1, true, {}, {}, {}},
    {"generic-name", "Generic Name", "", 2, true, detail::kGenericHeadings, {}, {}},
    {"usage", "Usage", "XU", 3, true, detail::kUsageHeadings, detail::kUsageIntents, {}},
    {"dosage", "Dosage", "", 1, false, detail::kDosageHeadings, detail::kDosageIntents, {}},
    {"side-effects", "Side Effects", "", 1, false, detail::kSideEffectHeadings, detail::kSideEffectIntents, {}},
    {"how-it-works", "How it Works", "", 1, false, detail::kHowHeadings, detail::kHowIntents, {}},
    {"precautions", "Precautions", "", 1, false, detail::kPrecautionHeadings, detail::kPrecautionIntents, {}},
    {"interactions", "Interactions", "", 1, false, detail::kInteractionHeadings, detail::kInteractionIntents,
     detail::kInteractionFallbacks},
    {"faqs", "FAQs", "", 1, false, detail::kFaqHeadings, detail::kFaqIntents, {}},
    // Boilerplate at the end of every page: recognised so that it is not indexed.
    {"disclaimer", "Disclaimer", "", 0, false, detail::kDisclaimerHeadings, {}, {}},
};
inline constexpr const SectionSpec& kIntro = kSections[0];
inline constexpr const SectionSpec& kGenericName = kSections[1];
inline constexpr const SectionSpec& kUsage = kSections[2];
inline constexpr const SectionSpec& kDosage = kSections[3];
inline constexpr const SectionSpec& kSideEffects = kSections[4];
inline constexpr const SectionSpec& kHowItWorks = kSections[5];
inline constexpr const SectionSpec& kPrecautions = kSections[6];
inline constexpr const SectionSpec& kInteractions = kSections[7];
inline constexpr const SectionSpec& kFaqs = kSections[8];
inline constexpr const SectionSpec& kDisclaimer = kSections[9];

// Any other heading ("### Acetylcysteine" in a combination page) is a section of
// its own, indexed in the default field only, without positions.
// Positions (phrase search) are kept where phrases matter: names, titles, and
// the sections that say what a drug is and is for. Elsewhere they would be
// most of the index and of its build time.
inline constexpr Xapian::termcount kOtherSectionBoost = 1;

// The bit of a canonical section in its stems' wdfs (0 for the disclaimer,
// which is not indexed).
constexpr Xapian::termcount section_bit(const SectionSpec& spec) {
    auto index = static_cast<Xapian::termcount>(&spec - kSections);
    return spec.boost == 0 ? 0 : Xapian::termcount{1} << index;
}
static_assert(section_bit(kSections[std::size(kSections) - 2]) < kWdfUnit, "a bit per section below the unit");

// The canonical section whose headings include `normalised_heading`, or nullptr.
const SectionSpec* section_for_heading(std::string_view normalised_heading);
const SectionSpec* section_by_id(std::string_view id);

// Lower case, "(...)" and trailing ':' removed, spaces collapsed:
// "Side Effects:" -> "side effects", "FAQs (Combined Use)" -> "faqs".
std::string normalise_heading(std::string_view heading);

enum ValueSlot : Xapian::valueno {
    kSlotPath = 0,  // relative path: a stable tie-break whatever the docids
    // The stored page (PageCodec::encode). A value, not the document data:
    // Xapian tries to deflate document data again, which cost a twentieth of
    // a build and gains nothing on zstd output; values are stored as they are.
    kSlotPage = 1,
    kSlotFacets = 2,  // encode_facets(): what facet counts read of each match
};

// Metadata keys of an index. The schema number is decimal text, which any
// version reads to tell whether it can read the rest; the page dictionary is
// zstd's own bytes; every other value is one CBOR document, written and read
// by the encode_*/decode_* functions named here (docs/schema.md).
inline constexpr const char* kMetaSchema = "medsearch.schema";
inline constexpr const char* kMetaDerivation = "medsearch.derivation";  // inputs besides pages: *_input_hash
inline constexpr const char* kMetaCatalog = "medsearch.catalog";        // catalog.hpp
inline constexpr const char* kMetaBuild = "medsearch.build";            // BuildFacts (index_metadata.hpp)
inline constexpr const char* kMetaSynonymKinds = "medsearch.synonym-kinds";  // *_synonym_kinds
inline constexpr const char* kMetaSynonymsHash = "medsearch.synonyms-hash";  // of the dictionaries: *_input_hash
inline constexpr const char* kMetaStopwords = "medsearch.stopwords";         // *_word_list (word_list.hpp)
inline constexpr const char* kMetaVocabulary = "medsearch.vocabulary";       // vocabulary.hpp
inline constexpr const char* kMetaPageDictionary = "medsearch.page-dictionary";  // PageCodec's, if any
inline constexpr const char* kMetaTopics = "medsearch.topics";                // topics.hpp
inline constexpr const char* kMetaEssential = "medsearch.essential-medicines";  // *_word_list of name keys
inline constexpr const char* kMetaEnglishWords = "medsearch.english-words";     // *_word_list

// The one stemmer both sides use (English, Porter2).
Xapian::Stem make_stemmer();

// Empty when `db` was indexed with this schema, else what differs:
// "index has schema 8, this program's is 9".
std::string schema_mismatch(const Xapian::Database& db);

}  // namespace medsearch::schema

namespace medsearch::schema {
// What a glass database stores: longer terms are refused ("Term too long"), and
// a value goes in at most 65536 pieces of a quarter block ("insanely large
// tags"); half of that leaves room for the encoding.
inline constexpr std::size_t kMaxTermBytes = 245;
inline constexpr std::size_t kMaxValueBytes = std::size_t{64} << 20;
// Synonym keys and values: Xapian keeps each value's length in a byte.
inline constexpr std::size_t kMaxSynonymBytes = 200;

// Every term the indexer writes and the searcher looks up, whole when it fits
// in kMaxTermBytes, else its first bytes (whole UTF-8 characters) + '#' + a hash
// of all of it: a long name is still found, and two long names stay apart.
std::string bounded_term(std::string term);
// bounded_term(prefix + body): "XC" + a name key, "XB" + a salt-free key.
std::string prefixed_term(std::string_view prefix, std::string_view body);

// The unique id term of a page: "Qa/amitriptyline.md" (bounded_term).
std::string id_term(std::string_view relative_path);

// The term naming a set of ingredients: prefix + sorted, distinct keys joined by
// '+', then '|' + the page's qualifier key when it has one ("XScetirizine|ophthalmic");
// bounded_term.
std::string set_term(std::string_view prefix, std::vector<std::string> keys,
                     std::string_view qualifier = {});

// The term a query looks a word up by in a field (prefix "" for the default
// field): "Z" + prefix + stem for a word with a stem (one that starts with a
// letter: starts_with_letter, as Xapian's STEM_SOME), else prefix + the word;
// bounded_term.
std::string search_term(std::string_view prefix, std::string_view stem_or_word, bool stemmed);
}  // namespace medsearch::schema
