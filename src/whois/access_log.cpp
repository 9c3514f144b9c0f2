#include "whois/access_log.hpp"

#include <iterator>

#include <fmt/format.h>

// Written by hand rather than with RapidJSON: a log line per query is on the hot path, and the query may
// be any bytes, which RapidJSON's Writer would copy into the line unchecked (invalid UTF-8, invalid JSON).

namespace ssad::whois {
namespace {

bool is_continuation(unsigned char byte) { return (byte & 0xC0U) == 0x80U; }

// The length of the well-formed UTF-8 sequence (RFC 3629: no overlong forms, no surrogates, nothing
// above U+10FFFF) that starts `text`, whose first byte is 0x80 or above; 0 when it is malformed.
std::size_t utf8_sequence_length(std::string_view text) {
  const auto byte = [&](std::size_t i) { return static_cast<unsigned char>(text[i]); };
  const unsigned char lead = byte(0);
  std::size_t length = 0;
  unsigned char second_min = 0x80;
  unsigned char second_max = 0xBF;
  if (lead >= 0xC2 && lead <= 0xDF) {
    length = 2;
  } else if (lead >= 0xE0 && lead <= 0xEF) {
    length = 3;
    if (lead == 0xE0) second_min = 0xA0;  // overlong
    if (lead == 0xED) second_max = 0x9F;  // surrogates
  } else if (lead >= 0xF0 && lead <= 0xF4) {
    length = 4;
    if (lead == 0xF0) second_min = 0x90;  // overlong
    if (lead == 0xF4) second_max = 0x8F;  // above U+10FFFF
  } else {
    return 0;
  }
  if (text.size() < length || byte(1) < second_min || byte(1) > second_max) return 0;
  for (std::size_t i = 2; i < length; ++i) {
    if (!is_continuation(byte(i))) return 0;
  }
  return length;
}

}  // namespace

std::string_view to_string(QueryStatus status) {
  switch (status) {
    case QueryStatus::ok:
      return "ok";
    case QueryStatus::too_long:
      return "too_long";
    case QueryStatus::invalid:
      return "invalid";
    case QueryStatus::timeout:
      return "timeout";
    case QueryStatus::error:
      return "error";
    case QueryStatus::closed:
      return "closed";
  }
  return "error";
}

void append_json_string(std::string& out, std::string_view text) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::size_t i = 0;
  while (i < text.size()) {
    const auto byte = static_cast<unsigned char>(text[i]);
    if (byte >= 0x20 && byte < 0x7F) {
      if (byte == '"' || byte == '\\') out += '\\';
      out += text[i];
      ++i;
    } else if (byte < 0x80) {
      out += "\\u00";
      out += kHex[byte >> 4U];
      out += kHex[byte & 0x0FU];
      ++i;
    } else if (const std::size_t length = utf8_sequence_length(text.substr(i)); length != 0) {
      out.append(text.substr(i, length));
      i += length;
    } else {
      out += "\\ufffd";
      ++i;
    }
  }
}

std::string format_access_log_line(const AccessRecord& record) {
  std::string line;
  line.reserve(112 + record.remote.size() + record.query.size());
  line += R"({"time":")";
  line += format_rfc3339(record.time);
  line += R"(","remote":")";
  append_json_string(line, record.remote);
  line += R"(","query":")";
  append_json_string(line, record.query);
  line += R"(","status":")";
  line += to_string(record.status);
  fmt::format_to(std::back_inserter(line), R"(","bytes":{},"duration_ms":{}}})", record.bytes,
                 static_cast<double>(record.duration.count()) / 1000.0);
  return line;
}

}  // namespace ssad::whois
