#include "http/message.hpp"

#include <algorithm>

namespace ssad::http {
namespace {

char ascii_lower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

}  // namespace

std::optional<std::string_view> find_header(const Headers& headers, std::string_view name) {
  for (const auto& [field, value] : headers) {
    if (field.size() == name.size() &&
        std::equal(field.begin(), field.end(), name.begin(),
                   [](char x, char y) { return ascii_lower(x) == ascii_lower(y); })) {
      return value;
    }
  }
  return std::nullopt;
}

}  // namespace ssad::http
