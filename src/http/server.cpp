#include "http/server.hpp"

#include <algorithm>
#include <array>
#include <atomic>
#include <exception>
#include <limits>
#include <mutex>
#include <system_error>
#include <thread>
#include <type_traits>
#include <unordered_set>

#include <fmt/format.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <spdlog/spdlog.h>

#include "core/time.hpp"
#include "http/access_log.hpp"
#include "http/asio.hpp"
#include "http/error_mapping.hpp"
#include "http/listener.hpp"

// The shape follows Boost.Beast's awaitable and advanced servers: one coroutine per connection on its own
// strand, a timeout on every read and write, parser limits, one fail() reporter. What is added here is
// what they leave out: a registry of connections so that stop() can tell an idle keep-alive connection
// (closed at once) from one whose request has begun (left to finish). A session is one template over
// its stream, plain TCP or TLS over TCP; the two differ only in the handshake and in how they end.

namespace ssad::http {
namespace {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace bhttp = beast::http;
using tcp = net::ip::tcp;
using TlsStream = beast::ssl_stream<beast::tcp_stream>;

template <class Stream>
constexpr bool kIsTls = std::is_same_v<Stream, TlsStream>;

// How much to read while waiting for a request's first bytes; the parser reads the rest.
constexpr std::size_t kFirstReadSize = 4096;
// How much a client may still send after an error response before the connection is cut.
constexpr std::size_t kLingerLimit = std::size_t{1024} * 1024;
// Under TLS 1.2, the four suites the ICANN RDAP Technical Implementation Guide (2024) allows: forward
// secrecy and authenticated encryption. TLS 1.3's own suites all qualify and stay OpenSSL's default.
constexpr const char* kTls12CipherSuites =
    "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:"
    "ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384";

std::string_view to_std(beast::string_view text) { return {text.data(), text.size()}; }

char ascii_lower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(),
                                            [](char x, char y) { return ascii_lower(x) == ascii_lower(y); });
}

// RFC 9110 §5.6.2 tchar.
bool is_token_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
         std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos;
}

// A handler's header that would break the message (or split it, if a value carries CR LF) is dropped.
bool is_sendable_field(std::string_view name, std::string_view value) {
  return !name.empty() && std::all_of(name.begin(), name.end(), is_token_char) &&
         value.find_first_of(std::string_view("\r\n\0", 3)) == std::string_view::npos;
}

bool is_framing_field(std::string_view name) {
  return iequals(name, "content-length") || iequals(name, "transfer-encoding") || iequals(name, "connection");
}

bool status_allows_body(unsigned status) { return status != 204 && status != 304; }

// The IMF-fixdate of RFC 9110 §5.6.7, written by hand: strftime would follow the process locale.
std::string http_date(std::chrono::system_clock::time_point now) {
  using namespace std::chrono;
  static constexpr std::array<const char*, 7> kDays{"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
  static constexpr std::array<const char*, 12> kMonths{"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                       "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  const auto secs = floor<seconds>(now);
  const auto day_start = floor<days>(secs);
  const year_month_day date{day_start};
  const hh_mm_ss clock_time{secs - day_start};
  return fmt::format("{}, {:02} {} {:04} {:02}:{:02}:{:02} GMT", kDays[weekday{day_start}.c_encoding()],
                     static_cast<unsigned>(date.day()), kMonths[static_cast<unsigned>(date.month()) - 1],
                     static_cast<int>(date.year()), clock_time.hours().count(), clock_time.minutes().count(),
                     clock_time.seconds().count());
}

// The one reporter of connection-level failures. A peer that goes away, a timeout or our own shutdown
// is routine; so is a TLS error, which is a peer's alert or a record it garbled. Anything else is worth a
// warning.
void fail(beast::error_code ec, std::string_view what) {
  if (ec == net::error::operation_aborted || ec == net::error::eof || ec == net::error::connection_reset ||
      ec == net::error::broken_pipe || ec == net::error::bad_descriptor || ec == beast::error::timeout ||
      ec == bhttp::error::end_of_stream || ec == bhttp::error::partial_message ||
      ec == net::ssl::error::stream_truncated || ec.category() == net::error::get_ssl_category()) {
    spdlog::debug("http: {}: {}", what, ec.message());
    return;
  }
  spdlog::warn("http: {}: {}", what, ec.message());
}

// The target of a request line the parser could not finish (it exceeded the header limit): the bytes after
// the method's space, up to the next space or what has arrived; "" when there is no space.
std::string unparsed_target(const beast::flat_buffer& buffer) {
  const std::string_view head(static_cast<const char*>(buffer.data().data()),
                              std::min<std::size_t>(buffer.size(), 256));
  const std::size_t space = head.find(' ');
  if (space == std::string_view::npos) return {};
  const std::string_view rest = head.substr(space + 1);
  return std::string(rest.substr(0, rest.find_first_of(" \r\n")));
}

// The status for a request the parser refused, or 0 when the connection itself failed.
unsigned refusal_status(beast::error_code ec) {
  if (ec == bhttp::error::header_limit) return 431;
  if (ec == bhttp::error::body_limit) return 413;
  if (ec == bhttp::error::end_of_stream || ec == bhttp::error::partial_message) return 0;
  if (ec.category() == bhttp::make_error_code(bhttp::error::bad_method).category()) return 400;
  return 0;
}

Request to_request(bhttp::request<bhttp::string_body>&& message, const std::string& remote) {
  Request request;
  request.head = message.method() == bhttp::verb::head;
  request.method = request.head ? "GET" : std::string(to_std(message.method_string()));
  request.target = std::string(to_std(message.target()));
  const auto question = request.target.find('?');
  request.path = request.target.substr(0, question);
  if (question != std::string::npos) request.query = request.target.substr(question + 1);
  for (const auto& field : message) {
    request.headers.emplace_back(std::string(to_std(field.name_string())),
                                 std::string(to_std(field.value())));
  }
  request.body = std::move(message.body());
  request.remote_address = remote;
  return request;
}

// The response's status and headers as Beast's message; the caller adds the body, if any.
template <class Body>
bhttp::response<Body> to_message(const Response& response, unsigned version, bool keep_alive) {
  bhttp::response<Body> message;
  message.version(version);
  message.result(response.status);
  for (const auto& [name, value] : response.headers) {
    if (is_framing_field(name)) continue;
    if (!is_sendable_field(name, value)) {
      spdlog::error("http: dropped a response header that is not valid HTTP: '{}'", log_safe(name));
      continue;
    }
    message.insert(name, value);
  }
  if (message.find(bhttp::field::date) == message.end()) {
    // Formatted once a second per thread, not once per response.
    thread_local std::chrono::sys_seconds formatted_at{};
    thread_local std::string formatted;
    const auto now = std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now());
    if (now != formatted_at || formatted.empty()) {
      formatted = http_date(now);
      formatted_at = now;
    }
    message.set(bhttp::field::date, formatted);
  }
  if (status_allows_body(response.status)) message.content_length(response.body.size());
  message.keep_alive(keep_alive);
  return message;
}

// A connection and the state stop() needs, whatever its stream. busy and closing are touched only on the
// stream's executor (its strand, or the io_context itself when it has one thread).
struct Connection {
  explicit Connection(std::shared_ptr<net::ssl::context> context) : tls_context(std::move(context)) {}
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;
  virtual ~Connection() = default;

  // The TCP layer under the stream: its executor is the connection's strand, its timer the timeouts, and
  // closing it ends whatever is pending, TLS included.
  virtual beast::tcp_stream& tcp() = 0;

  // The TLS context the connection began with: a reload does not take it away. Null for plain TCP.
  std::shared_ptr<net::ssl::context> tls_context;
  ConnectionLimits::Slot slot;  // its place under the connection limits
  net::ip::address peer;        // the TCP peer
  std::string remote_address;   // the peer's address as text (IPv4-mapped as IPv4)
  bool busy = false;            // a request has begun arriving and is not yet answered
  bool closing = false;         // the server is stopping: close once the current response is sent
};

// A connection over a beast::tcp_stream or a TlsStream.
template <class Stream>
struct StreamConnection final : Connection {
  template <class... Args>
  explicit StreamConnection(std::shared_ptr<net::ssl::context> context, Args&&... args)
      : Connection(std::move(context)), stream(std::forward<Args>(args)...) {}
  beast::tcp_stream& tcp() override { return beast::get_lowest_layer(stream); }
  Stream stream;
};

// The earliest error on OpenSSL's (per-thread) error queue, which says most about what went wrong ("No
// such file or directory" rather than "system lib"), as a Result error; the queue is cleared.
Error openssl_error(std::string_view context) {
  const unsigned long first = ERR_get_error();
  ERR_clear_error();
  // A system error is a file that cannot be opened or read, and carries an errno, whose text OpenSSL
  // does not always have; anything else is about what the file holds.
  if (ERR_SYSTEM_ERROR(first)) {
    return Error{ErrorCode::unavailable,
                 fmt::format("{}: {}", context, std::generic_category().message(ERR_GET_REASON(first)))};
  }
  const char* reason = first == 0 ? nullptr : ERR_reason_error_string(first);
  return Error{ErrorCode::invalid_input,
               fmt::format("{}: {}", context, reason != nullptr ? reason : "unknown OpenSSL error")};
}

// OpenSSL asks for a passphrase on the terminal when a key is encrypted, which would hang a service
// started without one; refusing makes loading such a key fail instead.
int refuse_passphrase(char* /*buffer*/, int /*size*/, int /*rwflag*/, void* /*userdata*/) { return 0; }

// A server context with the guide's protocol versions and suites, and the given certificate and key.
Result<net::ssl::context> make_tls_context(const TlsOptions& tls) {
  net::ssl::context context(net::ssl::context::tls_server);
  SSL_CTX* ctx = context.native_handle();
  ERR_clear_error();
  if (SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION) != 1 ||
      SSL_CTX_set_cipher_list(ctx, kTls12CipherSuites) != 1) {
    return std::unexpected(openssl_error("cannot configure TLS"));
  }
  // No compression (CRIME), no renegotiation (TLS 1.2 only, with a history of attacks and no use here),
  // and our order of suites rather than the client's.
  SSL_CTX_set_options(ctx, SSL_OP_NO_COMPRESSION | SSL_OP_NO_RENEGOTIATION | SSL_OP_CIPHER_SERVER_PREFERENCE);
  // No session resumption: ticket keys would live as long as the process and, once stolen, open every
  // recorded session they resumed (no forward secrecy). A full handshake per connection is the price.
  SSL_CTX_set_options(ctx, SSL_OP_NO_TICKET);
  SSL_CTX_set_num_tickets(ctx, 0);
  SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_OFF);
  SSL_CTX_set_default_passwd_cb(ctx, refuse_passphrase);
  if (SSL_CTX_use_certificate_chain_file(ctx, tls.certificate_chain_file.c_str()) != 1) {
    return std::unexpected(
        openssl_error(fmt::format("cannot load the TLS certificate chain '{}'", tls.certificate_chain_file)));
  }
  if (SSL_CTX_use_PrivateKey_file(ctx, tls.private_key_file.c_str(), SSL_FILETYPE_PEM) != 1) {
    return std::unexpected(
        openssl_error(fmt::format("cannot load the TLS private key '{}'", tls.private_key_file)));
  }
  // A key of the certificate's type but another pair is refused above ("key values mismatch"); one of
  // another type (an RSA key for an ECDSA certificate) is only found out here, where OpenSSL's reason
  // ("no certificate assigned") would mislead.
  if (SSL_CTX_check_private_key(ctx) != 1) {
    ERR_clear_error();
    return ssad::fail(ErrorCode::invalid_input,
                      fmt::format("the TLS private key '{}' does not belong to the certificate '{}'",
                                  tls.private_key_file, tls.certificate_chain_file));
  }
  return context;
}

}  // namespace

struct Server::Impl {
  Impl(ServerOptions server_options, Handler request_handler, ServerHooks server_hooks)
      : options(std::move(server_options)),
        handler(std::move(request_handler)),
        hooks(std::move(server_hooks)),
        ioc(static_cast<int>(thread_count())),
        control(net::make_strand(ioc)),
        acceptor(control) {
    if (!hooks.access_log) hooks.access_log = [](std::string_view line) { spdlog::info("{}", line); };
    if (!options.connection_limits) options.connection_limits = std::make_shared<ConnectionLimits>();
  }

  [[nodiscard]] unsigned thread_count() const { return std::max(1U, options.threads); }

  ServerOptions options;
  Handler handler;
  ServerHooks hooks;
  // Set when options.tls is: the context new connections take. Each connection holds the one it began
  // with, so a reload replaces this one only.
  std::mutex tls_mutex;
  std::shared_ptr<net::ssl::context> tls;
  // Declared before everything that holds its executor, so that it is destroyed last.
  net::io_context ioc;
  net::strand<net::io_context::executor_type> control;  // serialises the acceptor and the signal set
  tcp::acceptor acceptor;
  tcp::endpoint local;
  std::optional<net::signal_set> signals;  // only under run()
  std::optional<net::signal_set> hangup;   // SIGHUP, only under run()
  // Runs the Handler (options.workers > 0). Declared after ioc: destroyed (stopped and joined) first.
  std::optional<net::thread_pool> workers;
  // Places for requests waiting for or on a worker: counted like connections (ServerOptions::max_pending).
  std::optional<ConnectionLimits> pending;

  struct Connections {  // the data and its mutex travel together
    std::mutex mutex;
    bool serving = false;
    bool stopping = false;
    std::unordered_set<std::shared_ptr<Connection>> live;
  } connections;
  std::atomic<bool> stopping{false};  // connections.stopping, readable without the lock

  std::mutex threads_mutex;
  std::vector<std::thread> threads;  // start_background()'s

  // Starts the accept loop; false when already started or stopped.
  bool begin_serving() {
    {
      const std::lock_guard lock(connections.mutex);
      if (connections.serving || connections.stopping) return false;
      connections.serving = true;
    }
    // Made when serving begins (once: serving is set above), not when the server is created: a server
    // that never serves starts no threads.
    if (options.workers > 0) {
      workers.emplace(options.workers);
      pending.emplace(pending_limits(options.workers, options.max_pending, options.max_pending_per_client));
    }
    net::co_spawn(control, accept_loop(), [](const std::exception_ptr& error) {
      if (error) spdlog::error("http: the accept loop failed");
    });
    return true;
  }

  void begin_shutdown() {
    std::vector<std::shared_ptr<Connection>> open;
    {
      const std::lock_guard lock(connections.mutex);
      if (connections.stopping) return;
      connections.stopping = true;
      stopping = true;
      open.assign(connections.live.begin(), connections.live.end());
    }
    net::post(control, [this] {
      beast::error_code ignored;
      acceptor.close(ignored);
      if (signals) {
        // Clearing restores the default action, so that a second Ctrl-C ends a stop that hangs.
        signals->cancel(ignored);
        signals->clear(ignored);
      }
      if (hangup) hangup->cancel(ignored);
    });
    for (auto& connection : open) {
      net::post(connection->tcp().get_executor(), [connection] {
        connection->closing = true;
        if (!connection->busy) connection->tcp().close();
      });
    }
  }

  net::awaitable<void> accept_loop() {
    for (;;) {
      beast::error_code ec;
      // A strand per connection serialises its handlers across threads; with one thread there is nothing
      // to serialise, and the strand's dispatch costs a tenth of a cached response.
      const net::any_io_executor executor = thread_count() == 1 ? net::any_io_executor(ioc.get_executor())
                                                                : net::any_io_executor(net::make_strand(ioc));
      tcp::socket socket =
          co_await acceptor.async_accept(executor, net::redirect_error(net::use_awaitable, ec));
      if (!acceptor.is_open()) co_return;
      if (ec) {
        fail(ec, "accept");
        // Out of file descriptors, most likely: pause instead of spinning on the error.
        net::steady_timer pause(control, std::chrono::milliseconds(100));
        co_await pause.async_wait(net::redirect_error(net::use_awaitable, ec));
        continue;
      }
      start_session(std::move(socket));
    }
  }

  void start_session(tcp::socket socket) {
    beast::error_code ec;
    const auto peer = socket.remote_endpoint(ec);
    if (ec) return;  // gone already
    // Over a limit: closed at once (by going out of scope), before any TLS or HTTP work.
    const bool proxy = !options.trusted_proxies.empty() && options.trusted_proxies.contains(peer.address());
    const std::string remote = peer_address(peer);
    ConnectionLimits::Slot slot = options.connection_limits->acquire(remote, !proxy);
    if (!slot.held()) {
      spdlog::debug("http: connection from {} refused: over the connection limit", remote);
      return;
    }
    if (options.tls) {
      std::shared_ptr<net::ssl::context> context;
      {
        const std::lock_guard lock(tls_mutex);
        context = tls;
      }
      auto tls_connection =
          std::make_shared<StreamConnection<TlsStream>>(context, std::move(socket), *context);
      prepare(*tls_connection, peer, remote, std::move(slot));
      launch(tls_connection);
    } else {
      auto plain_connection =
          std::make_shared<StreamConnection<beast::tcp_stream>>(nullptr, std::move(socket));
      prepare(*plain_connection, peer, remote, std::move(slot));
      launch(plain_connection);
    }
  }

  static void prepare(Connection& connection, const tcp::endpoint& peer, const std::string& remote,
                      ConnectionLimits::Slot slot) {
    connection.peer = peer.address();
    connection.remote_address = remote;
    connection.slot = std::move(slot);
  }

  template <class Stream>
  void launch(const std::shared_ptr<StreamConnection<Stream>>& connection) {
    {
      const std::lock_guard lock(connections.mutex);
      if (connections.stopping) return;  // accepted just as the stop began: closed by going out of scope
      connections.live.insert(connection);
    }
    net::co_spawn(connection->tcp().get_executor(), serve(connection),
                  [this, connection](const std::exception_ptr& error) {
                    if (error) {
                      try {
                        std::rethrow_exception(error);
                      } catch (const std::exception& e) {
                        spdlog::error("http: connection from {} failed: {}", connection->remote_address,
                                      e.what());
                      } catch (...) {
                        spdlog::error("http: connection from {} failed", connection->remote_address);
                      }
                    }
                    const std::lock_guard lock(connections.mutex);
                    connections.live.erase(connection);
                  });
  }

  // One connection: requests one after another until the client, an error, a timeout or stop() ends it.
  template <class Stream>
  net::awaitable<void> serve(std::shared_ptr<StreamConnection<Stream>> connection) {
    StreamConnection<Stream>& conn = *connection;
    if constexpr (kIsTls<Stream>) {
      // A client that connects and never completes the handshake is treated like one that sends half a
      // request. Failures (scanners, plain HTTP on this port, clients offering only what we refuse) are
      // routine, hence not warnings.
      beast::error_code ec;
      conn.tcp().expires_after(options.read_timeout);
      co_await conn.stream.async_handshake(net::ssl::stream_base::server,
                                           net::redirect_error(net::use_awaitable, ec));
      if (ec) {
        spdlog::debug("http: TLS handshake with {} failed: {}", conn.remote_address, ec.message());
        co_return;
      }
    }
    beast::flat_buffer buffer;
    bool first = true;
    for (;;) {
      conn.busy = false;
      if (conn.closing) break;
      // Waiting for a request's first bytes is what makes a connection idle; a pipelined request is
      // already in the buffer.
      if (buffer.size() == 0) {
        beast::error_code ec;
        conn.tcp().expires_after(first ? options.read_timeout : options.idle_timeout);
        const std::size_t n = co_await conn.stream.async_read_some(
            buffer.prepare(kFirstReadSize), net::redirect_error(net::use_awaitable, ec));
        if (ec) {
          fail(ec, "read");
          co_return;
        }
        buffer.commit(n);
        if (conn.closing) co_return;  // stop() closed the socket while these bytes arrived
      }
      conn.busy = true;
      first = false;
      if (!co_await exchange(conn, buffer)) break;
    }
    co_await shutdown_send(conn);
  }

  // Ends the sending side: over TLS a close_notify alert first, so that the client can tell our end of the
  // stream from a truncation; then the TCP FIN.
  template <class Stream>
  net::awaitable<void> shutdown_send(StreamConnection<Stream>& conn) {
    if constexpr (kIsTls<Stream>) {
      // Asio's shutdown sends our alert and then waits for the client's, which the client need not send
      // (RFC 8446 §6.1) and which may sit behind data it is still sending. Marking the client's alert as
      // received makes it send ours and return.
      SSL* ssl = conn.stream.native_handle();
      SSL_set_shutdown(ssl, SSL_get_shutdown(ssl) | SSL_RECEIVED_SHUTDOWN);
      beast::error_code ec;
      conn.tcp().expires_after(options.write_timeout);
      co_await conn.stream.async_shutdown(net::redirect_error(net::use_awaitable, ec));
      if (ec) fail(ec, "TLS shutdown");
    }
    beast::error_code ignored;
    conn.tcp().socket().shutdown(tcp::socket::shutdown_send, ignored);
  }

  // Reads the request whose first bytes are in `buffer` and answers it. Returns whether the connection
  // may carry another request.
  template <class Stream>
  net::awaitable<bool> exchange(StreamConnection<Stream>& conn, beast::flat_buffer& buffer) {
    AccessRecord record;
    record.time = std::chrono::time_point_cast<std::chrono::milliseconds>(std::chrono::system_clock::now());
    record.remote = conn.remote_address;
    const auto started = std::chrono::steady_clock::now();
    bhttp::request_parser<bhttp::string_body> parser;
    parser.header_limit(static_cast<std::uint32_t>(
        std::min<std::size_t>(options.header_limit, std::numeric_limits<std::uint32_t>::max())));
    parser.body_limit(options.body_limit);

    beast::error_code ec;
    conn.tcp().expires_after(options.read_timeout);
    co_await bhttp::async_read_header(conn.stream, buffer, parser,
                                      net::redirect_error(net::use_awaitable, ec));
    if (!ec && parser.get().version() >= 11 &&
        iequals(to_std(parser.get()[bhttp::field::expect]), "100-continue")) {
      bhttp::response<bhttp::empty_body> go_on{bhttp::status::continue_, parser.get().version()};
      ec = co_await write(conn, go_on);
      if (ec) {
        fail(ec, "write");
        co_return false;
      }
    }
    if (!ec && !parser.is_done()) {
      conn.tcp().expires_after(options.read_timeout);
      co_await bhttp::async_read(conn.stream, buffer, parser, net::redirect_error(net::use_awaitable, ec));
    }

    if (ec) {
      const unsigned status = refusal_status(ec);
      if (status == 0) {
        fail(ec, "read");
        co_return false;
      }
      // Empty unless the request line was parsed (as when only the body is refused).
      record.method = std::string(to_std(parser.get().method_string()));
      record.target = std::string(to_std(parser.get().target()));
      // A request line too long to parse still says where it was going: the refusal speaks that path's
      // dialect (an over-long /rdap/ query gets an RDAP error).
      const std::string target = record.target.empty() ? unparsed_target(buffer) : record.target;
      const Error error =
          status == 431   ? Error{ErrorCode::header_too_large,
                                fmt::format("The request header exceeds {} bytes.", options.header_limit)}
          : status == 413 ? Error{ErrorCode::too_large,
                                  fmt::format("The request body exceeds {} bytes.", options.body_limit)}
                          : Error{ErrorCode::invalid_input, "The request is not valid HTTP/1.1."};
      Response refusal = error_response(std::string_view(target).substr(0, target.find('?')), error);
      auto message = to_message<bhttp::string_body>(refusal, 11, false);
      if (status_allows_body(refusal.status)) message.body() = std::move(refusal.body);
      record.status = refusal.status;
      record.bytes = message.body().size();
      ec = co_await write(conn, message);
      finished(record, started, std::string_view(target).substr(0, target.find('?')));
      if (ec) {
        fail(ec, "write");
      } else {
        co_await linger(conn);
      }
      co_return false;
    }

    auto received = parser.release();
    const unsigned version = received.version();
    const bool keep_alive = received.keep_alive();
    record.method = std::string(to_std(received.method_string()));
    record.target = std::string(to_std(received.target()));
    Request request = to_request(std::move(received), conn.remote_address);
    if (!options.trusted_proxies.empty()) {
      request.remote_address = options.trusted_proxies.client_address(conn.peer, request.headers);
      record.remote = request.remote_address;
    }
    request.secure = options.tls.has_value();
    Response response = co_await respond(request);
    // Read after the handler: stop() may have begun meanwhile, even from the handler itself.
    const bool keep_open = keep_alive && !conn.closing && !stopping;
    record.status = response.status;
    if (request.head) {
      auto message = to_message<bhttp::empty_body>(response, version, keep_open);
      ec = co_await write(conn, message);
    } else {
      auto message = to_message<bhttp::string_body>(response, version, keep_open);
      if (status_allows_body(response.status)) message.body() = std::move(response.body);
      record.bytes = message.body().size();
      ec = co_await write(conn, message);
    }
    finished(record, started, request.path);
    if (ec) {
      fail(ec, "write");
      co_return false;
    }
    co_return keep_open;
  }

  template <class Stream, class Body>
  net::awaitable<beast::error_code> write(StreamConnection<Stream>& conn, bhttp::response<Body>& message) {
    beast::error_code ec;
    conn.tcp().expires_after(options.write_timeout);
    co_await bhttp::async_write(conn.stream, message, net::redirect_error(net::use_awaitable, ec));
    co_return ec;
  }

  // After an error response the client may still be sending the request we refused. Closing a socket with
  // unread bytes makes the kernel send a reset, which can destroy the response before the client reads
  // it; so stop sending, then read and discard for a while. The connection counts as idle meanwhile.
  // Over TLS the discarded bytes are read from TCP directly: they are records nobody needs to decrypt.
  template <class Stream>
  net::awaitable<void> linger(StreamConnection<Stream>& conn) {
    conn.busy = false;
    if (conn.closing) co_return;
    co_await shutdown_send(conn);
    beast::error_code ec;
    conn.tcp().expires_after(options.read_timeout);
    std::array<char, 4096> discard{};
    std::size_t discarded = 0;
    while (!ec && discarded < kLingerLimit) {
      discarded += co_await conn.tcp().async_read_some(net::buffer(discard),
                                                       net::redirect_error(net::use_awaitable, ec));
    }
  }

  // The response: from the quick handler on this thread when it has one, else from the Handler on a
  // worker thread (this coroutine waits without holding its thread), else from the Handler here.
  net::awaitable<Response> respond(Request& request) {
    if (!workers || !pending) co_return answer(request);
    if (hooks.quick) {
      std::optional<Response> quick = try_quick(request);
      if (quick) co_return std::move(*quick);
    }
    // The place is given back when this coroutine ends, answered or not.
    const ConnectionLimits::Slot place = pending->acquire(request.remote_address);
    if (!place.held()) {
      // 503 with Retry-After: 1 (error_response's, as for any unavailable).
      co_return error_response(request.path,
                               Error{ErrorCode::unavailable, "the workers have too much to do"});
    }
    co_return co_await net::co_spawn(
        workers->get_executor(),
        [this, &request]() -> net::awaitable<Response> { co_return answer(request); }, net::use_awaitable);
  }

  std::optional<Response> try_quick(Request& request) {
    try {
      std::optional<Response> response = hooks.quick(request);
      if (!response || (response->status >= 200 && response->status <= 599)) return response;
      spdlog::error("http: handler answered {} {} with status {}", request.method, log_safe(request.target),
                    response->status);
    } catch (const std::exception& e) {
      spdlog::error("http: handler failed on {} {}: {}", request.method, log_safe(request.target), e.what());
    } catch (...) {
      spdlog::error("http: handler failed on {} {}", request.method, log_safe(request.target));
    }
    return error_response(request.path, Error{ErrorCode::internal, "the handler failed"});
  }

  // The handler's response, or a 500 if it threw or answered something that is not a final status.
  Response answer(const Request& request) {
    try {
      Response response = handler(request);
      if (response.status >= 200 && response.status <= 599) return response;
      spdlog::error("http: handler answered {} {} with status {}", request.method, log_safe(request.target),
                    response.status);
    } catch (const std::exception& e) {
      spdlog::error("http: handler failed on {} {}: {}", request.method, log_safe(request.target), e.what());
    } catch (...) {
      spdlog::error("http: handler failed on {} {}", request.method, log_safe(request.target));
    }
    return error_response(request.path, Error{ErrorCode::internal, "the handler failed"});
  }

  // One exchange is over: the observer and the access log are told, from one reading of the clock.
  void finished(AccessRecord& record, std::chrono::steady_clock::time_point started, std::string_view path) {
    if (!hooks.observe && !hooks.log_access) return;
    const auto elapsed = std::chrono::steady_clock::now() - started;
    if (hooks.observe) {
      hooks.observe(Exchange{.method = record.method,
                             .path = path,
                             .status = record.status,
                             .duration = std::chrono::duration_cast<std::chrono::nanoseconds>(elapsed)});
    }
    if (!hooks.log_access) return;
    record.duration = std::chrono::duration_cast<std::chrono::microseconds>(elapsed);
    try {
      hooks.access_log(format_access_log_line(record));
    } catch (const std::exception& e) {
      spdlog::error("http: access log failed: {}", e.what());
    }
  }

  // SIGHUP, until the server stops: ServerHooks::on_hangup, or a reload of the certificate.
  void wait_for_hangup() {
    if (!hangup) return;
    hangup->async_wait([this](const beast::error_code& ec, int) {
      if (ec) return;
      if (hooks.on_hangup) {
        hooks.on_hangup();
      } else if (options.tls) {
        log_reload(reload_tls());
      }
      wait_for_hangup();
    });
  }

  Result<void> reload_tls() {
    if (!options.tls) return ssad::fail(ErrorCode::invalid_input, "this listener does not speak TLS");
    auto context = make_tls_context(*options.tls);
    if (!context) return std::unexpected(std::move(context.error()));
    auto fresh = std::make_shared<net::ssl::context>(std::move(*context));
    const std::lock_guard lock(tls_mutex);
    tls = std::move(fresh);
    return {};
  }

  void log_reload(const Result<void>& reloaded) const {
    if (reloaded && options.tls) {
      spdlog::info("http: {} presents the TLS certificate '{}' (reloaded)", endpoint_text(local),
                   options.tls->certificate_chain_file);
    } else if (reloaded) {
      return;
    } else {
      spdlog::error("http: {} keeps its TLS certificate: {}", endpoint_text(local), reloaded.error().message);
    }
  }

  void join_threads() {
    // A handler cannot wait for itself, nor for the threads that wait for it.
    if (ioc.get_executor().running_in_this_thread()) return;
    if (workers && workers->get_executor().running_in_this_thread()) return;
    const std::lock_guard lock(threads_mutex);
    for (auto& thread : threads) thread.join();
    threads.clear();
  }
};

Server::Server(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

Server::~Server() { stop(); }

Result<std::unique_ptr<Server>> Server::create(ServerOptions options, Handler handler, ServerHooks hooks) {
  if (!handler) return ssad::fail(ErrorCode::invalid_input, "the HTTP server needs a request handler");
  std::shared_ptr<net::ssl::context> tls;
  if (options.tls) {
    auto context = make_tls_context(*options.tls);
    if (!context) return std::unexpected(std::move(context.error()));
    tls = std::make_shared<net::ssl::context>(std::move(*context));
  }
  // spdlog makes its registry on first use, behind a guard inside libspdlog that ThreadSanitizer cannot
  // see: make it here, before any server thread logs, so that the threads start after it exists.
  (void)spdlog::default_logger_raw();
  auto impl = std::make_unique<Impl>(std::move(options), std::move(handler), std::move(hooks));
  impl->tls = std::move(tls);
  auto local = http::open_listener(impl->acceptor, impl->options.host, impl->options.port);
  if (!local) return std::unexpected(std::move(local.error()));
  impl->local = *local;
  return std::unique_ptr<Server>(new Server(std::move(impl)));
}

std::uint16_t Server::port() const { return impl_->local.port(); }

std::string Server::address() const { return http::endpoint_text(impl_->local); }

void Server::run() {
  Impl& impl = *impl_;
  if (!impl.begin_serving()) return;
  impl.signals.emplace(impl.control, SIGINT, SIGTERM);
  impl.signals->async_wait([&impl](const beast::error_code& ec, int signal) {
    if (ec) return;
    spdlog::info("http: signal {} received, stopping", signal);
    impl.begin_shutdown();
  });
  impl.hangup.emplace(impl.control, SIGHUP);
  impl.wait_for_hangup();
  std::vector<std::thread> extra;
  for (unsigned i = 1; i < impl.thread_count(); ++i) extra.emplace_back([&impl] { impl.ioc.run(); });
  impl.ioc.run();
  for (auto& thread : extra) thread.join();
}

void Server::start_background() {
  Impl& impl = *impl_;
  if (!impl.begin_serving()) return;
  const std::lock_guard lock(impl.threads_mutex);
  for (unsigned i = 0; i < impl.thread_count(); ++i) impl.threads.emplace_back([&impl] { impl.ioc.run(); });
}

void Server::stop() {
  impl_->begin_shutdown();
  impl_->join_threads();
}

Result<void> Server::reload_tls() {
  auto reloaded = impl_->reload_tls();
  impl_->log_reload(reloaded);
  return reloaded;
}

}  // namespace ssad::http
