// The trusted issuers against the tests' identity provider (tests/support/test_idp) over HTTP on
// loopback: key sets from a file and from a URL, key rotation by kid, the limits on re-fetching, the
// kept verified tokens, and the URLs a key set may not come from. Time is a FakeClock, which the
// provider's `now` parameter follows.

#include "identity/oidc_issuers.hpp"

#include <atomic>
#include <chrono>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "support/fake_clock.hpp"
#include "support/temp_dir.hpp"
#include "support/test_idp.hpp"

namespace ssad::identity {
namespace {

using namespace std::chrono_literals;
using testing::FakeClock;
using testing::TempDir;
using testing::TestIdp;

IssuerSettings from_url(const TestIdp& provider) {
  return {.issuer = provider.base_url(),
          .name = "Test IdP",
          .audience = "rdap.example",
          .jwks_url = provider.jwks_url()};
}

// The provider's `now` parameter: the fake clock's wall time.
std::string at(const FakeClock& clock) { return "now=" + std::to_string(to_unix_ms(clock.now()) / 1000); }

std::unique_ptr<TrustedIssuers> trust(std::vector<IssuerSettings> issuers, const Clock& clock,
                                      IssuerOptions options = {}) {
  auto trusted = TrustedIssuers::create(std::move(issuers), options, clock);
  if (!trusted) throw std::runtime_error(trusted.error().message);
  return std::move(*trusted);
}

std::string outcome(const Result<TokenClaims>& result) {
  if (result) return "verified";
  EXPECT_EQ(result.error().code, ErrorCode::unauthenticated) << result.error().message;
  return result.error().message;
}

TEST(TrustedIssuersTest, VerifiesWithKeysFromAFile) {
  FakeClock clock;
  const TempDir dir;
  const TestIdp provider("", dir.file("jwks.json"));
  const auto trusted = trust({{.issuer = provider.base_url(),
                               .name = "Test IdP",
                               .audience = "rdap.example",
                               .jwks_file = dir.file("jwks.json")}},
                             clock);
  for (const std::string alg : {"RS256", "ES256", "EdDSA"}) {
    const auto claims = trusted->verify(provider.token(at(clock) + "&alg=" + alg + "&sub=bob"));
    ASSERT_TRUE(claims.has_value()) << alg << ": " << claims.error().message;
    EXPECT_EQ(claims->subject, "bob");
    EXPECT_EQ(claims->issuer, provider.base_url());
  }
  EXPECT_EQ(provider.jwks_requests(), 0);
  EXPECT_EQ(trusted->issuers().size(), 1U);
  EXPECT_EQ(trusted->issuers()[0].name, "Test IdP");

  // A file is read once: a key added later is unknown, and nothing is fetched.
  const std::string kid = provider.rotate("alg=ES256");
  clock.advance(1h);
  EXPECT_EQ(outcome(trusted->verify(provider.token(at(clock) + "&kid=" + kid))),
            "The bearer token is signed with an unknown key.");
  EXPECT_EQ(trusted->jwks_fetches(), 0U);
}

TEST(TrustedIssuersTest, PicksTheIssuerByTheTokensIss) {
  FakeClock clock;
  const TestIdp first;
  const TestIdp second;
  IssuerSettings other = from_url(second);
  other.audience = "rdap.second.example";
  const auto trusted = trust({from_url(first), other}, clock);
  EXPECT_EQ(outcome(trusted->verify(first.token(at(clock)))), "verified");
  EXPECT_EQ(outcome(trusted->verify(second.token(at(clock) + "&aud=rdap.second.example"))), "verified");
  // Each issuer's own audience, and its own keys: the second's key ids are the first's, not its keys.
  EXPECT_EQ(outcome(trusted->verify(second.token(at(clock)))), "The bearer token is for another audience.");
  EXPECT_EQ(outcome(trusted->verify(second.token(at(clock) + "&iss=" + first.base_url()))),
            "The bearer token's signature does not verify.");
  EXPECT_EQ(outcome(trusted->verify(first.token(at(clock) + "&iss=https://unknown.example"))),
            "The bearer token's issuer is not trusted here.");
  EXPECT_EQ(outcome(trusted->verify("not a token")), "The bearer token is malformed.");
}

// Rotation: an unknown kid fetches the key set again, once jwks_refetch_min has passed since the last
// fetch; a second unknown kid within that time does not.
TEST(TrustedIssuersTest, AnUnknownKidFetchesTheKeysAgainAtMostOncePerRefetchInterval) {
  FakeClock clock;
  const TestIdp provider;
  const auto trusted = trust({from_url(provider)}, clock, {.jwks_refetch_min = 30s});
  EXPECT_EQ(provider.jwks_requests(), 1);
  EXPECT_EQ(outcome(trusted->verify(provider.token(at(clock)))), "verified");

  const std::string rotated = provider.rotate("alg=RS256&retire=rs256-1");
  const std::string token = provider.token(at(clock) + "&exp=3600");
  clock.advance(29s);
  EXPECT_EQ(outcome(trusted->verify(token)), "The bearer token is signed with an unknown key.");
  EXPECT_EQ(provider.jwks_requests(), 1);

  clock.advance(1s);
  const auto claims = trusted->verify(token);
  ASSERT_TRUE(claims.has_value()) << claims.error().message;
  EXPECT_EQ(claims->key_id, rotated);
  EXPECT_EQ(provider.jwks_requests(), 2);

  EXPECT_EQ(outcome(trusted->verify(provider.token(at(clock) + "&forge=unknown-kid"))),
            "The bearer token is signed with an unknown key.");
  clock.advance(29s);
  EXPECT_EQ(outcome(trusted->verify(provider.token(at(clock) + "&forge=unknown-kid"))),
            "The bearer token is signed with an unknown key.");
  EXPECT_EQ(provider.jwks_requests(), 2);
  EXPECT_EQ(trusted->jwks_fetches(), 1U);

  // The retired key's tokens now fail: its key left with the fetch.
  EXPECT_EQ(outcome(trusted->verify(provider.token(at(clock) + "&kid=rs256-1"))),
            "The bearer token is signed with an unknown key.");
}

TEST(TrustedIssuersTest, RefreshesFetchedKeysAfterTheRefreshInterval) {
  FakeClock clock;
  const TestIdp provider;
  const auto trusted = trust({from_url(provider)}, clock, {.jwks_refresh = 600s});
  const std::string token = provider.token(at(clock) + "&alg=EdDSA&exp=3600");
  EXPECT_EQ(outcome(trusted->verify(token)), "verified");
  clock.advance(599s);
  EXPECT_EQ(outcome(trusted->verify(provider.token(at(clock)))), "verified");
  EXPECT_EQ(provider.jwks_requests(), 1);

  // The provider retires the key; a kept token of that key is dropped at the next refresh.
  (void)provider.rotate("alg=EdDSA&retire=eddsa-1");
  clock.advance(1s);
  EXPECT_EQ(outcome(trusted->verify(token)), "The bearer token is signed with an unknown key.");
  EXPECT_EQ(provider.jwks_requests(), 2);
  EXPECT_EQ(outcome(trusted->verify(provider.token(at(clock) + "&alg=EdDSA"))), "verified");
  EXPECT_EQ(provider.jwks_requests(), 2);
}

TEST(TrustedIssuersTest, AFailedRefreshKeepsTheKeys) {
  FakeClock clock;
  auto provider = std::make_unique<TestIdp>();
  const std::string base = provider->base_url();
  const auto trusted = trust({from_url(*provider)}, clock, {.jwks_refresh = 60s, .fetch_timeout = 2s});
  const std::string token = provider->token(at(clock) + "&exp=3600");
  provider.reset();  // the provider is gone
  clock.advance(61s);
  EXPECT_EQ(outcome(trusted->verify(token)), "verified");
  EXPECT_EQ(trusted->jwks_fetches(), 1U);
}

TEST(TrustedIssuersTest, AVerifiedTokenCostsOneSignatureCheckUntilItExpires) {
  FakeClock clock;
  const TestIdp provider;
  const auto trusted = trust({from_url(provider)}, clock, {.skew = 60s});
  const std::string token = provider.token(at(clock) + "&exp=120&purposes=legalActions");
  const auto first = trusted->verify(token);
  ASSERT_TRUE(first.has_value()) << first.error().message;
  EXPECT_EQ(trusted->signature_checks(), 1U);
  clock.advance(180s);  // exp + skew
  const auto again = trusted->verify(token);
  ASSERT_TRUE(again.has_value()) << again.error().message;
  EXPECT_EQ(again->subject, first->subject);
  EXPECT_EQ(again->rdap_allowed_purposes, first->rdap_allowed_purposes);
  EXPECT_EQ(trusted->signature_checks(), 1U);

  clock.advance(1s);
  EXPECT_EQ(outcome(trusted->verify(token)), "The bearer token has expired.");
  EXPECT_EQ(outcome(trusted->verify(token)), "The bearer token has expired.");
  EXPECT_EQ(trusted->signature_checks(), 2U);  // dropped when it expired, then checked again
}

TEST(TrustedIssuersTest, WithoutACacheEveryTokenIsCheckedEveryTime) {
  const FakeClock clock;
  const TestIdp provider;
  const auto trusted = trust({from_url(provider)}, clock, {.verified_cache = 0});
  const std::string token = provider.token(at(clock));
  EXPECT_EQ(outcome(trusted->verify(token)), "verified");
  EXPECT_EQ(outcome(trusted->verify(token)), "verified");
  EXPECT_EQ(trusted->signature_checks(), 2U);
}

// A refused token is never kept: the same bad token is checked again.
TEST(TrustedIssuersTest, KeepsOnlyVerifiedTokens) {
  const FakeClock clock;
  const TestIdp provider;
  const auto trusted = trust({from_url(provider)}, clock);
  const std::string forged = provider.token(at(clock) + "&forge=bad-signature");
  EXPECT_EQ(outcome(trusted->verify(forged)), "The bearer token's signature does not verify.");
  EXPECT_EQ(outcome(trusted->verify(forged)), "The bearer token's signature does not verify.");
  EXPECT_EQ(trusted->signature_checks(), 2U);
}

TEST(TrustedIssuersTest, AFullCacheDropsTheExpiredFirstThenTheOldest) {
  FakeClock clock;
  const TestIdp provider;
  const auto trusted = trust({from_url(provider)}, clock, {.skew = 0s, .verified_cache = 2});
  const std::string short_lived = provider.token(at(clock) + "&exp=10&sub=a");
  const std::string long_lived = provider.token(at(clock) + "&exp=3600&sub=b");
  EXPECT_EQ(outcome(trusted->verify(short_lived)), "verified");
  EXPECT_EQ(outcome(trusted->verify(long_lived)), "verified");
  clock.advance(11s);
  const std::string third = provider.token(at(clock) + "&exp=3600&sub=c");
  EXPECT_EQ(outcome(trusted->verify(third)), "verified");
  EXPECT_EQ(trusted->signature_checks(), 3U);
  EXPECT_EQ(outcome(trusted->verify(long_lived)), "verified");  // kept: the expired one made room
  EXPECT_EQ(outcome(trusted->verify(third)), "verified");
  EXPECT_EQ(trusted->signature_checks(), 3U);

  const std::string fourth = provider.token(at(clock) + "&exp=3600&sub=d");
  EXPECT_EQ(outcome(trusted->verify(fourth)), "verified");  // drops the oldest, long_lived
  EXPECT_EQ(trusted->signature_checks(), 4U);
  EXPECT_EQ(outcome(trusted->verify(third)), "verified");
  EXPECT_EQ(trusted->signature_checks(), 4U);
  EXPECT_EQ(outcome(trusted->verify(long_lived)), "verified");
  EXPECT_EQ(trusted->signature_checks(), 5U);
}

TEST(TrustedIssuersTest, VerifiesFromSeveralThreadsWhileKeysRotate) {
  FakeClock clock;
  const TestIdp provider;
  const auto trusted = trust({from_url(provider)}, clock, {.jwks_refetch_min = 0s, .verified_cache = 16});
  std::vector<std::string> tokens;
  for (int i = 0; i < 40; ++i) {
    tokens.push_back(provider.token(at(clock) + "&exp=3600&sub=user" + std::to_string(i % 20) +
                                    "&alg=" + (i % 2 == 0 ? "ES256" : "EdDSA")));
  }
  const std::string rotated = provider.rotate("alg=RS256");
  const std::string new_key = provider.token(at(clock) + "&exp=3600&kid=" + rotated);
  std::vector<std::thread> threads;
  std::atomic<int> verified{0};
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 40; ++i) {
        // The new key's token may be refused while another thread is fetching the keys that hold it:
        // nobody waits for a fetch (an unknown kid must not hold a worker for the fetch's timeout).
        if (i == 20) {
          (void)trusted->verify(new_key);
          continue;
        }
        if (trusted->verify(tokens[static_cast<std::size_t>((i + t * 10) % 40)])) ++verified;
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  EXPECT_EQ(verified.load(), 156);
  EXPECT_TRUE(trusted->verify(new_key).has_value());  // once fetched, the new key verifies
}

TEST(TrustedIssuersTest, RefusesAUrlOtherThanHttpsOrLoopbackHttp) {
  const FakeClock clock;
  for (const std::string url :
       {"http://idp.example/jwks", "http://10.0.0.1/jwks", "http://[2001:db8::1]/jwks",
        "http://127.0.0.1.example/jwks", "ftp://127.0.0.1/jwks", "file:///etc/jwks.json", "not a url"}) {
    const auto trusted = TrustedIssuers::create(
        {{.issuer = "https://idp.example", .name = "IdP", .audience = "rdap.example", .jwks_url = url}}, {},
        clock);
    ASSERT_FALSE(trusted.has_value()) << url;
    EXPECT_EQ(trusted.error().code, ErrorCode::invalid_input);
    EXPECT_TRUE(trusted.error().message.starts_with("OIDC issuer 'https://idp.example': '" + url + "'"))
        << trusted.error().message;
  }
}

TEST(TrustedIssuersTest, AnUnreachableUrlIsAClearErrorAtCreation) {
  const FakeClock clock;
  const auto trusted = TrustedIssuers::create({{.issuer = "https://idp.example",
                                                .name = "IdP",
                                                .audience = "rdap.example",
                                                .jwks_url = "https://127.0.0.1:1/jwks"}},
                                              {.fetch_timeout = 5s}, clock);
  ASSERT_FALSE(trusted.has_value());
  EXPECT_EQ(trusted.error().code, ErrorCode::unavailable);
  EXPECT_TRUE(trusted.error().message.starts_with(
      "OIDC issuer 'https://idp.example': cannot fetch https://127.0.0.1:1/jwks: "))
      << trusted.error().message;
}

TEST(TrustedIssuersTest, HttpsIsRequiredOfTheProviderItself) {
  const TestIdp provider;
  const std::string https = "https" + provider.jwks_url().substr(4);
  const auto fetched = fetch_jwks(https, 5s);
  ASSERT_FALSE(fetched.has_value());
  EXPECT_EQ(fetched.error().code, ErrorCode::unavailable);
  EXPECT_TRUE(fetched.error().message.starts_with("cannot fetch " + https + ": ")) << fetched.error().message;
}

TEST(FetchJwksTest, FollowsNoRedirectAndTakesOnlyAnAnswerOf200UpTo1MiB) {
  const TestIdp provider;
  EXPECT_TRUE(fetch_jwks(provider.jwks_url(), 5s).has_value());
  EXPECT_TRUE(fetch_jwks(provider.base_url() + "/padded-jwks?bytes=1000000", 5s).has_value());
  EXPECT_EQ(
      fetch_jwks(provider.base_url() + "/padded-jwks?bytes=1048576", 5s).error().message,
      "cannot fetch " + provider.base_url() + "/padded-jwks?bytes=1048576: the answer is larger than 1 MiB");
  const std::string redirect = provider.base_url() + "/redirect?to=" + provider.jwks_url();
  EXPECT_EQ(fetch_jwks(redirect, 5s).error().message, "cannot fetch " + redirect + ": HTTP status 302");
  EXPECT_EQ(fetch_jwks(provider.base_url() + "/missing", 5s).error().message,
            "cannot fetch " + provider.base_url() + "/missing: HTTP status 404");
  EXPECT_EQ(provider.jwks_requests(), 1);
}

TEST(TrustedIssuersTest, ChecksTheSettings) {
  const FakeClock clock;
  const TempDir dir;
  const TestIdp provider("", dir.file("jwks.json"));
  const IssuerSettings good{.issuer = provider.base_url(),
                            .name = "IdP",
                            .audience = "rdap.example",
                            .jwks_file = dir.file("jwks.json")};
  ASSERT_TRUE(TrustedIssuers::create({good}, {}, clock).has_value());
  const std::string named = "OIDC issuer '" + provider.base_url() + "': ";
  const auto refused = [&](IssuerSettings settings) {
    const auto trusted = TrustedIssuers::create({std::move(settings)}, {}, clock);
    return trusted ? std::string("created") : trusted.error().message;
  };
  IssuerSettings s = good;
  s.issuer = "";
  EXPECT_EQ(refused(s), "an OIDC issuer needs its issuer (iss)");
  s = good;
  s.name = "";
  EXPECT_EQ(refused(s), named + "needs a name");
  s = good;
  s.audience = "";
  EXPECT_EQ(refused(s), named + "needs an audience");
  s = good;
  s.jwks_url = provider.jwks_url();
  EXPECT_EQ(refused(s), named + "needs exactly one of jwks_file and jwks_url");
  s = good;
  s.jwks_file = "";
  EXPECT_EQ(refused(s), named + "needs exactly one of jwks_file and jwks_url");
  s = good;
  s.jwks_file = dir.file("missing.json");
  EXPECT_EQ(refused(s), named + "cannot read '" + dir.file("missing.json") + "'");
  std::ofstream(dir.file("enc.json")) << R"({"keys":[{"kty":"oct","k":"AA"}]})";
  s.jwks_file = dir.file("enc.json");
  EXPECT_EQ(refused(s), named + "its JWK Set has no key this server can verify with");
  std::ofstream(dir.file("bad.json")) << "{";
  s.jwks_file = dir.file("bad.json");
  EXPECT_EQ(refused(s), named + dir.file("bad.json") + ": the JWK Set is not JSON");

  const auto twice = TrustedIssuers::create({good, good}, {}, clock);
  ASSERT_FALSE(twice.has_value());
  EXPECT_EQ(twice.error().message, named + "configured twice");
}

}  // namespace
}  // namespace ssad::identity
