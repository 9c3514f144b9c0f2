#pragma once
// /v1/abuse/cases (issue 14 item 3; docs/abuse.md): the cases abuse monitoring opened — flags, throttles,
// suspensions — with their evidence, for the operator's administrators and auditors; administrators lift
// them.
//   GET  /v1/abuse/cases?state=open,lifted&action=…&detector=…&organisation=…&user=…&after=…&limit=…
//   GET  /v1/abuse/cases/{id}
//   POST /v1/abuse/cases/{id}/lift   {"reason": "…"}

#include "abuse/cases.hpp"
#include "http/message.hpp"
#include "identity/authenticator.hpp"

namespace ssad::http {

class AbuseEndpoint {
 public:
  /// References must outlive the endpoint.
  AbuseEndpoint(const identity::Authenticator& authenticator, abuse::Cases& cases)
      : authenticator_(authenticator), cases_(cases) {}

  /// Answers a request for a path under /v1/abuse. Thread-safe.
  [[nodiscard]] Response handle(const Request& request) const;

 private:
  [[nodiscard]] Result<Response> answer(const Request& request, const identity::Authenticated& who) const;

  const identity::Authenticator& authenticator_;
  abuse::Cases& cases_;
};

}  // namespace ssad::http
