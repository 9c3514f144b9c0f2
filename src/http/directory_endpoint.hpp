#pragma once
// The requestor directory over /v1 (issue 12 item 3; docs/requestors.md; the OpenAPI document lists every
// operation): JSON in and out, RFC 9457 problem details for errors, `Authorization: Bearer` (an API key or
// a token) on every call. identity::Administration decides who may do what.
//
//   GET  /v1/me                                   the caller: user, organisation, accreditations
//   GET  /v1/organisations?after=ID&limit=N       POST /v1/organisations
//   GET  /v1/organisations/{id}                   with its users, accreditations and keys
//   POST /v1/organisations/{id}/registrar         {"registrar_iana_id": N | null, "reason": …}
//   POST /v1/users                                GET  /v1/users/{id}
//   POST /v1/accreditations                       GET  /v1/accreditations/{id}
//   POST /v1/accreditations/{id}/suspend|reinstate|revoke   {"reason": …}
//   GET  /v1/keys?user=ID&after=ID&limit=N        POST /v1/keys (the key is in this answer only)
//   POST /v1/keys/{id}/revoke
//
// Lists page by id: `next` in an answer is the `after` of the next page (absent at the end).

#include "http/message.hpp"
#include "identity/administration.hpp"
#include "identity/authenticator.hpp"

namespace ssad::http {

/// The user a /v1 request's credentials prove. Errors: unauthenticated (401) without credentials, and the
/// authenticator's.
[[nodiscard]] Result<identity::Authenticated> authenticated_user(const identity::Authenticator& authenticator,
                                                                 const Request& request);

/// A JSON response with `Cache-Control: no-store` (answers name users and keys).
[[nodiscard]] Response json_response(unsigned status, std::string body);

class DirectoryEndpoint {
 public:
  /// References must outlive the endpoint.
  DirectoryEndpoint(const identity::Authenticator& authenticator, identity::Administration& administration)
      : authenticator_(authenticator), administration_(administration) {}

  /// Answers a request for /v1/me or a path under /v1/organisations, /v1/users, /v1/accreditations,
  /// /v1/keys. Thread-safe.
  [[nodiscard]] Response handle(const Request& request) const;

 private:
  [[nodiscard]] Result<Response> answer(const Request& request, const identity::Authenticated& who) const;

  const identity::Authenticator& authenticator_;
  identity::Administration& administration_;
};

}  // namespace ssad::http
