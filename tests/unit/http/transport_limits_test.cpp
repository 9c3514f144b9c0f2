// Issue 9, items 4 and 6: who the client is behind a trusted proxy, and how many connections a client
// and everybody together may hold open. Unit tests of the two pieces, then the HTTP server on port 0 with
// clients bound to several loopback addresses (127.0.0.x) to stand for several clients.

#include <atomic>
#include <chrono>
#include <future>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "http/asio.hpp"
#include "http/client_address.hpp"
#include "http/connection_limit.hpp"
#include "http/server.hpp"

namespace ssad::http {
namespace {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace bhttp = beast::http;
using tcp = net::ip::tcp;
using ::testing::HasSubstr;

net::ip::address ip(const char* text) { return net::ip::make_address(text); }

TrustedProxies proxies(const std::vector<std::string>& entries, std::string_view header = "x-forwarded-for") {
  auto parsed = TrustedProxies::parse(entries, header);
  EXPECT_TRUE(parsed.has_value()) << parsed.error().message;
  return parsed.value_or(TrustedProxies{});
}

TEST(TrustedProxiesTest, AnUntrustedPeerIsTheClientWhateverItsHeadersSay) {
  const TrustedProxies none;
  const Headers forged = {{"X-Forwarded-For", "203.0.113.7"}, {"Forwarded", "for=203.0.113.7"}};
  EXPECT_EQ(none.client_address(ip("192.0.2.1"), forged), "192.0.2.1");
  const TrustedProxies lb = proxies({"10.0.0.0/8"});
  EXPECT_EQ(lb.client_address(ip("192.0.2.1"), forged), "192.0.2.1");
  EXPECT_EQ(lb.client_address(ip("::ffff:192.0.2.1"), forged), "192.0.2.1");  // IPv4-mapped as IPv4
}

TEST(TrustedProxiesTest, ATrustedProxyIsBelievedAndTheRightmostUntrustedAddressIsTheClient) {
  const TrustedProxies lb = proxies({"10.0.0.0/8", "2001:db8:1::/48"});
  // The client put a forged address in front; the proxies appended what they saw.
  EXPECT_EQ(lb.client_address(ip("10.0.0.1"), {{"X-Forwarded-For", "203.0.113.7, 198.51.100.2, 10.1.1.1"}}),
            "198.51.100.2");
  EXPECT_EQ(lb.client_address(ip("::ffff:10.0.0.1"), {{"x-forwarded-for", "198.51.100.2"}}), "198.51.100.2");
  // Several fields of the name are one list, in order.
  EXPECT_EQ(lb.client_address(ip("10.0.0.1"),
                              {{"X-Forwarded-For", "198.51.100.2"}, {"X-Forwarded-For", "10.2.2.2"}}),
            "198.51.100.2");
  // RFC 7239, when the proxies write Forwarded: quoted IPv6 with a port, IPv4 with a port, other
  // parameters around it, mixed case.
  const TrustedProxies rfc7239 = proxies({"10.0.0.0/8", "2001:db8:1::/48"}, "Forwarded");
  EXPECT_EQ(rfc7239.client_address(ip("2001:db8:1::5"),
                                   {{"Forwarded", R"(for="[2001:db8::1]:4711";proto=https, For=10.9.9.9)"}}),
            "2001:db8::1");
  EXPECT_EQ(rfc7239.client_address(ip("10.0.0.1"),
                                   {{"Forwarded", R"(proto=http;for="198.51.100.2:80";by=10.0.0.1)"}}),
            "198.51.100.2");
  EXPECT_EQ(rfc7239.client_address(ip("10.0.0.1"), {{"Forwarded", "for=::ffff:198.51.100.2"}}),
            "198.51.100.2");
  // Only the configured header is read: nginx appends to X-Forwarded-For and passes the client's own
  // Forwarded through, so a client could otherwise name any address (a fresh rate-limit bucket each time,
  // or a victim's).
  EXPECT_EQ(lb.client_address(ip("10.0.0.1"),
                              {{"Forwarded", "for=203.0.113.99"}, {"X-Forwarded-For", "198.51.100.2"}}),
            "198.51.100.2");
  EXPECT_EQ(rfc7239.client_address(ip("10.0.0.1"),
                                   {{"X-Forwarded-For", "203.0.113.99"}, {"Forwarded", "for=198.51.100.2"}}),
            "198.51.100.2");
  EXPECT_FALSE(TrustedProxies::parse({"10.0.0.0/8"}, "x-real-ip").has_value());
  // No header: the proxy itself.
  EXPECT_EQ(lb.client_address(ip("10.0.0.1"), {}), "10.0.0.1");
  // Only trusted proxies in the chain: the leftmost.
  EXPECT_EQ(lb.client_address(ip("10.0.0.1"), {{"X-Forwarded-For", "10.3.3.3, 10.2.2.2"}}), "10.3.3.3");
}

TEST(TrustedProxiesTest, AnObfuscatedOrUnknownOrGarbledHopFallsBackToThePeer) {
  const TrustedProxies lb = proxies({"10.0.0.0/8"});
  const TrustedProxies rfc7239 = proxies({"10.0.0.0/8"}, "forwarded");
  for (const char* forwarded : {"for=_hidden", "for=unknown", R"(for="_gazonk")", "proto=https",
                                "for=\"[::1\"", "for=300.1.1.1", R"(for="[fe80::1%25eth0]")"}) {
    EXPECT_EQ(rfc7239.client_address(ip("10.0.0.1"), {{"Forwarded", forwarded}}), "10.0.0.1") << forwarded;
  }
  // An IPv6 zone would make every spelling a rate-limit bucket of its own.
  for (const char* zoned : {"fe80::1%eth0", "fe80::1%1", "fe80::1%2"}) {
    EXPECT_EQ(lb.client_address(ip("10.0.0.1"), {{"X-Forwarded-For", zoned}}), "10.0.0.1") << zoned;
  }
  EXPECT_EQ(lb.client_address(ip("10.0.0.1"), {{"X-Forwarded-For", "198.51.100.2, garbage"}}), "10.0.0.1");
}

TEST(TrustedProxiesTest, BadEntriesAreRefusedByName) {
  for (const char* bad :
       {"10.0.0.0/33", "10.1.0.0/8", "example.com", "2001:db8::/129", "2001:db8::1/32", ""}) {
    const auto parsed = TrustedProxies::parse({"192.0.2.0/24", bad});
    ASSERT_FALSE(parsed.has_value()) << bad;
    EXPECT_EQ(parsed.error().code, ErrorCode::invalid_input);
    EXPECT_THAT(parsed.error().message, HasSubstr(std::string("'") + bad + "'"));
  }
  EXPECT_TRUE(TrustedProxies::parse({"192.0.2.1", "::1", "0.0.0.0/0", "::/0", "fd00::/8"}).has_value());
}

TEST(ConnectionLimitsTest, CountsPerClientAsTheRateLimiterDoesAndInAll) {
  ConnectionLimits limits({.max_connections = 4, .max_connections_per_address = 2});
  auto a = limits.acquire("2001:db8::1");
  auto b = limits.acquire("2001:db8::2");  // the same /64
  EXPECT_TRUE(a.held() && b.held());
  EXPECT_FALSE(limits.acquire("2001:db8::ffff").held());
  EXPECT_TRUE(limits.acquire("2001:db8:0:1::1").held());  // another /64; released at once
  auto c = limits.acquire("192.0.2.1");
  auto d = limits.acquire("::ffff:192.0.2.1");  // the same IPv4 client
  EXPECT_TRUE(c.held() && d.held());
  EXPECT_FALSE(limits.acquire("192.0.2.1").held());
  EXPECT_FALSE(limits.acquire("198.51.100.1").held());  // four in all
  EXPECT_EQ(limits.open(), 4U);
  a = ConnectionLimits::Slot{};
  EXPECT_EQ(limits.open_from("2001:db8::9"), 1U);
  EXPECT_TRUE(limits.acquire("198.51.100.1", false).held());  // a proxy's: the total only
}

// The servers take and give back slots on several threads at once (run under TSan by make test-tsan).
TEST(ConnectionLimitsTest, NeverGrantsMoreThanTheLimitUnderConcurrency) {
  ConnectionLimits limits({.max_connections = 1000, .max_connections_per_address = 3});
  std::atomic<int> held{0};
  std::atomic<int> most{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 2000; ++i) {
        ConnectionLimits::Slot slot = limits.acquire("192.0.2.1");
        if (!slot.held()) continue;
        const int now = ++held;
        int seen = most.load();
        while (now > seen && !most.compare_exchange_weak(seen, now)) {
        }
        --held;
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_LE(most.load(), 3);
  EXPECT_EQ(limits.open(), 0U);
}

// A blocking client from a chosen loopback address.
class Client {
 public:
  Client(std::uint16_t port, const char* source = "127.0.0.1") : socket_(ioc_) {
    socket_.open(tcp::v4());
    socket_.bind(tcp::endpoint(ip(source), 0));
    socket_.connect(tcp::endpoint(ip("127.0.0.1"), port));
  }
  // One GET and its response; the error when the server closed the connection instead.
  beast::error_code get(const std::string& target, const Headers& headers = {},
                        bhttp::response<bhttp::string_body>* response = nullptr) {
    bhttp::request<bhttp::string_body> request{bhttp::verb::get, target, 11};
    request.set(bhttp::field::host, "localhost");
    for (const auto& [name, value] : headers) request.insert(name, value);
    beast::error_code ec;
    bhttp::write(socket_, request, ec);
    if (ec) return ec;
    bhttp::response<bhttp::string_body> received;
    bhttp::read(socket_, buffer_, received, ec);
    if (response != nullptr) *response = std::move(received);
    return ec;
  }
  void close() { socket_.close(); }

 private:
  net::io_context ioc_;
  tcp::socket socket_;
  beast::flat_buffer buffer_;
};

ServerOptions limited(std::size_t total, std::size_t per_address) {
  ServerOptions options;
  options.port = 0;
  options.threads = 2;
  options.connection_limits = std::make_shared<ConnectionLimits>(ConnectionLimitOptions{total, per_address});
  return options;
}

Response remote_of(const Request& request) {
  Response response;
  response.body = request.remote_address;
  return response;
}

std::unique_ptr<Server> start(ServerOptions options, ServerHooks hooks = {}) {
  auto server = Server::create(std::move(options), remote_of, std::move(hooks));
  if (!server) {
    ADD_FAILURE() << server.error().message;
    return nullptr;
  }
  (*server)->start_background();
  return std::move(*server);
}

// Waits (without sleeping for a set time) until the server has let go of a closed connection.
void wait_until(const std::function<bool()>& done) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (!done() && std::chrono::steady_clock::now() < deadline) std::this_thread::yield();
  ASSERT_TRUE(done());
}

TEST(HttpConnectionLimitTest, OneAddressCannotHoldMoreThanItsShareOthersStillGetIn) {
  auto options = limited(100, 2);
  const auto limits = options.connection_limits;
  auto server = start(std::move(options));
  ASSERT_NE(server, nullptr);
  Client first(server->port()), second(server->port()), third(server->port());  // accepted in this order
  EXPECT_NE(third.get("/x"), beast::error_code{});  // closed at once, never answered
  Client other(server->port(), "127.0.0.2");
  bhttp::response<bhttp::string_body> response;
  ASSERT_EQ(other.get("/x", {}, &response), beast::error_code{});
  EXPECT_EQ(response.body(), "127.0.0.2");
  ASSERT_EQ(first.get("/x", {}, &response), beast::error_code{});  // the idle ones still served
  ASSERT_EQ(second.get("/x"), beast::error_code{});
  first.close();
  wait_until([&] { return limits->open_from("127.0.0.1") == 1; });
  Client again(server->port());
  EXPECT_EQ(again.get("/x"), beast::error_code{});
}

// Work for the workers is counted like connections: one client cannot take more than its share of the
// places, so that another's query still gets one.
TEST(HttpPendingWorkTest, OneClientCannotTakeEveryPlaceForTheWorkers) {
  std::promise<void> entered;
  auto entered_future = entered.get_future();
  std::promise<void> release;
  auto release_future = release.get_future().share();
  auto options = limited(100, 0);
  options.workers = 1;
  options.max_pending = 10;
  options.max_pending_per_client = 1;
  auto created = Server::create(std::move(options), [&entered, release_future](const Request& request) {
    if (request.path == "/slow") {
      entered.set_value();
      release_future.wait();
    }
    return remote_of(request);
  });
  ASSERT_TRUE(created.has_value()) << created.error().message;
  auto server = std::move(*created);
  server->start_background();
  auto slow = std::async(std::launch::async, [port = server->port()] {
    Client client(port);
    bhttp::response<bhttp::string_body> response;
    return client.get("/slow", {}, &response) ? 0U : response.result_int();
  });
  entered_future.wait();  // 127.0.0.1 holds its one place
  auto same = std::async(std::launch::async, [port = server->port()] {
    Client client(port);
    bhttp::response<bhttp::string_body> response;
    return client.get("/x", {}, &response) ? bhttp::response<bhttp::string_body>() : response;
  });
  // A deadline, not a pause: without the per-client bound the request queues behind the slow one.
  const bool answered = same.wait_for(std::chrono::seconds(20)) == std::future_status::ready;
  if (!answered) release.set_value();
  ASSERT_TRUE(answered) << "the second request of the client was queued, not refused";
  const auto refused = same.get();
  EXPECT_EQ(refused.result_int(), 503U);
  EXPECT_EQ(refused[bhttp::field::retry_after], "1");
  auto other = std::async(std::launch::async, [port = server->port()] {
    Client client(port, "127.0.0.2");
    bhttp::response<bhttp::string_body> response;
    return client.get("/x", {}, &response) ? std::string() : response.body();
  });
  release.set_value();
  EXPECT_EQ(slow.get(), 200U);
  EXPECT_EQ(other.get(), "127.0.0.2");  // queued behind the slow one, then answered
}

TEST(HttpConnectionLimitTest, TheTotalLimitHoldsAcrossAddresses) {
  auto server = start(limited(3, 0));
  ASSERT_NE(server, nullptr);
  Client a(server->port(), "127.0.0.2"), b(server->port(), "127.0.0.3"), c(server->port(), "127.0.0.4");
  Client d(server->port(), "127.0.0.5");
  EXPECT_NE(d.get("/x"), beast::error_code{});
  for (Client* client : {&a, &b, &c}) EXPECT_EQ(client->get("/x"), beast::error_code{});
}

TEST(HttpTrustedProxyTest, TheForwardedClientReachesTheHandlerAndTheAccessLog) {
  auto lines = std::make_shared<std::vector<std::string>>();
  auto mutex = std::make_shared<std::mutex>();
  ServerHooks hooks;
  hooks.access_log = [lines, mutex](std::string_view line) {
    const std::lock_guard lock(*mutex);
    lines->emplace_back(line);
  };
  auto options = limited(100, 1);
  options.trusted_proxies = proxies({"127.0.0.1"});
  auto server = start(std::move(options), hooks);
  ASSERT_NE(server, nullptr);
  bhttp::response<bhttp::string_body> response;
  Client proxy(server->port());
  ASSERT_EQ(proxy.get("/x", {{"X-Forwarded-For", "203.0.113.7, 198.51.100.2"}}, &response),
            beast::error_code{});
  EXPECT_EQ(response.body(), "198.51.100.2");
  // A trusted proxy's connections do not count per address: it speaks for many clients.
  Client proxy_again(server->port());
  ASSERT_EQ(proxy_again.get("/x", {{"X-Forwarded-For", "2001:db8::1"}}, &response), beast::error_code{});
  EXPECT_EQ(response.body(), "2001:db8::1");
  Client stranger(server->port(), "127.0.0.2");
  ASSERT_EQ(stranger.get("/x", {{"X-Forwarded-For", "198.51.100.2"}}, &response), beast::error_code{});
  EXPECT_EQ(response.body(), "127.0.0.2");  // not believed
  server->stop();
  const std::lock_guard lock(*mutex);
  // Written once each response is sent, so in any order.
  EXPECT_THAT(*lines, ::testing::UnorderedElementsAre(HasSubstr(R"("remote":"198.51.100.2")"),
                                                      HasSubstr(R"("remote":"2001:db8::1")"),
                                                      HasSubstr(R"("remote":"127.0.0.2")")));
}

}  // namespace
}  // namespace ssad::http
