#include "core/text_check.hpp"

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>

#include "core/utf8.hpp"

namespace ssad {
namespace {

// What kind of refused character `c` is; nullptr for one that may be stored.
const char* refused(char32_t c) {
  if (c < 0x20 || (c >= 0x7F && c <= 0x9F)) return "the control character";
  if (c == 0x2028 || c == 0x2029) return "the line separator";
  if ((c >= 0x202A && c <= 0x202E) || (c >= 0x2066 && c <= 0x2069)) {
    return "the bidirectional formatting character";
  }
  return nullptr;
}

// "U+000A": the code point refused, which says what to fix without repeating the value.
std::string code_point(char32_t c) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string digits;
  for (auto v = static_cast<std::uint32_t>(c); v != 0 || digits.size() < 4; v >>= 4U) {
    digits.insert(digits.begin(), kHex[v & 0xFU]);
  }
  return "U+" + digits;
}

}  // namespace

Result<void> check_text_value(std::string_view value) {
  std::size_t pos = 0;
  while (pos < value.size()) {
    // Printable ASCII, most of any value, is allowed and needs no decoding.
    if (const auto byte = static_cast<unsigned char>(value[pos]); byte >= 0x20 && byte < 0x7F) {
      ++pos;
      continue;
    }
    const std::optional<char32_t> decoded = decode_utf8(value, pos);
    if (!decoded) return fail(ErrorCode::invalid_input, "is not UTF-8");
    const char32_t c = *decoded;
    if (const char* what = refused(c)) {
      return fail(ErrorCode::invalid_input, std::string("holds ") + what + " " + code_point(c));
    }
  }
  return {};
}

}  // namespace ssad
