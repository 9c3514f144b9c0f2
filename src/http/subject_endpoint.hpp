#pragma once
// /v1/subject (issue 15; docs/subject.md): the registrant's side over HTTP.
//   POST   /v1/subject/challenge    {"domain": …}            202, the same answer whether or not it exists
//   POST   /v1/subject/verify       {"domain": …, "code": …} 200 {"token", "expires", "domain"}
//   POST   /v1/subject/sessions     {"domain": …}            201, for the sponsoring registrar's users
//   GET    /v1/subject/session                               the session's domain and end
//   DELETE /v1/subject/session                               sign out (204)
//   GET    /v1/subject/disclosures                           who received the registrant's data
//   GET    /v1/subject/report[?format=html]                  the Art. 15 report, JSON or a printable page
//   GET    /v1/subject/agent                                 the registrant's designations of an agent
//   PUT    /v1/subject/agent        {"kind", "name", …}      designate one (replacing the current one)
//   DELETE /v1/subject/agent                                 withdraw the current one
//   POST   /v1/subject/agent/answer {"token", "consent"}     the agent consents or declines
// /v1/contact (issue 15 item 4): a message relayed to a domain's registrant or agent.
//   POST   /v1/contact/sender/challenge {"email": …}          202: a code to the sender's address
//   POST   /v1/contact/sender/verify    {"email": …, "code"}  200: a sender's session token
//   POST   /v1/contact/{domain}  {"subject", "message", "to"}  202; from an accredited requestor's credential
//                                                            or a sender's session
// The challenge and verify calls of one client address share a limit (subject.per_address_per_hour), as
// codes are guessed there; the per-domain limit is the store's (subject/proofs.hpp).

#include "abuse/monitor.hpp"
#include "abuse/rate_limiter.hpp"
#include "http/message.hpp"
#include "identity/authenticator.hpp"
#include "subject/agents.hpp"
#include "subject/proofs.hpp"
#include "subject/registrant_view.hpp"
#include "subject/relay.hpp"

namespace ssad::http {

class SubjectEndpoint {
 public:
  /// References must outlive the endpoint.
  /// The parts of the registrant's side it serves. References must outlive the endpoint.
  struct Parts {
    const identity::Authenticator& authenticator;
    subject::Proofs& proofs;
    subject::RegistrantView& view;
    subject::Agents& agents;
    subject::Relay& relay;
    abuse::RateLimiter& per_address;  // challenge, verify and answer calls, and relays, per client address
    const Clock& clock;
    std::chrono::days agent_answer_within{14};
    abuse::Monitor* monitor = nullptr;  // counts an accredited requestor's relays; none: not counted
    // Wrong codes of every client together (one bucket; subject.failed_proofs_per_hour); none: no such limit.
    abuse::RateLimiter* failed_proofs = nullptr;
  };
  explicit SubjectEndpoint(Parts parts) : parts_(parts) {}

  /// Answers a request for a path under /v1/subject or /v1/contact. Thread-safe.
  [[nodiscard]] Response handle(const Request& request) const;

 private:
  [[nodiscard]] Result<Response> answer(const Request& request) const;
  [[nodiscard]] Result<Response> agent(const Request& request, bool answer) const;
  [[nodiscard]] Result<void> admit_address(const Request& request) const;
  [[nodiscard]] Result<subject::Issued> verify(store::ProofKind kind, std::string_view target,
                                               std::string_view code) const;
  [[nodiscard]] Result<Response> contact(const Request& request) const;

  Parts parts_;
};

}  // namespace ssad::http
