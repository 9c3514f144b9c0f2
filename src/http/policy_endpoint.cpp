#include "http/policy_endpoint.hpp"

#include <algorithm>

#include "core/domain_name.hpp"
#include "http/directory_endpoint.hpp"
#include "http/error_mapping.hpp"
#include "http/json_body.hpp"
#include "identity/administration.hpp"
#include "json/json_writer.hpp"
#include "policy/explanation_json.hpp"

namespace ssad::http {
namespace {

Result<model::AccreditationStatus> status_of(const std::string& text) {
  auto status = model::parse_accreditation_status(text);
  if (!status) {
    return fail(ErrorCode::invalid_input, "\"status\" must be active, suspended, revoked or expired.");
  }
  return status;
}

// The caller a user of the directory would be asking for `purpose`. Where RDAP would refuse it outright
// — its accreditations are not in force, or none permits the purpose — the explanation shows why field by
// field: the caller asks under the accreditation in force (else the one changed last) and the engine
// says not_accredited or purpose_not_permitted.
Result<identity::Caller> explained_user(const identity::Authenticated& who, const std::string& purpose,
                                        const policy::Rules& rules) {
  if (who.organisation.kind != model::OrganisationKind::requestor) {
    return fail(ErrorCode::invalid_input, "\"user\" is one of the operator's staff, not a requestor.");
  }
  auto caller = identity::caller_for(who, purpose, rules);
  if (caller || caller.error().code != ErrorCode::forbidden || who.accreditations.empty()) return caller;
  const auto in_force = std::find_if(
      who.accreditations.begin(), who.accreditations.end(),
      [](const model::Accreditation& a) { return a.status == model::AccreditationStatus::active; });
  const auto chosen =
      in_force != who.accreditations.end()
          ? in_force
          : std::max_element(who.accreditations.begin(), who.accreditations.end(),
                             [](const model::Accreditation& a, const model::Accreditation& b) {
                               return a.status_changed < b.status_changed;
                             });
  identity::Requestor requestor;
  requestor.user = who.user;
  requestor.organisation = who.organisation;
  requestor.accreditation = *chosen;
  return identity::Caller::requestor(std::move(requestor), purpose);
}

// The caller and what it asks, from the body.
Result<std::pair<identity::Caller, policy::Ask>> request_of(const JsonBody& body,
                                                            const identity::Authenticator& authenticator,
                                                            const policy::Rules& rules) {
  policy::Ask ask;
  SSAD_TRY(basis, body.text("lawful_basis"));
  if (basis) {
    ask.lawful_basis = policy::parse_lawful_basis(*basis);
    if (!ask.lawful_basis)
      return fail(ErrorCode::invalid_input, "\"lawful_basis\" must be one of 6(1)(a) ... 6(1)(f).");
  }
  SSAD_TRY(priority, body.text("priority"));
  if (priority) {
    auto parsed = policy::parse_priority(*priority);
    if (!parsed) return fail(ErrorCode::invalid_input, "\"priority\" must be P1, P2 or P3.");
    ask.priority = *parsed;
  }
  SSAD_TRY(abuse, body.text("abuse_type"));
  if (abuse) {
    if (!policy::is_abuse_type(*abuse))
      return fail(ErrorCode::invalid_input, "\"abuse_type\" is not one the policy knows.");
    ask.abuse_type = *abuse;
  }
  SSAD_TRY(fields, body.texts("fields"));
  if (!fields.empty()) {
    catalog::FieldSet requested;
    for (const std::string& key : fields) {
      const catalog::Field* field = catalog::find_field(key);
      if (field == nullptr)
        return fail(ErrorCode::invalid_input, "\"fields\" names a field the catalogue does not have.");
      requested.insert(*field);
    }
    ask.requested = requested;
  }
  SSAD_TRY(purpose, body.text("purpose"));
  SSAD_TRY(user, body.text("user"));
  SSAD_TRY(group, body.text("group"));
  if (user && group) return fail(ErrorCode::invalid_input, "Give \"user\" or \"group\", not both.");
  if (!user && !group && purpose)
    return fail(ErrorCode::invalid_input, "\"purpose\" needs a requestor: \"user\" or \"group\".");
  if (purpose && !rules.knows_purpose(*purpose)) {
    return fail(ErrorCode::invalid_input, "\"purpose\" is not a purpose the policy knows.");
  }
  if (user) {
    auto who = authenticator.user(*user);
    if (!who) {
      if (who.error().code == ErrorCode::forbidden)  // disabled: its every request fails before the policy
        return fail(ErrorCode::invalid_input, "\"user\" is disabled: the policy never sees its requests.");
      return std::unexpected(who.error());
    }
    SSAD_TRY(caller, explained_user(*who, purpose.value_or(""), rules));
    return std::pair{std::move(caller), ask};
  }
  if (!group) return std::pair{identity::Caller::anonymous(), ask};
  if (rules.group(*group) == nullptr)
    return fail(ErrorCode::invalid_input, "\"group\" is not a group of the policy.");
  model::Accreditation accreditation;
  accreditation.group = *group;
  SSAD_TRY(authority, body.text("authority"));
  accreditation.authority = authority.value_or("(any)");
  SSAD_TRY(status, body.text("status"));
  if (status) {
    SSAD_TRY(parsed, status_of(*status));
    accreditation.status = parsed;
  }
  identity::Requestor requestor;
  requestor.accreditation = accreditation;
  return std::pair{identity::Caller::requestor(std::move(requestor), purpose.value_or("")), ask};
}

}  // namespace

Response PolicyEndpoint::handle(const Request& request) const {
  auto answer = [&]() -> Result<Response> {
    // Who asks, then what (a wrong method is 405 for everyone, as on the directory's paths), then whether
    // the caller may.
    SSAD_TRY(who, authenticated_user(authenticator_, request));
    if (request.method != "POST") return fail(ErrorCode::method_not_allowed, "POST a request to explain.");
    if (!identity::is_staff(who, model::kRoleAdministrator | model::kRoleReviewer | model::kRoleAuditor)) {
      return fail(ErrorCode::forbidden, "Explanations are for the operator's staff.");
    }
    SSAD_TRY(body, JsonBody::parse(request.body, {"domain", "user", "group", "authority", "status", "purpose",
                                                  "lawful_basis", "priority", "abuse_type", "fields"}));
    SSAD_TRY(domain, body.required_text("domain"));
    auto name = normalize_domain_name(domain);
    if (!name) return fail(ErrorCode::invalid_input, "\"domain\" is not a domain name.");
    SSAD_TRY(asked, request_of(body, authenticator_, policy_.policy()));
    auto registration = registrations_.find_registration(name->ldh);
    if (!registration) {
      if (registration.error().code == ErrorCode::not_found) {
        return fail(ErrorCode::not_found, "The domain name is not registered here.");
      }
      return fail(ErrorCode::unavailable, "The registration data could not be read. Please try again later.");
    }
    const policy::Explanation explanation =
        policy::explain(asked.first, *registration, policy_, asked.second);
    json::JsonWriter out;
    policy::write_json(out, explanation, asked.first, asked.second, name->ldh);
    return json_response(200, std::string(out.view()));
  }();
  if (answer) return std::move(*answer);
  Response refused = error_response(request.path, answer.error());
  if (answer.error().code == ErrorCode::method_not_allowed) refused.headers.emplace_back("Allow", "POST");
  return refused;
}

}  // namespace ssad::http
