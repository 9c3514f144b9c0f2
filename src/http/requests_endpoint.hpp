#pragma once
// Disclosure requests over /v1 (issue 13; docs/requests.md; the OpenAPI document lists every operation):
// JSON in and out, RFC 9457 problem details for errors — with an `errors` array naming each member at
// fault —, `Authorization: Bearer` on every call. disclosure::Requests decides who may do what.
//
//   POST /v1/requests                          file a request: 201, the request and, under "rdap", the
//                                              RDAP domain object with what is disclosed at once
//   GET  /v1/requests?status=&domain=&purpose=&priority=&user=&reviewer=&created_from=&created_before=
//                    &deadline_before=&order=newest|deadline&after=CURSOR&limit=N
//   GET  /v1/requests/{id}                     the request, its fields, history, messages, balancing tests
//   GET  /v1/requests/{id}/disclosure          the approved fields, live from the current registration
//   GET  /v1/requests/{id}/evidence/{n}        an evidence item's attachment
//   POST /v1/requests/{id}/cancel              {"reason"}
//   POST /v1/requests/{id}/messages            {"body"}
//   POST /v1/requests/{id}/claim | /release    (reviewers)
//   POST /v1/requests/{id}/information         {"question"} (the reviewer holding it; pauses the clock)
//   POST /v1/requests/{id}/decision            {"fields": [{"key", "outcome": "disclose"|"refuse",
//                                              "reason", "explanation"}], "balancing_test": {…}}
//   POST /v1/requests/{id}/confidentiality     {"accept": true|false, "note"} (reviewers)
//   POST /v1/requests/{id}/destruction         {"statement"} (the requestor)
//   GET  /v1/retention/overdue                 disclosures whose destruction is overdue (staff)

#include <string>

#include "disclosure/requests.hpp"
#include "http/message.hpp"
#include "http/monitoring.hpp"
#include "identity/authenticator.hpp"
#include "rdap/render.hpp"

namespace ssad::http {

class RequestsEndpoint {
 public:
  /// References must outlive the endpoint. `base_url` is the public URL of /rdap/ the embedded RDAP
  /// documents link to ("" = built from the request's Host).
  /// `monitor`: abuse monitoring of filings and disclosure reads (nullptr: none).
  RequestsEndpoint(const identity::Authenticator& authenticator, disclosure::Requests& requests,
                   rdap::Settings rdap_settings, std::string base_url, abuse::Monitor* monitor = nullptr);

  /// Answers a request for a path under /v1/requests or /v1/retention. Thread-safe.
  [[nodiscard]] Response handle(const Request& request) const;

 private:
  /// What a requestor filed or read goes to `observed` (nullptr: not counted).
  [[nodiscard]] Result<Response> answer(const Request& request, const identity::Authenticated& who,
                                        Observed* observed) const;
  // The RDAP domain object of the view's registration and decision. Errors: internal when the view has
  // no registration (the use case read none).
  [[nodiscard]] Result<std::string> rdap_document(const Request& request,
                                                  const disclosure::RequestView& view) const;

  const identity::Authenticator& authenticator_;
  disclosure::Requests& requests_;
  rdap::Settings rdap_settings_;
  std::string base_url_;
  abuse::Monitor* monitor_;
};

}  // namespace ssad::http
