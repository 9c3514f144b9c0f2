#include "whois/server.hpp"

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <future>
#include <memory>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <thread>
#include <utility>  // before Boost.Asio: see http/asio.hpp
#include <vector>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace ssad::whois {
namespace {

namespace net = boost::asio;
using tcp = net::ip::tcp;
using ::testing::HasSubstr;
using namespace std::chrono_literals;

// How long a client waits for the server before the test fails instead of hanging.
constexpr auto kPatience = 5s;

ServerOptions test_options() {
  ServerOptions options;
  options.port = 0;
  options.threads = 2;  // so that the sanitizer builds see connections on several threads
  options.query_limit = 16;
  options.read_timeout = 5s;
  options.write_timeout = 5s;
  return options;
}

// A server on a free port, serving on its own threads; nullptr (and a test failure) if it cannot listen.
std::unique_ptr<Server> start(Handler handler, ServerOptions options = test_options(),
                              AccessLogSink access_log = {}) {
  auto server = Server::create(std::move(options), std::move(handler), std::move(access_log));
  if (!server) {
    ADD_FAILURE() << server.error().message;
    return nullptr;
  }
  (*server)->start_background();
  return std::move(*server);
}

std::string answer_for(const Query& query) { return "answer for " + query.line + "\r\n"; }

// A client whose reads have a deadline, so that a server that never closes fails the test.
class Client {
 public:
  explicit Client(std::uint16_t port) : socket_(ioc_) {
    socket_.connect(tcp::endpoint(net::ip::make_address("127.0.0.1"), port));
  }

  void send(std::string_view bytes) { net::write(socket_, net::buffer(bytes.data(), bytes.size())); }

  // Everything the server sends until it closes the connection.
  std::string read_to_end() {
    std::string received;
    bool done = false;
    net::async_read(socket_, net::dynamic_buffer(received), [&](boost::system::error_code ec, std::size_t) {
      done = true;
      end_ = ec;
    });
    ioc_.restart();
    ioc_.run_for(kPatience);
    if (!done) {
      ADD_FAILURE() << "the server did not close the connection within " << kPatience.count() << " s";
      socket_.close();
      ioc_.restart();
      ioc_.run();
    }
    return received;
  }

  // How the last read_to_end() ended: eof when the server closed the connection cleanly.
  [[nodiscard]] boost::system::error_code end() const { return end_; }

 private:
  net::io_context ioc_;
  tcp::socket socket_;
  boost::system::error_code end_;
};

// One query on a fresh connection; the server's whole answer.
std::string ask(std::uint16_t port, std::string_view bytes) {
  Client client(port);
  client.send(bytes);
  std::string answer = client.read_to_end();
  EXPECT_EQ(client.end(), net::error::eof);
  return answer;
}

// Collects access-log lines, which arrive on server threads.
class LogLines {
 public:
  AccessLogSink sink() {
    return [this](std::string_view line) {
      const std::lock_guard lock(mutex_);
      lines_.emplace_back(line);
      changed_.notify_all();
    };
  }

  // The first `count` lines, once they have arrived (fewer, and a test failure, after kPatience).
  std::vector<std::string> wait_for(std::size_t count) {
    std::unique_lock lock(mutex_);
    if (!changed_.wait_for(lock, kPatience, [&] { return lines_.size() >= count; })) {
      ADD_FAILURE() << "only " << lines_.size() << " of " << count << " access-log lines arrived";
    }
    return lines_;
  }

 private:
  std::mutex mutex_;
  std::condition_variable changed_;
  std::vector<std::string> lines_;
};

TEST(WhoisServerTest, AnswersAQueryEndedByCrLfAndThenCloses) {
  auto server = start(answer_for);
  ASSERT_NE(server, nullptr);

  Client client(server->port());
  client.send("example.com\r\n");

  EXPECT_EQ(client.read_to_end(), "answer for example.com\r\n");
  EXPECT_EQ(client.end(), net::error::eof);
}

TEST(WhoisServerTest, AnswersAQueryEndedByABareLf) {
  auto server = start(answer_for);
  ASSERT_NE(server, nullptr);

  EXPECT_EQ(ask(server->port(), "example.com\n"), "answer for example.com\r\n");
}

TEST(WhoisServerTest, HandlerSeesTheLineWithoutItsLineEndAndThePeerAddress) {
  auto seen = std::make_shared<std::promise<Query>>();
  auto server = start([seen](const Query& query) {
    seen->set_value(query);
    return std::string("ok\r\n");
  });
  ASSERT_NE(server, nullptr);

  EXPECT_EQ(ask(server->port(), " -r Example.COM \r\n"), "ok\r\n");
  auto future = seen->get_future();
  ASSERT_EQ(future.wait_for(kPatience), std::future_status::ready) << "the handler was not called";
  const Query query = future.get();

  EXPECT_EQ(query.line, " -r Example.COM ");
  EXPECT_EQ(query.remote_address, "127.0.0.1");
}

TEST(WhoisServerTest, EmptyLineAndNonAsciiUtf8ReachTheHandlerUnchanged) {
  auto server = start([](const Query& query) { return "[" + query.line + "]"; });
  ASSERT_NE(server, nullptr);

  EXPECT_EQ(ask(server->port(), "\r\n"), "[]");
  EXPECT_EQ(ask(server->port(),
                "b\xC3\xBC"
                "cher.de\r\n"),
            "[b\xC3\xBC"
            "cher.de]");
}

TEST(WhoisServerTest, BytesAfterTheLineEndAreIgnored) {
  std::atomic<int> calls{0};
  auto server = start([&calls](const Query& query) {
    ++calls;
    return answer_for(query);
  });
  ASSERT_NE(server, nullptr);

  EXPECT_EQ(ask(server->port(), "first.example\r\nsecond.example\r\n"), "answer for first.example\r\n");
  server->stop();
  EXPECT_EQ(calls.load(), 1);
}

TEST(WhoisServerTest, OverlongQueryGetsAnErrorAndNeverReachesTheHandler) {
  std::atomic<int> calls{0};
  auto server = start([&calls](const Query& query) {
    ++calls;
    return answer_for(query);
  });
  ASSERT_NE(server, nullptr);
  const std::string secret(40, 's');

  const std::string with_line_end = ask(server->port(), secret + "\r\n");
  Client without_line_end(server->port());  // sends more than the limit and waits
  without_line_end.send(secret);
  const std::string answer = without_line_end.read_to_end();
  server->stop();

  EXPECT_EQ(with_line_end, kQueryTooLongText);
  EXPECT_EQ(answer, kQueryTooLongText);
  EXPECT_EQ(without_line_end.end(), net::error::eof);
  EXPECT_EQ(calls.load(), 0);
}

TEST(WhoisServerTest, TheLimitCountsTheLineWithoutItsLineEnd) {
  auto server = start([](const Query& query) { return query.line; });  // query_limit 16
  ASSERT_NE(server, nullptr);
  const std::string at_limit(16, 'a');

  EXPECT_EQ(ask(server->port(), at_limit + "\r\n"), at_limit);
  EXPECT_EQ(ask(server->port(), at_limit + "\n"), at_limit);
  EXPECT_EQ(ask(server->port(), at_limit + "a\n"), kQueryTooLongText);
  EXPECT_EQ(ask(server->port(), at_limit + "a\r\n"), kQueryTooLongText);
}

TEST(WhoisServerTest, ControlCharactersMakeAQueryInvalid) {
  std::atomic<int> calls{0};
  auto server = start([&calls](const Query& query) {
    ++calls;
    return answer_for(query);
  });
  ASSERT_NE(server, nullptr);

  for (const std::string& query :
       {std::string("exa\0mple.com\r\n", 14), std::string("exa\tmple.com\r\n"), std::string("a\rb\r\n"),
        std::string("a\r\r\n"), std::string("\x1b[2J\r\n"), std::string("a\x7f\n")}) {
    SCOPED_TRACE(testing::PrintToString(query));
    EXPECT_EQ(ask(server->port(), query), kInvalidQueryText);
  }
  server->stop();
  EXPECT_EQ(calls.load(), 0);
}

TEST(WhoisServerTest, ThrowingHandlerGetsAnErrorAndTheServerKeepsServing) {
  auto server = start([](const Query& query) -> std::string {
    if (query.line == "boom") throw std::runtime_error("the handler broke");
    return answer_for(query);
  });
  ASSERT_NE(server, nullptr);

  EXPECT_EQ(ask(server->port(), "boom\r\n"), kServerErrorText);
  EXPECT_EQ(ask(server->port(), "example.com\r\n"), "answer for example.com\r\n");
}

// Both bounds: a client is closed once the read timeout has passed, not before (a short timeout keeps the
// wait small; the server's timer is Asio's, so it is real time).
TEST(WhoisServerTest, SilentAndSlowClientsAreClosedAfterTheReadTimeout) {
  std::atomic<int> calls{0};
  LogLines log;
  ServerOptions options = test_options();
  options.read_timeout = 300ms;
  auto server = start(
      [&calls](const Query& query) {
        ++calls;
        return answer_for(query);
      },
      options, log.sink());
  ASSERT_NE(server, nullptr);

  const auto connected = std::chrono::steady_clock::now();
  Client silent(server->port());
  Client slow(server->port());
  slow.send("exam");  // and never the rest

  EXPECT_EQ(silent.read_to_end(), "");
  EXPECT_EQ(slow.read_to_end(), "");
  const auto waited = std::chrono::steady_clock::now() - connected;
  EXPECT_GE(waited, options.read_timeout);
  EXPECT_LT(waited, options.read_timeout + 2s);
  const auto lines = log.wait_for(2);
  server->stop();

  EXPECT_EQ(calls.load(), 0);
  ASSERT_EQ(lines.size(), 2U);
  for (const auto& line : lines) EXPECT_THAT(line, HasSubstr(R"("status":"timeout","bytes":0,)"));
  EXPECT_THAT(lines[0] + lines[1], HasSubstr(R"("query":"exam")"));
}

TEST(WhoisServerTest, TwentyConcurrentClientsAreAllAnswered) {
  ServerOptions options = test_options();
  options.threads = 4;
  auto server = start(answer_for, options);
  ASSERT_NE(server, nullptr);

  std::vector<std::unique_ptr<Client>> clients;
  for (int i = 0; i < 20; ++i) clients.push_back(std::make_unique<Client>(server->port()));
  for (std::size_t i = 0; i < clients.size(); ++i) clients[i]->send("q" + std::to_string(i) + ".example\r\n");

  for (std::size_t i = 0; i < clients.size(); ++i) {
    EXPECT_EQ(clients[i]->read_to_end(), "answer for q" + std::to_string(i) + ".example\r\n");
    EXPECT_EQ(clients[i]->end(), net::error::eof);
  }
}

// Issue 9 item 6: one address cannot hold every connection open; the others still get answers.
TEST(WhoisServerTest, ConnectionsOverTheLimitPerAddressAreClosedUnanswered) {
  ServerOptions options = test_options();
  options.connection_limits = std::make_shared<http::ConnectionLimits>(
      http::ConnectionLimitOptions{.max_connections = 100, .max_connections_per_address = 1});
  auto server = start(answer_for, options);
  ASSERT_NE(server, nullptr);
  Client holding(server->port());  // accepted first: holds the address's one connection
  holding.send("half a que");
  Client refused(server->port());
  refused.send("x.test\r\n");
  EXPECT_EQ(refused.read_to_end(), "");
  net::io_context ioc;
  tcp::socket other(ioc);
  other.open(tcp::v4());
  other.bind(tcp::endpoint(net::ip::make_address("127.0.0.2"), 0));
  other.connect(tcp::endpoint(net::ip::make_address("127.0.0.1"), server->port()));
  net::write(other, net::buffer(std::string_view("y.test\r\n")));
  std::string answer;
  boost::system::error_code ec;
  net::read(other, net::dynamic_buffer(answer), ec);
  EXPECT_EQ(answer, "answer for y.test\r\n");
  holding.send("ry\r\n");
  EXPECT_EQ(holding.read_to_end(), "answer for half a query\r\n");
}

TEST(WhoisServerTest, AccessLogSinkReceivesOneJsonLinePerQuery) {
  LogLines log;
  auto server = start([](const Query&) { return std::string("12345"); }, test_options(), log.sink());
  ASSERT_NE(server, nullptr);

  ASSERT_EQ(ask(server->port(), "ex\"a\\mple.com\r\n"), "12345");
  const auto first = log.wait_for(1);
  ASSERT_EQ(ask(server->port(), std::string(20, 'x') + "\r\n"), kQueryTooLongText);
  const auto second = log.wait_for(2);
  ASSERT_EQ(ask(server->port(), std::string("a\0b\n", 4)), kInvalidQueryText);
  const auto lines = log.wait_for(3);
  server->stop();

  ASSERT_EQ(lines.size(), 3U);
  EXPECT_EQ(lines[0].front(), '{');
  EXPECT_EQ(lines[0].back(), '}');
  EXPECT_THAT(lines[0],
              HasSubstr(R"("remote":"127.0.0.1","query":"ex\"a\\mple.com","status":"ok","bytes":5,)"));
  // Cut to the limit (16 bytes).
  EXPECT_THAT(lines[1], HasSubstr(R"("query":"xxxxxxxxxxxxxxxx","status":"too_long","bytes":)" +
                                  std::to_string(kQueryTooLongText.size()) + ","));
  EXPECT_THAT(lines[2], HasSubstr(R"("query":"a\u0000b","status":"invalid",)"));
}

TEST(WhoisServerTest, ThrowingHandlerIsAccessLoggedAsAnError) {
  LogLines log;
  auto server = start([](const Query&) -> std::string { throw std::runtime_error("broken"); }, test_options(),
                      log.sink());
  ASSERT_NE(server, nullptr);

  ASSERT_EQ(ask(server->port(), "example.com\r\n"), kServerErrorText);
  const auto lines = log.wait_for(1);

  ASSERT_EQ(lines.size(), 1U);
  EXPECT_THAT(lines[0], HasSubstr(R"("query":"example.com","status":"error",)"));
}

TEST(WhoisServerTest, StopReturnsPromptlyWithAnIdleClientConnectedAndClosesIt) {
  ServerOptions options = test_options();
  options.read_timeout = 10s;  // beyond the patience of read_to_end
  auto server = start(answer_for, options);
  ASSERT_NE(server, nullptr);
  Client idle(server->port());
  // Connections are accepted in order: once a later one is answered, the idle one is being served.
  ASSERT_EQ(ask(server->port(), "example.com\r\n"), "answer for example.com\r\n");

  const auto before = std::chrono::steady_clock::now();
  server->stop();
  const auto took = std::chrono::steady_clock::now() - before;

  EXPECT_LT(took, kPatience);
  EXPECT_EQ(idle.read_to_end(), "");
  EXPECT_EQ(idle.end(), net::error::eof);
}

TEST(WhoisServerTest, StopLetsAQueryInProgressFinish) {
  std::promise<void> entered;
  auto entered_future = entered.get_future();
  std::promise<void> release;
  auto release_future = release.get_future().share();
  auto server = start([&entered, release_future](const Query&) {
    entered.set_value();
    release_future.wait();
    return std::string("finished\r\n");
  });
  ASSERT_NE(server, nullptr);
  Client client(server->port());
  client.send("slow.example\r\n");
  ASSERT_EQ(entered_future.wait_for(kPatience), std::future_status::ready) << "the handler was not called";

  std::thread stopper([&server] { server->stop(); });
  release.set_value();
  const std::string answer = client.read_to_end();
  stopper.join();

  EXPECT_EQ(answer, "finished\r\n");
  EXPECT_EQ(client.end(), net::error::eof);
}

// Store reads run on the workers: while one query is slow, the one reading thread still reads other
// connections and answers what the quick handler can (issue 9, item 5).
TEST(WhoisServerTest, ASlowQueryOnAWorkerDoesNotHoldTheThreadThatReadsConnections) {
  std::promise<void> entered;
  auto entered_future = entered.get_future();
  std::promise<void> release;
  auto release_future = release.get_future().share();
  ServerOptions options = test_options();
  options.threads = 1;
  options.workers = 1;
  auto created = Server::create(
      options,
      [&entered, release_future](const Query& query) {
        if (query.line == "slow") {
          entered.set_value();
          release_future.wait();
        }
        return std::string(query.admitted ? "admitted " : "not admitted ") + query.line + "\r\n";
      },
      {},
      [](Query& query) -> std::optional<std::string> {
        query.admitted = true;
        if (query.line == "fast") return "fast\r\n";
        return std::nullopt;
      });
  ASSERT_TRUE(created.has_value()) << created.error().message;
  auto server = std::move(*created);
  server->start_background();
  Client slow(server->port());
  slow.send("slow\r\n");
  entered_future.wait();  // the one worker is busy now
  auto fast = std::async(std::launch::async, [port = server->port()] {
    Client client(port);
    client.send("fast\r\n");
    return client.read_to_end();
  });
  // A deadline, not a pause: without workers the reading thread is stuck in the slow query.
  const bool answered = fast.wait_for(std::chrono::seconds(20)) == std::future_status::ready;
  release.set_value();
  ASSERT_TRUE(answered) << "the fast query waited for the slow one";
  EXPECT_EQ(fast.get(), "fast\r\n");
  EXPECT_EQ(slow.read_to_end(), "admitted slow\r\n");
}

TEST(WhoisServerTest, StopFromTheHandlerDoesNotDeadlock) {
  Server* self = nullptr;
  auto created = Server::create(test_options(), [&self](const Query&) {
    self->stop();
    return std::string("last\r\n");
  });
  ASSERT_TRUE(created.has_value()) << created.error().message;
  auto server = std::move(*created);
  self = server.get();
  server->start_background();

  const std::string answer = ask(server->port(), "example.com\r\n");
  server->stop();

  EXPECT_EQ(answer, "last\r\n");
}

TEST(WhoisServerTest, CreateRefusesAMissingHandlerAndAZeroLimit) {
  const auto without_handler = Server::create(test_options(), Handler{});
  ServerOptions options = test_options();
  options.query_limit = 0;
  const auto zero_limit = Server::create(options, answer_for);

  ASSERT_FALSE(without_handler.has_value());
  EXPECT_EQ(without_handler.error().code, ErrorCode::invalid_input);
  ASSERT_FALSE(zero_limit.has_value());
  EXPECT_EQ(zero_limit.error().code, ErrorCode::invalid_input);
}

TEST(WhoisServerTest, CreateFailsAsUnavailableWhenThePortIsTaken) {
  auto first = start(answer_for);
  ASSERT_NE(first, nullptr);
  ServerOptions options = test_options();
  options.port = first->port();

  const auto second = Server::create(options, answer_for);

  ASSERT_FALSE(second.has_value());
  EXPECT_EQ(second.error().code, ErrorCode::unavailable);
  EXPECT_THAT(second.error().message, HasSubstr("cannot listen on 127.0.0.1:"));
}

TEST(WhoisServerTest, ReportsTheChosenPortAndAddress) {
  auto server = start(answer_for);
  ASSERT_NE(server, nullptr);

  EXPECT_NE(server->port(), 0);
  EXPECT_EQ(server->address(), "127.0.0.1:" + std::to_string(server->port()));
}

TEST(WhoisServerTest, OneThreadServesToo) {
  ServerOptions options = test_options();
  options.threads = 1;
  auto server = start(answer_for, options);
  ASSERT_NE(server, nullptr);

  EXPECT_EQ(ask(server->port(), "example.com\r\n"), "answer for example.com\r\n");
  EXPECT_EQ(ask(server->port(), std::string(40, 'x')), kQueryTooLongText);
}

}  // namespace
}  // namespace ssad::whois
