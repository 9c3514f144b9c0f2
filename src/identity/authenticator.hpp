#pragma once
// Who is asking, from the credential a request carries (issue 12; docs/requestors.md): an API key
// (identity/credentials.hpp) or an OpenID Connect bearer token (RFC 9560 §6), both sent as
// `Authorization: Bearer …`. Every check reads the requestor directory afresh, so that a revoked or
// suspended key, a user whose tokens are suspended, a disabled user, or a suspended, revoked or expired
// accreditation fails on the very next request, on every node (a credential's suspension is on the key's
// row or the user's row, which every check reads anyway: it costs no read of its own). Then caller_for()
// chooses the accreditation a stated purpose is asked under.
//
// Errors say which credential check failed, never anything stored about anyone else:
// - unauthenticated (401): a credential that is not Bearer, a malformed, unknown or wrong API key (one
//   message for all three), a revoked or expired key, a token the verifier refuses;
// - forbidden (403): a suspended API key, a token of an identity whose tokens are suspended (issue 14: an
//   administrator or the abuse monitor suspended that one credential; the operator can lift it), a token
//   whose identity is no user here, a disabled user, an operator's staff user asking as a requestor, an
//   organisation whose accreditations are all suspended, revoked or expired (saying which), a purpose
//   outside the accreditation or the token's rdap_allowed_purposes;
// - invalid_input (400): a purpose that is not a purpose value (RFC 9560 §9.3);
// - unavailable: the directory could not be read.

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.hpp"
#include "core/time.hpp"
#include "identity/caller.hpp"
#include "policy/rules.hpp"
#include "store/requestor_directory.hpp"

namespace ssad::identity {

/// A token the identity provider's keys verified (identity/oidc_issuers.hpp makes these).
struct VerifiedToken {
  std::string issuer;
  std::string subject;
  std::optional<std::vector<std::string>> rdap_allowed_purposes;
  bool rdap_dnt_allowed = false;
};

/// A user who proved who it is.
struct Authenticated {
  model::User user;
  model::Organisation organisation;
  // Every accreditation of the organisation, each with its status as in force at the time of the request.
  std::vector<model::Accreditation> accreditations;
  CredentialKind credential = CredentialKind::api_key;
  std::string credential_id;
  std::string token_issuer;  // the verified token's iss; empty for an API key
  std::optional<std::vector<std::string>> token_purposes;
  bool token_dnt_allowed = false;
};

/// The status of an accreditation as in force at `now`: an active one before valid_from reads suspended
/// (not yet in force), one at or after valid_until reads expired.
[[nodiscard]] model::AccreditationStatus status_at(const model::Accreditation& accreditation, Timestamp now);

class Authenticator {
 public:
  using VerifyToken = std::function<Result<VerifiedToken>(std::string_view token)>;

  /// `verify_token` empty: bearer tokens other than API keys are refused (no issuer is configured).
  /// References must outlive the authenticator. Thread-safe.
  Authenticator(store::RequestorReader& directory, const Clock& clock, VerifyToken verify_token = {});

  /// The user behind an `Authorization` header value; nullopt for a request without one (the public).
  [[nodiscard]] Result<std::optional<Authenticated>> authenticate(
      std::optional<std::string_view> authorization) const;

  /// A user with its organisation and accreditations as a credential would give them, without one: for
  /// explanations (`ssad policy explain --user`). Errors: not_found; forbidden for a disabled user.
  [[nodiscard]] Result<Authenticated> user(const std::string& id) const;

 private:
  [[nodiscard]] Result<Authenticated> by_api_key(std::string_view key) const;
  [[nodiscard]] Result<Authenticated> by_token(std::string_view token) const;
  [[nodiscard]] Result<Authenticated> complete(model::User user, Authenticated partial) const;

  store::RequestorReader& directory_;
  const Clock& clock_;
  VerifyToken verify_token_;
};

/// The caller an authenticated requestor is, stating `purpose` (farv1_qp; may be empty). With a purpose: the
/// first accreditation in force that permits it (its own purposes, or else its group's in `rules`). Without
/// one, and for an organisation that was never accredited: the public. See the header comment for errors.
[[nodiscard]] Result<Caller> caller_for(const Authenticated& who, std::string_view purpose,
                                        const policy::Rules& rules);

}  // namespace ssad::identity
