#pragma once
// The access log's line format: one JSON object per request, so that log tools parse it without a
// grammar of their own. Request text in it is made printable ASCII, so one request is always one line.

#include <chrono>
#include <cstddef>
#include <string>
#include <string_view>

#include "core/time.hpp"

namespace ssad::http {

/// What the access log records about one request and its response.
struct AccessRecord {
  Timestamp time;                        // when the request began arriving
  std::string remote;                    // the peer's IP address
  std::string method;                    // as sent, "" when the request line could not be parsed
  std::string target;                    // as sent, "" when the request line could not be parsed
  unsigned status = 0;                   // the response's status
  std::size_t bytes = 0;                 // body bytes sent (0 for HEAD)
  std::chrono::microseconds duration{};  // first byte received to last byte sent
};

/// `{"time":"…","remote":"…","method":"…","target":"…","status":200,"bytes":123,"duration_ms":1.234}`,
/// without a trailing newline.
[[nodiscard]] std::string format_access_log_line(const AccessRecord& record);

/// `text` with every byte outside printable ASCII written as %XX, for logs.
[[nodiscard]] std::string log_safe(std::string_view text);

}  // namespace ssad::http
