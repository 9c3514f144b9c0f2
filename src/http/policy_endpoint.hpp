#pragma once
// POST /v1/policy/explain (issue 12 item 6; docs/policy.md): for a requestor — a user of the directory, or
// a user group with an authority and a status — a purpose, a lawful basis, the fields asked for and a
// domain, every field's outcome and the rules that decided it, as `ssad policy explain --json` writes it.
// A user whose accreditations are not in force, or permit no such purpose, is explained rather than
// refused: its fields read not_accredited or purpose_not_permitted, where RDAP would answer 403.
// The operator's staff only (administrators, reviewers, auditors): an explanation tells whether a contact is
// a natural or a legal person, which the public does not see.

#include "http/message.hpp"
#include "identity/authenticator.hpp"
#include "policy/decision.hpp"
#include "store/registration_store.hpp"

namespace ssad::http {

class PolicyEndpoint {
 public:
  /// References must outlive the endpoint.
  PolicyEndpoint(const identity::Authenticator& authenticator, store::RegistrationReader& registrations,
                 const policy::Settings& policy)
      : authenticator_(authenticator), registrations_(registrations), policy_(policy) {}

  /// Answers a request for /v1/policy/explain. Thread-safe.
  [[nodiscard]] Response handle(const Request& request) const;

 private:
  const identity::Authenticator& authenticator_;
  store::RegistrationReader& registrations_;
  const policy::Settings& policy_;
};

}  // namespace ssad::http
