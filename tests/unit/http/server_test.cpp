#include "http/server.hpp"

#include <chrono>
#include <future>
#include <memory>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "http/access_log.hpp"
#include "http/asio.hpp"

namespace ssad::http {
namespace {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace bhttp = beast::http;
using tcp = net::ip::tcp;
using ::testing::HasSubstr;
using ::testing::Not;

ServerOptions test_options() {
  ServerOptions options;
  options.port = 0;
  options.threads = 2;  // so that the sanitizer builds see sessions on several threads
  options.header_limit = 1024;
  options.body_limit = 1024;
  return options;
}

// A server on a free port, serving on its own thread; nullptr (and a test failure) if it cannot listen.
std::unique_ptr<Server> start(Handler handler, ServerOptions options = test_options(),
                              ServerHooks hooks = {}) {
  auto server = Server::create(std::move(options), std::move(handler), std::move(hooks));
  if (!server) {
    ADD_FAILURE() << server.error().message;
    return nullptr;
  }
  (*server)->start_background();
  return std::move(*server);
}

Response text(std::string body) {
  Response response;
  response.headers.emplace_back("Content-Type", "text/plain");
  response.body = std::move(body);
  return response;
}

Response echo_path(const Request& request) { return text(request.path); }

// A blocking HTTP client. Its reads wait for the server, which is the only synchronisation the tests use.
class Client {
 public:
  explicit Client(std::uint16_t port) : socket_(ioc_) {
    socket_.connect(tcp::endpoint(net::ip::make_address("127.0.0.1"), port));
  }

  void send(bhttp::verb method, const std::string& target, const Headers& headers = {},
            std::string body = {}) {
    bhttp::request<bhttp::string_body> request{method, target, 11};
    request.set(bhttp::field::host, "localhost");
    for (const auto& [name, value] : headers) request.insert(name, value);
    request.body() = std::move(body);
    request.prepare_payload();
    bhttp::write(socket_, request);
  }

  void send_raw(std::string_view bytes) { net::write(socket_, net::buffer(bytes.data(), bytes.size())); }

  // The next response; `head` when it answers a HEAD request (a Content-Length but no body follows).
  bhttp::response<bhttp::string_body> read(bool head = false) {
    bhttp::response_parser<bhttp::string_body> parser;
    parser.skip(head);
    bhttp::read(socket_, buffer_, parser);
    return parser.release();
  }

  // The error that ends an attempt to read another response: the server closed the connection.
  beast::error_code read_error() {
    bhttp::response_parser<bhttp::string_body> parser;
    beast::error_code ec;
    bhttp::read(socket_, buffer_, parser, ec);
    return ec;
  }

 private:
  net::io_context ioc_;
  tcp::socket socket_;
  beast::flat_buffer buffer_;
};

std::string body_of(const bhttp::response<bhttp::string_body>& response) { return response.body(); }

std::string field(const bhttp::response<bhttp::string_body>& response, const std::string& name) {
  const auto value = response[name];
  return {value.data(), value.size()};
}

TEST(RequestTest, FindsHeadersCaseInsensitively) {
  Request request;
  request.headers = {{"Accept", "application/rdap+json"}, {"X-Twice", "first"}, {"x-twice", "second"}};
  EXPECT_EQ(request.header("accept"), "application/rdap+json");
  EXPECT_EQ(request.header("X-TWICE"), "first");
  EXPECT_EQ(request.header("Authorization"), std::nullopt);
}

TEST(AccessLogTest, WritesOneJsonObjectWithRequestTextEscaped) {
  AccessRecord record;
  record.time = from_unix_ms(1700000000123);
  record.remote = "::1";
  record.method = "GET";
  record.target = "/q?x=\"a\\b\"\xC3\xA9\n";
  record.status = 404;
  record.bytes = 17;
  record.duration = std::chrono::microseconds(1234);

  EXPECT_EQ(format_access_log_line(record),
            R"({"time":"2023-11-14T22:13:20.123Z","remote":"::1","method":"GET",)"
            R"("target":"/q?x=\"a\\b\"%C3%A9%0A","status":404,"bytes":17,"duration_ms":1.234})");
}

TEST(HttpServerTest, GetReachesTheHandlerAndReturnsItsBodyAndHeaders) {
  auto seen = std::make_shared<std::promise<Request>>();
  auto server = start([seen](const Request& request) {
    seen->set_value(request);
    Response response = text("hello");
    response.status = 201;
    response.headers.emplace_back("X-Answer", "42");
    return response;
  });
  ASSERT_NE(server, nullptr);

  Client client(server->port());
  client.send(bhttp::verb::get, "/rdap/domain/ex%41mple.com?a=1&b=2", {{"Accept", "application/rdap+json"}});
  const auto response = client.read();

  EXPECT_EQ(response.result_int(), 201U);
  EXPECT_EQ(body_of(response), "hello");
  EXPECT_EQ(field(response, "X-Answer"), "42");
  EXPECT_EQ(field(response, "Content-Type"), "text/plain");
  EXPECT_EQ(field(response, "Content-Length"), "5");
  EXPECT_FALSE(field(response, "Date").empty());
  const Request request = seen->get_future().get();
  EXPECT_EQ(request.method, "GET");
  EXPECT_FALSE(request.head);
  EXPECT_EQ(request.target, "/rdap/domain/ex%41mple.com?a=1&b=2");
  EXPECT_EQ(request.path, "/rdap/domain/ex%41mple.com");
  EXPECT_EQ(request.query, "a=1&b=2");
  EXPECT_EQ(request.header("accept"), "application/rdap+json");
  EXPECT_EQ(request.remote_address, "127.0.0.1");
}

TEST(HttpServerTest, PostBodyReachesTheHandler) {
  auto server = start([](const Request& request) { return text(request.method + " " + request.body); });
  ASSERT_NE(server, nullptr);

  Client client(server->port());
  client.send(bhttp::verb::post, "/v1/requests", {{"Content-Type", "application/json"}}, R"({"a":1})");
  EXPECT_EQ(body_of(client.read()), R"(POST {"a":1})");
}

TEST(HttpServerTest, KeepAliveServesTwoRequestsOnOneConnection) {
  auto server = start(echo_path);
  ASSERT_NE(server, nullptr);

  Client client(server->port());
  client.send(bhttp::verb::get, "/one");
  const auto first = client.read();
  client.send(bhttp::verb::get, "/two");
  const auto second = client.read();

  EXPECT_EQ(body_of(first), "/one");
  EXPECT_TRUE(first.keep_alive());
  EXPECT_EQ(body_of(second), "/two");
}

TEST(HttpServerTest, PipelinedRequestsAreAnsweredInOrder) {
  auto server = start(echo_path);
  ASSERT_NE(server, nullptr);

  Client client(server->port());
  client.send_raw("GET /a HTTP/1.1\r\nHost: x\r\n\r\nGET /b HTTP/1.1\r\nHost: x\r\n\r\n");
  EXPECT_EQ(body_of(client.read()), "/a");
  EXPECT_EQ(body_of(client.read()), "/b");
}

TEST(HttpServerTest, ConnectionCloseIsHonoured) {
  auto server = start(echo_path);
  ASSERT_NE(server, nullptr);

  Client client(server->port());
  client.send(bhttp::verb::get, "/bye", {{"Connection", "close"}});
  const auto response = client.read();
  EXPECT_EQ(body_of(response), "/bye");
  EXPECT_FALSE(response.keep_alive());
  EXPECT_EQ(client.read_error(), bhttp::error::end_of_stream);
}

TEST(HttpServerTest, HeadAnswersWithTheGetStatusAndLengthButNoBody) {
  auto seen = std::make_shared<std::promise<Request>>();
  auto server = start([seen](const Request& request) {
    if (request.path == "/again") return text("again");
    seen->set_value(request);
    Response response = text("hello world");
    response.status = 404;
    return response;
  });
  ASSERT_NE(server, nullptr);

  Client client(server->port());
  client.send(bhttp::verb::head, "/rdap/domain/example.com");
  const auto response = client.read(/*head=*/true);
  // A second request on the connection proves no body bytes followed the header.
  client.send(bhttp::verb::get, "/again");
  const auto next = client.read();

  EXPECT_EQ(response.result_int(), 404U);
  EXPECT_EQ(field(response, "Content-Length"), "11");
  EXPECT_EQ(field(response, "Content-Type"), "text/plain");
  EXPECT_TRUE(response.body().empty());
  EXPECT_EQ(body_of(next), "again");
  const Request request = seen->get_future().get();
  EXPECT_EQ(request.method, "GET");
  EXPECT_TRUE(request.head);
}

TEST(HttpServerTest, OversizedHeaderGets431) {
  auto server = start(echo_path);
  ASSERT_NE(server, nullptr);

  Client client(server->port());
  client.send(bhttp::verb::get, "/", {{"X-Padding", std::string(4000, 'a')}});
  const auto response = client.read();

  EXPECT_EQ(response.result_int(), 431U);
  EXPECT_FALSE(response.keep_alive());
  EXPECT_THAT(body_of(response), HasSubstr("431"));
  EXPECT_NE(client.read_error(), beast::error_code{});
}

TEST(HttpServerTest, OversizedBodyGets413) {
  auto server = start(echo_path);
  ASSERT_NE(server, nullptr);

  Client client(server->port());
  client.send(bhttp::verb::post, "/v1/requests", {}, std::string(4000, 'b'));
  const auto response = client.read();

  EXPECT_EQ(response.result_int(), 413U);
  EXPECT_FALSE(response.keep_alive());
  EXPECT_NE(client.read_error(), beast::error_code{});
}

TEST(HttpServerTest, OversizedChunkedBodyGets413) {
  auto server = start(echo_path);
  ASSERT_NE(server, nullptr);

  Client client(server->port());
  const std::string chunk(800, 'c');
  client.send_raw("POST /v1/requests HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n320\r\n" +
                  chunk + "\r\n320\r\n" + chunk + "\r\n0\r\n\r\n");

  EXPECT_EQ(client.read().result_int(), 413U);
}

TEST(HttpServerTest, GarbageRequestLineGets400AndOtherConnectionsAreServed) {
  auto server = start(echo_path);
  ASSERT_NE(server, nullptr);

  Client garbage(server->port());
  garbage.send_raw("\x01\x02 nonsense\r\n\r\n");
  const auto refused = garbage.read();
  Client other(server->port());
  other.send(bhttp::verb::get, "/still-here");
  const auto served = other.read();

  EXPECT_EQ(refused.result_int(), 400U);
  EXPECT_FALSE(refused.keep_alive());
  EXPECT_EQ(served.result_int(), 200U);
  EXPECT_EQ(body_of(served), "/still-here");
}

TEST(HttpServerTest, ThrowingHandlerGets500AndTheServerKeepsServing) {
  auto server = start([](const Request& request) -> Response {
    if (request.path == "/boom") throw std::runtime_error("handler bug");
    return text("fine");
  });
  ASSERT_NE(server, nullptr);

  Client client(server->port());
  client.send(bhttp::verb::get, "/boom");
  const auto failed = client.read();
  client.send(bhttp::verb::get, "/ok");
  const auto same_connection = client.read();
  Client other(server->port());
  other.send(bhttp::verb::get, "/ok");
  const auto new_connection = other.read();

  EXPECT_EQ(failed.result_int(), 500U);
  EXPECT_THAT(body_of(failed), Not(HasSubstr("handler bug")));
  EXPECT_EQ(body_of(same_connection), "fine");
  EXPECT_EQ(body_of(new_connection), "fine");
}

TEST(HttpServerTest, InvalidStatusFromHandlerGets500) {
  auto server = start([](const Request&) {
    Response response;
    response.status = 42;
    return response;
  });
  ASSERT_NE(server, nullptr);

  Client client(server->port());
  client.send(bhttp::verb::get, "/");
  EXPECT_EQ(client.read().result_int(), 500U);
}

TEST(HttpServerTest, HeaderValuesThatWouldSplitTheResponseAreDropped) {
  auto server = start([](const Request&) {
    Response response = text("body");
    response.headers.emplace_back("Location", "/x\r\nSet-Cookie: stolen=1");
    response.headers.emplace_back("Bad Name", "v");
    response.headers.emplace_back("Content-Length", "999");
    return response;
  });
  ASSERT_NE(server, nullptr);

  Client client(server->port());
  client.send(bhttp::verb::get, "/");
  const auto response = client.read();

  EXPECT_EQ(body_of(response), "body");
  EXPECT_EQ(field(response, "Location"), "");
  EXPECT_EQ(field(response, "Set-Cookie"), "");
  EXPECT_EQ(field(response, "Content-Length"), "4");
}

TEST(HttpServerTest, NoContentResponseHasNoBodyOrLength) {
  auto server = start([](const Request&) {
    Response response = text("ignored");
    response.status = 204;
    return response;
  });
  ASSERT_NE(server, nullptr);

  Client client(server->port());
  client.send(bhttp::verb::get, "/");
  const auto response = client.read();
  client.send(bhttp::verb::get, "/");
  const auto next = client.read();

  EXPECT_EQ(response.result_int(), 204U);
  EXPECT_EQ(field(response, "Content-Length"), "");
  EXPECT_TRUE(response.body().empty());
  EXPECT_EQ(next.result_int(), 204U);
}

TEST(HttpServerTest, ExpectContinueGetsAnInterimResponseBeforeTheBody) {
  auto server = start([](const Request& request) { return text(request.body); });
  ASSERT_NE(server, nullptr);

  Client client(server->port());
  client.send_raw(
      "POST /v1/requests HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nExpect: 100-continue\r\n\r\n");
  const auto interim = client.read();
  client.send_raw("hello");
  const auto final_response = client.read();

  EXPECT_EQ(interim.result_int(), 100U);
  EXPECT_EQ(final_response.result_int(), 200U);
  EXPECT_EQ(body_of(final_response), "hello");
}

// The server's own refusals go through the one error mapping, in the dialect of the request's path.
TEST(HttpServerTest, OwnRefusalsAreRdapErrorsUnderRdapAndProblemDetailsElsewhere) {
  auto server = start(echo_path, test_options());
  ASSERT_NE(server, nullptr);
  {
    Client client(server->port());
    client.send(bhttp::verb::post, "/rdap/domain/x", {}, std::string(4000, 'b'));
    const auto response = client.read();
    EXPECT_EQ(response.result_int(), 413U);
    EXPECT_EQ(field(response, "Content-Type"), "application/rdap+json");
    EXPECT_THAT(body_of(response), HasSubstr(R"("errorCode":413)"));
  }
  {
    // A request line too long to parse: its path still chooses the dialect.
    Client client(server->port());
    client.send(bhttp::verb::get, "/rdap/domain/" + std::string(4000, 'a') + ".test");
    const auto response = client.read();
    EXPECT_EQ(response.result_int(), 431U);
    EXPECT_EQ(field(response, "Content-Type"), "application/rdap+json");
    EXPECT_EQ(field(response, "Access-Control-Allow-Origin"), "*");
  }
  {
    Client client(server->port());
    client.send(bhttp::verb::get, "/v1/" + std::string(4000, 'a'));
    const auto response = client.read();
    EXPECT_EQ(response.result_int(), 431U);
    EXPECT_EQ(field(response, "Content-Type"), "application/problem+json");
  }
  {
    Client client(server->port());
    client.send(bhttp::verb::post, "/v1/requests", {}, std::string(4000, 'b'));
    const auto response = client.read();
    EXPECT_EQ(response.result_int(), 413U);
    EXPECT_EQ(field(response, "Content-Type"), "application/problem+json");
    EXPECT_THAT(body_of(response), HasSubstr(R"("status":413)"));
  }
}

TEST(HttpServerTest, AccessLogSinkReceivesOneJsonLinePerRequest) {
  auto logged = std::make_shared<std::promise<std::string>>();
  ServerHooks hooks;
  hooks.access_log = [logged](std::string_view line) { logged->set_value(std::string(line)); };
  auto server = start([](const Request&) { return text("12345"); }, test_options(), hooks);
  ASSERT_NE(server, nullptr);

  Client client(server->port());
  // A quote, a backslash and a non-ASCII byte in the target must not break the JSON line.
  client.send_raw("GET /q?x=\"a\\b\"\xC3\xA9 HTTP/1.1\r\nHost: x\r\n\r\n");
  EXPECT_EQ(client.read().result_int(), 200U);
  const std::string line = logged->get_future().get();

  EXPECT_EQ(line.front(), '{');
  EXPECT_EQ(line.back(), '}');
  EXPECT_EQ(line.find('\n'), std::string::npos);
  EXPECT_THAT(line, HasSubstr(R"("status":200,"bytes":5,)"));
  EXPECT_THAT(line, HasSubstr(R"("remote":"127.0.0.1","method":"GET","target":"/q?x=\"a\\b\"%C3%A9")"));
}

TEST(HttpServerTest, RefusalsAreAccessLoggedToo) {
  auto logged = std::make_shared<std::promise<std::string>>();
  ServerHooks hooks;
  hooks.access_log = [logged](std::string_view line) { logged->set_value(std::string(line)); };
  auto server = start(echo_path, test_options(), hooks);
  ASSERT_NE(server, nullptr);

  Client client(server->port());
  client.send(bhttp::verb::put, "/big", {}, std::string(4000, 'b'));
  EXPECT_EQ(client.read().result_int(), 413U);
  const std::string line = logged->get_future().get();

  EXPECT_THAT(line, HasSubstr(R"("status":413)"));
  EXPECT_THAT(line, HasSubstr(R"("method":"PUT")"));
  EXPECT_THAT(line, HasSubstr(R"("target":"/big")"));
}

TEST(HttpServerTest, StopReturnsWithAnIdleKeepAliveConnectionOpenAndClosesIt) {
  auto server = start(echo_path);
  ASSERT_NE(server, nullptr);
  Client client(server->port());
  client.send(bhttp::verb::get, "/");
  ASSERT_EQ(client.read().result_int(), 200U);

  server->stop();

  EXPECT_NE(client.read_error(), beast::error_code{});
}

// One thread runs its connections without a strand each: keep-alive, pipelining, a refusal and a stop
// still work, with several connections open.
TEST(HttpServerTest, OneThreadServesSeveralConnectionsAndStops) {
  ServerOptions options = test_options();
  options.threads = 1;
  auto server = start(echo_path, options);
  ASSERT_NE(server, nullptr);
  Client first(server->port());
  Client second(server->port());
  first.send(bhttp::verb::get, "/a");
  second.send(bhttp::verb::get, "/b");
  EXPECT_EQ(body_of(second.read()), "/b");
  EXPECT_EQ(body_of(first.read()), "/a");
  first.send_raw("GET /c HTTP/1.1\r\nHost: x\r\n\r\nGET /d HTTP/1.1\r\nHost: x\r\n\r\n");
  EXPECT_EQ(body_of(first.read()), "/c");
  EXPECT_EQ(body_of(first.read()), "/d");
  Client third(server->port());
  third.send(bhttp::verb::post, "/big", {}, std::string(4000, 'b'));
  EXPECT_EQ(third.read().result_int(), 413U);

  server->stop();

  EXPECT_NE(first.read_error(), beast::error_code{});
  EXPECT_NE(second.read_error(), beast::error_code{});
}

TEST(HttpServerTest, StopLetsARequestInProgressFinish) {
  std::promise<void> entered;
  auto entered_future = entered.get_future();
  std::promise<void> release;
  auto release_future = release.get_future().share();
  auto server = start([&entered, release_future](const Request&) {
    entered.set_value();
    release_future.wait();
    return text("finished");
  });
  ASSERT_NE(server, nullptr);
  Client client(server->port());
  client.send(bhttp::verb::get, "/slow");
  entered_future.wait();

  std::thread stopper([&server] { server->stop(); });
  release.set_value();
  const auto response = client.read();
  stopper.join();

  EXPECT_EQ(response.result_int(), 200U);
  EXPECT_EQ(body_of(response), "finished");
  EXPECT_NE(client.read_error(), beast::error_code{});
}

// Store work runs on the workers: while one query is slow, the only reading thread still reads other
// connections and answers what the quick handler can (issue 9, item 5).
TEST(HttpServerTest, ASlowHandlerOnAWorkerDoesNotHoldTheThreadThatReadsConnections) {
  std::promise<void> entered;
  auto entered_future = entered.get_future();
  std::promise<void> release;
  auto release_future = release.get_future().share();
  ServerOptions options = test_options();
  options.threads = 1;
  options.workers = 1;
  ServerHooks hooks;
  hooks.quick = [](Request& request) -> std::optional<Response> {
    if (request.path == "/fast") return text("fast");
    return std::nullopt;
  };
  auto server = start(
      [&entered, release_future](const Request& request) {
        if (request.path == "/slow") {
          entered.set_value();
          release_future.wait();
        }
        return text("worker " + request.path);
      },
      options, hooks);
  ASSERT_NE(server, nullptr);
  Client slow(server->port());
  slow.send(bhttp::verb::get, "/slow");
  entered_future.wait();  // the one worker is busy now

  auto fast = std::async(std::launch::async, [port = server->port()] {
    Client client(port);
    client.send(bhttp::verb::get, "/fast");
    return body_of(client.read());
  });
  // A deadline, not a pause: without workers the reading thread is stuck in the slow handler and this
  // answer never comes.
  const bool answered = fast.wait_for(std::chrono::seconds(20)) == std::future_status::ready;
  release.set_value();
  ASSERT_TRUE(answered) << "the fast request waited for the slow one";
  EXPECT_EQ(fast.get(), "fast");
  EXPECT_EQ(body_of(slow.read()), "worker /slow");
}

// Work for the workers is bounded: beyond max_pending a request is refused at once with 503 and
// Retry-After, instead of queueing behind what the workers cannot do.
TEST(HttpServerTest, BeyondMaxPendingARequestForTheWorkersIsRefusedAtOnce) {
  std::promise<void> entered;
  auto entered_future = entered.get_future();
  std::promise<void> release;
  auto release_future = release.get_future().share();
  ServerOptions options = test_options();
  options.workers = 1;
  options.max_pending = 1;
  auto server = start(
      [&entered, release_future](const Request& request) {
        if (request.path == "/slow") {
          entered.set_value();
          release_future.wait();
        }
        return text("worker " + request.path);
      },
      options);
  ASSERT_NE(server, nullptr);
  Client slow(server->port());
  slow.send(bhttp::verb::get, "/slow");
  entered_future.wait();  // the one place is taken
  Client other(server->port());
  other.send(bhttp::verb::get, "/other");
  const auto refused = other.read();
  release.set_value();
  EXPECT_EQ(refused.result_int(), 503U);
  EXPECT_EQ(refused[bhttp::field::retry_after], "1");
  EXPECT_EQ(body_of(slow.read()), "worker /slow");
  other.send(bhttp::verb::get, "/other");  // the place is free again
  EXPECT_EQ(body_of(other.read()), "worker /other");
}

TEST(HttpServerTest, WithWorkersTheQuickHandlerIsAskedFirstAndItsMarkReachesTheHandler) {
  ServerOptions options = test_options();
  options.workers = 2;
  ServerHooks hooks;
  hooks.quick = [](Request& request) -> std::optional<Response> {
    request.admitted = true;
    if (request.path == "/quick") return text("quick");
    return std::nullopt;
  };
  auto server =
      start([](const Request& request) { return text(request.admitted ? "admitted" : "not admitted"); },
            options, hooks);
  ASSERT_NE(server, nullptr);
  Client client(server->port());
  client.send(bhttp::verb::get, "/quick");
  EXPECT_EQ(body_of(client.read()), "quick");
  client.send(bhttp::verb::get, "/other");
  EXPECT_EQ(body_of(client.read()), "admitted");
}

TEST(HttpServerTest, StopFromTheHandlerDoesNotDeadlock) {
  Server* self = nullptr;
  auto created = Server::create(test_options(), [&self](const Request&) {
    self->stop();
    return text("last");
  });
  ASSERT_TRUE(created.has_value()) << created.error().message;
  auto server = std::move(*created);
  self = server.get();
  server->start_background();

  Client client(server->port());
  client.send(bhttp::verb::get, "/");
  const auto response = client.read();
  server->stop();

  EXPECT_EQ(body_of(response), "last");
  EXPECT_FALSE(response.keep_alive());
}

TEST(HttpServerTest, CreateFailsAsUnavailableWhenThePortIsTaken) {
  auto first = start(echo_path);
  ASSERT_NE(first, nullptr);
  ServerOptions options = test_options();
  options.port = first->port();

  const auto second = Server::create(options, echo_path);

  ASSERT_FALSE(second.has_value());
  EXPECT_EQ(second.error().code, ErrorCode::unavailable);
  EXPECT_THAT(second.error().message, HasSubstr("cannot listen on 127.0.0.1:"));
}

TEST(HttpServerTest, ReportsTheChosenPortAndAddress) {
  auto server = start(echo_path);
  ASSERT_NE(server, nullptr);

  EXPECT_NE(server->port(), 0);
  EXPECT_EQ(server->address(), "127.0.0.1:" + std::to_string(server->port()));
}

}  // namespace
}  // namespace ssad::http
