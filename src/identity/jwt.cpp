// JWT verification on OpenSSL 3 and RapidJSON, not a JOSE library: of Debian 12's, libcjose (0.6.2) and
// libjose (11) have no EdDSA, and libcpp-jwt (1.4) has no EdDSA either and needs a second JSON library
// (nlohmann) beside RapidJSON, the project's one. RFC 9560 identity providers sign with RS256, ES256 or
// EdDSA, so this file reads JWKs into EVP_PKEYs (EVP_PKEY_fromdata) and verifies with EVP_DigestVerify.
//
// What it refuses, and why (RFC 8725, JWT best current practices):
// - the algorithm comes from the key, never from the token: `alg` must equal the key's, so `none`, HMAC
//   keyed with a public key and RS/ES confusion fail before any signature is computed;
// - `crit` is refused (we understand no extension), and `jku`, `x5u`, `jwk` and `x5c` in a header are
//   never used to find a key: keys come only from the issuer's configured JWK Set;
// - base64url is strict (its alphabet, no padding, no stray bits) and JSON must be UTF-8 with no member
//   twice, so that no two readers of one token can see different claims;
// - a token above 16 KiB is refused before it is decoded.

#include "identity/jwt.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <string>
#include <utility>

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>
#include <rapidjson/document.h>

#include "core/text_check.hpp"

namespace ssad::identity {
namespace {

using Json = rapidjson::Value;

constexpr std::size_t kMaxTokenSize = std::size_t{16} * 1024;
constexpr int kMinRsaBits = 2048;
constexpr int kMaxRsaBits = 8192;
constexpr int kMaxRsaExponentBits = 64;
constexpr std::size_t kP256CoordinateSize = 32;
constexpr std::size_t kEd25519KeySize = 32;
constexpr std::size_t kRawSignatureSize = 64;  // ES256's R||S, and Ed25519's
// 9999-12-31T23:59:59Z: a later NumericDate is refused, so that no conversion overflows.
constexpr double kLatestNumericDate = 253402300799.0;

constexpr std::string_view kMalformed = "The bearer token is malformed.";
constexpr std::string_view kUnknownKey = "The bearer token is signed with an unknown key.";
constexpr std::string_view kWrongAlgorithm = "The bearer token's algorithm is not the key's.";
constexpr std::string_view kBadSignature = "The bearer token's signature does not verify.";
constexpr std::string_view kUntrustedIssuer = "The bearer token's issuer is not trusted here.";
constexpr std::string_view kOtherAudience = "The bearer token is for another audience.";
constexpr std::string_view kExpired = "The bearer token has expired.";
constexpr std::string_view kNotYetValid = "The bearer token is not valid yet.";

std::unexpected<Error> refuse(std::string_view message) {
  return fail(ErrorCode::unauthenticated, std::string(message));
}

struct PkeyFree {
  void operator()(EVP_PKEY* key) const { EVP_PKEY_free(key); }
};
struct PkeyContextFree {
  void operator()(EVP_PKEY_CTX* context) const { EVP_PKEY_CTX_free(context); }
};
struct DigestContextFree {
  void operator()(EVP_MD_CTX* context) const { EVP_MD_CTX_free(context); }
};
struct BignumFree {
  void operator()(BIGNUM* number) const { BN_free(number); }
};
struct ParamBuildFree {
  void operator()(OSSL_PARAM_BLD* build) const { OSSL_PARAM_BLD_free(build); }
};
struct ParamsFree {
  void operator()(OSSL_PARAM* params) const { OSSL_PARAM_free(params); }
};
struct EcdsaSignatureFree {
  void operator()(ECDSA_SIG* signature) const { ECDSA_SIG_free(signature); }
};
using Pkey = std::unique_ptr<EVP_PKEY, PkeyFree>;
using PkeyContext = std::unique_ptr<EVP_PKEY_CTX, PkeyContextFree>;
using DigestContext = std::unique_ptr<EVP_MD_CTX, DigestContextFree>;
using Bignum = std::unique_ptr<BIGNUM, BignumFree>;
using ParamBuild = std::unique_ptr<OSSL_PARAM_BLD, ParamBuildFree>;
using Params = std::unique_ptr<OSSL_PARAM, ParamsFree>;
using EcdsaSignature = std::unique_ptr<ECDSA_SIG, EcdsaSignatureFree>;

// SHA-256 fetched from the default provider once: EVP_sha256() looks the implementation up again (under a
// lock) at every EVP_DigestVerifyInit.
const EVP_MD* sha256_digest() {
  static EVP_MD* const digest = EVP_MD_fetch(nullptr, "SHA256", nullptr);
  return digest;
}

const unsigned char* bytes(std::string_view text) {
  return reinterpret_cast<const unsigned char*>(text.data());  // NOLINT(*-reinterpret-cast)
}

// base64url without padding (RFC 7515 §2): only the 64 letters of its alphabet, no length that no
// encoding has (1 mod 4), and zero bits where the last letter has more than it needs.
std::optional<std::string> decode_base64url(std::string_view text) {
  if (text.size() % 4 == 1) return std::nullopt;
  std::string out;
  out.reserve(text.size() * 3 / 4);
  std::uint32_t buffer = 0;
  int bits = 0;
  for (const char c : text) {
    std::uint32_t value = 0;
    if (c >= 'A' && c <= 'Z') {
      value = static_cast<std::uint32_t>(c - 'A');
    } else if (c >= 'a' && c <= 'z') {
      value = static_cast<std::uint32_t>(c - 'a' + 26);
    } else if (c >= '0' && c <= '9') {
      value = static_cast<std::uint32_t>(c - '0' + 52);
    } else if (c == '-') {
      value = 62;
    } else if (c == '_') {
      value = 63;
    } else {
      return std::nullopt;
    }
    buffer = (buffer << 6U) | value;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<char>((buffer >> static_cast<unsigned>(bits)) & 0xFFU));
    }
  }
  if ((buffer & ((1U << static_cast<unsigned>(bits)) - 1U)) != 0) return std::nullopt;
  return out;
}

std::string_view text_of(const Json& value) { return {value.GetString(), value.GetStringLength()}; }

// Parses one JSON object: UTF-8 checked, iteratively (no recursion however deep the input), with each
// member name once. False when the text is anything else.
bool parse_object(rapidjson::Document& document, std::string_view text) {
  document.Parse<rapidjson::kParseValidateEncodingFlag | rapidjson::kParseIterativeFlag>(text.data(),
                                                                                         text.size());
  if (document.HasParseError() || !document.IsObject()) return false;
  std::vector<std::string_view> names;
  names.reserve(document.MemberCount());
  for (auto member = document.MemberBegin(); member != document.MemberEnd(); ++member) {
    names.push_back(text_of(member->name));
  }
  std::sort(names.begin(), names.end());
  return std::adjacent_find(names.begin(), names.end()) == names.end();
}

const Json* member(const Json& object, std::string_view name) {
  const auto found = object.FindMember(Json(rapidjson::StringRef(name.data(), name.size())));
  return found == object.MemberEnd() ? nullptr : &found->value;
}

// A token's three parts, decoded. `signed_text` is the first two as sent: what the signature covers.
struct Compact {
  std::string_view signed_text;
  std::string header;
  std::string payload;
  std::string signature;
};

std::optional<Compact> split_compact(std::string_view token) {
  if (token.size() > kMaxTokenSize) return std::nullopt;
  const auto first = token.find('.');
  if (first == std::string_view::npos) return std::nullopt;
  const auto second = token.find('.', first + 1);
  if (second == std::string_view::npos || token.find('.', second + 1) != std::string_view::npos) {
    return std::nullopt;
  }
  auto header = decode_base64url(token.substr(0, first));
  auto payload = decode_base64url(token.substr(first + 1, second - first - 1));
  auto signature = decode_base64url(token.substr(second + 1));
  if (!header || !payload || !signature) return std::nullopt;
  return Compact{token.substr(0, second), std::move(*header), std::move(*payload), std::move(*signature)};
}

struct Header {
  std::string algorithm;
  std::optional<std::string> key_id;
};

std::optional<Header> read_header(std::string_view text) {
  rapidjson::Document document;
  if (!parse_object(document, text)) return std::nullopt;
  const Json* alg = member(document, "alg");
  if (alg == nullptr || !alg->IsString() || member(document, "crit") != nullptr) return std::nullopt;
  Header header{std::string(text_of(*alg)), std::nullopt};
  if (const Json* kid = member(document, "kid")) {
    if (!kid->IsString() || kid->GetStringLength() == 0) return std::nullopt;
    header.key_id = std::string(text_of(*kid));
  }
  return header;
}

// A NumericDate (RFC 7519 §2): seconds since the epoch, whole or fractional, kept to the millisecond.
std::optional<Timestamp> numeric_date(const Json& value) {
  if (!value.IsNumber()) return std::nullopt;
  const double seconds = value.GetDouble();
  if (!std::isfinite(seconds) || seconds < 0 || seconds > kLatestNumericDate) return std::nullopt;
  return Timestamp(std::chrono::milliseconds(static_cast<std::int64_t>(std::floor(seconds * 1000))));
}

bool is_text(const Json& value) { return value.IsString() && check_text_value(text_of(value)).has_value(); }

// The claims of a verified payload, in the order a client can act on: what it is, whose, for whom, when.
Result<TokenClaims> read_claims(std::string_view payload, const TokenCheck& check) {
  rapidjson::Document document;
  if (!parse_object(document, payload)) return refuse(kMalformed);
  TokenClaims claims;

  const Json* iss = member(document, "iss");
  const Json* sub = member(document, "sub");
  const Json* exp = member(document, "exp");
  if (iss == nullptr || !iss->IsString() || sub == nullptr || !is_text(*sub) || sub->GetStringLength() == 0 ||
      exp == nullptr) {
    return refuse(kMalformed);
  }
  claims.issuer = text_of(*iss);
  claims.subject = text_of(*sub);
  const auto expires = numeric_date(*exp);
  if (!expires) return refuse(kMalformed);
  claims.expires = *expires;
  if (const Json* nbf = member(document, "nbf")) {
    claims.not_before = numeric_date(*nbf);
    if (!claims.not_before) return refuse(kMalformed);
  }
  if (const Json* iat = member(document, "iat")) {
    claims.issued_at = numeric_date(*iat);
    if (!claims.issued_at) return refuse(kMalformed);
  }
  if (const Json* aud = member(document, "aud")) {
    if (aud->IsString()) {
      claims.audience.emplace_back(text_of(*aud));
    } else if (aud->IsArray()) {
      for (const Json& value : aud->GetArray()) {
        if (!value.IsString()) return refuse(kMalformed);
        claims.audience.emplace_back(text_of(value));
      }
    } else {
      return refuse(kMalformed);
    }
  }
  if (const Json* purposes = member(document, "rdap_allowed_purposes")) {
    if (!purposes->IsArray()) return refuse(kMalformed);
    claims.rdap_allowed_purposes.emplace();
    for (const Json& value : purposes->GetArray()) {
      if (!is_text(value)) return refuse(kMalformed);
      claims.rdap_allowed_purposes->emplace_back(text_of(value));
    }
  }
  if (const Json* dnt = member(document, "rdap_dnt_allowed")) {
    if (!dnt->IsBool()) return refuse(kMalformed);
    claims.rdap_dnt_allowed = dnt->GetBool();
  }

  if (claims.issuer != check.issuer) return refuse(kUntrustedIssuer);
  if (std::find(claims.audience.begin(), claims.audience.end(), check.audience) == claims.audience.end()) {
    return refuse(kOtherAudience);
  }
  SSAD_CHECK(check_validity_period(claims, check.skew, check.now));
  return claims;
}

// ES256 signatures are R||S, 32 bytes each (RFC 7518 §3.4); OpenSSL verifies the DER of ECDSA-Sig-Value.
std::optional<std::string> ecdsa_der(std::string_view raw) {
  const EcdsaSignature signature(ECDSA_SIG_new());
  BIGNUM* r = BN_bin2bn(bytes(raw), static_cast<int>(raw.size() / 2), nullptr);
  BIGNUM* s = BN_bin2bn(bytes(raw.substr(raw.size() / 2)), static_cast<int>(raw.size() / 2), nullptr);
  // ECDSA_SIG_set0 takes both numbers only when it succeeds.
  if (!signature || r == nullptr || s == nullptr || ECDSA_SIG_set0(signature.get(), r, s) != 1) {
    BN_free(r);
    BN_free(s);
    return std::nullopt;
  }
  const int size = i2d_ECDSA_SIG(signature.get(), nullptr);
  if (size <= 0) return std::nullopt;
  std::string der(static_cast<std::size_t>(size), '\0');
  auto* out = reinterpret_cast<unsigned char*>(der.data());  // NOLINT(*-reinterpret-cast)
  if (i2d_ECDSA_SIG(signature.get(), &out) != size) return std::nullopt;
  return der;
}

// The JWK's members as bytes: strict base64url, or nullopt.
std::optional<std::string> key_bytes(const Json& jwk, std::string_view name) {
  const Json* value = member(jwk, name);
  if (value == nullptr || !value->IsString()) return std::nullopt;
  return decode_base64url(text_of(*value));
}

Result<Pkey> rsa_key(const Json& jwk) {
  const auto n = key_bytes(jwk, "n");
  const auto e = key_bytes(jwk, "e");
  if (!n || !e) return fail(ErrorCode::invalid_input, "its n and e must be base64url strings");
  const Bignum modulus(BN_bin2bn(bytes(*n), static_cast<int>(n->size()), nullptr));
  const Bignum exponent(BN_bin2bn(bytes(*e), static_cast<int>(e->size()), nullptr));
  if (!modulus || !exponent) return fail(ErrorCode::internal, "out of memory");
  const int bits = BN_num_bits(modulus.get());
  if (bits < kMinRsaBits || bits > kMaxRsaBits) {
    return fail(ErrorCode::invalid_input, "an RSA modulus of " + std::to_string(bits) + " bits; " +
                                              std::to_string(kMinRsaBits) + " to " +
                                              std::to_string(kMaxRsaBits) + " are accepted");
  }
  if (BN_is_odd(exponent.get()) == 0 || BN_is_one(exponent.get()) == 1 ||
      BN_num_bits(exponent.get()) > kMaxRsaExponentBits || BN_is_odd(modulus.get()) == 0) {
    return fail(ErrorCode::invalid_input, "not an RSA public key (its exponent or modulus)");
  }
  const ParamBuild build(OSSL_PARAM_BLD_new());
  if (!build || OSSL_PARAM_BLD_push_BN(build.get(), OSSL_PKEY_PARAM_RSA_N, modulus.get()) != 1 ||
      OSSL_PARAM_BLD_push_BN(build.get(), OSSL_PKEY_PARAM_RSA_E, exponent.get()) != 1) {
    return fail(ErrorCode::internal, "out of memory");
  }
  const Params params(OSSL_PARAM_BLD_to_param(build.get()));
  const PkeyContext context(EVP_PKEY_CTX_new_from_name(nullptr, "RSA", nullptr));
  EVP_PKEY* key = nullptr;
  if (!params || !context || EVP_PKEY_fromdata_init(context.get()) != 1 ||
      EVP_PKEY_fromdata(context.get(), &key, EVP_PKEY_PUBLIC_KEY, params.get()) != 1) {
    return fail(ErrorCode::invalid_input, "OpenSSL does not take it as an RSA public key");
  }
  return Pkey(key);
}

Result<Pkey> p256_key(const Json& jwk) {
  const auto x = key_bytes(jwk, "x");
  const auto y = key_bytes(jwk, "y");
  if (!x || !y || x->size() != kP256CoordinateSize || y->size() != kP256CoordinateSize) {
    return fail(ErrorCode::invalid_input, "its x and y must be base64url strings of 32 bytes");
  }
  std::string point = "\x04" + *x + *y;  // SEC 1 uncompressed form
  std::array<char, 16> group{"prime256v1"};
  const std::array<OSSL_PARAM, 3> params = {
      OSSL_PARAM_construct_utf8_string(OSSL_PKEY_PARAM_GROUP_NAME, group.data(), 0),
      OSSL_PARAM_construct_octet_string(OSSL_PKEY_PARAM_PUB_KEY, point.data(), point.size()),
      OSSL_PARAM_construct_end()};
  const PkeyContext context(EVP_PKEY_CTX_new_from_name(nullptr, "EC", nullptr));
  EVP_PKEY* raw = nullptr;
  if (!context || EVP_PKEY_fromdata_init(context.get()) != 1 ||
      EVP_PKEY_fromdata(context.get(), &raw, EVP_PKEY_PUBLIC_KEY, const_cast<OSSL_PARAM*>(params.data())) !=
          1) {
    return fail(ErrorCode::invalid_input, "not a point of P-256");
  }
  Pkey key(raw);
  // On the curve, not the point at infinity, of the group's order.
  const PkeyContext check(EVP_PKEY_CTX_new_from_pkey(nullptr, key.get(), nullptr));
  if (!check || EVP_PKEY_public_check(check.get()) != 1)
    return fail(ErrorCode::invalid_input, "not a point of P-256");
  return key;
}

Result<Pkey> ed25519_key(const Json& jwk) {
  const auto x = key_bytes(jwk, "x");
  if (!x || x->size() != kEd25519KeySize) {
    return fail(ErrorCode::invalid_input, "its x must be a base64url string of 32 bytes");
  }
  Pkey key(EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, nullptr, bytes(*x), x->size()));
  if (!key) return fail(ErrorCode::invalid_input, "OpenSSL does not take it as an Ed25519 public key");
  return key;
}

std::optional<std::string_view> string_member(const Json& object, std::string_view name) {
  const Json* value = member(object, name);
  if (value == nullptr || !value->IsString()) return std::nullopt;
  return text_of(*value);
}

}  // namespace

std::string_view to_string(SignatureAlgorithm algorithm) {
  switch (algorithm) {
    case SignatureAlgorithm::rs256:
      return "RS256";
    case SignatureAlgorithm::es256:
      return "ES256";
    case SignatureAlgorithm::eddsa:
      return "EdDSA";
  }
  return "?";
}

bool VerificationKey::verifies(std::string_view signed_text, std::string_view signature) const {
  const EVP_MD* digest = nullptr;
  std::string der;
  switch (algorithm_) {
    case SignatureAlgorithm::rs256:
      // RFC 7518 §3.3: the signature is exactly as long as the modulus.
      if (signature.size() != static_cast<std::size_t>(EVP_PKEY_get_size(key_.get()))) return false;
      digest = sha256_digest();
      if (digest == nullptr) return false;
      break;
    case SignatureAlgorithm::es256: {
      if (signature.size() != kRawSignatureSize) return false;
      auto encoded = ecdsa_der(signature);
      if (!encoded) return false;
      der = std::move(*encoded);
      signature = der;
      digest = sha256_digest();
      if (digest == nullptr) return false;
      break;
    }
    case SignatureAlgorithm::eddsa:
      if (signature.size() != kRawSignatureSize) return false;
      break;  // Ed25519 hashes for itself: no digest
  }
  const DigestContext context(EVP_MD_CTX_new());
  const bool good = context &&
                    EVP_DigestVerifyInit(context.get(), nullptr, digest, nullptr, key_.get()) == 1 &&
                    EVP_DigestVerify(context.get(), bytes(signature), signature.size(), bytes(signed_text),
                                     signed_text.size()) == 1;
  // A refused signature leaves reasons on this thread's error queue, which nothing here reads.
  if (!good) ERR_clear_error();
  return good;
}

bool VerificationKey::is_same_key(const VerificationKey& other) const {
  return algorithm_ == other.algorithm_ && key_ && other.key_ &&
         EVP_PKEY_eq(key_.get(), other.key_.get()) == 1;
}

Result<KeySet> KeySet::parse(std::string_view jwks_json) {
  rapidjson::Document document;
  document.Parse<rapidjson::kParseValidateEncodingFlag | rapidjson::kParseIterativeFlag>(jwks_json.data(),
                                                                                         jwks_json.size());
  if (document.HasParseError()) return fail(ErrorCode::invalid_input, "the JWK Set is not JSON");
  if (!document.IsObject()) return fail(ErrorCode::invalid_input, "the JWK Set is not a JSON object");
  const Json* keys = member(document, "keys");
  if (keys == nullptr || !keys->IsArray()) {
    return fail(ErrorCode::invalid_input, "the JWK Set has no \"keys\" array");
  }
  // An issuer publishes a handful of keys; a set of thousands is a hostile or broken one, and checking
  // its kids for duplicates would cost a quadratic amount of work at every fetch.
  constexpr rapidjson::SizeType kMaxKeys = 100;
  if (keys->Size() > kMaxKeys) {
    return fail(ErrorCode::invalid_input, "the JWK Set has more than " + std::to_string(kMaxKeys) + " keys");
  }

  KeySet set;
  std::size_t index = 0;
  for (const Json& jwk : keys->GetArray()) {
    ++index;
    std::string name = "key " + std::to_string(index);
    const auto leave_out = [&](std::string_view why) {
      set.left_out_.push_back(name + ": " + std::string(why));
    };
    if (!jwk.IsObject()) {
      leave_out("not a JSON object");
      continue;
    }
    VerificationKey key;
    if (const Json* kid = member(jwk, "kid")) {
      if (!kid->IsString() || !check_text_value(text_of(*kid))) {
        leave_out("its kid is not a string of text");
        continue;
      }
      key.key_id_ = text_of(*kid);
      name += " (kid '" + key.key_id_ + "')";
    }
    const auto kty = string_member(jwk, "kty");
    const auto crv = string_member(jwk, "crv");
    Result<Pkey> pkey = fail(ErrorCode::invalid_input, "");
    if (kty == "RSA") {
      key.algorithm_ = SignatureAlgorithm::rs256;
      pkey = rsa_key(jwk);
    } else if (kty == "EC" && crv == "P-256") {
      key.algorithm_ = SignatureAlgorithm::es256;
      pkey = p256_key(jwk);
    } else if (kty == "OKP" && crv == "Ed25519") {
      key.algorithm_ = SignatureAlgorithm::eddsa;
      pkey = ed25519_key(jwk);
    } else {
      leave_out("a key type this server does not verify with (kty " + std::string(kty.value_or("missing")) +
                (crv ? ", crv " + std::string(*crv) : std::string()) + ")");
      continue;
    }
    if (const Json* alg = member(jwk, "alg");
        alg != nullptr && (!alg->IsString() || text_of(*alg) != to_string(key.algorithm_))) {
      leave_out("its alg is not " + std::string(to_string(key.algorithm_)) +
                ", the algorithm of its key type");
      continue;
    }
    if (const Json* use = member(jwk, "use");
        use != nullptr && (!use->IsString() || text_of(*use) != "sig")) {
      leave_out("its use is not \"sig\"");
      continue;
    }
    if (const Json* ops = member(jwk, "key_ops")) {
      const bool verify = ops->IsArray() && std::any_of(ops->Begin(), ops->End(), [](const Json& op) {
                            return op.IsString() && text_of(op) == "verify";
                          });
      if (!verify) {
        leave_out("its key_ops do not include \"verify\"");
        continue;
      }
    }
    if (!pkey) {
      leave_out(pkey.error().message);
      continue;
    }
    key.key_ = std::shared_ptr<evp_pkey_st>(pkey->release(), PkeyFree{});
    set.keys_.push_back(std::move(key));
  }

  // A kid that names two usable keys names neither: which one a token means cannot be known.
  std::vector<VerificationKey> unique;
  for (const VerificationKey& key : set.keys_) {
    const auto same_kid = [&](const VerificationKey& other) { return other.key_id_ == key.key_id_; };
    if (!key.key_id_.empty() && std::count_if(set.keys_.begin(), set.keys_.end(), same_kid) > 1) {
      set.left_out_.push_back("kid '" + key.key_id_ + "': several keys have it");
    } else {
      unique.push_back(key);
    }
  }
  set.keys_ = std::move(unique);
  return set;
}

const VerificationKey* KeySet::find(std::string_view key_id) const {
  if (key_id.empty()) return nullptr;
  const auto found = std::find_if(keys_.begin(), keys_.end(),
                                  [&](const VerificationKey& key) { return key.key_id() == key_id; });
  return found == keys_.end() ? nullptr : &*found;
}

const VerificationKey* KeySet::key_for(const std::optional<std::string>& key_id) const {
  if (key_id) return find(*key_id);
  return keys_.size() == 1 ? keys_.data() : nullptr;
}

Result<TokenClaims> verify_token(std::string_view token, const KeySet& keys, const TokenCheck& check) {
  const auto compact = split_compact(token);
  if (!compact) return refuse(kMalformed);
  const auto header = read_header(compact->header);
  if (!header) return refuse(kMalformed);
  const VerificationKey* key = keys.key_for(header->key_id);
  if (key == nullptr) return refuse(kUnknownKey);
  if (header->algorithm != to_string(key->algorithm())) return refuse(kWrongAlgorithm);
  if (!key->verifies(compact->signed_text, compact->signature)) return refuse(kBadSignature);
  SSAD_TRY(claims, read_claims(compact->payload, check));
  claims.key_id = key->key_id();
  claims.algorithm = key->algorithm();
  return std::move(claims);
}

Result<void> check_validity_period(const TokenClaims& claims, std::chrono::seconds skew, Timestamp now) {
  if (now > claims.expires + skew) return refuse(kExpired);
  if (claims.not_before && now + skew < *claims.not_before) return refuse(kNotYetValid);
  return {};
}

Result<UnverifiedToken> read_unverified(std::string_view token) {
  const auto compact = split_compact(token);
  if (!compact) return refuse(kMalformed);
  auto header = read_header(compact->header);
  if (!header) return refuse(kMalformed);
  rapidjson::Document payload;
  if (!parse_object(payload, compact->payload)) return refuse(kMalformed);
  const Json* iss = member(payload, "iss");
  if (iss == nullptr || !iss->IsString()) return refuse(kMalformed);
  return UnverifiedToken{std::string(text_of(*iss)), std::move(header->key_id)};
}

}  // namespace ssad::identity
