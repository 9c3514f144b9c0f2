#include "http/monitoring.hpp"

#include <algorithm>

#include "abuse/distinct.hpp"
#include "http/error_mapping.hpp"

namespace ssad::http {

void Observed::asked_by(const identity::Authenticated& who) {
  requestor = who.organisation.kind != model::OrganisationKind::operator_staff;
  user_id = who.user.id;
  org_id = who.organisation.id;
  // A token's credential is named by its user: "iss#sub" may hold an email (some identity providers use
  // one as the subject), and cases, audit entries and logs keep what they are given.
  credential_id =
      who.credential == identity::CredentialKind::oidc_token ? "token:" + who.user.id : who.credential_id;
}

std::uint64_t disclosure_fingerprint(const std::string& domain, const std::string& purpose,
                                     const std::string& lawful_basis, std::vector<std::string> field_keys) {
  std::sort(field_keys.begin(), field_keys.end());
  std::string text = domain + '\n' + purpose + '\n' + lawful_basis;
  for (const std::string& key : field_keys) text += '\n' + key;
  return abuse::stable_hash(text);
}

std::optional<Response> refuse_if_throttled(abuse::Monitor* monitor, const Request& request,
                                            const identity::Authenticated& who) {
  if (monitor == nullptr || !monitor->enabled()) return std::nullopt;
  const auto throttled = monitor->admit(who.user.id, who.credential_id);
  if (!throttled) return std::nullopt;
  const auto& settings = monitor->settings().throttle;
  Response refused = error_response(
      request.path,
      Error{ErrorCode::too_many_requests,
            "This credential is throttled for suspected abuse (case " + throttled->case_id + ") until " +
                format_rfc3339(throttled->until) + ": at most " +
                std::to_string(static_cast<long long>(settings.per_minute)) +
                " requests a minute. The operator can lift it; ask your organisation's contact."});
  refused.headers.emplace_back("Retry-After", std::to_string(throttled->retry_after.count()));
  return refused;
}

void record_use(abuse::Monitor* monitor, const Request& request, const Observed& observed, unsigned status) {
  if (monitor == nullptr || !monitor->enabled() || !observed.requestor) return;
  abuse::Use use;
  use.kind = observed.kind;
  if (status >= 200 && status < 300) {
    use.outcome = observed.purpose_refused ? abuse::Use::Outcome::purpose_refused : abuse::Use::Outcome::ok;
  } else if (status == 404) {
    use.outcome = abuse::Use::Outcome::not_found;
  } else if (status == 400) {
    use.outcome = abuse::Use::Outcome::malformed;
  } else if (status == 403 && observed.purpose_refused) {
    use.outcome = abuse::Use::Outcome::purpose_refused;
  } else {
    return;
  }
  use.user_id = observed.user_id;
  use.org_id = observed.org_id;
  use.credential_id = observed.credential_id;
  use.accreditation_id = observed.accreditation_id;
  use.group = observed.group;
  use.domain = observed.domain;
  use.address = request.remote_address;
  use.fingerprint = observed.fingerprint;
  if (observed.kind == abuse::Use::Kind::search && !observed.results.empty()) {
    use.kind = abuse::Use::Kind::lookup;
    for (const std::string& result : observed.results) {
      use.domain = result;
      monitor->record(use);
    }
    return;
  }
  monitor->record(use);
}

}  // namespace ssad::http
