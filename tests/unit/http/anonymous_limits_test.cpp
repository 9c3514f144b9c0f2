// Anonymous limits done right (issue 14, item 1), through a real server on port 0: 429 with Retry-After and
// an RDAP error body over the limit; searches charged by their cost; a steady client just under the limit
// never refused for a simulated hour, one just over refused with a Retry-After it can honour; accredited
// use not counted in the anonymous bucket, forged credentials counted in a bucket of their own; the limits
// stated in /help. Every client stands behind a trusted proxy at 127.0.0.1 that names it in
// X-Forwarded-For, so that one test speaks for several addresses. Time is the fixture's FakeClock.

#include <algorithm>
#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include "http/server.hpp"
#include "unit/http/v1_fixture.hpp"
#include "unit/property/wire_client.hpp"

namespace ssad::http {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;
using ::testing::HasSubstr;

constexpr const char* kClient = "192.0.2.10";
constexpr const char* kOtherClient = "203.0.113.9";

// The limits of one test, as [rdap] and [abuse] of ssad.toml would give them.
struct Limits {
  double per_second = 1;
  double burst = 3;
  double search_cost = 10;
  double failures_per_minute = 10;
  double failures_burst = 20;
};

class AnonymousLimitsTest : public V1ApiTest {
 protected:
  // The V1 fixture's front doors with `limits`, behind a server on port 0 (a reading thread and a worker,
  // as `ssad serve` runs them: refusals and cached answers on the first).
  void serve(const Limits& limits) {
    anonymous_.emplace(clock_, limits.per_second, limits.burst);
    health_.emplace(clock_, limits.per_second, limits.burst);
    failures_.emplace(clock_, limits.failures_per_minute / 60, limits.failures_burst);
    limited_.emplace(make_routes({.rdap = *rdap_,
                                  .readiness = *readiness_,
                                  .limiter = *anonymous_,
                                  .health_limiter = *health_,
                                  .credential_failures = *failures_,
                                  .search_cost = limits.search_cost,
                                  .audit = &*audit_endpoint_,
                                  .directory = &*directory_endpoint_,
                                  .policy = &*policy_endpoint_,
                                  .requests = &*requests_endpoint_}));
    ServerOptions options;
    options.port = 0;
    options.threads = 1;
    options.workers = 1;
    options.trusted_proxies = TrustedProxies::parse({"127.0.0.1"}, "x-forwarded-for").value();
    ServerHooks hooks;
    hooks.log_access = false;
    const Router& router = *limited_;
    hooks.quick = [&router](Request& request) { return router.quick(request); };
    auto created =
        Server::create(options, [&router](const Request& request) { return router.handle(request); }, hooks);
    ASSERT_TRUE(created.has_value()) << created.error().message;
    server_ = std::move(*created);
    server_->start_background();
    client_ = std::make_unique<testing::WireClient>(server_->port());
  }

  // GET `target` from `client`, with `key` as its bearer credential when there is one.
  Response ask(const std::string& target, const std::string& client = kClient, const std::string& key = "") {
    Request r = request("GET", target, key);
    r.headers.emplace_back("X-Forwarded-For", client);
    return client_->exchange(r);
  }

  void TearDown() override {
    client_.reset();
    if (server_) server_->stop();
  }

  std::optional<abuse::RateLimiter> anonymous_;
  std::optional<abuse::RateLimiter> health_;
  std::optional<abuse::RateLimiter> failures_;
  std::optional<Router> limited_;
  std::unique_ptr<Server> server_;
  std::unique_ptr<testing::WireClient> client_;
};

long long retry_after(const Response& response) {
  const auto value = response.header("Retry-After");
  return value ? std::stoll(std::string(*value)) : -1;
}

TEST_F(AnonymousLimitsTest, OverTheLimitRdapAnswers429WithRetryAfterAndAnRdapErrorBody) {
  serve({.per_second = 0.5, .burst = 3});
  for (int i = 0; i < 3; ++i) EXPECT_EQ(ask("/rdap/domain/legal.test").status, 200U);
  const Response refused = ask("/rdap/domain/legal.test");
  EXPECT_EQ(refused.status, 429U);
  EXPECT_EQ(retry_after(refused), 2);  // one token per 2 s
  EXPECT_EQ(refused.header("Content-Type"), "application/rdap+json");
  const rapidjson::Document body = json(refused);
  ASSERT_TRUE(body.IsObject());
  EXPECT_EQ(body["errorCode"].GetUint(), 429U);
  EXPECT_TRUE(body.HasMember("title"));
  EXPECT_TRUE(body.HasMember("rdapConformance"));
  EXPECT_EQ(ask("/rdap/domain/legal.test", kOtherClient).status, 200U);  // another client
  clock_.advance(seconds(2));
  EXPECT_EQ(ask("/rdap/domain/legal.test").status, 200U);
  EXPECT_EQ(ask("/rdap/domain/legal.test").status, 429U);
}

// A search takes rdap.search_cost tokens, whichever search it is and however its path is spelt; a lookup
// takes one.
TEST_F(AnonymousLimitsTest, ASearchCostsTheSearchCostAndALookupOne) {
  serve({.per_second = 1, .burst = 10, .search_cost = 4});
  EXPECT_EQ(ask("/rdap/domains?name=leg*").status, 200U);    // 6 left
  EXPECT_EQ(ask("/rdap/%64omains?name=nat*").status, 200U);  // 2 left: the same search, percent-encoded
  const Response refused = ask("/rdap/nameservers?name=ns1.*");
  EXPECT_EQ(refused.status, 429U);
  EXPECT_EQ(retry_after(refused), 2);  // two more tokens at one a second
  EXPECT_EQ(ask("/rdap/domain/legal.test").status, 200U);
  EXPECT_EQ(ask("/rdap/domain/natural.test").status, 200U);
  EXPECT_EQ(ask("/rdap/domain/legal.test").status, 429U);
  clock_.advance(seconds(4));
  EXPECT_NE(ask("/rdap/entities?fn=Alice*").status, 429U);  // refused to the public, but charged
  EXPECT_EQ(ask("/rdap/help").status, 429U);
}

// A cost above the burst is charged as the burst: such a search needs (and empties) a full bucket, and
// Retry-After is the time to refill it.
TEST_F(AnonymousLimitsTest, ASearchCostingMoreThanTheBurstNeedsAFullBucket) {
  serve({.per_second = 1, .burst = 5, .search_cost = 50});
  EXPECT_EQ(ask("/rdap/domains?name=leg*").status, 200U);
  const Response empty = ask("/rdap/domains?name=leg*");
  EXPECT_EQ(empty.status, 429U);
  EXPECT_EQ(retry_after(empty), 5);
  clock_.advance(seconds(4));
  EXPECT_EQ(ask("/rdap/domain/legal.test").status, 200U);  // a lookup fits in what is back
  EXPECT_EQ(ask("/rdap/domains?name=leg*").status, 429U);
  clock_.advance(seconds(2));
  EXPECT_EQ(ask("/rdap/domains?name=leg*").status, 200U);
}

// A client that asks at a steady rate just under the limit is never refused, for a simulated hour; one just
// over it is, and is answered once it has waited as Retry-After told it.
TEST_F(AnonymousLimitsTest, ASteadyClientUnderTheLimitIsNeverRefusedAndOneOverItIsToldWhenToComeBack) {
  serve({.per_second = 2, .burst = 5});
  int answered = 0;
  for (milliseconds elapsed{0}; elapsed < std::chrono::hours(1); elapsed += milliseconds(525)) {
    const Response response = ask("/rdap/domain/legal.test");  // 1.9 a second
    ASSERT_EQ(response.status, 200U) << "after " << elapsed.count() << " ms";
    ++answered;
    clock_.advance(milliseconds(525));
  }
  EXPECT_EQ(answered, 6858);

  std::optional<Response> refused;
  for (milliseconds elapsed{0}; elapsed < std::chrono::hours(1) && !refused; elapsed += milliseconds(475)) {
    Response response = ask("/rdap/domain/natural.test", kOtherClient);  // 2.1 a second
    if (response.status == 429U) refused = std::move(response);
    clock_.advance(milliseconds(475));
  }
  ASSERT_TRUE(refused.has_value()) << "a client over the limit was never refused";
  const long long wait = retry_after(*refused);
  ASSERT_GE(wait, 1);
  EXPECT_LE(wait, 1);  // one token at two a second, rounded up to a whole second
  clock_.advance(seconds(wait) - milliseconds(475));  // from the refusal, not from the loop's last step
  EXPECT_EQ(ask("/rdap/domain/natural.test", kOtherClient).status, 200U);
}

// Accredited use is not counted in the anonymous bucket: a valid key keeps working from an address whose
// anonymous bucket is empty, on /rdap/ and on /v1/.
TEST_F(AnonymousLimitsTest, AValidKeyWorksFromAnAddressWhoseAnonymousBucketIsEmpty) {
  serve({.per_second = 1, .burst = 2});
  EXPECT_EQ(ask("/rdap/domain/legal.test").status, 200U);
  EXPECT_EQ(ask("/rdap/domain/legal.test").status, 200U);
  EXPECT_EQ(ask("/rdap/domain/legal.test").status, 429U);
  for (int i = 0; i < 50; ++i) {
    ASSERT_EQ(ask("/rdap/domain/legal.test", kClient, a_.key).status, 200U) << i;
    ASSERT_EQ(ask("/rdap/domains?name=leg*", kClient, a_.key).status, 200U) << i;
  }
  EXPECT_EQ(ask("/v1/me", kClient, a_.key).status, 200U);
  EXPECT_EQ(ask("/rdap/domain/legal.test").status, 429U);  // still empty: the keyed requests took nothing
  // A credential on a path that does not check it is no credential: it counts as anonymous.
  EXPECT_EQ(ask("/v1/openapi.json", kClient, a_.key).status, 429U);
  EXPECT_EQ(ask("/nothing/here", kClient, a_.key).status, 429U);
}

// Forged credentials buy no way round the anonymous limit: each 401 to a request with credentials takes a
// token from the address's bucket of failures, and once the burst of them is spent its requests with
// credentials are refused before any check, a valid key's too; another address is not affected.
TEST_F(AnonymousLimitsTest, ForgedKeysFromOneAddressAreRefusedAfterTheFailureBurst) {
  serve({.per_second = 1, .burst = 2, .failures_per_minute = 10, .failures_burst = 20});
  constexpr const char* kForger = "198.51.100.7";
  std::vector<unsigned> statuses;
  for (int i = 0; i < 25; ++i) {
    statuses.push_back(ask("/rdap/domain/legal.test", kForger, "forged-key-" + std::to_string(i)).status);
  }
  EXPECT_EQ(std::count(statuses.begin(), statuses.begin() + 20, 401U), 20);
  EXPECT_EQ(std::count(statuses.begin() + 20, statuses.end(), 429U), 5);
  const Response refused = ask("/rdap/domain/legal.test", kForger, "forged-key-25");
  EXPECT_EQ(refused.status, 429U);
  EXPECT_EQ(retry_after(refused), 6);  // one failure back every 6 s
  EXPECT_EQ(refused.header("Content-Type"), "application/rdap+json");
  EXPECT_EQ(ask("/rdap/domain/legal.test", kForger, a_.key).status, 429U);  // no check at all: no key is
  EXPECT_EQ(ask("/v1/me", kForger, a_.key).status, 429U);                   // tried from there
  // Another address with a valid key is unaffected, and so are the forger's anonymous queries.
  EXPECT_EQ(ask("/rdap/domain/legal.test", kOtherClient, b_.key).status, 200U);
  EXPECT_EQ(ask("/v1/me", kOtherClient, b_.key).status, 200U);
  EXPECT_EQ(ask("/rdap/domain/legal.test", kForger).status, 200U);
  // Once a failure token is back, a valid key from there works again (and spends none); a forged one
  // spends it.
  clock_.advance(seconds(6));
  EXPECT_EQ(ask("/rdap/domain/legal.test", kForger, a_.key).status, 200U);
  EXPECT_EQ(ask("/rdap/domain/legal.test", kForger, a_.key).status, 200U);
  EXPECT_EQ(ask("/rdap/domain/legal.test", kForger, "forged-key-26").status, 401U);
  // The bucket is empty again, but this very key passed its check a moment ago: it goes through (so that
  // another client's forgeries from a shared address cannot refuse it); a key never seen here does not.
  EXPECT_EQ(ask("/rdap/domain/legal.test", kForger, a_.key).status, 200U);
  EXPECT_EQ(ask("/rdap/domain/legal.test", kForger, a2_.key).status, 429U);
}

// A 401 on /v1/ is a failed credential check as much as one on /rdap/; the refusal of what a valid
// credential asked is not.
TEST_F(AnonymousLimitsTest, FailedChecksOnV1CountAsWell) {
  serve({.per_second = 1, .burst = 10, .failures_per_minute = 10, .failures_burst = 4});
  EXPECT_EQ(ask("/v1/me", kClient, "forged-key-1").status, 401U);
  EXPECT_EQ(ask("/v1/requests", kClient, "forged-key-2").status, 401U);
  EXPECT_EQ(ask("/v1/audit/entries?start=0&end=1", kClient, "forged-key-3").status, 401U);
  // A valid credential refused what it asked (another tenant's organisation) is no failed check.
  for (int i = 0; i < 5; ++i)
    EXPECT_EQ(ask("/v1/organisations/" + b_org_, kClient, a_.key).status, 404U) << i;
  // /v1/audit/export answers 401 to everyone: that says nothing about the credential.
  for (int i = 0; i < 5; ++i) EXPECT_EQ(ask("/v1/audit/export", kClient, a_.key).status, 401U) << i;
  EXPECT_EQ(ask("/rdap/domain/legal.test", kClient, "forged-key-4").status, 401U);
  // Four failures: the bucket is empty. a_'s key passed its check above (the 404s), so it goes through;
  // b_'s never did here, and is refused.
  EXPECT_EQ(ask("/v1/me", kClient, a_.key).status, 200U);
  const Response refused = ask("/v1/me", kClient, b_.key);
  EXPECT_EQ(refused.status, 429U);
  EXPECT_EQ(refused.header("Content-Type"), "application/problem+json");
  EXPECT_EQ(retry_after(refused), 6);
  EXPECT_EQ(ask("/v1/me", kOtherClient, b_.key).status, 200U);
}

// /help states the anonymous limits in the numbers the server was configured with, and that accredited
// requestors are monitored rather than limited; with no limit, that there is none.
TEST_F(AnonymousLimitsTest, HelpStatesTheConfiguredLimits) {
  const auto help_with = [&](rdap::Settings::QueryLimits limits) {
    rdap::Settings settings;
    settings.query_limits = limits;
    const rdap::Service service(store_->registrations(), *version_, settings, policy_, {});
    RdapEndpoint endpoint(service, *version_, clock_, {.base_url = "https://rdap.example.test/rdap/"});
    const Response help = endpoint.handle(request("GET", "/rdap/help"));
    EXPECT_EQ(help.status, 200U);
    return help.body;
  };
  const std::string limited = help_with({.per_second = 7, .burst = 70, .search_cost = 5});
  EXPECT_THAT(limited, HasSubstr("\"title\":\"Query limits\""));
  EXPECT_THAT(limited,
              HasSubstr("Anonymous queries: 7 per second per client (an IPv4 address, or an IPv6 /64)"));
  EXPECT_THAT(limited, HasSubstr("up to 70 at once"));
  EXPECT_THAT(limited, HasSubstr("counts as 5 queries"));
  EXPECT_THAT(limited, HasSubstr("429 (Too Many Requests) with Retry-After"));
  EXPECT_THAT(limited,
              HasSubstr("Accredited requestors (Authorization: Bearer) are not limited to a fixed number"));
  EXPECT_THAT(limited, HasSubstr("monitored for abuse"));
  // A search costing more than the burst is charged as the burst, and /help says so.
  EXPECT_THAT(help_with({.per_second = 1, .burst = 3, .search_cost = 10}), HasSubstr("counts as 3 queries"));
  const std::string unlimited = help_with({.per_second = 0, .burst = 100, .search_cost = 10});
  EXPECT_THAT(unlimited, HasSubstr("Anonymous queries are not limited to a fixed number per client."));
  EXPECT_THAT(unlimited, ::testing::Not(HasSubstr("per second per client")));
  EXPECT_THAT(unlimited, HasSubstr("monitored for abuse"));
}

}  // namespace
}  // namespace ssad::http
