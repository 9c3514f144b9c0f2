#pragma once
// The OpenID Connect identity providers this server trusts (RFC 9560), each with its JWK Set, and the
// verification of a bearer token against the one that issued it. Keys come from a file, or from the
// issuer over HTTPS: fetched at start, again after `jwks_refresh`, and at once when a token names a kid
// the set lacks (key rotation), at most once per `jwks_refetch_min`.
//
// Verified tokens are kept (keyed by the SHA-256 of the token) until they expire, as RFC 9560 §6 allows
// ("MAY cache the results … until the token expires"), so that a client sending the same token with each
// query costs one signature check. A kept token is still checked against the clock at every use, and is
// dropped once its key has left the issuer's set. At most `verified_cache` tokens are kept: when full,
// the expired ones go first, then the oldest.

#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.hpp"
#include "core/time.hpp"
#include "identity/jwt.hpp"

namespace ssad::identity {

/// One trusted issuer, as configured ([[oidc.issuer]], docs/config.md).
struct IssuerSettings {
  std::string issuer;     // its tokens' iss, exactly
  std::string name;       // for people (/help's openidcProviders)
  std::string audience;   // the aud its tokens must carry: this server's client_id at the issuer
  std::string jwks_file;  // its JWK Set in a file, read once; or
  std::string jwks_url;   // fetched from here: https://, or http:// to a loopback host (tests)
};

struct IssuerOptions {
  std::chrono::seconds skew{60};              // allowed clock difference for exp and nbf
  std::chrono::seconds jwks_refresh{3600};    // a fetched JWK Set is fetched again after this long
  std::chrono::seconds jwks_refetch_min{30};  // no fetch sooner than this after the last attempt
  std::size_t verified_cache = 10000;         // verified tokens kept; 0: none
  std::chrono::seconds fetch_timeout{5};      // a whole JWK Set fetch, connection included
};

/// The trusted issuers and their keys. Thread-safe. A fetch runs on the thread of the verify() that
/// needs it, which waits for it (at most fetch_timeout); other threads keep using the keys they have.
class TrustedIssuers {
 public:
  /// Checks the settings (issuer, name and audience non-empty; issuers unique; exactly one of jwks_file
  /// and jwks_url; a URL that is https://, or http:// to localhost, 127.0.0.0/8 or ::1) and loads every
  /// issuer's keys now: each file is read, each URL fetched. A set without any usable key is refused.
  /// `clock` must outlive the result. Errors: invalid_input naming the setting and the issuer;
  /// unavailable naming the issuer when its file cannot be read or its URL cannot be fetched (so that a
  /// server does not start unable to verify anyone's token).
  [[nodiscard]] static Result<std::unique_ptr<TrustedIssuers>> create(std::vector<IssuerSettings> issuers,
                                                                      IssuerOptions options,
                                                                      const Clock& clock);
  ~TrustedIssuers();
  TrustedIssuers(const TrustedIssuers&) = delete;
  TrustedIssuers& operator=(const TrustedIssuers&) = delete;

  /// Verifies a bearer token at clock.now(): its issuer (by the token's unverified iss) must be trusted,
  /// then verify_token() with that issuer's keys, audience and the skew. Errors: unauthenticated, with
  /// verify_token()'s messages, and "The bearer token's issuer is not trusted here."
  [[nodiscard]] Result<TokenClaims> verify(std::string_view token);

  [[nodiscard]] const std::vector<IssuerSettings>& issuers() const { return settings_; }

  /// Signatures checked so far (tokens not answered from the kept ones): for tests and metrics.
  [[nodiscard]] std::uint64_t signature_checks() const { return signature_checks_.load(); }
  /// JWK Set fetches attempted after create(), successful or not.
  [[nodiscard]] std::uint64_t jwks_fetches() const { return jwks_fetches_.load(); }

 private:
  struct Issuer;
  struct Cache;

  TrustedIssuers(std::vector<IssuerSettings> settings, IssuerOptions options, const Clock& clock);
  enum class Need { refresh, unknown_key };
  void fetch_again(Issuer& issuer, Need need);
  [[nodiscard]] std::optional<Result<TokenClaims>> kept(const std::string& digest, Timestamp now);

  std::vector<IssuerSettings> settings_;
  IssuerOptions options_;
  const Clock& clock_;
  std::vector<std::unique_ptr<Issuer>> issuers_;
  std::unique_ptr<Cache> cache_;
  std::atomic<std::uint64_t> signature_checks_{0};
  std::atomic<std::uint64_t> jwks_fetches_{0};
};

/// Fetches a JWK Set document: GET `url` (checked as create() does), no redirects, certificates
/// verified, at most 1 MiB, within `timeout`; only HTTP status 200 is a document. Errors: invalid_input
/// for a URL that is not allowed; unavailable saying what failed.
[[nodiscard]] Result<std::string> fetch_jwks(const std::string& url, std::chrono::seconds timeout);

}  // namespace ssad::identity
