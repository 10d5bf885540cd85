#include "medsearch/common/monograph.hpp"

#include <zdict.h>
#include <zstd.h>

#include <cassert>
#include <memory>

namespace medsearch {
namespace {

// Length-prefixed strings, compressed with Zstandard: Xapian could deflate
// the text itself, but inflating ten pages was a fifth of a query's time;
// zstd decompresses several times faster and packs tighter.
constexpr char kFormat = '\x03';
constexpr char kFormatWithDictionary = '\x04';  // compressed with the index's dictionary
constexpr int kZstdLevel = 3;
// 64 KiB trained on 128 pages takes 0.06 s of a full build of rxhive and
// makes its stored pages a third smaller; more pages or a larger dictionary
// gain a few percent more.
constexpr std::size_t kDictionaryBytes = 64 * 1024;
constexpr std::size_t kMinSamples = 64;

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

bool get_string(std::string_view& in, std::string_view& s) {
    std::size_t n;
    if (!get_length(in, n) || n > in.size()) return false;
    s = in.substr(0, n);
    in.remove_prefix(n);
    return true;
}

std::string encode_plain(const Monograph& page) {
    std::string out;
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

bool decode_plain(std::string_view data, StoredPageView& page) {
    std::size_t count;
    if (!get_string(data, page.path) || !get_string(data, page.url) ||
        !get_string(data, page.title) || !get_length(data, count) || count > data.size())
        return false;
    page.sections.resize(count);
    for (auto& section : page.sections)
        if (!get_string(data, section.id) || !get_string(data, section.label) ||
            !get_string(data, section.anchor) || !get_string(data, section.text))
            return false;
    return data.empty();
}

}  // namespace

PageCodec::PageCodec(std::string dictionary) : dictionary_(std::move(dictionary)) {
    if (dictionary_.empty()) return;
    compress_.reset(ZSTD_createCDict(dictionary_.data(), dictionary_.size(), kZstdLevel), ZSTD_freeCDict);
    decompress_.reset(ZSTD_createDDict(dictionary_.data(), dictionary_.size()), ZSTD_freeDDict);
}

std::string PageCodec::train(const std::vector<std::string>& samples) {
    if (samples.size() < kMinSamples) return {};
    std::string joined;
    std::vector<std::size_t> sizes;
    for (const auto& sample : samples) {
        joined += sample;
        sizes.push_back(sample.size());
    }
    std::string dictionary(kDictionaryBytes, '\0');
    auto size = ZDICT_trainFromBuffer(dictionary.data(), dictionary.size(), joined.data(), sizes.data(),
                                      static_cast<unsigned>(sizes.size()));
    if (ZDICT_isError(size)) return {};
    dictionary.resize(size);
    return dictionary;
}

std::string PageCodec::encode(const Monograph& page) const {
    auto plain = encode_plain(page);
    std::string out(1, compress_ ? kFormatWithDictionary : kFormat);
    put_length(out, plain.size());
    auto header = out.size();
    out.resize(header + ZSTD_compressBound(plain.size()));
    // A context per thread: making one per page costs more than the work.
    thread_local std::unique_ptr<ZSTD_CCtx, decltype(&ZSTD_freeCCtx)> context(ZSTD_createCCtx(), ZSTD_freeCCtx);
    auto size = compress_ ? ZSTD_compress_usingCDict(context.get(), out.data() + header, out.size() - header,
                                                     plain.data(), plain.size(), compress_.get())
                          : ZSTD_compressCCtx(context.get(), out.data() + header, out.size() - header,
                                              plain.data(), plain.size(), kZstdLevel);
    assert(!ZSTD_isError(size));
    out.resize(header + size);
    return out;
}

bool PageCodec::decode(std::string_view data, std::string& buffer, StoredPageView& page) const {
    if (data.empty() || (data.front() != kFormat && data.front() != kFormatWithDictionary)) return false;
    bool with_dictionary = data.front() == kFormatWithDictionary;
    if (with_dictionary && !decompress_) return false;
    data.remove_prefix(1);
    std::size_t size;
    if (!get_length(data, size) || size > (1u << 30)) return false;
    // Grown, never shrunk: resizing down and up again would clear it each time.
    if (buffer.size() < size) buffer.resize(size);
    thread_local std::unique_ptr<ZSTD_DCtx, decltype(&ZSTD_freeDCtx)> context(ZSTD_createDCtx(), ZSTD_freeDCtx);
    auto got = with_dictionary
                   ? ZSTD_decompress_usingDDict(context.get(), buffer.data(), size, data.data(), data.size(),
                                                decompress_.get())
                   : ZSTD_decompressDCtx(context.get(), buffer.data(), size, data.data(), data.size());
    if (ZSTD_isError(got) || got != size) return false;
    return decode_plain(std::string_view(buffer.data(), size), page);
}

bool PageCodec::decode(std::string_view data, StoredPage& page) const {
    std::string buffer;
    StoredPageView view;
    if (!decode(data, buffer, view)) return false;
    page.path = view.path;
    page.url = view.url;
    page.title = view.title;
    page.sections.assign(view.sections.size(), Section{});
    for (std::size_t i = 0; i < view.sections.size(); ++i) {
        page.sections[i].id = view.sections[i].id;
        page.sections[i].label = view.sections[i].label;
        page.sections[i].anchor = view.sections[i].anchor;
        page.sections[i].text = view.sections[i].text;
    }
    return true;
}

}  // namespace medsearch
