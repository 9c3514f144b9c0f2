#pragma once
// Who may change or read what in the requestor directory (issue 12 item 3; docs/requestors.md), for a user
// who proved who it is — the use cases behind /v1's administration. Directory makes the changes and
// audits them; this decides whether the user may ask at all, and scopes what it sees:
// - administrators (the operator's staff): every organisation, user, accreditation and key;
// - auditors and reviewers (staff): read everything, change nothing;
// - requestors: their own user and organisation, and their own API keys (create, list, revoke); every
//   user keeps its own keys the same way.
// A requestor asking for another tenant's object gets not_found, as for one that does not exist, so that
// ids of other tenants cannot be confirmed by trying them.
//
// Errors: forbidden when the user's roles do not allow the act at all; the Directory's otherwise.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "identity/authenticator.hpp"
#include "identity/directory.hpp"

namespace ssad::identity {

/// One page of a list and the cursor of the next ("" at the end).
template <typename T>
struct Listing {
  std::vector<T> items;
  std::string next;
};

/// The audit log's actor for a user acting through the API: an operator's staff user, or a requestor.
[[nodiscard]] audit::Actor actor_of(const model::User& user, const model::Organisation& organisation);

/// How long a key a requestor makes for itself may live, and how many keys in force a user may hold for
/// it to make another.
inline constexpr int kSelfServiceKeyDays = 365;
inline constexpr std::size_t kSelfServiceKeys = 10;

class Administration {
 public:
  /// References must outlive it.
  Administration(Directory& directory, store::RequestorReader& reader, const Clock& clock);

  [[nodiscard]] Result<model::Organisation> add_organisation(const Authenticated& who,
                                                             const NewOrganisation& org,
                                                             const std::string& reason);
  [[nodiscard]] Result<Listing<model::Organisation>> organisations(const Authenticated& who,
                                                                   const store::Page& page) const;
  [[nodiscard]] Result<OrganisationView> organisation(const Authenticated& who, const std::string& id) const;
  /// Makes an organisation a registrar, or no registrar (nullopt): administrators only, for whose users
  /// may issue registrant sessions (issue 15).
  [[nodiscard]] Result<model::Organisation> set_registrar(const Authenticated& who, const std::string& id,
                                                          std::optional<std::int64_t> iana_id,
                                                          const std::string& reason);

  [[nodiscard]] Result<model::User> add_user(const Authenticated& who, const NewUser& user,
                                             const std::string& reason);
  [[nodiscard]] Result<model::User> user(const Authenticated& who, const std::string& id) const;
  [[nodiscard]] Result<model::User> set_user_disabled(const Authenticated& who, const std::string& id,
                                                      bool disabled, const std::string& reason);

  [[nodiscard]] Result<model::Accreditation> add_accreditation(const Authenticated& who,
                                                               const NewAccreditation& accreditation,
                                                               const std::string& reason);
  /// With its status as in force now, as the organisation's view and /v1/me give it.
  [[nodiscard]] Result<model::Accreditation> accreditation(const Authenticated& who,
                                                           const std::string& id) const;
  [[nodiscard]] Result<model::Accreditation> change_accreditation(const Authenticated& who,
                                                                  const std::string& id,
                                                                  AccreditationChange change,
                                                                  const std::string& reason);

  /// `user_id` empty: the caller's own.
  [[nodiscard]] Result<NewApiKey> create_key(const Authenticated& who, const std::string& user_id,
                                             std::optional<Timestamp> expires, const std::string& reason);
  [[nodiscard]] Result<Listing<model::ApiKey>> keys(const Authenticated& who, const std::string& user_id,
                                                    const store::Page& page) const;
  [[nodiscard]] Result<model::ApiKey> revoke_key(const Authenticated& who, const std::string& key_id,
                                                 const std::string& reason);

 private:
  Directory& directory_;
  store::RequestorReader& reader_;
  const Clock& clock_;
};

/// True when the user holds any of `roles` (model::UserRole bits) in the operator's organisation.
[[nodiscard]] bool is_staff(const Authenticated& who, unsigned roles);

}  // namespace ssad::identity
