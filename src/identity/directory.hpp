#pragma once
// Administering the requestor directory (issue 12; docs/requestors.md): organisations, their users, their
// accreditations and the users' API keys. Each change is one unit of work with its audit entry — who made
// it and why — so that both commit or neither does (DESIGN.md §4 invariant 2). The CLI (`ssad requestor
// …`) and /v1 call these; neither writes the directory any other way.
//
// Accreditations move active ⇄ suspended, and from either to revoked, which is final; an expired one stays
// expired (a new accreditation replaces it). Every move needs a reason. Audit entries name ids, groups,
// authorities, dates and the reason given — never an email or an OIDC subject.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "audit/entry.hpp"
#include "core/error.hpp"
#include "core/time.hpp"
#include "identity/credentials.hpp"
#include "model/requestor.hpp"
#include "policy/rules.hpp"
#include "store/store.hpp"

namespace ssad::identity {

struct NewOrganisation {
  std::string name;
  model::OrganisationKind kind = model::OrganisationKind::requestor;
  std::string country;  // ISO 3166-1 alpha-2 or empty
  // Set: the organisation is this registrar (its IANA Registrar ID, positive), whose users may issue a
  // registrant session for the domains it sponsors (issue 15).
  std::optional<std::int64_t> registrar_iana_id;
};

struct NewUser {
  std::string org_id;
  std::string email;
  std::string oidc_issuer;  // both or neither
  std::string oidc_subject;
  unsigned roles = 0;  // 0: requestor in a requestor organisation; a staff organisation's users need roles
};

struct NewAccreditation {
  std::string org_id;
  std::string group;
  std::string authority;
  std::optional<Timestamp> valid_from;  // nullopt: now
  Timestamp valid_until;
  std::string code_of_conduct_version;    // accepted now when given
  std::vector<std::string> purposes;      // empty: the group's
  std::vector<std::string> lawful_bases;  // empty: the group's
};

enum class AccreditationChange : std::uint8_t { suspend, reinstate, revoke };

/// An organisation with everything under it, for listings.
struct OrganisationView {
  model::Organisation organisation;
  std::vector<model::User> users;
  std::vector<model::Accreditation> accreditations;  // statuses as in force now
  std::vector<model::ApiKey> keys;                   // of its users
};

class Directory {
 public:
  /// References must outlive the directory. `rules` gives the user groups and purposes.
  Directory(store::Store& store, const policy::Rules& rules, const Clock& clock);

  /// Each change is made by `actor` for `reason` (text, 1–500 bytes, recorded in the audit log). Errors:
  /// invalid_input naming the bad member; not_found for an id that does not exist; conflict for a
  /// duplicate OIDC identity, a key already revoked or a status move that is not allowed; unavailable
  /// when the store cannot commit (nothing changed).
  [[nodiscard]] Result<model::Organisation> add_organisation(const audit::Actor& actor,
                                                             const NewOrganisation& org,
                                                             const std::string& reason);
  /// Makes the organisation the registrar of IANA Registrar ID `iana_id` (positive), or no registrar
  /// (nullopt). Errors: invalid_input for an ID that is not positive or without a reason; not_found;
  /// conflict when another organisation is that registrar, or this one is so already.
  [[nodiscard]] Result<model::Organisation> set_registrar(const audit::Actor& actor,
                                                          const std::string& org_id,
                                                          std::optional<std::int64_t> iana_id,
                                                          const std::string& reason);
  [[nodiscard]] Result<model::User> add_user(const audit::Actor& actor, const NewUser& user,
                                             const std::string& reason);
  /// Disables a user (every credential of it fails on its next use: keys and tokens alike) or enables it
  /// again. Errors: not_found; conflict when it is so already; invalid_input without a reason.
  [[nodiscard]] Result<model::User> set_user_disabled(const audit::Actor& actor, const std::string& id,
                                                      bool disabled, const std::string& reason);
  [[nodiscard]] Result<model::Accreditation> add_accreditation(const audit::Actor& actor,
                                                               const NewAccreditation& accreditation,
                                                               const std::string& reason);
  [[nodiscard]] Result<model::Accreditation> change_accreditation(const audit::Actor& actor,
                                                                  const std::string& id,
                                                                  AccreditationChange change,
                                                                  const std::string& reason);
  /// The key is in the result once and nowhere else.
  [[nodiscard]] Result<NewApiKey> create_key(const audit::Actor& actor, const std::string& user_id,
                                             std::optional<Timestamp> expires, const std::string& reason);
  [[nodiscard]] Result<model::ApiKey> revoke_key(const audit::Actor& actor, const std::string& key_id,
                                                 const std::string& reason);

  /// One accreditation, its status as in force now (status_at). Errors: not_found.
  [[nodiscard]] Result<model::Accreditation> accreditation(const std::string& id) const;

  /// Every organisation (or one) with its users, accreditations and keys. Errors: not_found for `org_id`.
  [[nodiscard]] Result<std::vector<OrganisationView>> list(const std::string& org_id = {}) const;

 private:
  store::Store& store_;
  const policy::Rules& rules_;
  const Clock& clock_;
};

[[nodiscard]] std::string_view to_string(AccreditationChange change);  // "suspend", "reinstate", "revoke"

}  // namespace ssad::identity
