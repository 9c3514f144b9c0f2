#pragma once
// The HTTP/1.1 server the front doors (RDAP, /v1/, portal, health) run on, over plain TCP or TLS. It owns
// sockets, TLS, parsing, limits, timeouts, keep-alive, HEAD, the access log and graceful shutdown; what a
// request means is the business of the Handler, a pure function from a parsed Request to a Response
// value (no socket), so that everything above this module is tested without a network.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/error.hpp"

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

/// Answers one request. Called on a server thread, possibly concurrently when threads > 1. An exception
/// escaping it is logged and answered with a 500; the connection stays usable.
using Handler = std::function<Response(const Request&)>;

/// Builds the response the server itself sends for a request it refuses before (or instead of) calling
/// the Handler: 400 (unparseable), 413 (body too large), 431 (header too large), 500 (handler failed).
/// `detail` is a short English reason that never contains request data.
using ErrorResponder = std::function<Response(unsigned status, std::string_view detail)>;

/// Receives one access-log line: a JSON object without a trailing newline.
using AccessLogSink = std::function<void(std::string_view line)>;

/// The default ErrorResponder: "<status> <reason>: <detail>" as text/plain.
[[nodiscard]] Response plain_text_error(unsigned status, std::string_view detail);

/// The certificate an HTTPS listener presents. TLS 1.2 and 1.3 only; under TLS 1.2 only the ECDHE
/// suites with AES-GCM (ICANN RDAP Technical Implementation Guide, 2024). An RSA certificate enables the
/// ECDHE-RSA suites, an ECDSA one the ECDHE-ECDSA suites.
struct TlsOptions {
  std::string certificate_chain_file;  // PEM: the server's certificate, then any intermediates
  std::string private_key_file;        // PEM: that certificate's private key, not encrypted
};

/// How the server listens and what it tolerates.
struct ServerOptions {
  std::string host = "127.0.0.1";          // address or name to listen on; "::" or "0.0.0.0" for all
  std::uint16_t port = 8080;               // TCP port; 0 picks a free one (see Server::port())
  unsigned threads = 1;                    // threads running the sessions and the Handler
  std::chrono::seconds read_timeout{10};   // to receive one whole request; also a new connection's first
  std::chrono::seconds write_timeout{10};  // to send one whole response
  std::chrono::seconds idle_timeout{30};   // a keep-alive connection waiting for its next request
  std::size_t header_limit = std::size_t{8} * 1024;  // request line plus header fields, in bytes; beyond: 431
  std::size_t body_limit = std::size_t{64} * 1024;   // request body, in bytes; beyond: 413
  std::optional<TlsOptions> tls;                     // set: the listener speaks HTTPS only; unset: HTTP
};

/// What the embedding application customises; empty members mean the defaults.
struct ServerHooks {
  ErrorResponder error_response;  // default: plain_text_error
  AccessLogSink access_log;       // default: spdlog at info level
  bool log_access = true;         // false: no access log (the line is not even formatted)
};

/// An HTTP/1.1 server: coroutine sessions on an io_context, keep-alive, one Handler for every request.
/// With ServerOptions::tls each connection begins with a TLS handshake (under the read timeout); a client
/// that fails it is closed without a response.
///
/// Access-log line fields: time (RFC 3339, when the request began arriving), remote, method, target,
/// status, bytes (body bytes sent), duration_ms (first byte received to last byte sent).
class Server {
 public:
  /// Binds and listens (so that port 0 is resolved before this returns); serves nothing until run() or
  /// start_background(). Errors: invalid_input without a handler; unavailable when the address cannot be
  /// resolved, bound or listened on ("cannot listen on 127.0.0.1:80: Permission denied"). With TLS also:
  /// unavailable when the certificate chain or key file cannot be read, invalid_input when it holds no
  /// PEM certificate or key or the two do not match; the message names the file.
  [[nodiscard]] static Result<std::unique_ptr<Server>> create(ServerOptions options, Handler handler,
                                                              ServerHooks hooks = {});

  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;
  /// Stops (as stop()) and waits for the background threads.
  ~Server();

  /// The port listened on (the chosen one when ServerOptions::port was 0).
  [[nodiscard]] std::uint16_t port() const;
  /// "host:port" listened on, "[::1]:8080" for IPv6.
  [[nodiscard]] std::string address() const;

  /// Serves on the calling thread plus threads - 1 more until stop() or SIGINT/SIGTERM, then returns
  /// once every connection has closed. Call run() or start_background() once.
  void run();
  /// Serves on `threads` internal threads and returns at once (for tests and embedding).
  void start_background();
  /// Graceful stop: stops accepting, closes keep-alive connections that wait for a request, lets
  /// requests that have begun arriving finish (their response says Connection: close), then closes.
  /// Returns when the background threads have finished, except when called from a server thread (from a
  /// Handler), where it only starts the stop. Idempotent; callable from any thread.
  void stop();

 private:
  struct Impl;
  explicit Server(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace ssad::http
