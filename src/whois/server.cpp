#include "whois/server.hpp"

#include <algorithm>
#include <array>
#include <atomic>
#include <exception>
#include <mutex>
#include <optional>
#include <thread>
#include <utility>
#include <vector>

// <utility> comes first (clang-format groups standard headers first): Boost 1.74's awaitable.hpp needs
// it (see http/asio.hpp, which is not used here because it also brings Beast's HTTP and TLS).
#include <boost/asio/awaitable.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <spdlog/spdlog.h>

#include "core/time.hpp"
#include "http/listener.hpp"
#include "whois/access_log.hpp"

// The shape is http::Server's (Boost.Beast's awaitable server): one coroutine per connection, a deadline
// on the read and on the write, one fail() reporter, a registry of connections so that stop() can close
// the idle ones and let the others finish. What differs is what RFC 3912 asks: one line in, one text out,
// then close. Per connection the server allocates the connection, its coroutine and one buffer, which
// becomes Query::line; no DNS look-up, the peer address comes with the accept.

namespace ssad::whois {
namespace {

namespace net = boost::asio;
namespace beast = boost::beast;
using tcp = net::ip::tcp;

constexpr std::size_t kQueryLimitMax = std::size_t{64} * 1024;
// How much a client may still send after its query before the connection is cut.
constexpr std::size_t kLingerLimit = std::size_t{64} * 1024;

// The one reporter of connection-level failures. A peer that goes away, a timeout or our own shutdown
// is routine; anything else is worth a warning.
void fail(beast::error_code ec, std::string_view what) {
  if (ec == net::error::operation_aborted || ec == net::error::eof || ec == net::error::connection_reset ||
      ec == net::error::broken_pipe || ec == net::error::bad_descriptor || ec == beast::error::timeout) {
    spdlog::debug("whois: {}: {}", what, ec.message());
    return;
  }
  spdlog::warn("whois: {}: {}", what, ec.message());
}

// ASCII control characters and DEL: never part of a query (RFC 3912 queries are text lines).
bool is_control(char c) {
  const auto byte = static_cast<unsigned char>(c);
  return byte < 0x20 || byte == 0x7F;
}

// The query as a log may show it: JSON-escaped, so that it stays on one line.
std::string log_safe(std::string_view text) {
  std::string out;
  append_json_string(out, text);
  return out;
}

// A connection and the state stop() needs. busy and closing are touched only on the stream's executor
// (a strand, or the io_context itself when it has one thread); prev and next under the registry's mutex.
struct Connection : std::enable_shared_from_this<Connection> {
  Connection(tcp::socket socket, http::ConnectionLimits::Slot held)
      : slot(std::move(held)), stream(std::move(socket)) {}
  http::ConnectionLimits::Slot slot;  // its place under the connection limits
  beast::tcp_stream stream;
  bool busy = false;     // the query has begun arriving and is not yet answered
  bool closing = false;  // the server is stopping: close as soon as the connection is not busy
  Connection* prev = nullptr;
  Connection* next = nullptr;
};

}  // namespace

struct Server::Impl {
  Impl(ServerOptions server_options, Handler query_handler, AccessLogSink sink, QuickHandler quick_handler)
      : options(std::move(server_options)),
        handler(std::move(query_handler)),
        quick(std::move(quick_handler)),
        access_log(std::move(sink)),
        ioc(static_cast<int>(thread_count())),
        control(net::make_strand(ioc)),
        acceptor(control) {
    if (!options.connection_limits) options.connection_limits = std::make_shared<http::ConnectionLimits>();
  }

  [[nodiscard]] unsigned thread_count() const { return std::max(1U, options.threads); }

  ServerOptions options;
  Handler handler;
  QuickHandler quick;
  AccessLogSink access_log;  // empty: spdlog at info level
  // Declared before everything that holds its executor, so that it is destroyed last.
  net::io_context ioc;
  net::strand<net::io_context::executor_type> control;  // serialises the acceptor and the signal set
  tcp::acceptor acceptor;
  tcp::endpoint local;
  std::optional<net::signal_set> signals;  // only under run()
  // Runs the Handler (options.workers > 0). Declared after ioc: destroyed (stopped and joined) first.
  std::optional<net::thread_pool> workers;
  // Places for queries waiting for or on a worker: counted like connections (ServerOptions::max_pending).
  std::optional<http::ConnectionLimits> pending;

  struct Connections {  // the data and its mutex travel together
    std::mutex mutex;
    bool serving = false;
    bool stopping = false;
    Connection* head = nullptr;  // the live connections, linked through Connection::prev/next
  } connections;

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
      pending.emplace(
          http::pending_limits(options.workers, options.max_pending, options.max_pending_per_client));
    }
    net::co_spawn(control, accept_loop(), [](const std::exception_ptr& error) {
      if (error) spdlog::error("whois: the accept loop failed");
    });
    return true;
  }

  void begin_shutdown() {
    std::vector<std::shared_ptr<Connection>> open;
    {
      const std::lock_guard lock(connections.mutex);
      if (connections.stopping) return;
      connections.stopping = true;
      // A linked connection is alive: it is unlinked before its last owner lets go of it.
      for (Connection* c = connections.head; c != nullptr; c = c->next) open.push_back(c->shared_from_this());
    }
    net::post(control, [this] {
      beast::error_code ignored;
      acceptor.close(ignored);
      if (signals) {
        // Clearing restores the default action, so that a second Ctrl-C ends a stop that hangs.
        signals->cancel(ignored);
        signals->clear(ignored);
      }
    });
    for (auto& connection : open) {
      net::post(connection->stream.get_executor(), [connection] {
        connection->closing = true;
        if (!connection->busy) connection->stream.close();
      });
    }
  }

  // With one thread every handler runs on it, so a strand per connection would only cost.
  net::any_io_executor session_executor() {
    if (thread_count() == 1) return ioc.get_executor();
    return net::make_strand(ioc);
  }

  net::awaitable<void> accept_loop() {
    tcp::endpoint peer;
    for (;;) {
      beast::error_code ec;
      tcp::socket socket = co_await acceptor.async_accept(session_executor(), peer,
                                                          net::redirect_error(net::use_awaitable, ec));
      if (!acceptor.is_open()) co_return;
      if (ec) {
        fail(ec, "accept");
        // Out of file descriptors, most likely: pause instead of spinning on the error.
        net::steady_timer pause(control, std::chrono::milliseconds(100));
        co_await pause.async_wait(net::redirect_error(net::use_awaitable, ec));
        continue;
      }
      start_session(std::move(socket), peer);
    }
  }

  void start_session(tcp::socket socket, const tcp::endpoint& peer) {
    std::string remote = http::peer_address(peer);
    // Over a limit: closed at once (by going out of scope).
    http::ConnectionLimits::Slot slot = options.connection_limits->acquire(remote);
    if (!slot.held()) {
      spdlog::debug("whois: connection from {} refused: over the connection limit", remote);
      return;
    }
    auto connection = std::make_shared<Connection>(std::move(socket), std::move(slot));
    {
      const std::lock_guard lock(connections.mutex);
      if (connections.stopping) return;  // accepted just as the stop began: closed by going out of scope
      connection->next = connections.head;
      if (connections.head != nullptr) connections.head->prev = connection.get();
      connections.head = connection.get();
    }
    net::co_spawn(connection->stream.get_executor(), serve(connection, std::move(remote)),
                  [this, connection](const std::exception_ptr& error) {
                    if (error) {
                      try {
                        std::rethrow_exception(error);
                      } catch (const std::exception& e) {
                        spdlog::error("whois: a connection failed: {}", e.what());
                      } catch (...) {
                        spdlog::error("whois: a connection failed");
                      }
                    }
                    unlink(*connection);
                  });
  }

  void unlink(Connection& connection) {
    const std::lock_guard lock(connections.mutex);
    if (connection.prev != nullptr) connection.prev->next = connection.next;
    if (connection.next != nullptr) connection.next->prev = connection.prev;
    if (connections.head == &connection) connections.head = connection.next;
    connection.prev = connection.next = nullptr;
  }

  // One connection: read the line, answer it, close.
  net::awaitable<void> serve(std::shared_ptr<Connection> connection, std::string remote) {
    Connection& conn = *connection;
    const auto started = std::chrono::steady_clock::now();
    AccessRecord record;
    record.time = std::chrono::time_point_cast<std::chrono::milliseconds>(std::chrono::system_clock::now());

    // The read buffer becomes the handler's Query::line: room for the longest line allowed and CR LF.
    Query query;
    query.remote_address = std::move(remote);
    record.remote = query.remote_address;
    query.line.resize(options.query_limit + 2);
    std::size_t received = 0;
    std::size_t line_end = std::string::npos;  // where the LF is
    beast::error_code ec;
    conn.stream.expires_after(options.read_timeout);  // one deadline for the whole line
    while (received < query.line.size()) {
      const std::size_t n = co_await conn.stream.async_read_some(
          net::buffer(query.line.data() + received, query.line.size() - received),
          net::redirect_error(net::use_awaitable, ec));
      if (n > 0 && !conn.busy) {
        if (conn.closing) co_return;  // stop() closed the socket while these bytes arrived
        conn.busy = true;
      }
      const auto lf = std::string_view(query.line.data() + received, n).find('\n');
      if (lf != std::string_view::npos) line_end = received + lf;
      received += n;
      if (line_end != std::string::npos || ec) break;
    }

    QueryStatus status = QueryStatus::ok;
    std::size_t line_length = std::min(received, options.query_limit);  // what the log shows
    if (line_end != std::string::npos) {
      line_length = line_end;
      if (line_length > 0 && query.line[line_length - 1] == '\r') --line_length;
      const std::string_view line(query.line.data(), line_length);
      if (line_length > options.query_limit) {  // a bare LF just past the limit
        status = QueryStatus::too_long;
        line_length = options.query_limit;
      } else if (std::ranges::any_of(line, is_control)) {
        status = QueryStatus::invalid;
      }
    } else if (received == query.line.size()) {
      status = QueryStatus::too_long;
    } else {
      fail(ec, "read");
      // A connection closed before its first byte (a port probe, a stop) carries no query to log.
      if (ec == beast::error::timeout) {
        record.status = QueryStatus::timeout;
        record.query = std::string_view(query.line.data(), line_length);
        log_access(record, started);
      } else if (received > 0) {
        record.status = QueryStatus::closed;
        record.query = std::string_view(query.line.data(), line_length);
        log_access(record, started);
      }
      co_return;
    }
    // Bytes after the line end: the client may be sending more, which must be drained before closing.
    const bool more_sent = status == QueryStatus::too_long || received > line_end + 1;

    std::string answered;
    std::string_view response;
    switch (status) {
      case QueryStatus::ok:
        query.line.resize(line_length);  // shrinks in place: the log's view stays valid
        answered = co_await respond(query, status);
        response = status == QueryStatus::ok ? std::string_view(answered) : kServerErrorText;
        break;
      case QueryStatus::too_long:
        response = kQueryTooLongText;
        break;
      case QueryStatus::invalid:
        response = kInvalidQueryText;
        break;
      default:
        response = kServerErrorText;
        break;
    }
    record.query = std::string_view(query.line.data(), line_length);

    conn.stream.expires_after(options.write_timeout);
    record.bytes = co_await net::async_write(conn.stream, net::buffer(response.data(), response.size()),
                                             net::redirect_error(net::use_awaitable, ec));
    if (ec) {
      fail(ec, "write");
      if (ec == beast::error::timeout) status = QueryStatus::timeout;
    }
    record.status = status;
    log_access(record, started);
    if (!ec && more_sent) co_await linger(conn);
    conn.stream.close();
  }

  // RFC 3912: the server closes once the response is sent. Closing a socket with unread bytes makes the
  // kernel send a reset, which can destroy the response before the client reads it; so when the client
  // sent more than its line, stop sending, then read and discard for a while. The connection counts as
  // idle meanwhile.
  net::awaitable<void> linger(Connection& conn) {
    conn.busy = false;
    if (conn.closing) co_return;
    beast::error_code ec;
    conn.stream.socket().shutdown(tcp::socket::shutdown_send, ec);
    conn.stream.expires_after(options.read_timeout);
    std::array<char, 4096> discard{};
    std::size_t discarded = 0;
    while (!ec && discarded < kLingerLimit) {
      discarded += co_await conn.stream.async_read_some(net::buffer(discard),
                                                        net::redirect_error(net::use_awaitable, ec));
    }
  }

  // The answer: the quick handler's on this thread when it has one, else the Handler's on a worker thread
  // (this coroutine waits without holding its thread), else the Handler's here.
  net::awaitable<std::string> respond(Query& query, QueryStatus& status) {
    if (!workers || !pending) co_return answer(query, status);
    if (quick) {
      try {
        if (std::optional<std::string> quick_answer = quick(query)) co_return std::move(*quick_answer);
      } catch (const std::exception& e) {
        spdlog::error("whois: handler failed on query \"{}\": {}", log_safe(query.line), e.what());
        status = QueryStatus::error;
        co_return std::string();
      } catch (...) {
        spdlog::error("whois: handler failed on query \"{}\"", log_safe(query.line));
        status = QueryStatus::error;
        co_return std::string();
      }
    }
    // The place is given back when this coroutine ends, answered or not.
    const http::ConnectionLimits::Slot place = pending->acquire(query.remote_address);
    if (!place.held()) co_return std::string(kBusyText);
    co_return co_await net::co_spawn(
        workers->get_executor(),
        [this, &query, &status]() -> net::awaitable<std::string> { co_return answer(query, status); },
        net::use_awaitable);
  }

  // The handler's text; on an exception an empty one, with status set to error.
  std::string answer(const Query& query, QueryStatus& status) {
    try {
      return handler(query);
    } catch (const std::exception& e) {
      spdlog::error("whois: handler failed on query \"{}\": {}", log_safe(query.line), e.what());
    } catch (...) {
      spdlog::error("whois: handler failed on query \"{}\"", log_safe(query.line));
    }
    status = QueryStatus::error;
    return {};
  }

  void log_access(AccessRecord& record, std::chrono::steady_clock::time_point started) {
    if (!access_log && !spdlog::should_log(spdlog::level::info)) return;  // skip the formatting too
    record.duration =
        std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - started);
    try {
      const std::string line = format_access_log_line(record);
      if (access_log) {
        access_log(line);
      } else {
        spdlog::info("{}", line);
      }
    } catch (const std::exception& e) {
      spdlog::error("whois: access log failed: {}", e.what());
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

Result<std::unique_ptr<Server>> Server::create(ServerOptions options, Handler handler,
                                               AccessLogSink access_log, QuickHandler quick) {
  if (!handler) return ssad::fail(ErrorCode::invalid_input, "the WHOIS server needs a query handler");
  if (options.query_limit == 0 || options.query_limit > kQueryLimitMax) {
    return ssad::fail(ErrorCode::invalid_input,
                      "the WHOIS query limit must be 1.." + std::to_string(kQueryLimitMax) + " bytes");
  }
  // spdlog makes its registry on first use, behind a guard inside libspdlog that ThreadSanitizer cannot
  // see: make it here, before any server thread logs, so that the threads start after it exists.
  (void)spdlog::default_logger_raw();
  auto impl =
      std::make_unique<Impl>(std::move(options), std::move(handler), std::move(access_log), std::move(quick));
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
    spdlog::info("whois: signal {} received, stopping", signal);
    impl.begin_shutdown();
  });
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

}  // namespace ssad::whois
