#include "medsearch/indexer/markdown.hpp"

#include "medsearch/common/config.hpp"
#include "medsearch/common/schema.hpp"
#include "medsearch/common/text.hpp"

#include <cmark.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <map>
#include <memory>
#include <optional>

namespace medsearch {
namespace {

struct NodeDeleter {
    void operator()(cmark_node* node) const { cmark_node_free(node); }
};
using NodePtr = std::unique_ptr<cmark_node, NodeDeleter>;

// Phrases with which the text generator of the site declined to write a page.
constexpr std::string_view kRefusals[] = {
    "i cannot provide", "i can't provide", "i cannot find", "i can't find",
    "i am unable to",   "i'm unable to",   "i'm sorry",     "as an ai"};

class Reporter {
  public:
    Reporter(std::string_view path, std::vector<Diagnostic>& out) : path_(path), out_(out) {}
    void error(int line, std::string code, std::string message) {
        out_.push_back({Severity::error, path_, line, std::move(code), std::move(message)});
    }
    void warning(int line, std::string code, std::string message) {
        out_.push_back({Severity::warning, path_, line, std::move(code), std::move(message)});
    }

  private:
    std::string path_;
    std::vector<Diagnostic>& out_;
};

int line_of_offset(std::string_view text, std::size_t offset) {
    return 1 + static_cast<int>(std::count(text.begin(), text.begin() + std::min(offset, text.size()), '\n'));
}

// Plain text of a node's inline content; blocks end with a newline.
void append_text(cmark_node* node, std::string& out) {
    for (auto* child = cmark_node_first_child(node); child; child = cmark_node_next(child)) {
        switch (cmark_node_get_type(child)) {
            case CMARK_NODE_TEXT:
            case CMARK_NODE_CODE:
                out += cmark_node_get_literal(child);
                break;
            case CMARK_NODE_SOFTBREAK:
                out.push_back(' ');
                break;
            case CMARK_NODE_LINEBREAK:
                out.push_back('\n');
                break;
            case CMARK_NODE_CODE_BLOCK:
                out += cmark_node_get_literal(child);
                out.push_back('\n');
                break;
            case CMARK_NODE_HTML_INLINE:
            case CMARK_NODE_HTML_BLOCK:
            case CMARK_NODE_THEMATIC_BREAK:
                break;
            case CMARK_NODE_PARAGRAPH:
            case CMARK_NODE_HEADING:
            case CMARK_NODE_ITEM:
                append_text(child, out);
                if (out.empty() || out.back() != '\n') out.push_back('\n');
                break;
            default:
                append_text(child, out);
        }
    }
}

std::string text_of(cmark_node* node) {
    std::string out;
    append_text(node, out);
    return out;
}

struct FrontMatter {
    std::string title;
    int title_line = 2;
    int body_line = 1;  // line of the file where the Markdown body starts
    std::size_t body_offset = 0;
};

// Where the front matter's YAML ends: at a '---' (or '...') line of its own.
struct FrontMatterBounds {
    std::size_t yaml_start = 0, yaml_end = 0;
    std::size_t body = 0;  // offset of the Markdown body
};

std::optional<FrontMatterBounds> find_front_matter(std::string_view text, Reporter& report) {
    auto first_line_end = text.find('\n');
    if (trim(text.substr(0, first_line_end)) != "---") {
        report.error(1, "front-matter", "no front matter: a page starts with '---', 'title: ...', '---'");
        return std::nullopt;
    }
    std::size_t pos = first_line_end == std::string_view::npos ? text.size() : first_line_end + 1;
    const std::size_t yaml_start = pos;
    while (pos < text.size()) {
        auto end = text.find('\n', pos);
        auto bare = trim(text.substr(pos, end == std::string_view::npos ? text.npos : end - pos));
        if (bare == "---" || bare == "...")
            return FrontMatterBounds{yaml_start, pos, end == std::string_view::npos ? text.size() : end + 1};
        if (end == std::string_view::npos) break;
        pos = end + 1;
    }
    report.error(1, "front-matter", "front matter is not closed by a '---' line");
    return std::nullopt;
}

// yaml-cpp places "... not found" errors after the last line: the line to
// report is the last one that has something on it, if earlier.
int error_line(std::string_view yaml, const YAML::Exception& e) {
    int last = 0, line = 0;
    for (char c : yaml) {
        if (c == '\n') ++line;
        else if (c != ' ' && c != '\t' && c != '\r') last = line;
    }
    return 2 + std::min(e.mark.line, last);
}

std::optional<FrontMatter> read_front_matter(std::string_view text, Reporter& report) {
    auto bounds = find_front_matter(text, report);
    if (!bounds) return std::nullopt;
    FrontMatter fm;
    fm.body_offset = bounds->body;
    fm.body_line = line_of_offset(text, bounds->body);
    YAML::Node root;
    auto yaml = text.substr(bounds->yaml_start, bounds->yaml_end - bounds->yaml_start);
    try {
        root = YAML::Load(std::string(yaml));
    } catch (const YAML::Exception& e) {
        report.error(error_line(yaml, e), "front-matter", "front matter is not valid YAML: " + e.msg);
        return std::nullopt;
    }
    if (!root.IsMap()) {
        report.error(2, "front-matter", "front matter must be a mapping of keys to values");
        return std::nullopt;
    }
    auto title = root["title"];
    if (!title || title.IsNull()) {
        report.error(1, "no-title", "front matter has no 'title'");
        return std::nullopt;
    }
    if (!title.IsScalar() || collapse_whitespace(title.as<std::string>()).empty()) {
        report.error(2 + title.Mark().line, "no-title", "front matter 'title' is empty or not text");
        return std::nullopt;
    }
    fm.title = collapse_whitespace(title.as<std::string>());
    fm.title_line = 2 + title.Mark().line;
    return fm;
}

// Heading ids as kramdown assigns them: the first "usage", then "usage-1", ...
class HeadingIds {
  public:
    std::string next(std::string_view heading) {
        auto id = kramdown_id(heading);
        auto& count = used_[id];
        std::string unique = count == 0 ? id : id + "-" + std::to_string(count);
        ++count;
        return unique;
    }

  private:
    std::map<std::string, int> used_;
};

// "**Usage:** text" or "**Generic Name: Clonazepam**": a paragraph that opens a
// canonical section. Returns the section and the paragraph's remaining text.
const schema::SectionSpec* bold_label(cmark_node* paragraph, std::string& rest) {
    auto* strong = cmark_node_first_child(paragraph);
    if (!strong || cmark_node_get_type(strong) != CMARK_NODE_STRONG) return nullptr;
    auto label = text_of(strong);
    std::string tail;
    auto colon = label.find(':');
    if (colon != std::string::npos) {
        tail = label.substr(colon + 1);
        label.erase(colon);
    } else {
        // "**Usage**: text" puts the colon after the strong node.
        auto* next = cmark_node_next(strong);
        if (!next || cmark_node_get_type(next) != CMARK_NODE_TEXT) return nullptr;
        std::string_view literal = cmark_node_get_literal(next);
        if (!trim(literal).starts_with(":")) return nullptr;
    }
    const auto* spec = schema::section_for_heading(schema::normalise_heading(label));
    if (!spec) return nullptr;
    std::string after;
    for (auto* node = cmark_node_next(strong); node; node = cmark_node_next(node)) {
        switch (cmark_node_get_type(node)) {
            case CMARK_NODE_TEXT:
            case CMARK_NODE_CODE: after += cmark_node_get_literal(node); break;
            case CMARK_NODE_SOFTBREAK: after.push_back(' '); break;
            case CMARK_NODE_LINEBREAK: after.push_back('\n'); break;
            default: append_text(node, after);
        }
    }
    std::string_view trimmed = trim(after);
    if (trimmed.starts_with(":")) trimmed.remove_prefix(1);
    rest = std::string(trim(tail));
    if (!trim(trimmed).empty()) {
        if (!rest.empty()) rest.push_back(' ');
        rest += trim(trimmed);
    }
    return spec;
}

// Walks of the tree recurse (append_text): deeper nesting than any page needs
// ("> > > ..." thousands of times) is refused instead of exhausting the stack.
constexpr int kMaxNesting = 100;
constexpr std::size_t kMaxLineBytes = 64 * 1024;

// The line of the first node nested deeper than kMaxNesting, if any.
std::optional<int> too_deep(cmark_node* document) {
    std::unique_ptr<cmark_iter, decltype(&cmark_iter_free)> iter(cmark_iter_new(document), cmark_iter_free);
    int depth = 0;
    for (auto event = cmark_iter_next(iter.get()); event != CMARK_EVENT_DONE; event = cmark_iter_next(iter.get())) {
        auto* node = cmark_iter_get_node(iter.get());
        bool leaf = cmark_node_first_child(node) == nullptr;
        if (event == CMARK_EVENT_ENTER && !leaf && ++depth > kMaxNesting) {
            for (auto* up = node; up; up = cmark_node_parent(up))
                if (int line = cmark_node_get_start_line(up); line > 0) return line;
            return 1;
        }
        if (event == CMARK_EVENT_EXIT) --depth;
    }
    return std::nullopt;
}

// Bytes no page has: a NUL, or a line longer than kMaxLineBytes. Returns the
// message and sets `line`.
std::optional<std::string> find_unreadable_bytes(std::string_view bytes, int& line) {
    line = 1;
    std::size_t line_start = 0;
    for (std::size_t i = 0; i <= bytes.size(); ++i) {
        if (i == bytes.size() || bytes[i] == '\n') {
            if (i - line_start > kMaxLineBytes)
                return "line is " + std::to_string(i - line_start) + " bytes long, more than " +
                       std::to_string(kMaxLineBytes);
            ++line;
            line_start = i + 1;
        } else if (bytes[i] == '\0') {
            return "NUL byte at byte offset " + std::to_string(i) + " (a binary file?)";
        }
    }
    return std::nullopt;
}

bool is_refusal(std::string_view text) {
    auto folded = fold_case(text.substr(0, 600));
    for (auto phrase : kRefusals)
        if (folded.find(phrase) != std::string::npos) return true;
    return false;
}

// Refuses bytes no page has (invalid UTF-8, a NUL, an endless line) and
// repairs what pages get wrong: a byte order mark, carriage returns,
// double-encoded text. False when the page cannot be read.
bool clean_bytes(std::string& bytes, Reporter& report) {
    if (auto bad = find_invalid_utf8(bytes)) {
        report.error(line_of_offset(bytes, *bad), "invalid-utf8", "invalid UTF-8 at byte offset " + std::to_string(*bad));
        return false;
    }
    int bad_line = 0;
    if (auto bad = find_unreadable_bytes(bytes, bad_line)) {
        report.error(bad_line, "binary", *bad);
        return false;
    }
    if (bytes.starts_with("\xEF\xBB\xBF")) bytes.erase(0, 3);  // byte order mark
    bytes.erase(std::remove(bytes.begin(), bytes.end(), '\r'), bytes.end());

    // The text before the first repair is unchanged, so its line is the same.
    if (std::size_t first = 0; repair_mojibake(bytes, &first) > 0)
        report.warning(line_of_offset(bytes, first), "mojibake",
                       "double-encoded text (such as 'â€™' for '’'); indexed as repaired");
    return true;
}

// Reads the body's blocks into the page's sections: headings and bold labels
// open them, every other block is text of the section open.
class SectionReader {
  public:
    SectionReader(Monograph& page, Reporter& report, int body_line)
        : page_(page),
          report_(report),
          current_{std::string(schema::kIntro.id), std::string(schema::kIntro.label), "", body_line, ""} {}

    void read(cmark_node* block, int line) {
        auto type = cmark_node_get_type(block);
        if (type == CMARK_NODE_HEADING) return open_heading(block, line);
        if (type == CMARK_NODE_PARAGRAPH && open_bold_label(block, line)) return;
        append_text(block, current_.text);
        if (!current_.text.empty() && current_.text.back() != '\n') current_.text.push_back('\n');
    }

    // Closes the last section; the intro is kept only when it says something.
    void finish() {
        close_section();
        auto& sections = page_.sections;
        if (!sections.empty() && sections.front().id == schema::kIntro.id && sections.front().text.empty())
            sections.erase(sections.begin());
    }

  private:
    void open_heading(cmark_node* block, int line) {
        auto heading = collapse_whitespace(text_of(block));
        auto anchor = ids_.next(heading);
        if (cmark_node_get_heading_level(block) == 1 && !title_heading_seen_) {
            title_heading_seen_ = true;  // "# Amitriptyline": the title again
            if (name_key(heading) != name_key(page_.title))
                report_.warning(line, "title-heading",
                                "heading '" + heading + "' differs from the title '" + page_.title + "'");
            return;
        }
        close_section();
        const auto* spec = schema::section_for_heading(schema::normalise_heading(heading));
        current_ = spec ? Section{std::string(spec->id), std::string(spec->label), anchor, line, ""}
                        : Section{kramdown_id(heading), heading, anchor, line, ""};
        in_canonical_heading_ = spec != nullptr;
    }

    // Inside a section opened by a canonical heading ("### Precautions"), bold
    // labels ("**Contraindications:**") are sub-headings, not new sections.
    bool open_bold_label(cmark_node* paragraph, int line) {
        std::string rest;
        const auto* spec = bold_label(paragraph, rest);
        if (!spec || (in_canonical_heading_ && spec != &schema::kDisclaimer)) return false;
        close_section();
        in_canonical_heading_ = false;
        current_ = Section{std::string(spec->id), std::string(spec->label), "", line, rest};
        current_.text.push_back('\n');
        return true;
    }

    void close_section() {
        current_.text = std::string(trim(current_.text));
        page_.sections.push_back(std::move(current_));
    }

    Monograph& page_;
    Reporter& report_;
    Section current_;
    HeadingIds ids_;
    bool title_heading_seen_ = false;
    bool in_canonical_heading_ = false;
};

// The Markdown body, read into the page's sections; false when it nests too
// deep to walk.
bool read_body(std::string_view body, const FrontMatter& front, Monograph& page, Reporter& report) {
    NodePtr document(cmark_parse_document(body.data(), body.size(), CMARK_OPT_DEFAULT));
    const int line_offset = front.body_line - 1;
    if (auto deep = too_deep(document.get())) {
        report.error(*deep + line_offset, "too-deep",
                     "Markdown nested more than " + std::to_string(kMaxNesting) + " levels deep");
        return false;
    }
    SectionReader reader(page, report, front.body_line);
    for (auto* block = cmark_node_first_child(document.get()); block; block = cmark_node_next(block))
        reader.read(block, cmark_node_get_start_line(block) + line_offset);
    reader.finish();
    return true;
}

bool is_canonical(const schema::SectionSpec* spec) {
    return spec && spec != &schema::kIntro && spec != &schema::kDisclaimer;
}

// A page that declines to describe its drug says so in its intro, or anywhere
// but the disclaimer when it has fewer than two recognised sections.
bool declines(const std::vector<Section>& sections, int recognised) {
    for (const auto& section : sections) {
        const auto* spec = schema::section_by_id(section.id);
        if ((section.id == schema::kIntro.id || (recognised < 2 && spec != &schema::kDisclaimer)) &&
            is_refusal(section.text))
            return true;
    }
    return false;
}

// Warnings about the sections read (an empty one, none recognised, a page
// that declines to describe its drug), and the names its Generic Name gives.
void review_sections(Monograph& page, int body_line, Reporter& report) {
    int recognised = 0;
    for (const auto& section : page.sections) {
        bool canonical = is_canonical(schema::section_by_id(section.id));
        if (canonical) ++recognised;
        // An empty heading of its own ("### Acetylcysteine" over bold-label
        // sections) only groups what follows.
        if (section.text.empty() && canonical)
            report.warning(section.line, "empty-section", "section '" + section.label + "' is empty");
        if (section.id == schema::kGenericName.id && page.other_names.empty()) {
            auto first_line = section.text.substr(0, section.text.find('\n'));
            page.other_names = parse_generic_names(first_line);
        }
    }
    if (recognised == 0)
        report.warning(body_line, "no-sections", "no recognised sections (Usage, Dosage, Side Effects, ...)");
    if (declines(page.sections, recognised))
        report.warning(page.sections.empty() ? body_line : page.sections.front().line, "refusal",
                       "the page declines to describe the drug instead of describing it");
}

// The file name should be the slug of the title.
void check_file_name(std::string_view relative_path, const std::string& title, Reporter& report) {
    auto slash = relative_path.rfind('/');
    auto file = relative_path.substr(slash == std::string_view::npos ? 0 : slash + 1);
    if (auto dot = file.rfind('.'); dot != std::string_view::npos) file = file.substr(0, dot);
    auto letters_and_digits = [](std::string_view text) {
        auto key = name_key(text);
        std::erase(key, ' ');
        return key;
    };
    if (letters_and_digits(file) != letters_and_digits(title))
        report.warning(2, "title-mismatch",
                       "title '" + title + "' does not match the file name '" + std::string(file) + "'");
}

}  // namespace

ParsedPage parse_monograph(std::string_view relative_path, std::string bytes, const ParseOptions& options) {
    ParsedPage result;
    Reporter report(relative_path, result.diagnostics);
    if (!clean_bytes(bytes, report)) return result;
    auto front = read_front_matter(bytes, report);
    if (!front) return result;

    Monograph page;
    page.path = std::string(relative_path);
    page.url = expand_permalink(options.permalink, relative_path);
    page.title = front->title;
    page.components = parse_components(page.title);
    result.title_line = front->title_line;
    if (!read_body(std::string_view(bytes).substr(front->body_offset), *front, page, report)) return result;
    review_sections(page, front->body_line, report);
    check_file_name(relative_path, page.title, report);
    result.page = std::move(page);
    return result;
}

}  // namespace medsearch
