#pragma once
// How the front doors tell abuse monitoring what an accredited requestor did (abuse/monitor.hpp; issue
// 14): before serving, a throttled credential is refused (429 with Retry-After, in the path's dialect);
// after serving, the use is counted by what the answer was. Only a requestor's own use is counted (staff
// acting on requests is not), and only lookups, searches, filings and disclosure reads.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "abuse/monitor.hpp"
#include "http/message.hpp"
#include "identity/authenticator.hpp"

namespace ssad::http {

/// What a front door saw of one request, for the monitor.
struct Observed {
  bool requestor = false;  // an authenticated requestor asked (not staff, not the public)
  std::string user_id;
  std::string org_id;
  std::string credential_id;
  std::string accreditation_id;  // the one it asked under, once known
  std::string group;
  abuse::Use::Kind kind = abuse::Use::Kind::lookup;
  std::string domain;                // normalised; "" when none
  std::vector<std::string> results;  // a search's: the registrations its page returned
  bool purpose_refused = false;      // a purpose or basis outside the accreditation
  std::uint64_t fingerprint = 0;     // a filing's (disclosure_fingerprint)

  /// Fills who asked from `who` (an operator's staff user is not a requestor).
  void asked_by(const identity::Authenticated& who);
};

/// A stable hash of what a filing asks for — domain, purpose, lawful basis and the sorted field keys —
/// that two filings of the same request share (the duplicates detector).
[[nodiscard]] std::uint64_t disclosure_fingerprint(const std::string& domain, const std::string& purpose,
                                                   const std::string& lawful_basis,
                                                   std::vector<std::string> field_keys);

/// nullopt when `who` may go ahead; else the 429 refusal of a throttled credential.
[[nodiscard]] std::optional<Response> refuse_if_throttled(abuse::Monitor* monitor, const Request& request,
                                                          const identity::Authenticated& who);

/// Counts the use `observed` describes, answered with `status`: 2xx ok, 404 not found, 400 malformed, a
/// 403 for a purpose outside the accreditation; anything else (a throttle's 429, errors of the server) is
/// not counted. A search page that returned registrations counts as a lookup of each of them, so that
/// paging through searches is seen as the lookups it replaces.
void record_use(abuse::Monitor* monitor, const Request& request, const Observed& observed, unsigned status);

}  // namespace ssad::http
