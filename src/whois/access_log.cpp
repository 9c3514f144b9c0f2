#include "whois/access_log.hpp"

#include <iterator>

#include <fmt/format.h>

#include "core/utf8.hpp"

// Written by hand rather than with RapidJSON: a log line per query is on the hot path, and the query may
// be any bytes, which RapidJSON's Writer would copy into the line unchecked (invalid UTF-8, invalid JSON).

namespace ssad::whois {

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
    } else if (const std::size_t from = i; decode_utf8(text, i)) {
      out.append(text.substr(from, i - from));
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
