#include "cbor.hpp"

namespace medsearch::cbor {
namespace {

constexpr int kNumber = 0, kText = 3, kArray = 4, kMap = 5, kSimple = 7;
constexpr std::uint64_t kFalse = 20, kTrue = 21;  // simple values

}  // namespace

std::string encode(const Value& value) {
    std::string out;
    Value::to_cbor(value, out);
    return out;
}

Value texts(const std::vector<std::string>& items) {
    Value list = Value::array();
    for (const auto& item : items) list.push_back(item);
    return list;
}

Result<Reader> start(std::string_view bytes, std::string_view key) {
    if (bytes.empty()) return Error{Errc::index, std::string(key) + ": missing"};
    return Reader(bytes);
}

// A head: the major type in the first byte's top three bits, then the
// argument, in those five bits when below 24, else in the next 1, 2, 4 or 8
// bytes (big-endian). 28..31 (reserved, indefinite size) are not ours.
bool Reader::read_head(int major, Head& head) const {
    if (pos_ >= bytes_.size()) return false;
    auto first = static_cast<unsigned char>(bytes_[pos_]);
    head.major = first >> 5;
    unsigned info = first & 0x1f;
    if (head.major != major || info > 27) return false;
    std::size_t extra = info < 24 ? 0 : std::size_t{1} << (info - 24);
    if (extra > bytes_.size() - pos_ - 1) return false;
    head.argument = info < 24 ? info : 0;
    for (std::size_t i = 1; i <= extra; ++i)
        head.argument = head.argument << 8 | static_cast<unsigned char>(bytes_[pos_ + i]);
    head.bytes = 1 + extra;
    return true;
}

bool Reader::read_array(std::size_t& size) {
    Head head;
    // Each item takes a byte at least: a larger size is damage.
    if (!read_head(kArray, head) || head.argument > bytes_.size() - pos_ - head.bytes) return false;
    pos_ += head.bytes;
    size = static_cast<std::size_t>(head.argument);
    return true;
}

bool Reader::read_map(std::size_t& size) {
    Head head;
    if (!read_head(kMap, head) || head.argument > (bytes_.size() - pos_ - head.bytes) / 2) return false;
    pos_ += head.bytes;
    size = static_cast<std::size_t>(head.argument);
    return true;
}

bool Reader::read_text(std::string& text) {
    Head head;
    if (!read_head(kText, head) || head.argument > bytes_.size() - pos_ - head.bytes) return false;
    text.assign(bytes_.substr(pos_ + head.bytes, static_cast<std::size_t>(head.argument)));
    pos_ += head.bytes + static_cast<std::size_t>(head.argument);
    return true;
}

bool Reader::read_number(std::uint64_t& number) {
    Head head;
    if (!read_head(kNumber, head)) return false;
    pos_ += head.bytes;
    number = head.argument;
    return true;
}

bool Reader::read_boolean(bool& value) {
    Head head;
    if (!read_head(kSimple, head) || head.bytes != 1 || (head.argument != kFalse && head.argument != kTrue))
        return false;
    pos_ += head.bytes;
    value = head.argument == kTrue;
    return true;
}

bool Reader::read_texts(std::vector<std::string>& out) {
    std::size_t size = 0;
    if (!read_array(size)) return false;
    out.reserve(out.size() + size);
    for (std::size_t i = 0; i < size; ++i)
        if (!read_text(out.emplace_back())) return false;
    return true;
}

Error Reader::error(std::string_view key, const std::string& what) const {
    return Error{Errc::index, std::string(key) + ": " + what + " (at byte " + std::to_string(pos_) + " of " +
                                  std::to_string(bytes_.size()) + ")"};
}

}  // namespace medsearch::cbor
