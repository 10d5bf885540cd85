#pragma once
// The one encoding of an index's metadata values (schema::kMeta*): one CBOR
// document (RFC 8949) per value. Lists of records are arrays of arrays, so that
// no field name is stored once per page. Each encode_*/decode_* pair of
// common's public headers is built on these; nlohmann_json stays inside common.

#include "medsearch/common/result.hpp"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace medsearch::cbor {

// Values are built as nlohmann::json and written by its to_cbor.
using Value = nlohmann::json;
std::string encode(const Value& value);
Value texts(const std::vector<std::string>& items);

// Reads a CBOR document item by item, in the shape its decoder expects. Each
// read_* takes the next item if it is of that kind (and fits in the bytes
// left), else returns false and moves nowhere. It reads what to_cbor writes
// for our values: unsigned numbers, texts, arrays and maps of definite size,
// booleans; anything else (tags, floats, byte strings, indefinite sizes) is
// not of the kind asked for. It reads in place, without the tree nlohmann
// builds or its byte-at-a-time reader: a snapshot reads some hundred thousand
// words at each start.
class Reader {
  public:
    explicit Reader(std::string_view bytes) : bytes_(bytes) {}

    bool read_array(std::size_t& size);
    bool read_map(std::size_t& size);  // then `size` times a key and its value
    bool read_text(std::string& text);  // a map's key too
    bool read_number(std::uint64_t& number);
    bool read_boolean(bool& value);
    bool read_texts(std::vector<std::string>& out);  // an array of texts, appended
    bool at_end() const { return pos_ == bytes_.size(); }

    // "key: what (at byte 12 of 300)"
    Error error(std::string_view key, const std::string& what) const;

  private:
    struct Head {
        int major = 0;              // the major type: 0 number, 3 text, 4 array, 5 map, 7 simple
        std::uint64_t argument = 0;  // the number, or the size
        std::size_t bytes = 0;       // of the head
    };
    bool read_head(int major, Head& head) const;
    std::string_view bytes_;
    std::size_t pos_ = 0;
};

// A reader of metadata value `key`; an error naming the key when it is missing.
Result<Reader> start(std::string_view bytes, std::string_view key);

}  // namespace medsearch::cbor
