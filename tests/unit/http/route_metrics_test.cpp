// Latency histograms per route and /metrics: recorded where the server sends every response, labelled
// by the router's route pattern, answered through the routes and a real in-process server.

#include "http/route_metrics.hpp"

#include <chrono>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "abuse/rate_limiter.hpp"
#include "cache/data_version.hpp"
#include "http/asio.hpp"
#include "http/health.hpp"
#include "http/rdap_endpoint.hpp"
#include "http/routes.hpp"
#include "http/server.hpp"
#include "rdap/service.hpp"
#include "support/exposition.hpp"
#include "support/fake_clock.hpp"
#include "unit/property/wire_client.hpp"
#include "unit/rdap/rdap_fixture.hpp"

namespace ssad::http {
namespace {

using std::chrono::microseconds;
using std::chrono::milliseconds;
using std::chrono::seconds;
using ::testing::HasSubstr;
using ::testing::Not;

constexpr std::string_view kCount = "ssad_http_request_duration_seconds_count";

// The value of the sample `name{labels}` in an exposition, or -1 when there is none.
double sample(const std::string& text, std::string_view name, std::string_view labels) {
  const std::string prefix = std::string(name) + std::string(labels) + " ";
  const auto at = text.find("\n" + prefix);
  if (at == std::string::npos) return -1;
  const auto start = at + 1 + prefix.size();
  return std::stod(text.substr(start, text.find('\n', start) - start));
}

Request request(std::string method, const std::string& target) {
  Request r;
  r.method = std::move(method);
  r.target = target;
  const auto q = target.find('?');
  r.path = target.substr(0, q);
  if (q != std::string::npos) r.query = target.substr(q + 1);
  r.headers = {{"Host", "rdap.example.test"}};
  r.remote_address = "192.0.2.10";
  return r;
}

// A router with the routes of `ssad serve` for RDAP, health and /metrics.
struct Door {
  Door(store::RegistrationReader& store, const Clock& clock, const MetricsRegistry& registry)
      : version(store, clock, std::chrono::seconds(1)),
        service(store, version, rdap_settings(), policy::Settings{model::Operator::registry},
                service_options()),
        limiter(clock, 0, 100),
        health_limiter(clock, 0, 100),
        credential_failures(clock, 0, 100),
        endpoint(service, version, clock,
                 {.base_url = "https://rdap.example.test/rdap/", .cache_bytes = 1 << 20}),
        readiness(store, version),
        router(make_routes({.rdap = endpoint,
                            .readiness = readiness,
                            .limiter = limiter,
                            .health_limiter = health_limiter,
                            .credential_failures = credential_failures,
                            .metrics = &registry})) {}

  static rdap::Settings rdap_settings() {
    rdap::Settings s;
    s.mode = model::Operator::registry;
    s.terms_of_service_url = "https://www.example.test/rdap-terms";
    return s;
  }
  static rdap::ServiceOptions service_options() {
    rdap::ServiceOptions o;
    o.cursor_key = "route-metrics-test";
    return o;
  }

  cache::DataVersion version;
  rdap::Service service;
  abuse::RateLimiter limiter;
  abuse::RateLimiter health_limiter;
  abuse::RateLimiter credential_failures;
  RdapEndpoint endpoint;
  Readiness readiness;
  Router router;
};

class RouteMetricsTest : public ::testing::Test {
 protected:
  void SetUp() override { store_ = ssad::testing::open_rdap_fixture(dir_); }

  ssad::testing::TempDir dir_;
  std::unique_ptr<store::Store> store_;
  ssad::testing::FakeClock clock_{ssad::testing::at("2026-06-01T00:00:00Z")};
  MetricsRegistry registry_;
};

TEST_F(RouteMetricsTest, ExchangesAreCountedByRoutePatternMethodAndStatusClass) {
  const Door door(store_->registrations(), clock_, registry_);
  RouteMetrics metrics(door.router, registry_);
  metrics.record(
      {.method = "GET", .path = "/rdap/domain/natural.test", .status = 200, .duration = microseconds(80)});
  metrics.record({.method = "GET", .path = "/rdap", .status = 200, .duration = milliseconds(3)});
  metrics.record({.method = "GET", .path = "/rdap/entity/nat1", .status = 404, .duration = milliseconds(20)});
  metrics.record({.method = "BREW", .path = "/healthz", .status = 302, .duration = milliseconds(1)});
  metrics.record({.method = "", .path = "", .status = 400, .duration = milliseconds(1)});
  metrics.record({.method = "DELETE", .path = "/v1/audit/x", .status = 404, .duration = seconds(30)});
  const std::string text = registry_.exposition();
  EXPECT_EQ(ssad::testing::check_exposition(text), "");

  EXPECT_EQ(sample(text, kCount, R"({route="/rdap/*",method="GET",code="2xx"})"), 2);
  EXPECT_EQ(
      sample(text, "ssad_http_request_duration_seconds_sum", R"({route="/rdap/*",method="GET",code="2xx"})"),
      0.00308);
  EXPECT_EQ(sample(text, "ssad_http_request_duration_seconds_bucket",
                   R"({route="/rdap/*",method="GET",code="2xx",le="0.0001"})"),
            1);
  EXPECT_EQ(sample(text, "ssad_http_request_duration_seconds_bucket",
                   R"({route="/rdap/*",method="GET",code="2xx",le="0.0025"})"),
            1);
  EXPECT_EQ(sample(text, "ssad_http_request_duration_seconds_bucket",
                   R"({route="/rdap/*",method="GET",code="2xx",le="0.005"})"),
            2);
  EXPECT_EQ(sample(text, kCount, R"({route="/rdap/*",method="GET",code="4xx"})"), 1);
  EXPECT_EQ(sample(text, kCount, R"({route="/healthz",method="other",code="3xx"})"), 1);
  EXPECT_EQ(sample(text, kCount, R"({route="unmatched",method="other",code="4xx"})"), 1);
  // No audit endpoint in this table: /v1/audit is nobody's.
  EXPECT_EQ(sample(text, kCount, R"({route="unmatched",method="DELETE",code="4xx"})"), 1);
  EXPECT_EQ(sample(text, "ssad_http_request_duration_seconds_bucket",
                   R"({route="unmatched",method="DELETE",code="4xx",le="10"})"),
            0);
  // Series that counted nothing are not exposed; paths never are.
  EXPECT_THAT(text, Not(HasSubstr(R"(route="/readyz")")));
  EXPECT_THAT(text, Not(HasSubstr("natural.test")));
  EXPECT_THAT(text, Not(HasSubstr("nat1")));
  EXPECT_THAT(text, HasSubstr("ssad_metrics_collector_up{collector=\"http\"} 1\n"));
}

// Threads record into shards of their own; a scrape adds them up, and nothing is lost (TSan: no race).
TEST_F(RouteMetricsTest, ConcurrentRecordsFromSeveralThreadsAreAllCounted) {
  const Door door(store_->registrations(), clock_, registry_);
  RouteMetrics metrics(door.router, registry_);
  constexpr int kThreads = 6;
  constexpr int kEach = 10000;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&metrics, t] {
      for (int i = 0; i < kEach; ++i) {
        metrics.record({.method = "GET",
                        .path = t % 2 == 0 ? "/rdap/domain/a.test" : "/healthz",
                        .status = 200,
                        .duration = milliseconds(2)});
      }
    });
  }
  // A scrape while they record sees a consistent histogram (cumulative, +Inf = _count).
  EXPECT_EQ(ssad::testing::check_exposition(registry_.exposition()), "");
  for (auto& thread : threads) thread.join();
  const std::string text = registry_.exposition();
  EXPECT_EQ(sample(text, kCount, R"({route="/rdap/*",method="GET",code="2xx"})"), kThreads / 2 * kEach);
  EXPECT_EQ(sample(text, kCount, R"({route="/healthz",method="GET",code="2xx"})"), kThreads / 2 * kEach);
  EXPECT_EQ(
      sample(text, "ssad_http_request_duration_seconds_sum", R"({route="/healthz",method="GET",code="2xx"})"),
      kThreads / 2 * kEach * 0.002);
  EXPECT_EQ(sample(text, "ssad_http_request_duration_seconds_bucket",
                   R"({route="/healthz",method="GET",code="2xx",le="0.001"})"),
            0);
}

TEST_F(RouteMetricsTest, RouteNamesAreTheRoutersPatterns) {
  Router router;
  router.exact("/healthz", [](const Request&) { return Response{}; });
  router.prefix("/rdap/", [](const Request&) { return Response{}; });
  router.prefix("/", [](const Request&) { return Response{}; });
  router.exact("/healthz", [](const Request&) { return Response{}; });
  EXPECT_EQ(router.route_names(), (std::vector<std::string>{"/healthz", "/rdap/*", "/*", "/healthz"}));
  EXPECT_EQ(router.route_index("/healthz"), 0U);
  EXPECT_EQ(router.route_index("/rdap"), 1U);
  EXPECT_EQ(router.route_index("/rdap/domain/x"), 1U);
  EXPECT_EQ(router.route_index("/rdapx"), 2U);
  EXPECT_EQ(Router().route_index("/anything"), 0U);  // none: the number of routes

  // A path added twice keeps one series.
  RouteMetrics metrics(router, registry_);
  metrics.record({.method = "GET", .path = "/healthz", .status = 200, .duration = microseconds(1)});
  const std::string text = registry_.exposition();
  EXPECT_EQ(sample(text, kCount, R"({route="/healthz",method="GET",code="2xx"})"), 1);
}

TEST_F(RouteMetricsTest, MetricsAnswersGetAndHeadAndRefusesOtherMethods) {
  Door door(store_->registrations(), clock_, registry_);
  ASSERT_TRUE(registry_.counter("ssad_example_total", "An example.").has_value());
  const Response got = door.router.handle(request("GET", "/metrics"));
  EXPECT_EQ(got.status, 200U);
  EXPECT_EQ(got.header("content-type"), "text/plain; version=0.0.4; charset=utf-8");
  EXPECT_EQ(got.header("cache-control"), "no-store");
  EXPECT_EQ(
      got.body,
      "# HELP ssad_example_total An example.\n# TYPE ssad_example_total counter\nssad_example_total 0\n");
  Request head = request("GET", "/metrics");
  head.head = true;  // the server sends the headers only
  EXPECT_EQ(door.router.handle(head).status, 200U);
  for (const char* method : {"POST", "PUT", "DELETE"}) {
    const Response refused = door.router.handle(request(method, "/metrics"));
    EXPECT_EQ(refused.status, 405U) << method;
    EXPECT_EQ(refused.header("allow"), "GET, HEAD");
    EXPECT_EQ(refused.header("content-type"), "application/problem+json");
  }
  // Without a registry there is no /metrics.
  const Router bare = make_routes({.rdap = door.endpoint,
                                   .readiness = door.readiness,
                                   .limiter = door.limiter,
                                   .health_limiter = door.health_limiter,
                                   .credential_failures = door.credential_failures});
  EXPECT_EQ(bare.handle(request("GET", "/metrics")).status, 404U);
}

// Sends `bytes` on a new connection and reads until the server ends its side. After a refusal the server
// ends it once the exchange was observed (then lingers, reading, until the client closes).
std::string send_and_read_all(std::uint16_t port, const std::string& bytes) {
  namespace net = boost::asio;
  net::io_context ioc;
  net::ip::tcp::socket socket(ioc);
  socket.connect({net::ip::make_address("127.0.0.1"), port});
  net::write(socket, net::buffer(bytes));
  std::string received;
  boost::system::error_code ec;
  std::array<char, 4096> chunk{};
  while (!ec) {
    const std::size_t n = socket.read_some(net::buffer(chunk), ec);
    received.append(chunk.data(), n);
  }
  return received;
}

TEST_F(RouteMetricsTest, MetricsThroughARealServerShowTheCountsOfEachRoute) {
  const Door door(store_->registrations(), clock_, registry_);
  RouteMetrics metrics(door.router, registry_);
  ServerOptions options;
  options.port = 0;
  options.threads = 2;
  options.workers = 2;
  options.header_limit = 1024;
  ServerHooks hooks;
  hooks.log_access = false;
  hooks.quick = [&router = door.router](Request& r) { return router.quick(r); };
  hooks.observe = [&metrics](const Exchange& exchange) { metrics.record(exchange); };
  auto created =
      Server::create(options, [&router = door.router](const Request& r) { return router.handle(r); }, hooks);
  ASSERT_TRUE(created.has_value()) << created.error().message;
  std::unique_ptr<Server> server = std::move(*created);
  server->start_background();

  // A request whose header is over the limit: refused by the server itself (431), never seen by the router,
  // counted under the route of its path.
  const std::string refused = send_and_read_all(
      server->port(),
      "GET /rdap/domain/natural.test HTTP/1.1\r\nHost: x\r\nX-Big: " + std::string(2000, 'a') + "\r\n\r\n");
  EXPECT_THAT(refused, HasSubstr("HTTP/1.1 431"));

  // One connection: the server observes each exchange before it reads the next request on it.
  ssad::testing::WireClient client(server->port());
  for (int i = 0; i < 3; ++i)
    EXPECT_EQ(client.exchange(request("GET", "/rdap/domain/natural.test")).status, 200U);
  // A handle in the path (a registry does not serve contacts: 404) must not reach a label.
  EXPECT_EQ(client.exchange(request("GET", "/rdap/entity/nat1")).status, 404U);
  EXPECT_EQ(client.exchange(request("GET", "/healthz")).status, 200U);
  EXPECT_EQ(client.exchange(request("GET", "/no/such/thing")).status, 404U);
  EXPECT_EQ(client.exchange(request("POST", "/metrics")).status, 405U);
  const Response head = client.exchange(request("HEAD", "/metrics"));
  EXPECT_EQ(head.status, 200U);
  EXPECT_EQ(head.body, "");

  const Response scraped = client.exchange(request("GET", "/metrics"));
  ASSERT_EQ(scraped.status, 200U);
  EXPECT_EQ(scraped.header("content-type"), "text/plain; version=0.0.4; charset=utf-8");
  const std::string& text = scraped.body;
  EXPECT_EQ(ssad::testing::check_exposition(text), "") << text;
  EXPECT_EQ(sample(text, kCount, R"({route="/rdap/*",method="GET",code="2xx"})"), 3);
  EXPECT_EQ(sample(text, kCount, R"({route="/rdap/*",method="GET",code="4xx"})"), 2);  // the 431 and the 404
  EXPECT_EQ(sample(text, kCount, R"({route="/healthz",method="GET",code="2xx"})"), 1);
  EXPECT_EQ(sample(text, kCount, R"({route="unmatched",method="GET",code="4xx"})"), 1);
  EXPECT_EQ(sample(text, kCount, R"({route="/metrics",method="POST",code="4xx"})"), 1);
  EXPECT_EQ(sample(text, kCount, R"({route="/metrics",method="HEAD",code="2xx"})"), 1);
  // The scrape itself is counted once its response is sent: in the next scrape.
  EXPECT_EQ(sample(text, kCount, R"({route="/metrics",method="GET",code="2xx"})"), -1);
  EXPECT_THAT(text, Not(HasSubstr("natural.test")));
  EXPECT_THAT(text, Not(HasSubstr("nat1")));
  EXPECT_THAT(text, Not(HasSubstr("/no/such")));

  const Response again = client.exchange(request("GET", "/metrics"));
  EXPECT_EQ(sample(again.body, kCount, R"({route="/metrics",method="GET",code="2xx"})"), 1);
  server->stop();
}

}  // namespace
}  // namespace ssad::http
