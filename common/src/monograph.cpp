#include "medsearch/common/monograph.hpp"

namespace medsearch {
namespace {

// Length-prefixed strings: compact, and decoding needs no parser.
constexpr char kFormat = '\x01';

void put_length(std::string& out, std::size_t n) {
    while (n >= 0x80) {
        out.push_back(static_cast<char>((n & 0x7F) | 0x80));
        n >>= 7;
    }
    out.push_back(static_cast<char>(n));
}

void put_string(std::string& out, std::string_view s) {
    put_length(out, s.size());
    out.append(s);
}

bool get_length(std::string_view& in, std::size_t& n) {
    n = 0;
    for (int shift = 0; shift < 63; shift += 7) {
        if (in.empty()) return false;
        auto byte = static_cast<unsigned char>(in.front());
        in.remove_prefix(1);
        n |= static_cast<std::size_t>(byte & 0x7F) << shift;
        if (!(byte & 0x80)) return true;
    }
    return false;
}

bool get_string(std::string_view& in, std::string& s) {
    std::size_t n;
    if (!get_length(in, n) || n > in.size()) return false;
    s.assign(in.substr(0, n));
    in.remove_prefix(n);
    return true;
}

}  // namespace

std::string encode_stored_page(const Monograph& page) {
    std::string out(1, kFormat);
    put_string(out, page.path);
    put_string(out, page.url);
    put_string(out, page.title);
    put_length(out, page.sections.size());
    for (const auto& section : page.sections) {
        put_string(out, section.id);
        put_string(out, section.label);
        put_string(out, section.anchor);
        put_string(out, section.text);
    }
    return out;
}

bool decode_stored_page(std::string_view data, StoredPage& page) {
    if (data.empty() || data.front() != kFormat) return false;
    data.remove_prefix(1);
    std::size_t count;
    if (!get_string(data, page.path) || !get_string(data, page.url) ||
        !get_string(data, page.title) || !get_length(data, count) || count > data.size())
        return false;
    page.sections.assign(count, Section{});
    for (auto& section : page.sections)
        if (!get_string(data, section.id) || !get_string(data, section.label) ||
            !get_string(data, section.anchor) || !get_string(data, section.text))
            return false;
    return data.empty();
}

}  // namespace medsearch
