#pragma once
// Who may ask for non-public data (DESIGN.md C4, shared/spec/policy.md §1.1): requestor organisations,
// their users, their accreditations, and the users' API keys; and the operator's own staff (reviewers,
// administrators, auditors), who are users of the operator's organisation. Plain values: no storage, no
// checks of credentials (identity/ does those).
//
// Ids are random, prefixed by kind ("org_", "usr_", "acc_", "key_") and never reused, so that one
// tenant cannot guess another's. Times are UTC milliseconds.

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.hpp"
#include "core/time.hpp"

namespace ssad::model {

/// A requestor organisation, or the operator itself (whose users are its staff).
enum class OrganisationKind : std::uint8_t { requestor, operator_staff };
[[nodiscard]] std::string_view to_string(OrganisationKind kind);  // "requestor", "operator"
[[nodiscard]] Result<OrganisationKind> parse_organisation_kind(std::string_view text);

struct Organisation {
  std::string id;  // "org_…"
  std::string name;
  OrganisationKind kind = OrganisationKind::requestor;
  std::string country;  // ISO 3166-1 alpha-2 where known, else empty
  Timestamp created;
  // Set: the organisation is this registrar (its IANA Registrar ID, positive; at most one organisation per
  // registrar), whose users may issue a registrant session for the domains it sponsors (issue 15).
  std::optional<std::int64_t> registrar_iana_id;
  friend bool operator==(const Organisation&, const Organisation&) = default;
};

/// What a user may do. A requestor organisation's users are requestors; the operator's users hold one or
/// more of the staff roles.
enum UserRole : unsigned {
  kRoleRequestor = 1U << 0,
  kRoleReviewer = 1U << 1,
  kRoleAdministrator = 1U << 2,
  kRoleAuditor = 1U << 3,
};
/// "requestor", "reviewer", "administrator", "auditor".
[[nodiscard]] std::string_view to_string(UserRole role);
[[nodiscard]] Result<UserRole> parse_user_role(std::string_view text);

struct User {
  std::string id;      // "usr_…"
  std::string org_id;  // its organisation
  std::string email;
  // The OpenID Connect identity that signs in as this user: the issuer's URL and the subject (`sub`).
  // Both empty when the user has none; unique across users when set.
  std::string oidc_issuer;
  std::string oidc_subject;
  unsigned roles = kRoleRequestor;  // UserRole bits
  bool disabled = false;            // a disabled user's credentials all fail
  Timestamp created;
  // Set while the tokens of the user's OpenID Connect identity are suspended (issue 14; by an administrator
  // or the abuse monitor), since that time: a token of that identity fails (403) until the suspension is
  // lifted. The user's API keys are other credentials, each with a suspension of its own.
  std::optional<Timestamp> tokens_suspended;
  friend bool operator==(const User&, const User&) = default;
};

/// An accreditation's stored status. An active accreditation outside [valid_from, valid_until) is not in
/// force either: identity::effective_status() tells (expired once valid_until has passed).
enum class AccreditationStatus : std::uint8_t { active, suspended, revoked, expired };
[[nodiscard]] std::string_view to_string(AccreditationStatus status);  // "active", …
[[nodiscard]] Result<AccreditationStatus> parse_accreditation_status(std::string_view text);

/// An organisation's accreditation as a member of one user group, by an accrediting authority.
struct Accreditation {
  std::string id;         // "acc_…"
  std::string org_id;     // the accredited organisation
  std::string group;      // a user group of the policy ("network_operator", "cert", …)
  std::string authority;  // who accredited it ("ICANN AA", "FIRST", a national authority)
  Timestamp valid_from;
  Timestamp valid_until;
  std::string code_of_conduct_version;                // empty: none accepted yet
  std::optional<Timestamp> code_of_conduct_accepted;  // when it was accepted
  std::vector<std::string> purposes;                  // purposes it may invoke; empty: those of its group
  std::vector<std::string> lawful_bases;              // "6(1)(f)", …; empty: those of its group
  AccreditationStatus status = AccreditationStatus::active;
  std::string status_reason;  // why the status was last changed; empty while never changed
  Timestamp status_changed;   // when; the creation time until then
  Timestamp created;
  friend bool operator==(const Accreditation&, const Accreditation&) = default;
};

/// An API key of one user. The key itself is shown once, at creation; only the SHA-256 of its secret
/// part is kept (identity/api_key.hpp has the format).
struct ApiKey {
  std::string id;       // "key_…", also written in the key itself so that it is found without a search
  std::string user_id;  // the one user it belongs to
  std::array<std::uint8_t, 32> secret_hash{};
  Timestamp created;
  std::optional<Timestamp> expires;  // nullopt: does not expire
  std::optional<Timestamp> revoked;  // set once revoked; a revoked key stays revoked
  std::string revoke_reason;
  // Set while the key is suspended (issue 14; by an administrator or the abuse monitor), since that time:
  // the key fails (403) until the suspension is lifted. Unlike a revocation, a suspension can be lifted.
  std::optional<Timestamp> suspended;
  std::string suspend_reason;  // empty when not suspended
  friend bool operator==(const ApiKey&, const ApiKey&) = default;
};

}  // namespace ssad::model
