// Bearer tokens issued by a real identity provider (tests/support/test_idp: Go, go-jose), verified by
// ours: every algorithm, every refusal with the message a client sees, the clock skew to the second, and
// the keys a JWK Set may not use. Time is the provider's `now` parameter and a FakeClock, never the
// machine's.

#include "identity/jwt.hpp"

#include <chrono>
#include <string>

#include <gtest/gtest.h>

#include "support/fake_clock.hpp"
#include "support/test_idp.hpp"
#include "tlog/hash.hpp"

namespace ssad::identity {
namespace {

using namespace std::chrono_literals;
using testing::FakeClock;
using testing::TestIdp;

// FakeClock's start, 2026-01-01T00:00:00Z, as the provider's `now`.
const std::string kNow = "now=1767225600";

// One provider per test process, for the tests that do not change its keys.
TestIdp& idp() {
  static TestIdp provider;
  return provider;
}

KeySet keys_of(const TestIdp& provider, const std::string& query = "") {
  const auto response = provider.request("GET", "/jwks" + query);
  auto keys = KeySet::parse(response.body);
  if (!keys) throw std::runtime_error(keys.error().message);
  return *keys;
}

TokenCheck check_of(const TestIdp& provider, const FakeClock& clock) {
  return TokenCheck{provider.base_url(), "rdap.example", 60s, clock.now()};
}

// What a client would be told: "verified", or the refusal's message.
std::string outcome(const Result<TokenClaims>& result) {
  if (result) return "verified";
  EXPECT_EQ(result.error().code, ErrorCode::unauthenticated) << result.error().message;
  return result.error().message;
}

std::string verify_at(const FakeClock& clock, const std::string& query) {
  return outcome(verify_token(idp().token(kNow + "&" + query), keys_of(idp()), check_of(idp(), clock)));
}

std::string base64url(std::string_view bytes) {
  std::string text = tlog::base64(bytes);
  for (char& c : text) c = c == '+' ? '-' : c == '/' ? '_' : c;
  while (text.ends_with('=')) text.pop_back();
  return text;
}

// A token whose parts are these texts, base64url-encoded, with an arbitrary signature.
std::string compact(std::string_view header, std::string_view payload, std::string_view signature = "sig") {
  return base64url(header) + "." + base64url(payload) + "." + base64url(signature);
}

TEST(JwtTest, EveryAlgorithmVerifiesWithItsKey) {
  const FakeClock clock;
  for (const auto& [alg, algorithm] : {std::pair{"RS256", SignatureAlgorithm::rs256},
                                       {"ES256", SignatureAlgorithm::es256},
                                       {"EdDSA", SignatureAlgorithm::eddsa}}) {
    const std::string token = idp().token(
        kNow + "&alg=" + alg + "&sub=alice%40example&purposes=legalActions,dnsTransparency&dnt=true");
    const auto claims = verify_token(token, keys_of(idp()), check_of(idp(), clock));
    ASSERT_TRUE(claims.has_value()) << alg << ": " << claims.error().message;
    EXPECT_EQ(claims->algorithm, algorithm);
    EXPECT_EQ(to_string(claims->algorithm), alg);
    EXPECT_EQ(claims->issuer, idp().base_url());
    EXPECT_EQ(claims->subject, "alice@example");
    EXPECT_EQ(claims->audience, std::vector<std::string>{"rdap.example"});
    EXPECT_EQ(claims->expires, clock.now() + 300s);
    EXPECT_EQ(claims->issued_at, clock.now());
    EXPECT_FALSE(claims->not_before.has_value());
    EXPECT_EQ(claims->rdap_allowed_purposes, (std::vector<std::string>{"legalActions", "dnsTransparency"}));
    EXPECT_EQ(claims->rdap_dnt_allowed, true);
    EXPECT_FALSE(claims->key_id.empty());
    EXPECT_EQ(claims->key_id, read_unverified(token).value().key_id);
  }
}

TEST(JwtTest, RdapClaimsAreOptional) {
  const FakeClock clock;
  const auto claims = verify_token(idp().token(kNow), keys_of(idp()), check_of(idp(), clock));
  ASSERT_TRUE(claims.has_value()) << claims.error().message;
  EXPECT_FALSE(claims->rdap_allowed_purposes.has_value());
  EXPECT_FALSE(claims->rdap_dnt_allowed.has_value());
  const auto none =
      verify_token(idp().token(kNow + "&purposes=&dnt=false"), keys_of(idp()), check_of(idp(), clock));
  ASSERT_TRUE(none.has_value()) << none.error().message;
  EXPECT_EQ(none->rdap_allowed_purposes, std::vector<std::string>{});
  EXPECT_EQ(none->rdap_dnt_allowed, false);
}

TEST(JwtTest, TheAudienceMayBeAStringOrAnArray) {
  const FakeClock clock;
  EXPECT_EQ(verify_at(clock, "aud=rdap.example"), "verified");
  EXPECT_EQ(verify_at(clock, "aud=rdap.example&aud_array=true"), "verified");
  EXPECT_EQ(verify_at(clock, "aud=portal.example&aud=rdap.example"), "verified");
  EXPECT_EQ(verify_at(clock, "aud=portal.example"), "The bearer token is for another audience.");
  EXPECT_EQ(verify_at(clock, "aud=portal.example&aud=RDAP.example"),
            "The bearer token is for another audience.");
  EXPECT_EQ(verify_at(clock, "omit=aud"), "The bearer token is for another audience.");
  EXPECT_EQ(verify_at(clock, "extra=" + std::string("{\"aud\":[]}")),
            "The bearer token is for another audience.");
}

TEST(JwtTest, RefusesWhatTheClockSays) {
  const FakeClock clock;
  EXPECT_EQ(verify_at(clock, "exp=-3600"), "The bearer token has expired.");
  EXPECT_EQ(verify_at(clock, "nbf=3600"), "The bearer token is not valid yet.");
}

// exp + skew still passes, one second later does not; nbf - skew passes, one second earlier does not.
TEST(JwtTest, TheSkewIsAllowedToTheSecondAndNoMore) {
  FakeClock clock;
  const std::string expiring = idp().token(kNow + "&exp=10");
  const std::string starting = idp().token(kNow + "&nbf=100&exp=1000");
  const KeySet keys = keys_of(idp());

  clock.advance(70s);  // exp + 60 s
  EXPECT_EQ(outcome(verify_token(expiring, keys, check_of(idp(), clock))), "verified");
  clock.advance(1ms);
  EXPECT_EQ(outcome(verify_token(expiring, keys, check_of(idp(), clock))), "The bearer token has expired.");

  clock.set_wall(from_unix_ms(1767225600LL * 1000));
  clock.advance(39s);  // nbf - 61 s
  EXPECT_EQ(outcome(verify_token(starting, keys, check_of(idp(), clock))),
            "The bearer token is not valid yet.");
  clock.advance(1s);  // nbf - 60 s
  EXPECT_EQ(outcome(verify_token(starting, keys, check_of(idp(), clock))), "verified");

  // Another skew moves both edges.
  TokenCheck strict = check_of(idp(), clock);
  strict.skew = 0s;
  EXPECT_EQ(outcome(verify_token(starting, keys, strict)), "The bearer token is not valid yet.");
  strict.now = clock.now() + 60s;
  EXPECT_EQ(outcome(verify_token(starting, keys, strict)), "verified");
}

TEST(JwtTest, FractionalTimesCountToTheMillisecond) {
  FakeClock clock;
  const std::string token = idp().token(kNow + "&exp=0.5&nbf=-0.25");
  const auto claims = verify_token(token, keys_of(idp()), check_of(idp(), clock));
  ASSERT_TRUE(claims.has_value()) << claims.error().message;
  EXPECT_EQ(claims->expires, clock.now() + 500ms);
  EXPECT_EQ(claims->not_before, clock.now() - 250ms);
  clock.advance(60500ms);
  EXPECT_EQ(outcome(verify_token(token, keys_of(idp()), check_of(idp(), clock))), "verified");
  clock.advance(1ms);
  EXPECT_EQ(outcome(verify_token(token, keys_of(idp()), check_of(idp(), clock))),
            "The bearer token has expired.");
}

TEST(JwtTest, RefusesATokenOfAnotherIssuer) {
  const FakeClock clock;
  EXPECT_EQ(verify_at(clock, "iss=https://elsewhere.example"),
            "The bearer token's issuer is not trusted here.");
  EXPECT_EQ(verify_at(clock, "iss=" + idp().base_url() + "/"),
            "The bearer token's issuer is not trusted here.");
}

TEST(JwtTest, RefusesABadSignatureWithEveryAlgorithm) {
  const FakeClock clock;
  for (const std::string alg : {"RS256", "ES256", "EdDSA"}) {
    EXPECT_EQ(verify_at(clock, "forge=bad-signature&alg=" + alg),
              "The bearer token's signature does not verify.")
        << alg;
  }
}

TEST(JwtTest, RefusesAnAlgorithmThatIsNotTheKeys) {
  const FakeClock clock;
  EXPECT_EQ(verify_at(clock, "forge=none"), "The bearer token's algorithm is not the key's.");
  EXPECT_EQ(verify_at(clock, "forge=hs256-public-key"), "The bearer token's algorithm is not the key's.");
  EXPECT_EQ(verify_at(clock, "forge=hs256-public-key-der"), "The bearer token's algorithm is not the key's.");
  EXPECT_EQ(verify_at(clock, "forge=alg-mismatch"), "The bearer token's algorithm is not the key's.");
}

TEST(JwtTest, RefusesAnUnknownKey) {
  const FakeClock clock;
  for (const std::string alg : {"RS256", "ES256", "EdDSA"}) {
    EXPECT_EQ(verify_at(clock, "forge=unknown-kid&alg=" + alg),
              "The bearer token is signed with an unknown key.");
  }
}

// A token without kid may use the set's only key, and no key of a set of several.
TEST(JwtTest, ATokenWithoutKidNeedsASetOfOneKey) {
  const FakeClock clock;
  const std::string token = idp().token(kNow + "&alg=ES256&nokid=true");
  EXPECT_FALSE(read_unverified(token).value().key_id.has_value());
  const KeySet one = keys_of(idp(), "?kid=es256-1");
  ASSERT_EQ(one.size(), 1U);
  const auto claims = verify_token(token, one, check_of(idp(), clock));
  ASSERT_TRUE(claims.has_value()) << claims.error().message;
  EXPECT_EQ(claims->key_id, "es256-1");
  EXPECT_EQ(outcome(verify_token(token, keys_of(idp()), check_of(idp(), clock))),
            "The bearer token is signed with an unknown key.");
  EXPECT_EQ(outcome(verify_token(idp().token(kNow + "&alg=RS256&nokid=true"), one, check_of(idp(), clock))),
            "The bearer token's algorithm is not the key's.");
}

TEST(JwtTest, RefusesMalformedTokens) {
  const FakeClock clock;
  const KeySet keys = keys_of(idp());
  const TokenCheck check = check_of(idp(), clock);
  const std::string good = idp().token(kNow);
  ASSERT_EQ(outcome(verify_token(good, keys, check)), "verified");
  const auto first = good.find('.');
  const auto last = good.rfind('.');
  const std::string header = good.substr(0, first);
  const std::string payload = good.substr(first + 1, last - first - 1);
  const std::string signature = good.substr(last + 1);
  const std::string kid = R"("kid":")" + read_unverified(good).value().key_id.value() + "\"";
  const std::string claims =
      R"({"iss":")" + idp().base_url() + R"(","sub":"a","aud":"rdap.example","exp":1767229200})";

  for (const std::string& token : {
           std::string(),
           std::string("."),
           std::string(".."),
           header + "." + payload,                              // two parts
           good + "." + signature,                              // four parts
           header + "=." + payload + "." + signature,           // padding
           header + "." + payload + "." + signature + "==",     // padding
           header + "." + payload + "+." + signature,           // base64, not base64url
           header + "." + payload + "." + signature.substr(1),  // a length no encoding has
           header + "." + payload + "." + signature + "\n",     // white space
           header + "." + payload + ". " + signature,           // white space
           compact("[]", claims),                               // the header is not an object
           compact("\"RS256\"", claims),                        //
           compact("{\"alg\":\"RS256\"", claims),               // not JSON
           compact(R"({"kid":"rs256-1"})", claims),             // no alg
           compact(R"({"alg":256,"kid":"rs256-1"})", claims),   // alg not a string
           compact(R"({"alg":"RS256","kid":7})", claims),       // kid not a string
           compact(R"({"alg":"RS256","kid":""})", claims),      // an empty kid
           compact(R"({"alg":"RS256",)" + kid + R"(,"crit":["exp"]})", claims),  // an extension we lack
           compact(R"({"alg":"RS256",)" + kid + R"(,"alg":"none"})", claims),    // a member twice
           compact(R"({"alg":"RS256",)" + kid + ",\"x\":\"\xff\"}", claims),     // not UTF-8
           compact(R"({"alg":"RS256",)" + kid + "} {}", claims),                 // two documents
       }) {
    EXPECT_EQ(outcome(verify_token(token, keys, check)), "The bearer token is malformed.") << token;
    const auto unverified = read_unverified(token);
    ASSERT_FALSE(unverified.has_value()) << token;
    EXPECT_EQ(unverified.error().message, "The bearer token is malformed.");
  }
  // Well-formed, with a key, but not its signature.
  EXPECT_EQ(outcome(verify_token(compact(R"({"alg":"RS256",)" + kid + "}", claims), keys, check)),
            "The bearer token's signature does not verify.");
}

TEST(JwtTest, RefusesStrayBitsInBase64url) {
  const FakeClock clock;
  const std::string good = idp().token(kNow + "&alg=EdDSA");
  // An Ed25519 signature is 64 bytes: 86 letters, whose last carries 4 bits that must be zero.
  const std::string signature = good.substr(good.rfind('.') + 1);
  ASSERT_EQ(signature.size(), 86U);
  std::string stray = good;
  char& last = stray.back();
  const std::string alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  last = alphabet[alphabet.find(last) | 1U];
  EXPECT_EQ(outcome(verify_token(stray, keys_of(idp()), check_of(idp(), clock))),
            "The bearer token is malformed.");
}

TEST(JwtTest, RefusesATokenLargerThan16KiB) {
  const FakeClock clock;
  const std::string large =
      idp().token(kNow + "&extra=" + "{\"padding\":\"" + std::string(11500, 'x') + "\"}");
  ASSERT_LE(large.size(), 16U * 1024);
  EXPECT_EQ(outcome(verify_token(large, keys_of(idp()), check_of(idp(), clock))), "verified");
  const std::string huge =
      idp().token(kNow + "&extra=" + "{\"padding\":\"" + std::string(12500, 'x') + "\"}");
  ASSERT_GT(huge.size(), 16U * 1024);
  EXPECT_EQ(outcome(verify_token(huge, keys_of(idp()), check_of(idp(), clock))),
            "The bearer token is malformed.");
}

TEST(JwtTest, RefusesMalformedClaimsOnceTheSignatureVerifies) {
  const FakeClock clock;
  for (const std::string query : {
           "omit=sub",
           "sub=",
           "omit=exp",
           "omit=iss",
           R"(extra={"sub":42})",
           R"(extra={"sub":"line%5Cnbreak"})",
           R"(extra={"exp":"tomorrow"})",
           R"(extra={"exp":-1})",
           R"(extra={"exp":1e300})",
           R"(extra={"nbf":null})",
           R"(extra={"iat":"today"})",
           R"(extra={"aud":42})",
           R"(extra={"aud":["rdap.example",42]})",
           R"(extra={"iss":["a"]})",
           R"(extra={"rdap_allowed_purposes":"legalActions"})",
           R"(extra={"rdap_allowed_purposes":["legalActions",7]})",
           R"(extra={"rdap_dnt_allowed":"true"})",
       }) {
    EXPECT_EQ(verify_at(clock, query), "The bearer token is malformed.") << query;
  }
}

TEST(JwtTest, ReadsTheIssuerAndKidUnverified) {
  const auto token = read_unverified(idp().token(kNow + "&alg=ES256&iss=https://other.example"));
  ASSERT_TRUE(token.has_value()) << token.error().message;
  EXPECT_EQ(token->issuer, "https://other.example");
  EXPECT_EQ(token->key_id, "es256-1");
  EXPECT_EQ(read_unverified(idp().token(kNow + "&omit=iss")).error().message,
            "The bearer token is malformed.");
}

TEST(KeySetTest, ReadsEveryKeyOfTheProvider) {
  const KeySet keys = keys_of(idp());
  EXPECT_EQ(keys.size(), 3U);
  EXPECT_TRUE(keys.left_out().empty());
  ASSERT_NE(keys.find("rs256-1"), nullptr);
  EXPECT_EQ(keys.find("rs256-1")->algorithm(), SignatureAlgorithm::rs256);
  EXPECT_EQ(keys.find("es256-1")->algorithm(), SignatureAlgorithm::es256);
  EXPECT_EQ(keys.find("eddsa-1")->algorithm(), SignatureAlgorithm::eddsa);
  EXPECT_EQ(keys.find("rs256-2"), nullptr);
  EXPECT_EQ(keys.find(""), nullptr);
  EXPECT_EQ(keys.key_for(std::nullopt), nullptr);
}

// Keys the provider publishes but this server must not use: their tokens are signed with an unknown key.
TEST(KeySetTest, LeavesOutWeakMislabelledAndEncryptionKeys) {
  const FakeClock clock;
  TestIdp provider;
  const std::string weak = provider.rotate("alg=RS256&bits=1024");
  const std::string mislabelled = provider.rotate("alg=RS256&jwk_alg=ES256");
  const std::string encryption = provider.rotate("alg=ES256&use=enc");
  const std::string other_use = provider.rotate("alg=EdDSA&use=signing");
  const KeySet keys = keys_of(provider);
  EXPECT_EQ(keys.size(), 3U);
  ASSERT_EQ(keys.left_out().size(), 4U);
  EXPECT_EQ(keys.left_out()[0],
            "key 4 (kid '" + weak + "'): an RSA modulus of 1024 bits; 2048 to 8192 are accepted");
  EXPECT_EQ(keys.left_out()[1],
            "key 5 (kid '" + mislabelled + "'): its alg is not RS256, the algorithm of its key type");
  EXPECT_EQ(keys.left_out()[2], "key 6 (kid '" + encryption + "'): its use is not \"sig\"");
  EXPECT_EQ(keys.left_out()[3], "key 7 (kid '" + other_use + "'): its use is not \"sig\"");
  for (const std::string& kid : {weak, mislabelled, encryption, other_use}) {
    EXPECT_EQ(keys.find(kid), nullptr) << kid;
    const std::string token = provider.token(kNow + "&kid=" + kid);
    EXPECT_EQ(outcome(verify_token(token, keys, check_of(provider, clock))),
              "The bearer token is signed with an unknown key.")
        << kid;
  }
}

TEST(KeySetTest, SkipsKeyTypesItDoesNotVerifyWith) {
  const KeySet rsa = keys_of(idp(), "?kid=rs256-1");
  const std::string jwks = idp().request("GET", "/jwks?kid=rs256-1").body;
  const std::string rsa_jwk = jwks.substr(jwks.find('[') + 1, jwks.rfind(']') - jwks.find('[') - 1);
  const auto keys = KeySet::parse(R"({"keys":[{"kty":"oct","kid":"h","k":"c2VjcmV0"},)"
                                  R"({"kty":"EC","crv":"P-384","kid":"p384","x":"AA","y":"AA"},)"
                                  R"({"kty":"OKP","crv":"X25519","kid":"x","x":"AA"},)"
                                  R"("a string",)" +
                                  rsa_jwk + "]}");
  ASSERT_TRUE(keys.has_value()) << keys.error().message;
  EXPECT_EQ(keys->size(), 1U);
  EXPECT_NE(keys->find("rs256-1"), nullptr);
  EXPECT_EQ(keys->left_out(),
            (std::vector<std::string>{
                "key 1 (kid 'h'): a key type this server does not verify with (kty oct)",
                "key 2 (kid 'p384'): a key type this server does not verify with (kty EC, crv P-384)",
                "key 3 (kid 'x'): a key type this server does not verify with (kty OKP, crv X25519)",
                "key 4: not a JSON object",
            }));
  EXPECT_TRUE(keys->find("rs256-1")->is_same_key(*rsa.find("rs256-1")));
}

TEST(KeySetTest, LeavesOutMalformedKeys) {
  const auto keys = KeySet::parse(
      R"({"keys":[)"
      R"({"kty":"RSA","kid":"no-n","e":"AQAB"},)"
      R"({"kty":"RSA","kid":"padded","n":"AQAB==","e":"AQAB"},)"
      R"({"kty":"EC","crv":"P-256","kid":"short","x":"AQAB","y":"AQAB"},)"
      // Both coordinates 32 bytes, but (1, 1) is not on the curve.
      R"({"kty":"EC","crv":"P-256","kid":"off-curve","x":"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAE","y":"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAE"},)"
      R"({"kty":"OKP","crv":"Ed25519","kid":"long","x":"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"},)"
      R"({"kty":"OKP","crv":"Ed25519","kid":"ops","key_ops":["encrypt"],"x":"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"},)"
      R"({"kty":"OKP","crv":"Ed25519","kid":3,"x":"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"})"
      R"(]})");
  ASSERT_TRUE(keys.has_value()) << keys.error().message;
  EXPECT_EQ(keys->size(), 0U);
  EXPECT_EQ(keys->left_out(), (std::vector<std::string>{
                                  "key 1 (kid 'no-n'): its n and e must be base64url strings",
                                  "key 2 (kid 'padded'): its n and e must be base64url strings",
                                  "key 3 (kid 'short'): its x and y must be base64url strings of 32 bytes",
                                  "key 4 (kid 'off-curve'): not a point of P-256",
                                  "key 5 (kid 'long'): its x must be a base64url string of 32 bytes",
                                  "key 6 (kid 'ops'): its key_ops do not include \"verify\"",
                                  "key 7: its kid is not a string of text",
                              }));
}

TEST(KeySetTest, AKidOfSeveralKeysNamesNone) {
  const std::string jwks = idp().request("GET", "/jwks").body;
  std::string twice = jwks;
  for (const std::string kid : {"\"es256-1\"", "\"eddsa-1\""})
    twice.replace(twice.find(kid), kid.size(), "\"same\"");
  const auto keys = KeySet::parse(twice);
  ASSERT_TRUE(keys.has_value()) << keys.error().message;
  EXPECT_EQ(keys->size(), 1U);
  EXPECT_EQ(keys->find("same"), nullptr);
  EXPECT_EQ(keys->left_out(), (std::vector<std::string>{"kid 'same': several keys have it",
                                                        "kid 'same': several keys have it"}));
}

TEST(KeySetTest, RefusesWhatIsNotAKeySet) {
  for (const auto& [text, message] : {
           std::pair{"", "the JWK Set is not JSON"},
           {"{\"keys\":[}", "the JWK Set is not JSON"},
           {"[]", "the JWK Set is not a JSON object"},
           {"{}", "the JWK Set has no \"keys\" array"},
           {"{\"keys\":{}}", "the JWK Set has no \"keys\" array"},
       }) {
    const auto keys = KeySet::parse(text);
    ASSERT_FALSE(keys.has_value()) << text;
    EXPECT_EQ(keys.error().code, ErrorCode::invalid_input);
    EXPECT_EQ(keys.error().message, message);
  }
  EXPECT_EQ(KeySet::parse(R"({"keys":[]})").value().size(), 0U);
}

}  // namespace
}  // namespace ssad::identity

namespace ssad::identity {
namespace {

// A set of thousands of keys is hostile or broken: refused at once, before any key is examined.
TEST(KeySetLimitTest, ASetOfMoreThanAHundredKeysIsRefused) {
  std::string many = R"({"keys":[)";
  for (int i = 0; i < 101; ++i) many += std::string(i == 0 ? "" : ",") + R"({"kty":"oct","k":"AAAA"})";
  many += "]}";
  const auto refused = KeySet::parse(many);
  ASSERT_FALSE(refused.has_value());
  EXPECT_EQ(refused.error().code, ErrorCode::invalid_input);
  EXPECT_NE(refused.error().message.find("more than 100 keys"), std::string::npos);
}

}  // namespace
}  // namespace ssad::identity
