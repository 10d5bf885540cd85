#include "medsearch/common/catalog.hpp"

#include <xxhash.h>

#include <charconv>
#include <cstdio>

namespace medsearch {
namespace {

// Separators that cannot occur in titles or paths (control characters).
constexpr char kField = '\t';
constexpr char kComponent = '\x1e';
constexpr char kPart = '\x1f';

std::vector<std::string_view> split(std::string_view text, char separator) {
    std::vector<std::string_view> parts;
    std::size_t start = 0;
    while (true) {
        auto at = text.find(separator, start);
        parts.push_back(text.substr(start, at == text.npos ? text.npos : at - start));
        if (at == text.npos) return parts;
        start = at + 1;
    }
}

}  // namespace

std::uint64_t hash_bytes(std::string_view bytes) { return XXH3_64bits(bytes.data(), bytes.size()); }

std::string hex64(std::uint64_t value) {
    char buffer[17];
    std::snprintf(buffer, sizeof buffer, "%016llx", static_cast<unsigned long long>(value));
    return buffer;
}

std::string encode_catalog(const std::vector<CatalogEntry>& entries) {
    std::string out;
    for (const auto& entry : entries) {
        out += entry.path;
        out += kField;
        out += entry.title;
        out += kField;
        out += entry.url;
        out += kField;
        out += hex64(entry.source_hash);
        out += kField;
        for (std::size_t i = 0; i < entry.components.size(); ++i) {
            const auto& component = entry.components[i];
            if (i) out += kComponent;
            out += component.name;
            out += kPart;
            out += component.qualifier;
            for (const auto& alias : component.aliases) {
                out += kPart;
                out += alias;
            }
        }
        out += '\n';
    }
    return out;
}

Result<std::vector<CatalogEntry>> decode_catalog(std::string_view data) {
    std::vector<CatalogEntry> entries;
    std::size_t line_number = 0;
    for (auto line : split(data, '\n')) {
        ++line_number;
        if (line.empty()) continue;
        auto fields = split(line, kField);
        if (fields.size() != 5)
            return Error{Errc::index, "catalog line " + std::to_string(line_number) +
                                          ": expected 5 fields, got " +
                                          std::to_string(fields.size())};
        CatalogEntry entry{std::string(fields[0]), std::string(fields[1]),
                           std::string(fields[2]), 0, {}};
        auto hash = fields[3];
        if (std::from_chars(hash.data(), hash.data() + hash.size(), entry.source_hash, 16).ec !=
            std::errc{})
            return Error{Errc::index,
                         "catalog line " + std::to_string(line_number) + ": bad hash"};
        if (!fields[4].empty()) {
            for (auto part : split(fields[4], kComponent)) {
                auto pieces = split(part, kPart);
                Component component;
                component.name = std::string(pieces[0]);
                if (pieces.size() > 1) component.qualifier = std::string(pieces[1]);
                for (std::size_t i = 2; i < pieces.size(); ++i)
                    component.aliases.emplace_back(pieces[i]);
                entry.components.push_back(std::move(component));
            }
        }
        entries.push_back(std::move(entry));
    }
    return entries;
}

}  // namespace medsearch
