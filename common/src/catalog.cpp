#include "medsearch/common/catalog.hpp"

#include "medsearch/common/schema.hpp"
#include "cbor.hpp"

#include <fcntl.h>
#include <unistd.h>
#include <xxhash.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <new>
#include <vector>

namespace medsearch {
namespace {

// An ingredient: [name, qualifier, [aliases...]].
cbor::Value encode_component(const Component& component) {
    return cbor::Value::array({component.name, component.qualifier, cbor::texts(component.aliases)});
}

bool read_component(cbor::Reader& in, Component& component) {
    std::size_t fields = 0;
    return in.read_array(fields) && fields == 3 && in.read_text(component.name) && in.read_text(component.qualifier) &&
           in.read_texts(component.aliases);
}

// A page: [path, title, url, source hash, [ingredients...]].
bool read_entry(cbor::Reader& in, CatalogEntry& entry) {
    std::size_t fields = 0, components = 0;
    if (!in.read_array(fields) || fields != 5 || !in.read_text(entry.path) || !in.read_text(entry.title) ||
        !in.read_text(entry.url) || !in.read_number(entry.source_hash) || !in.read_array(components))
        return false;
    entry.components.resize(components);
    return std::all_of(entry.components.begin(), entry.components.end(),
                       [&](auto& component) { return read_component(in, component); });
}

}  // namespace

std::uint64_t hash_bytes(std::string_view bytes) { return XXH3_64bits(bytes.data(), bytes.size()); }

struct StreamHash::State {
    XXH3_state_t* xxh = XXH3_createState();
    ~State() { XXH3_freeState(xxh); }
};

StreamHash::StreamHash() : state_(std::make_unique<State>()) {
    if (!state_->xxh) throw std::bad_alloc();
    XXH3_64bits_reset(state_->xxh);
}

StreamHash::~StreamHash() = default;

void StreamHash::add(std::string_view bytes) { XXH3_64bits_update(state_->xxh, bytes.data(), bytes.size()); }

Result<std::uint64_t> StreamHash::add_file(const std::filesystem::path& file) {
    int fd = ::open(file.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
    if (fd < 0) return Error{Errc::bad_input, file.string() + ": cannot open: " + std::strerror(errno)};
    std::vector<char> buffer(1 << 18);
    std::uint64_t size = 0;
    for (;;) {
        auto got = ::read(fd, buffer.data(), buffer.size());
        if (got < 0 && errno == EINTR) continue;
        if (got < 0) {
            std::string why = std::strerror(errno);
            ::close(fd);
            return Error{Errc::bad_input, file.string() + ": cannot read: " + why};
        }
        if (got == 0) break;
        XXH3_64bits_update(state_->xxh, buffer.data(), static_cast<std::size_t>(got));
        size += static_cast<std::uint64_t>(got);
    }
    ::close(fd);
    return size;
}

std::uint64_t StreamHash::digest() const { return XXH3_64bits_digest(state_->xxh); }

std::string hex64(std::uint64_t value) {
    char buffer[17];
    std::snprintf(buffer, sizeof buffer, "%016llx", static_cast<unsigned long long>(value));
    return buffer;
}

std::string encode_catalog(const std::vector<CatalogEntry>& entries) {
    auto list = cbor::Value::array();
    for (const auto& entry : entries) {
        auto components = cbor::Value::array();
        for (const auto& component : entry.components) components.push_back(encode_component(component));
        list.push_back(cbor::Value::array({entry.path, entry.title, entry.url, entry.source_hash, std::move(components)}));
    }
    return cbor::encode(list);
}

Result<std::vector<CatalogEntry>> decode_catalog(std::string_view data) {
    auto started = cbor::start(data, schema::kMetaCatalog);
    if (!started) return started.error();
    auto& in = started.value();
    std::size_t count = 0;
    if (!in.read_array(count)) return in.error(schema::kMetaCatalog, "not a list of pages");
    std::vector<CatalogEntry> entries;
    for (std::size_t i = 0; i < count; ++i)
        if (!read_entry(in, entries.emplace_back()))
            return in.error(schema::kMetaCatalog,
                            "entry " + std::to_string(i + 1) + " is not [path, title, url, hash, ingredients]");
    if (!in.at_end()) return in.error(schema::kMetaCatalog, "more after the list of pages");
    return entries;
}

}  // namespace medsearch
