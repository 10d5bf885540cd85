// The stored-page codec: decoding arbitrary bytes (with and without a
// dictionary) fails cleanly, and what encode writes decodes to the same page.
#include "medsearch/common/monograph.hpp"

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

namespace {

const medsearch::PageCodec& codec_with_dictionary() {
    static const medsearch::PageCodec codec = [] {
        std::vector<std::string> samples;
        for (int n = 0; n < 64; ++n)
            samples.push_back("---\ntitle: Drug " + std::to_string(n) + "\n---\n### Usage\nDrug " +
                              std::to_string(n) + " treats high blood pressure.\n### Side Effects\n"
                              "Dizziness, headache, nausea (" + std::to_string(n * 7) + ").\n");
        return medsearch::PageCodec(medsearch::PageCodec::train(samples));
    }();
    return codec;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    std::string_view bytes(reinterpret_cast<const char*>(data), size);
    static const medsearch::PageCodec plain;
    medsearch::StoredPage page;
    (void)plain.decode(bytes, page);
    (void)codec_with_dictionary().decode(bytes, page);

    // The input cut into fields of a monograph must survive a round trip.
    medsearch::Monograph monograph;
    std::vector<std::string> parts;
    std::size_t start = 0;
    while (parts.size() < 7) {
        auto end = bytes.find('\x01', start);
        parts.emplace_back(bytes.substr(start, end == bytes.npos ? bytes.npos : end - start));
        if (end == bytes.npos) break;
        start = end + 1;
    }
    parts.resize(7);
    monograph.path = parts[0];
    monograph.url = parts[1];
    monograph.title = parts[2];
    monograph.sections.push_back({parts[3], parts[4], parts[5], 1, parts[6]});
    for (const auto* codec : {&plain, &codec_with_dictionary()}) {
        medsearch::StoredPage back;
        if (!codec->decode(codec->encode(monograph), back)) std::abort();
        if (back.path != monograph.path || back.url != monograph.url || back.title != monograph.title ||
            back.sections.size() != 1 || back.sections[0].id != parts[3] || back.sections[0].label != parts[4] ||
            back.sections[0].anchor != parts[5] || back.sections[0].text != parts[6])
            std::abort();
    }
    return 0;
}
