#pragma once
// The WHOIS transport of RFC 3912: a TCP server that reads one query line per connection, has a Handler
// turn it into the response text, sends that and closes. It owns sockets, the line limit, timeouts, the
// access log and graceful shutdown; what a query means (and how a response is laid out) is the Handler's
// business, a plain function with no socket, so that it is tested without a network.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "core/error.hpp"
#include "http/connection_limit.hpp"

namespace ssad::whois {

/// One query as received.
struct Query {
  std::string line;            // the query line without its CR LF (or bare LF): at most query_limit bytes,
                               // no ASCII control character or DEL; may be empty; bytes above 0x7F are
                               // passed as sent (not checked to be UTF-8)
  std::string remote_address;  // the peer's IP address ("127.0.0.1", "::1"; IPv4-mapped IPv6 as IPv4)
  bool admitted = false;       // the QuickHandler has counted it against the rate limit already
};

/// Answers one query with the whole response text, sent as returned (CRLF line ends are the Handler's
/// job); the server closes the connection after it. Called on a server thread, possibly concurrently when
/// threads > 1; while it runs it holds that thread. An exception escaping it is logged and answered with
/// kServerErrorText; the server keeps serving.
using Handler = std::function<std::string(const Query&)>;

/// With ServerOptions::workers: answers a query on the thread that read it when that needs no store read
/// (a refusal, a cached answer); nullopt hands it to the workers' Handler. It may mark the query
/// (Query::admitted). Must not block.
using QuickHandler = std::function<std::optional<std::string>(Query&)>;

/// Receives one access-log line: a JSON object without a trailing newline (see whois/access_log.hpp).
/// Called on a server thread, possibly concurrently when threads > 1.
using AccessLogSink = std::function<void(std::string_view line)>;

/// The server's own answers, for queries the Handler never sees or failed on. They never echo the query.
inline constexpr std::string_view kQueryTooLongText = "% Error: query too long\r\n";
inline constexpr std::string_view kInvalidQueryText = "% Error: invalid query\r\n";
inline constexpr std::string_view kServerErrorText = "% Error: the server failed to answer the query\r\n";
inline constexpr std::string_view kBusyText =
    "% Error: the server is busy; please try again in a moment.\r\n";

/// How the server listens and what it tolerates.
struct ServerOptions {
  std::string host = "127.0.0.1";  // address or name to listen on; "::" or "0.0.0.0" for all
  std::uint16_t port = 43;         // TCP port; 0 picks a free one (see Server::port())
  unsigned threads = 1;            // threads accepting, reading and writing connections
  // Threads running the Handler, so that a slow store read never holds the threads that accept and read
  // connections. 0: the Handler runs on those threads.
  unsigned workers = 0;
  // Requests waiting for or on a worker at once, in all and from one client (counted as the rate limiter
  // counts: IPv4 address, IPv6 /64; behind a trusted proxy, the client it forwards for); beyond, one is
  // refused at once (HTTP 503 with Retry-After, a WHOIS busy line) rather than queued behind more work
  // than the workers can do, or behind one client's. 0: 64 per worker in all, 16 per worker per client.
  std::size_t max_pending = 0;
  std::size_t max_pending_per_client = 0;
  std::chrono::milliseconds read_timeout{10000};   // from accept to the query's line end, however it
                                                   // trickles in (milliseconds, so that tests wait little)
  std::chrono::milliseconds write_timeout{10000};  // to send the whole response
  std::size_t query_limit = 255;                   // bytes in the query line without CR LF, 1..65536; beyond:
                                                   // kQueryTooLongText
  // Connections open at once, shared with the other listeners that hold the same object. Null: this
  // server's own, with http::ConnectionLimitOptions' defaults. A connection over a limit is closed as
  // soon as it is accepted, without an answer (and without an access-log line).
  std::shared_ptr<http::ConnectionLimits> connection_limits;
};

/// An RFC 3912 WHOIS server: coroutine connections on an io_context, one query per connection, one
/// Handler for every query.
///
/// Per connection: the line is read until LF within read_timeout (a client that sends nothing, or too
/// slowly, is closed without an answer); a trailing CR is stripped; a line over query_limit gets
/// kQueryTooLongText, one with a control character kInvalidQueryText, any other the Handler's text; then
/// the server closes. Bytes after the line end are ignored. An access-log line is written per query,
/// including refused and timed-out ones, but not for a connection closed before it sent a byte.
class Server {
 public:
  /// Binds and listens (so that port 0 is resolved before this returns); serves nothing until run() or
  /// start_background(). `access_log` empty means spdlog at info level. Errors: invalid_input without a
  /// handler or with query_limit outside 1..65536; unavailable when the address cannot be resolved, bound
  /// or listened on ("cannot listen on 127.0.0.1:43: Permission denied").
  /// `quick`: see QuickHandler (used only with ServerOptions::workers).
  [[nodiscard]] static Result<std::unique_ptr<Server>> create(ServerOptions options, Handler handler,
                                                              AccessLogSink access_log = {},
                                                              QuickHandler quick = {});

  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;
  /// Stops (as stop()) and waits for the background threads.
  ~Server();

  /// The port listened on (the chosen one when ServerOptions::port was 0).
  [[nodiscard]] std::uint16_t port() const;
  /// "host:port" listened on, "[::1]:43" for IPv6.
  [[nodiscard]] std::string address() const;

  /// Serves on the calling thread plus threads - 1 more until stop() or SIGINT/SIGTERM, then returns
  /// once every connection has closed. Call run() or start_background() once.
  void run();
  /// Serves on `threads` internal threads and returns at once (for tests and embedding).
  void start_background();
  /// Graceful stop: stops accepting, closes connections that have not sent a byte yet, lets the others
  /// finish their query (within read_timeout and write_timeout), then returns. Returns when the
  /// background threads have finished, except when called from a server thread (from a Handler), where it
  /// only starts the stop. Idempotent; callable from any thread.
  void stop();

 private:
  struct Impl;
  explicit Server(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace ssad::whois
