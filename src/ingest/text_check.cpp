#include "ingest/text_check.hpp"

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>

namespace ssad::ingest {
namespace {

// The code point of the well-formed UTF-8 sequence (RFC 3629) at `text[pos]`, whose first byte is 0x80
// or above, advancing `pos` past it; nullopt when it is malformed. Each lead byte admits only the
// second bytes that make a shortest form below U+10FFFF and outside the surrogates (RFC 3629 §4).
std::optional<char32_t> decode(std::string_view text, std::size_t& pos) {
  const auto byte = [&](std::size_t i) { return static_cast<unsigned char>(text[pos + i]); };
  const unsigned char lead = byte(0);
  std::size_t length = 0;
  unsigned char second_min = 0x80;
  unsigned char second_max = 0xBF;
  char32_t code = 0;
  if (lead >= 0xC2 && lead <= 0xDF) {
    length = 2;
    code = lead & 0x1FU;
  } else if (lead >= 0xE0 && lead <= 0xEF) {
    length = 3;
    code = lead & 0x0FU;
    if (lead == 0xE0) second_min = 0xA0;  // overlong
    if (lead == 0xED) second_max = 0x9F;  // surrogates
  } else if (lead >= 0xF0 && lead <= 0xF4) {
    length = 4;
    code = lead & 0x07U;
    if (lead == 0xF0) second_min = 0x90;  // overlong
    if (lead == 0xF4) second_max = 0x8F;  // above U+10FFFF
  } else {
    return std::nullopt;
  }
  if (text.size() - pos < length || byte(1) < second_min || byte(1) > second_max) return std::nullopt;
  for (std::size_t i = 1; i < length; ++i) {
    if ((byte(i) & 0xC0U) != 0x80U) return std::nullopt;
    code = (code << 6U) | (byte(i) & 0x3FU);
  }
  pos += length;
  return code;
}

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
    char32_t c = static_cast<unsigned char>(value[pos]);
    if (c < 0x80) {
      ++pos;
    } else if (auto decoded = decode(value, pos)) {
      c = *decoded;
    } else {
      return fail(ErrorCode::invalid_input, "is not UTF-8");
    }
    if (const char* what = refused(c)) {
      return fail(ErrorCode::invalid_input, std::string("holds ") + what + " " + code_point(c));
    }
  }
  return {};
}

}  // namespace ssad::ingest
