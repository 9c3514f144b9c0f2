#pragma once
// The WHOIS access log's line format: one JSON object per query, so that log tools parse it without a
// grammar of their own. The query text in it is escaped so that one query is always one valid JSON line,
// whatever bytes the client sent.

#include <chrono>
#include <cstddef>
#include <string>
#include <string_view>

#include "core/time.hpp"

namespace ssad::whois {

/// How a connection's query ended.
enum class QueryStatus {
  ok,        // the handler answered
  too_long,  // no line end within the query limit: answered with kQueryTooLongText
  invalid,   // the line holds a control character: answered with kInvalidQueryText
  timeout,   // the line (or the response) did not get through in time: closed without an answer
  error,     // the handler threw: answered with kServerErrorText
  closed,    // the client went away before ending its line: nothing answered
};

/// The status as the access log writes it ("ok", "too_long", ...).
[[nodiscard]] std::string_view to_string(QueryStatus status);

/// What the access log records about one query and its response. The views must outlive the call to
/// format_access_log_line.
struct AccessRecord {
  Timestamp time;                        // when the connection was accepted
  std::string_view remote;               // the peer's IP address
  std::string_view query;                // the line as received, without CR LF, cut to the query limit
  QueryStatus status = QueryStatus::ok;  // how the query ended
  std::size_t bytes = 0;                 // response bytes sent
  std::chrono::microseconds duration{};  // connection accepted to last byte sent
};

/// `{"time":"…","remote":"…","query":"…","status":"ok","bytes":123,"duration_ms":1.234}`, without a
/// trailing newline.
[[nodiscard]] std::string format_access_log_line(const AccessRecord& record);

/// Appends `text` to `out` as the inside of a JSON string (no quotes added): '"' and '\' escaped, control
/// characters and DEL as \u00XX, well-formed UTF-8 kept, every byte of malformed UTF-8 as \ufffd.
void append_json_string(std::string& out, std::string_view text);

}  // namespace ssad::whois
