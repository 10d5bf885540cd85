#pragma once
// Expected failures (bad file, query, config, index) travel as values; bugs are asserts.

#include <string>
#include <utility>
#include <variant>

namespace medsearch {

// unavailable: a part the answer needs (a shard server) cannot be reached now.
enum class Errc { bad_input, not_found, index, unavailable, internal };

// One line: where + what ("b/x.md:3: front matter has no 'title'").
struct Error {
    Errc code = Errc::internal;
    std::string message;
};

template <typename T>
class [[nodiscard]] Result {
  public:
    Result(T value) : v_(std::move(value)) {}
    Result(Error error) : v_(std::move(error)) {}

    bool ok() const { return std::holds_alternative<T>(v_); }
    explicit operator bool() const { return ok(); }
    T& value() & { return std::get<T>(v_); }
    const T& value() const& { return std::get<T>(v_); }
    T&& value() && { return std::get<T>(std::move(v_)); }
    const Error& error() const { return std::get<Error>(v_); }

  private:
    std::variant<T, Error> v_;
};

// The result of an operation that produces nothing but can fail.
struct Ok {};
using Status = Result<Ok>;

}  // namespace medsearch
