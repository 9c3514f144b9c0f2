#include "http/access_log.hpp"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

// RapidJSON's Writer does the escaping. This file is compiled without UBSan's pointer-overflow check
// (see CMakeLists.txt): RapidJSON 1.1.0's internal stack adds to a null pointer on its first push.

namespace ssad::http {

std::string log_safe(std::string_view text) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(text.size());
  for (const char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte < 0x20 || byte > 0x7E) {
      out += '%';
      out += kHex[byte >> 4];
      out += kHex[byte & 0x0F];
    } else {
      out += c;
    }
  }
  return out;
}

std::string format_access_log_line(const AccessRecord& record) {
  rapidjson::StringBuffer out;
  rapidjson::Writer<rapidjson::StringBuffer> writer(out);
  writer.StartObject();
  writer.Key("time");
  writer.String(format_rfc3339(record.time));
  writer.Key("remote");
  writer.String(log_safe(record.remote));
  writer.Key("method");
  writer.String(log_safe(record.method));
  writer.Key("target");
  writer.String(log_safe(record.target));
  writer.Key("status");
  writer.Uint(record.status);
  writer.Key("bytes");
  writer.Uint64(record.bytes);
  writer.Key("duration_ms");
  writer.Double(static_cast<double>(record.duration.count()) / 1000.0);
  writer.EndObject();
  return {out.GetString(), out.GetSize()};
}

}  // namespace ssad::http
