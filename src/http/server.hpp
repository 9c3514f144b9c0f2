#pragma once
// The HTTP/1.1 server the front doors (RDAP, /v1/, portal, health) run on, over plain TCP or TLS. It owns
// sockets, TLS, parsing, limits, timeouts, keep-alive, HEAD, the access log and graceful shutdown; what a
// request means is the business of the Handler (in practice http::Router), a pure function from a parsed
// Request to a Response value (no socket), so that everything above this module is tested without a
// network. The requests it refuses itself (unparseable, oversized, a failed handler) are answered through
// the one error mapping (http/error_mapping.hpp), in the dialect of their path.

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
#include "http/client_address.hpp"
#include "http/connection_limit.hpp"
#include "http/message.hpp"

namespace ssad::http {

/// Answers one request. Called on a server thread, possibly concurrently when threads > 1. An exception
/// escaping it is logged and answered with a 500; the connection stays usable.
using Handler = std::function<Response(const Request&)>;

/// Answers a request on the thread that read it when that needs no store work (a refusal, a cached
/// answer, a health check); nullopt hands it to the worker threads, where the Handler answers it. It may
/// mark the request (Request::admitted) for the Handler. Must not block.
using QuickHandler = std::function<std::optional<Response>(Request&)>;

/// Receives one access-log line: a JSON object without a trailing newline.
using AccessLogSink = std::function<void(std::string_view line)>;

/// The certificate an HTTPS listener presents. TLS 1.2 and 1.3 only; under TLS 1.2 only the ECDHE
/// suites with AES-GCM (ICANN RDAP Technical Implementation Guide, 2024). An RSA certificate enables the
/// ECDHE-RSA suites, an ECDSA one the ECDHE-ECDSA suites.
struct TlsOptions {
  std::string certificate_chain_file;  // PEM: the server's certificate, then any intermediates
  std::string private_key_file;        // PEM: that certificate's private key, not encrypted
};

/// How the server listens and what it tolerates.
struct ServerOptions {
  std::string host = "127.0.0.1";  // address or name to listen on; "::" or "0.0.0.0" for all
  std::uint16_t port = 8080;       // TCP port; 0 picks a free one (see Server::port())
  unsigned threads = 1;            // threads accepting, reading and writing (and QuickHandler)
  // Threads running the Handler, so that a slow one (a store read) never holds the threads that accept
  // and read connections. 0: the Handler runs on those threads.
  unsigned workers = 0;
  // Requests waiting for or on a worker at once, in all and from one client (counted as the rate limiter
  // counts: IPv4 address, IPv6 /64; behind a trusted proxy, the client it forwards for); beyond, one is
  // refused at once (HTTP 503 with Retry-After, a WHOIS busy line) rather than queued behind more work
  // than the workers can do, or behind one client's. 0: 64 per worker in all, 16 per worker per client.
  std::size_t max_pending = 0;
  std::size_t max_pending_per_client = 0;
  std::chrono::seconds read_timeout{10};   // to receive one whole request; also a new connection's first
  std::chrono::seconds write_timeout{10};  // to send one whole response
  std::chrono::seconds idle_timeout{30};   // a keep-alive connection waiting for its next request
  std::size_t header_limit = std::size_t{8} * 1024;  // request line plus header fields, in bytes; beyond: 431
  std::size_t body_limit = std::size_t{64} * 1024;   // request body, in bytes; beyond: 413
  std::optional<TlsOptions> tls;                     // set: the listener speaks HTTPS only; unset: HTTP
  // Connections open at once, shared with the other listeners that hold the same object. Null: this
  // server's own, with ConnectionLimitOptions' defaults. A connection over a limit is closed as soon as
  // it is accepted, without a response (a 503 would cost what the limit is there to save).
  std::shared_ptr<ConnectionLimits> connection_limits;
  // Peers believed about the client they forward for (http/client_address.hpp); their connections count
  // towards the total only, not per address. Empty: the peer is the client.
  TrustedProxies trusted_proxies;
};

/// What the embedding application customises; empty members mean the defaults.
struct ServerHooks {
  AccessLogSink access_log;  // default: spdlog at info level
  bool log_access = true;    // false: no access log (the line is not even formatted)
  // What SIGHUP does under run(). Default: reload_tls() when the server speaks TLS (logged), nothing
  // otherwise; never the signal's default action, which would end the process.
  std::function<void()> on_hangup;
  // With ServerOptions::workers: tried first for every request, on the reading thread. Empty: every
  // request goes to the workers.
  QuickHandler quick;
  // Told of every response the server sends — the Handler's, the quick handler's and the server's own
  // refusals (400, 413, 431, 503) — once it is written or its writing failed, with the duration the
  // access log records. Called on a server thread, concurrently with itself; must be cheap and must not
  // throw (http::RouteMetrics::record). Empty: nothing is told.
  std::function<void(const Exchange&)> observe;
};

/// An HTTP/1.1 server: coroutine sessions on an io_context, keep-alive, one Handler for every request.
/// With ServerOptions::tls each connection begins with a TLS handshake (under the read timeout); a client
/// that fails it is closed without a response.
///
/// Access-log line fields: time (RFC 3339, when the request began arriving), remote (the client's
/// address: the peer's, or the one a trusted proxy forwarded for), method, target, status, bytes (body
/// bytes sent), duration_ms (first byte received to last byte sent).
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
  /// once every connection has closed; SIGHUP meanwhile calls ServerHooks::on_hangup. Call run() or
  /// start_background() once.
  void run();
  /// Serves on `threads` internal threads and returns at once (for tests and embedding).
  void start_background();
  /// Graceful stop: stops accepting, closes keep-alive connections that wait for a request, lets
  /// requests that have begun arriving finish (their response says Connection: close), then closes.
  /// Returns when the background threads have finished, except when called from a server thread (from a
  /// Handler), where it only starts the stop. Idempotent; callable from any thread.
  void stop();

  /// Reads the TLS certificate chain and key files again and presents them on connections accepted from
  /// now on; connections already open keep the ones they began with. Errors as create()'s for the
  /// files, and invalid_input when the server does not speak TLS; on an error the certificate in use
  /// stays. Callable from any thread (SIGHUP calls it, see ServerHooks::on_hangup).
  [[nodiscard]] Result<void> reload_tls();

 private:
  struct Impl;
  explicit Server(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace ssad::http
