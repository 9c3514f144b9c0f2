// Bearer tokens and JWK Sets (identity/jwt.hpp), as a client or an identity provider sends them. The
// first byte says what the rest is:
//   0  a JWK Set: parsing must not crash; every usable key is found by its kid; a token our Ed25519 key
//      signed verifies against the set only if the set holds that very key.
//   1  a bearer token, verified against our JWK Set (an RS256, an ES256 and an EdDSA key).
//   2  the next byte picks RS256, ES256 or EdDSA, then "HEADER\nPAYLOAD" (or PAYLOAD alone, under a
//      correct header) is signed with our key of that algorithm and verified: the checks after the
//      signature see any JSON, which a fuzzer could never sign itself.
// A token that verifies must satisfy the check it was verified against, and read_unverified() must read
// the same issuer from it.
//
// The keys below are test keys made for this target, public like the rest of the repository.

#include "identity/jwt.hpp"

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <string>
#include <string_view>

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#include "tlog/hash.hpp"

namespace {

namespace identity = ssad::identity;
using namespace std::chrono_literals;

constexpr std::string_view kRsaKey = R"pem(-----BEGIN PRIVATE KEY-----
MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQCzjc6RH/UK89Cu
MjGRQu+spqykEeLpwLHRVQstBMkdKzOj3Q9dmirIinP01AZDuG5GYugxSSFZQ45Q
s0kog09rFusdgP6rqr4PU6yzGcBdtoP5BPC5d0nS64SozZ89Q7S9mxK0huSfsgxM
7tvpR03dvkFPKkREWYPigV2WpgXeVyDo5ZZ+Gt7m0dTudPtjfQMI17h3+rC2DAMF
tt3qiKxTaU+q81O5jpNKOiTXk3dVH5UESuLvZXj1rpuFZm0/ukU7NKDpdzF9x8+/
n9Xfspz6oGQNHNG+vXi0vlYH885Ko5pWsuP4BdschypdPqfPDVKSKdnZrolxPx22
bdl4AoD7AgMBAAECggEAS5E9BLsMaGWgyA976QTg1ir3sb2NYI+mxtEh+PpwogQS
ob5hvyUpKGmMz9eEI3A1iQ4LZuK+VFEoTjKGcbSB8jIdFbe6dwlPICg5IM+PtGEi
PeWkYoof2dMha+HOSPx7zui7AJtdERDgOGi2yQEndlGiLu08+f8qkGOdvc913NLe
FSuHh+kVU8WZQGCNzppCzQ+WE8QuX/GVX7tQa0s4ggLBLO9U2HHBJTzgC5gviQbR
2psU/tU9nsAPW6N3aqO4ZPG5vRNvga9Htzs/alLv2l1/vvUv1LnN8cbXwPhtL+FK
0KyF11ZXi7JbieHr/WB99m0pDR6lgLI6sgEndzX8kQKBgQDbeZnump7VzRSiV6Sj
cW00Dc1Cbag03Pv8odFGpFZfpzfKV8f2ROjhpX45AsiLoLqkuBcP8dJ1H0O5gPmJ
/qmNOsdugFNH0uyGfPkqHnZ1FI/B3fvyJKYQsO6BF1QrfP0ftl+TSSPPNP+DGJ8l
UZlyqiKslIUn9bexr9TujI/N3wKBgQDRb23XkCs4VcM9VlQQTQTcqvBLphldWRdA
ko6yaEy8HMiqu1ucpUa68+xD9pMqgpF/9fNqNEIYbIA/aOE2D9z+PLxvcBcnmebD
eSlBIkc3uH/OJ7tT0xnstLVUFBhw/xQkSnW+k46K7fQaw4YK7vD5xkB3cdOdX1Dj
2L+gRnK4ZQKBgHHsAszpkXzlAMrrt1fnbonQiDTs+pzGAD64OAr1DqiEAd+UBQV9
62wFHSm2miZv/bG2pLHwEhAddGf73IuWlqfqVM606YWkpIWCpUsJmO9ZBu3YrgiY
oWKUlJiJZXVVYYZugdnP4ziRB/gidalHW+E7EtiGF0AQuZMP8/UHHTX9AoGBAKXe
WmAfDhvP0JEDjhBa7z7VIvrG0c/cf03kxJ8He76ADW0qdaPaQepOxRAOeP9x6Uou
wFmcibxOMkQGDFeEuMGh2Jtpau0yNlEZ5FJxk3XN6WqcjQAWcLHHbNTqFXFok8sq
LZaBxqLBUlLgB4khNDidivEOdUpt8uKBB0MoiDMBAoGAYCbtgzJT2Xii7E0Z6aI2
hXE861UrzZ7FiU1BOE4d5HeJOsLSUnjeAMoqcmwxCMYi6vwEgAZ1yC+ZXEtDe5Uv
O2x7UpsAudHYm7tDEJTcduo5hvndJW9Sb36bgZ3ug4VZ3zhGQN/fUEsSOES/Mve5
9ZXAyLyD25Vy9fELQbQh1x8=
-----END PRIVATE KEY-----
)pem";
constexpr std::string_view kEcKey = R"pem(-----BEGIN PRIVATE KEY-----
MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQg7k5ZbVUUc1clBmvX
BBeuzyd5wm+DirdJLTnABpzZ7lihRANCAATgf00+6YBve40GjJN+j70n5h+EwDBG
lxPD9ThZdIXdP5GEPpSWo/UGscKTuwzTAAJEqTwEGrl6ezGkN2S/LQGn
-----END PRIVATE KEY-----
)pem";
constexpr std::string_view kEd25519Key = R"pem(-----BEGIN PRIVATE KEY-----
MC4CAQAwBQYDK2VwBCIEIHXhiBNr5WapOwJe9erpK+9Jl5mKMMhb3PjHP2r4hDWS
-----END PRIVATE KEY-----
)pem";

// The public halves of the three keys above.
constexpr std::string_view kJwks =
    R"json({"keys":[{"kty":"RSA","kid":"rs256-1","alg":"RS256","use":"sig","n":"s43OkR_1CvPQrjIxkULvrKaspBHi6cCx0VULLQTJHSszo90PXZoqyIpz9NQGQ7huRmLoMUkhWUOOULNJKINPaxbrHYD-q6q-D1OssxnAXbaD-QTwuXdJ0uuEqM2fPUO0vZsStIbkn7IMTO7b6UdN3b5BTypERFmD4oFdlqYF3lcg6OWWfhre5tHU7nT7Y30DCNe4d_qwtgwDBbbd6oisU2lPqvNTuY6TSjok15N3VR-VBEri72V49a6bhWZtP7pFOzSg6XcxfcfPv5_V37Kc-qBkDRzRvr14tL5WB_POSqOaVrLj-AXbHIcqXT6nzw1SkinZ2a6JcT8dtm3ZeAKA-w","e":"AQAB"},{"kty":"EC","kid":"es256-1","crv":"P-256","x":"4H9NPumAb3uNBoyTfo-9J-YfhMAwRpcTw_U4WXSF3T8","y":"kYQ-lJaj9QaxwpO7DNMAAkSpPAQauXp7MaQ3ZL8tAac"},{"kty":"OKP","kid":"eddsa-1","crv":"Ed25519","x":"-3vF-yjY_b2pJVPY1CwsGl8VkZXmzF685Wr014QczE4"}]})json";

struct PkeyFree {
  void operator()(EVP_PKEY* key) const { EVP_PKEY_free(key); }
};
using Pkey = std::unique_ptr<EVP_PKEY, PkeyFree>;

Pkey private_key(std::string_view pem) {
  const std::unique_ptr<BIO, decltype(&BIO_free)> bio(
      BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())), &BIO_free);
  Pkey key(PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr));
  if (!key) std::abort();
  return key;
}

std::string base64url(std::string_view bytes) {
  std::string text = ssad::tlog::base64(bytes);
  for (char& c : text) c = c == '+' ? '-' : c == '/' ? '_' : c;
  while (!text.empty() && text.back() == '=') text.pop_back();
  return text;
}

struct Signer {
  identity::SignatureAlgorithm algorithm;
  std::string_view kid;
  Pkey key;
};

// The JWS signature of `text`: PKCS #1 v1.5 or Ed25519 as OpenSSL writes them; ECDSA as R||S.
std::string sign(const Signer& signer, std::string_view text) {
  const std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> context(EVP_MD_CTX_new(), &EVP_MD_CTX_free);
  const EVP_MD* digest = signer.algorithm == identity::SignatureAlgorithm::eddsa ? nullptr : EVP_sha256();
  std::size_t size = 0;
  const auto* data = reinterpret_cast<const unsigned char*>(text.data());
  if (!context || EVP_DigestSignInit(context.get(), nullptr, digest, nullptr, signer.key.get()) != 1 ||
      EVP_DigestSign(context.get(), nullptr, &size, data, text.size()) != 1) {
    std::abort();
  }
  std::string signature(size, '\0');
  auto* out = reinterpret_cast<unsigned char*>(signature.data());
  if (EVP_DigestSign(context.get(), out, &size, data, text.size()) != 1) std::abort();
  signature.resize(size);
  if (signer.algorithm != identity::SignatureAlgorithm::es256) return signature;
  const auto* der = reinterpret_cast<const unsigned char*>(signature.data());
  const std::unique_ptr<ECDSA_SIG, decltype(&ECDSA_SIG_free)> parsed(
      d2i_ECDSA_SIG(nullptr, &der, static_cast<long>(signature.size())), &ECDSA_SIG_free);
  std::string raw(64, '\0');
  auto* at = reinterpret_cast<unsigned char*>(raw.data());
  if (!parsed || BN_bn2binpad(ECDSA_SIG_get0_r(parsed.get()), at, 32) != 32 ||
      BN_bn2binpad(ECDSA_SIG_get0_s(parsed.get()), at + 32, 32) != 32) {
    std::abort();
  }
  return raw;
}

std::string signed_token(const Signer& signer, std::string_view header, std::string_view payload) {
  const std::string text = base64url(header) + "." + base64url(payload);
  return text + "." + base64url(sign(signer, text));
}

std::string header_of(const Signer& signer) {
  return R"({"alg":")" + std::string(identity::to_string(signer.algorithm)) + R"(","kid":")" +
         std::string(signer.kid) + R"(","typ":"JWT"})";
}

const identity::TokenCheck& check() {
  static const identity::TokenCheck check{"https://idp.example", "rdap.example", 60s,
                                          ssad::from_unix_ms(1767225600000)};
  return check;
}

const Signer* signers() {
  static const Signer all[] = {
      {identity::SignatureAlgorithm::rs256, "rs256-1", private_key(kRsaKey)},
      {identity::SignatureAlgorithm::es256, "es256-1", private_key(kEcKey)},
      {identity::SignatureAlgorithm::eddsa, "eddsa-1", private_key(kEd25519Key)},
  };
  return all;
}

const identity::KeySet& keys() {
  static const identity::KeySet set = [] {
    auto parsed = identity::KeySet::parse(kJwks);
    if (!parsed || parsed->size() != 3) std::abort();
    return *parsed;
  }();
  return set;
}

// A verified token holds what it was checked for.
void check_verified(std::string_view token, const ssad::Result<identity::TokenClaims>& claims) {
  if (!claims) {
    if (claims.error().code != ssad::ErrorCode::unauthenticated) std::abort();
    return;
  }
  const auto unverified = identity::read_unverified(token);
  if (!unverified || unverified->issuer != claims->issuer || claims->issuer != check().issuer ||
      claims->subject.empty() || !identity::check_validity_period(*claims, check().skew, check().now)) {
    std::abort();
  }
  bool audience = false;
  for (const std::string& value : claims->audience) audience = audience || value == check().audience;
  if (!audience) std::abort();
}

}  // namespace

// NOLINTNEXTLINE(readability-identifier-naming): libFuzzer names it
extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const std::string_view input(reinterpret_cast<const char*>(data) + 1, size - 1);
  switch (data[0] % 3) {
    case 0: {
      const auto set = identity::KeySet::parse(input);
      if (!set) return 0;
      for (const char* kid : {"rs256-1", "es256-1", "eddsa-1", "k"}) {
        if (const auto* key = set->find(kid); key != nullptr && key->key_id() != kid) std::abort();
      }
      static const std::string token =
          signed_token(signers()[2], header_of(signers()[2]),
                       R"({"iss":"https://idp.example","sub":"a","aud":"rdap.example","exp":1767229200})");
      const auto claims = identity::verify_token(token, *set, check());
      check_verified(token, claims);
      if (claims && !set->find("eddsa-1")->is_same_key(*keys().find("eddsa-1"))) std::abort();
      break;
    }
    case 1:
      check_verified(input, identity::verify_token(input, keys(), check()));
      break;
    default: {
      if (input.empty()) return 0;
      const Signer& signer = signers()[static_cast<unsigned char>(input[0]) % 3];
      const std::string_view rest = input.substr(1);
      const auto newline = rest.find('\n');
      const std::string token = newline == std::string_view::npos
                                    ? signed_token(signer, header_of(signer), rest)
                                    : signed_token(signer, rest.substr(0, newline), rest.substr(newline + 1));
      check_verified(token, identity::verify_token(token, keys(), check()));
      break;
    }
  }
  return 0;
}
