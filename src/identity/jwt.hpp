#pragma once
// Bearer tokens of OpenID Connect identity providers (RFC 9560 §6, token-oriented clients): a JWT
// (RFC 7519) in JWS compact form (RFC 7515), verified against its issuer's JWK Set (RFC 7517) with RS256,
// ES256 or EdDSA (Ed25519). The algorithm is the key's, never the token's: a token whose `alg` is not
// its key's is refused, so that `none`, HS256 "signed" with a public key and RS/ES confusion all fail.
// Every refusal of a token is ErrorCode::unauthenticated with a short fixed message a client can act on,
// which never repeats what the token holds.

#include <chrono>
#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.hpp"
#include "core/time.hpp"

struct evp_pkey_st;  // OpenSSL's EVP_PKEY

namespace ssad::identity {

/// The JWS algorithms this server verifies (RFC 7518 §3.3, §3.4; RFC 8037 §3.1).
enum class SignatureAlgorithm { rs256, es256, eddsa };

/// The algorithm's JWS name: "RS256", "ES256", "EdDSA".
[[nodiscard]] std::string_view to_string(SignatureAlgorithm algorithm);

/// One public key of an issuer's JWK Set that can verify signatures, with the one algorithm it verifies.
/// Copies share the key; usable from several threads at once.
class VerificationKey {
 public:
  /// The JWK's `kid`; "" when it has none.
  [[nodiscard]] const std::string& key_id() const { return key_id_; }
  [[nodiscard]] SignatureAlgorithm algorithm() const { return algorithm_; }
  /// True when `signature` (as JWS writes it: R||S for ES256) is this key's signature of `signed_text`.
  [[nodiscard]] bool verifies(std::string_view signed_text, std::string_view signature) const;
  /// True when `other` is the same public key with the same algorithm.
  [[nodiscard]] bool is_same_key(const VerificationKey& other) const;

 private:
  friend class KeySet;
  std::string key_id_;
  SignatureAlgorithm algorithm_ = SignatureAlgorithm::rs256;
  std::shared_ptr<evp_pkey_st> key_;
};

/// A parsed JWK Set: the usable signature keys of one issuer, by `kid`. A key is usable when it is
///   kty "RSA" with a modulus of 2048 to 8192 bits (RS256), kty "EC" with crv "P-256" (ES256), or kty
///   "OKP" with crv "Ed25519" (EdDSA); its `alg`, if present, names that algorithm; its `use`, if present,
///   is "sig"; its `key_ops`, if present, include "verify"; and no other usable key has its `kid`.
/// Every other key (another type or curve, an encryption key, a malformed one) is left out, and why is
/// kept for the operator's log; left-out keys are not an error. Copies share the keys.
class KeySet {
 public:
  /// Parses a JWK Set document ({"keys": [...]}). Errors: invalid_input naming the problem when the
  /// document is not JSON, not an object or has no `keys` array.
  [[nodiscard]] static Result<KeySet> parse(std::string_view jwks_json);

  /// The usable key whose `kid` is `key_id`; nullptr when there is none.
  [[nodiscard]] const VerificationKey* find(std::string_view key_id) const;
  /// The key a token names by its `kid`; a token without one may only use the set's only key.
  [[nodiscard]] const VerificationKey* key_for(const std::optional<std::string>& key_id) const;
  /// The number of usable keys.
  [[nodiscard]] std::size_t size() const { return keys_.size(); }
  /// Why each key that cannot be used was left out ("key 2 (kid 'k1'): an RSA modulus of 1024 bits; at
  /// least 2048 are needed").
  [[nodiscard]] const std::vector<std::string>& left_out() const { return left_out_; }

 private:
  std::vector<VerificationKey> keys_;
  std::vector<std::string> left_out_;
};

/// What a verified token says. Times are milliseconds (JWT NumericDates may be fractional).
struct TokenClaims {
  std::string issuer;                 // iss
  std::string subject;                // sub: who the issuer says the user is, unique within the issuer
  std::vector<std::string> audience;  // aud, as one or several values
  Timestamp expires;                  // exp
  std::optional<Timestamp> not_before;
  std::optional<Timestamp> issued_at;
  std::optional<std::vector<std::string>> rdap_allowed_purposes;  // RFC 9560 §3.1.5.1
  std::optional<bool> rdap_dnt_allowed;                           // RFC 9560 §3.1.5.2
  std::string key_id;                                             // the kid of the key that verified it
  SignatureAlgorithm algorithm = SignatureAlgorithm::rs256;
};

/// What a token must satisfy besides its signature.
struct TokenCheck {
  std::string issuer;             // iss, exactly
  std::string audience;           // one of aud, exactly: this server's client_id at the issuer
  std::chrono::seconds skew{60};  // allowed difference between the issuer's clock and ours
  Timestamp now;                  // our clock
};

/// Verifies a bearer token: compact JWS (three base64url parts without padding, 16 KiB at most); a
/// protected header that is a JSON object with `alg`, `kid` (optional when `keys` has exactly one key)
/// and no `crit`; the key's algorithm equal to `alg`; the signature; then the claims: `iss` equal to
/// check.issuer, a non-empty `sub`, `aud` (a string or an array) holding check.audience, `exp` with
/// now <= exp + skew, `nbf` (optional) with nbf <= now + skew, `iat` (optional) a number,
/// `rdap_allowed_purposes` (optional) an array of strings, `rdap_dnt_allowed` (optional) a boolean. JSON
/// with a member twice is malformed. Errors, all unauthenticated: "The bearer token is malformed.", "…
/// is signed with an unknown key.", "… algorithm is not the key's.", "… signature does not verify.",
/// "… issuer is not trusted here.", "… is for another audience.", "… has expired.", "… is not valid yet."
[[nodiscard]] Result<TokenClaims> verify_token(std::string_view token, const KeySet& keys,
                                               const TokenCheck& check);

/// Checks a verified token's validity period again at `now` (a token kept since it was verified).
/// Errors: unauthenticated "The bearer token has expired." or "The bearer token is not valid yet."
[[nodiscard]] Result<void> check_validity_period(const TokenClaims& claims, std::chrono::seconds skew,
                                                 Timestamp now);

/// What a token says of itself before anything is verified: only to choose whose keys to try, and
/// whether they hold the one it names.
struct UnverifiedToken {
  std::string issuer;                 // iss
  std::optional<std::string> key_id;  // the header's kid
};

/// Reads a token's `iss` and `kid` without verifying it. Errors: unauthenticated "The bearer token is
/// malformed." when it is not a JWS of JSON objects with an `iss` string.
[[nodiscard]] Result<UnverifiedToken> read_unverified(std::string_view token);

}  // namespace ssad::identity
