#include "medsearch/indexer/text_indexer.hpp"

#include "medsearch/common/schema.hpp"
#include "medsearch/common/text.hpp"

namespace medsearch {
namespace {

// Xapian's limit for a word to be indexed (TermGenerator's max_word_length).
constexpr std::size_t kMaxWordBytes = 64;

bool ascii_word_char(unsigned char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

bool is_digit(unsigned c) { return c >= '0' && c <= '9'; }

// The code point at text[i] and its length in bytes (valid UTF-8 is
// guaranteed by the parser); ASCII without a call.
unsigned decode(std::string_view text, std::size_t i, std::size_t& length) {
    auto c = static_cast<unsigned char>(text[i]);
    if (c < 0x80) {
        length = 1;
        return c;
    }
    std::size_t next = i;
    unsigned cp = next_code_point(text, next);
    length = next - i;
    return cp;
}

bool word_char(unsigned cp) { return cp < 0x80 ? ascii_word_char(static_cast<unsigned char>(cp)) : Xapian::Unicode::is_wordchar(cp); }

bool is_upper(unsigned cp) {
    return cp < 0x80 ? (cp >= 'A' && cp <= 'Z')
                     : Xapian::Unicode::get_category(cp) == Xapian::Unicode::UPPERCASE_LETTER;
}

unsigned to_lower(unsigned cp) {
    return cp < 0x80 ? (cp >= 'A' && cp <= 'Z' ? cp + 32 : cp) : Xapian::Unicode::tolower(cp);
}

// Zero-width characters inside a word are dropped.
bool zero_width(unsigned cp) { return cp >= 0x200b && (cp <= 0x200d || cp == 0x2060 || cp == 0xfeff); }

// What TermGenerator keeps between two word characters: between digits
// ',' '.' ';' ("2.5"), else an apostrophe or '&' ("patient's", "AT&T").
unsigned infix(unsigned cp, bool between_digits) {
    if (between_digits) {
        switch (cp) {
            case ',': case '.': case ';': case 0x037e: case 0x0589: case 0x060d: case 0x07f8: case 0x2044:
            case 0xfe10: case 0xfe13: case 0xfe14: return cp;
            default: return 0;
        }
    }
    if (cp == '\'' || cp == '&' || cp == 0xb7 || cp == 0x5f4 || cp == 0x2027) return cp;
    if (cp == 0x2019 || cp == 0x201b) return '\'';
    return 0;
}

// "U.S.": upper-case letters each followed by '.', read as one word ("us").
bool read_acronym(std::string_view text, std::size_t& i, std::string& word) {
    std::size_t length, p = i;
    if (!is_upper(decode(text, p, length))) return false;
    word.clear();
    while (true) {
        append_utf8(word, to_lower(decode(text, p, length)));
        p += length;
        if (p >= text.size() || text[p] != '.') break;
        ++p;
        if (p >= text.size() || !is_upper(decode(text, p, length))) break;
    }
    if (word.size() < 2 || (p < text.size() && word_char(decode(text, p, length)))) return false;
    i = p;
    return true;
}

// A word at text[i] (a word character), lower case, with infixes and up to
// three trailing '+' or '#' ("C++").
void read_word(std::string_view text, std::size_t& i, std::string& word) {
    word.clear();
    std::size_t length;
    unsigned previous = 0;
    while (i < text.size()) {
        auto byte = static_cast<unsigned char>(text[i]);
        if (ascii_word_char(byte)) {  // most of the text: no decoding
            word.push_back(static_cast<char>(byte >= 'A' && byte <= 'Z' ? byte + 32 : byte));
            previous = byte;
            ++i;
            continue;
        }
        unsigned cp = decode(text, i, length);
        if (word_char(cp)) {
            append_utf8(word, to_lower(cp));
            previous = cp;
            i += length;
            continue;
        }
        std::size_t next_length = 0;
        unsigned next = i + length < text.size() ? decode(text, i + length, next_length) : 0;
        if (!word_char(next)) break;
        if (zero_width(cp)) {
            i += length;
            continue;
        }
        unsigned kept = infix(cp, is_digit(previous) && is_digit(next));
        if (kept == 0) break;
        append_utf8(word, kept);
        i += length;
    }
    std::size_t suffix = 0;
    while (i + suffix < text.size() && (text[i + suffix] == '+' || text[i + suffix] == '#')) ++suffix;
    if (suffix > 0 && suffix <= 3 && (i + suffix >= text.size() || !word_char(decode(text, i + suffix, length)))) {
        word.append(text.substr(i, suffix));
        i += suffix;
    }
}

}  // namespace

TextIndexer::TextIndexer(const std::vector<std::string>& stopwords)
    : stemmer_(schema::make_stemmer()), stopwords_(stopwords.begin(), stopwords.end()) {}

TextIndexer::Word& TextIndexer::word_info(const std::string& word) {
    auto it = words_.find(word);
    if (it == words_.end()) {
        SearchTerm search;
        bool stemmed = starts_with_letter(word);  // as TermGenerator's STEM_SOME
        if (stemmed) search.stem = stemmer_(word);
        search.term = schema::search_term("", stemmed ? search.stem : word, stemmed);
        auto found = search_terms_.find(search.term);
        if (found == search_terms_.end()) found = search_terms_.emplace(search.term, std::move(search)).first;
        it = words_.emplace(word, Word{&found->second}).first;
    }
    return it->second;
}

template <typename OnWord>
void TextIndexer::scan(std::string_view text, OnWord&& on_word) {
    std::string word;
    std::size_t i = 0;
    while (i < text.size()) {
        std::size_t length;
        if (!word_char(decode(text, i, length))) {
            i += length;
            continue;
        }
        if (!read_acronym(text, i, word)) read_word(text, i, word);
        // Stopwords are left out without a gap in the positions (as TermGenerator
        // does), so a phrase without them still matches.
        if (word.size() > kMaxWordBytes || stopwords_.count(word)) continue;
        on_word(word);
    }
}

void TextIndexer::start_page() {
    ++page_;
    page_length_ = 0;
    page_terms_.clear();
}

void TextIndexer::drop_page() {
    for (auto& [word, info] : words_)
        if (info.page == page_) {
            info.page = 0;
            --info.pages;
        }
    page_terms_.clear();
}

Xapian::termpos TextIndexer::index(Xapian::Document& doc, std::string_view text, const Field& field,
                                   Xapian::termpos position) {
    constexpr auto unit = schema::kWdfUnit;
    const Xapian::termcount occurrence = field.wdf * unit;
    // The most one word adds to the page's length.
    const std::uint64_t most = occurrence * 2 + unit * 3;
    scan(text, [&](const std::string& word) {
        if (page_length_ + most > kMaxPageLength) {
            page_length_ = kMaxPageLength;  // and the rest of the page is left out
            return;
        }
        ++position;
        auto& info = word_info(word);
        auto& search = *info.search;
        bool stemmed = !search.stem.empty();
        if (field.wdf > 0) {
            if (info.page != page_) {  // the vocabulary counts pages, not occurrences
                info.page = page_;
                ++info.pages;
            }
            // The word as written where phrases need it, or where it has no
            // stem: elsewhere the stem is what queries look up (they are
            // lower-cased), and the vocabulary keeps the word for spelling.
            if (field.positions) {
                doc.add_posting(word, position, occurrence);
                page_length_ += occurrence;
            }
            if (stemmed || !field.positions) {
                doc.add_term(search.term, occurrence);
                page_length_ += occurrence;
            }
            if (field.section_bit != 0) {
                if (search.page != page_) {
                    search.page = page_;
                    search.sections = 0;
                    page_terms_.push_back(&search);
                }
                search.sections |= field.section_bit;
            }
        }
        if (!field.prefix.empty()) {
            term_.assign(field.prefix);
            term_ += word;
            doc.add_posting(term_, position, unit);
            page_length_ += unit;
            if (stemmed) {
                term_.assign("Z");
                term_.append(field.prefix);
                term_ += search.stem;
                doc.add_term(term_, unit);
                page_length_ += unit;
            }
        }
        if (!field.stemmed_prefix.empty() && stemmed) {
            term_.assign("Z");
            term_.append(field.stemmed_prefix);
            term_ += search.stem;
            doc.add_term(term_, unit);
            page_length_ += unit;
        }
    });
    return position;
}

// Each search term had an occurrence (kWdfUnit or more) on the page: its
// bits, below the unit, are added once and never carry into the count.
void TextIndexer::finish_page(Xapian::Document& doc) {
    for (const auto* search : page_terms_) doc.add_term(search->term, search->sections);
    page_terms_.clear();
}

void TextIndexer::add_vocabulary_to(Vocabulary& vocabulary) const {
    for (const auto& [word, info] : words_)
        if (info.pages > 0) vocabulary[word] += info.pages;
}

void TextIndexer::add_words_to(std::string_view text, std::set<std::string>& words) {
    scan(text, [&](const std::string& word) { words.insert(word); });
}

void TextIndexer::add_stems_to(std::string_view text, std::set<std::string>& stems) {
    scan(text, [&](const std::string& word) {
        const auto& stem = word_info(word).search->stem;
        if (!stem.empty()) stems.insert(stem);
    });
}

}  // namespace medsearch
