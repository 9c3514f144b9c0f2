#pragma once
// The requestor directory (DESIGN.md C4): organisations, users, accreditations and API keys
// (model/requestor.hpp). Read through Store::requestors(), written through UnitOfWork::requestors()
// (store/store.hpp) — in the same unit of work as the audit entry of the change (audit::record()).
//
// A credential check reads this on every request (identity/), so that a suspended accreditation or a
// revoked key stops working on the very next one, on every node: each read is one indexed lookup.
//
// Lists are in id order and paged: a page holds at most `limit` rows with ids after `after`.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/error.hpp"
#include "core/time.hpp"
#include "model/requestor.hpp"
#include "store/page.hpp"

namespace ssad::store {

class RequestorReader {
 public:
  virtual ~RequestorReader() = default;

  /// Errors of the single reads: not_found when no row has the id.
  [[nodiscard]] virtual Result<model::Organisation> organisation(const std::string& id) = 0;
  [[nodiscard]] virtual Result<std::vector<model::Organisation>> organisations(const Page& page) = 0;

  [[nodiscard]] virtual Result<model::User> user(const std::string& id) = 0;
  /// The user an OpenID Connect identity signs in as. Errors: not_found.
  [[nodiscard]] virtual Result<model::User> user_by_oidc(const std::string& issuer,
                                                         const std::string& subject) = 0;
  /// Users of one organisation, or of all when `org_id` is empty.
  [[nodiscard]] virtual Result<std::vector<model::User>> users(const std::string& org_id,
                                                               const Page& page) = 0;

  [[nodiscard]] virtual Result<model::Accreditation> accreditation(const std::string& id) = 0;
  /// Accreditations of one organisation, or of all when `org_id` is empty.
  [[nodiscard]] virtual Result<std::vector<model::Accreditation>> accreditations(const std::string& org_id,
                                                                                 const Page& page) = 0;

  [[nodiscard]] virtual Result<model::ApiKey> api_key(const std::string& id) = 0;
  /// Keys of one user, or of all when `user_id` is empty.
  [[nodiscard]] virtual Result<std::vector<model::ApiKey>> api_keys(const std::string& user_id,
                                                                    const Page& page) = 0;
};

/// Writes within a unit of work; nothing is visible until it commits. Units of work from both
/// Store::begin() and Store::begin_audit() may write here: a suspension must not wait for an import.
class RequestorWriter {
 public:
  virtual ~RequestorWriter() = default;

  /// Errors: conflict when the id exists, or another organisation is the same registrar; invalid_input
  /// when its registrar's IANA ID is not positive.
  [[nodiscard]] virtual Result<void> add_organisation(const model::Organisation& organisation) = 0;
  /// Makes the organisation the registrar of IANA Registrar ID `iana_id`, or no registrar (nullopt).
  /// Errors: not_found; conflict when another organisation is that registrar; invalid_input when
  /// `iana_id` is not positive.
  [[nodiscard]] virtual Result<void> set_registrar(const std::string& org_id,
                                                   std::optional<std::int64_t> iana_id) = 0;
  /// Errors: conflict when the id exists, or another user has the same OIDC issuer and subject;
  /// not_found when the organisation does not exist; invalid_input when only one of the OIDC issuer and
  /// subject is set.
  [[nodiscard]] virtual Result<void> add_user(const model::User& user) = 0;
  /// Sets a user's roles and whether it is disabled. Errors: not_found.
  [[nodiscard]] virtual Result<void> update_user(const std::string& id, unsigned roles, bool disabled) = 0;
  /// Errors: conflict when the id exists; not_found when the organisation does not exist.
  [[nodiscard]] virtual Result<void> add_accreditation(const model::Accreditation& accreditation) = 0;
  /// Sets the status, its reason and `now` as the time it changed. Errors: not_found.
  [[nodiscard]] virtual Result<void> set_accreditation_status(const std::string& id,
                                                              model::AccreditationStatus status,
                                                              const std::string& reason, Timestamp now) = 0;
  /// Records that the organisation accepted a code of conduct. Errors: not_found.
  [[nodiscard]] virtual Result<void> accept_code_of_conduct(const std::string& accreditation_id,
                                                            const std::string& version, Timestamp now) = 0;
  /// Errors: conflict when the id exists; not_found when the user does not exist.
  [[nodiscard]] virtual Result<void> add_api_key(const model::ApiKey& key) = 0;
  /// Marks the key revoked at `now` with `reason`; a key already revoked keeps its first revocation.
  /// Errors: not_found.
  [[nodiscard]] virtual Result<void> revoke_api_key(const std::string& id, const std::string& reason,
                                                    Timestamp now) = 0;
  /// Suspends the key since `since` with `reason`, or lifts its suspension (nullopt; the reason is then
  /// cleared). A suspended key's suspension is replaced. A revoked key may be suspended too (it stays
  /// revoked). Errors: not_found.
  [[nodiscard]] virtual Result<void> set_api_key_suspension(const std::string& id,
                                                            std::optional<Timestamp> since,
                                                            const std::string& reason) = 0;
  /// Suspends the tokens of the user's OpenID Connect identity since `since`, or lifts the suspension
  /// (nullopt). Errors: not_found.
  [[nodiscard]] virtual Result<void> set_tokens_suspension(const std::string& user_id,
                                                           std::optional<Timestamp> since) = 0;
};

}  // namespace ssad::store
