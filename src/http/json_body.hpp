#pragma once
// Reading a /v1 request's JSON body (RFC 8259) into a use case's input: typed members, unknown members
// refused (a typo must not pass silently), and errors that name the member — never its value — as RFC 9457
// problem details through the one error mapping.

#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include <rapidjson/document.h>

#include "core/error.hpp"

namespace ssad::http {

class JsonBody {
 public:
  /// Parses `body`, which must be one JSON object whose members are all in `known`. Errors: invalid_input.
  [[nodiscard]] static Result<JsonBody> parse(std::string_view body,
                                              const std::set<std::string, std::less<>>& known);

  /// A string member; nullopt when absent. Errors: invalid_input when it is not a string.
  [[nodiscard]] Result<std::optional<std::string>> text(std::string_view name) const;
  /// A string member that must be there.
  [[nodiscard]] Result<std::string> required_text(std::string_view name) const;
  /// An integer member (no fraction, within 64 bits); nullopt when absent or null. Errors: invalid_input
  /// when it is another value.
  [[nodiscard]] Result<std::optional<std::int64_t>> integer(std::string_view name) const;
  /// Whether the member is there, null or not: for a member whose null means something.
  [[nodiscard]] bool has(std::string_view name) const { return member(name) != nullptr; }
  /// A boolean member; nullopt when absent. Errors: invalid_input when it is not true or false.
  [[nodiscard]] Result<std::optional<bool>> boolean(std::string_view name) const;
  /// An array of strings; empty when absent.
  [[nodiscard]] Result<std::vector<std::string>> texts(std::string_view name) const;

 private:
  JsonBody() = default;
  [[nodiscard]] const rapidjson::Value* member(std::string_view name) const;
  rapidjson::Document document_;
};

}  // namespace ssad::http
