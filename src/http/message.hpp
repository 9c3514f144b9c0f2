#pragma once
// An HTTP request and response as values: what the transport (http/server.hpp) hands to the router and
// the front doors, and what they hand back. No sockets and no Boost, so that every module may use them.

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace ssad::http {

/// Header fields in the order they were received or are to be sent; names keep their spelling.
using Headers = std::vector<std::pair<std::string, std::string>>;

/// The value of the first field called `name` (compared case-insensitively), or nullopt.
[[nodiscard]] std::optional<std::string_view> find_header(const Headers& headers, std::string_view name);

/// One request as received. The target is split but not decoded: percent-decoding is left to whoever
/// interprets the path, since "/" and "%2F" mean different things there.
struct Request {
  std::string method;          // as sent ("GET", "POST"); a HEAD request arrives as "GET" with head set
  bool head = false;           // the client sent HEAD: the server sends the response's headers only
  std::string target;          // the raw request-target ("/rdap/domain/example.com?x=1")
  std::string path;            // target up to the first '?', still percent-encoded
  std::string query;           // target after the first '?' (without it), still percent-encoded
  Headers headers;             // as received
  std::string body;            // the whole body (bounded by ServerOptions::body_limit)
  std::string remote_address;  // the peer's IP address ("127.0.0.1", "::1")
  bool secure = false;         // received over TLS (the URL the client used is https://)
  bool admitted = false;       // the router's gate (rate limit) has let it through already

  /// The first header called `name`, case-insensitively.
  [[nodiscard]] std::optional<std::string_view> header(std::string_view name) const {
    return find_header(headers, name);
  }
};

/// One response. The server owns the framing: it sets Content-Length, Connection and (when absent) Date,
/// and ignores Content-Length, Transfer-Encoding and Connection given here. 204 and 304 carry no body.
struct Response {
  unsigned status = 200;  // 200..599; anything else is answered as a 500
  Headers headers;
  std::string body;

  /// The first header called `name`, case-insensitively.
  [[nodiscard]] std::optional<std::string_view> header(std::string_view name) const {
    return find_header(headers, name);
  }
};

/// What the server saw of one request and its response, once the response was sent (or failed to be):
/// for metrics (http::RouteMetrics). The views are valid during the call only.
struct Exchange {
  std::string_view
      method;  // as the client sent it ("GET", "HEAD", …); empty when the request line was not read
  std::string_view path;                 // the target up to '?', still percent-encoded; empty when unknown
  unsigned status = 0;                   // the status sent
  std::chrono::nanoseconds duration{0};  // from the request's first byte to the response's last
};

}  // namespace ssad::http
