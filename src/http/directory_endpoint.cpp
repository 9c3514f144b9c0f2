#include "http/directory_endpoint.hpp"

#include <charconv>
#include <vector>

#include "http/error_mapping.hpp"
#include "http/json_body.hpp"
#include "http/v1_paths.hpp"
#include "identity/directory_json.hpp"
#include "json/json_writer.hpp"
#include "rdap/request.hpp"

namespace ssad::http {
namespace {

template <typename T>
std::string listing_json(const identity::Listing<T>& listing) {
  json::JsonWriter out;
  out.begin_object();
  out.key("items");
  out.begin_array();
  for (const T& item : listing.items) identity::write_json(out, item);
  out.end_array();
  if (!listing.next.empty()) out.member("next", listing.next);
  out.end_object();
  return std::string(out.view());
}

template <typename T>
std::string one_json(const T& value) {
  json::JsonWriter out;
  identity::write_json(out, value);
  return std::string(out.view());
}

Result<std::optional<Timestamp>> instant(const JsonBody& body, std::string_view name) {
  SSAD_TRY(text, body.text(name));
  if (!text) return std::optional<Timestamp>();
  auto parsed = parse_rfc3339(*text);
  if (!parsed)
    return fail(ErrorCode::invalid_input, "\"" + std::string(name) + "\" must be an RFC 3339 date-time.");
  return std::optional<Timestamp>(*parsed);
}

Result<Response> me(const identity::Authenticated& who) {
  json::JsonWriter out;
  out.begin_object();
  out.key("user");
  identity::write_json(out, who.user);
  out.key("organisation");
  identity::write_json(out, who.organisation);
  out.key("accreditations");
  out.begin_array();
  for (const model::Accreditation& accreditation : who.accreditations)
    identity::write_json(out, accreditation);
  out.end_array();
  out.member("credential", who.credential == identity::CredentialKind::api_key ? "api_key" : "oidc_token");
  out.end_object();
  return json_response(200, std::string(out.view()));
}

}  // namespace

Result<identity::Authenticated> authenticated_user(const identity::Authenticator& authenticator,
                                                   const Request& request) {
  SSAD_TRY(who, authenticator.authenticate(request.header("authorization")));
  if (!who.has_value()) {
    return fail(
        ErrorCode::unauthenticated,
        "This needs credentials: Authorization: Bearer with an API key or a token (docs/requestors.md).");
  }
  return std::move(*who);
}

Response json_response(unsigned status, std::string body) {
  Response response;
  response.status = status;
  response.headers = {{"Content-Type", "application/json"}, {"Cache-Control", "no-store"}};
  response.body = std::move(body);
  return response;
}

Response DirectoryEndpoint::handle(const Request& request) const {
  auto who = authenticated_user(authenticator_, request);
  if (!who) return error_response(request.path, who.error());
  auto answered = answer(request, *who);
  if (answered) return std::move(*answered);
  Response refused = error_response(request.path, answered.error());
  if (answered.error().code == ErrorCode::method_not_allowed) {
    // /v1/me and single objects are read; collections also take POST; actions are POST only.
    const std::vector<std::string_view> at = segments_of(request.path);
    const bool listed = at.size() == 2 && (at[1] == "organisations" || at[1] == "keys");
    const bool created_only = at.size() == 2 && (at[1] == "users" || at[1] == "accreditations");
    refused.headers.emplace_back("Allow", listed           ? "GET, HEAD, POST"
                                          : created_only   ? "POST"
                                          : at.size() == 4 ? "POST"
                                                           : "GET, HEAD");
  }
  return refused;
}

Result<Response> DirectoryEndpoint::answer(const Request& request, const identity::Authenticated& who) const {
  const auto query = rdap::parse_query(request.query);
  if (!query) return fail(ErrorCode::invalid_input, "malformed query string");
  const std::vector<std::string_view> at = segments_of(request.path);  // "v1", resource, id, action
  const bool get = request.method == "GET";
  const bool post = request.method == "POST";
  if (at.size() < 2 || at.size() > 4) return fail(ErrorCode::not_found, "no such resource");
  const std::string_view resource = at[1];
  const std::string id = at.size() > 2 ? std::string(at[2]) : std::string();

  if (resource == "me" && at.size() == 2) {
    if (!get) return std::unexpected(method_not_allowed());
    return me(who);
  }

  if (resource == "organisations") {
    if (at.size() == 2 && get) {
      SSAD_TRY(page, page_of(*query));
      SSAD_TRY(listing, administration_.organisations(who, page));
      return json_response(200, listing_json(listing));
    }
    if (at.size() == 2 && post) {
      SSAD_TRY(body,
               JsonBody::parse(request.body, {"name", "kind", "country", "registrar_iana_id", "reason"}));
      identity::NewOrganisation org;
      SSAD_TRY(name, body.required_text("name"));
      org.name = std::move(name);
      SSAD_TRY(kind, body.text("kind"));
      if (kind) {
        auto parsed = model::parse_organisation_kind(*kind);
        if (!parsed) return fail(ErrorCode::invalid_input, "\"kind\" must be requestor or operator.");
        org.kind = *parsed;
      }
      SSAD_TRY(country, body.text("country"));
      org.country = country.value_or("");
      SSAD_TRY(registrar, body.integer("registrar_iana_id"));
      org.registrar_iana_id = registrar;
      SSAD_TRY(reason, body.text("reason"));
      SSAD_TRY(made, administration_.add_organisation(who, org, reason.value_or("")));
      return json_response(201, one_json(made));
    }
    if (at.size() == 3 && get) {
      SSAD_TRY(view, administration_.organisation(who, id));
      return json_response(200, one_json(view));
    }
    if (at.size() == 4 && at[3] == "registrar") {
      if (!post) return std::unexpected(method_not_allowed());
      SSAD_TRY(body, JsonBody::parse(request.body, {"registrar_iana_id", "reason"}));
      // Required, and null to make the organisation no registrar.
      if (!body.has("registrar_iana_id")) {
        return fail(ErrorCode::invalid_input, "\"registrar_iana_id\" is required (null: no registrar).");
      }
      SSAD_TRY(registrar, body.integer("registrar_iana_id"));
      SSAD_TRY(reason, body.required_text("reason"));
      SSAD_TRY(changed, administration_.set_registrar(who, id, registrar, reason));
      return json_response(200, one_json(changed));
    }
    return std::unexpected(at.size() <= 3 ? method_not_allowed()
                                          : Error{ErrorCode::not_found, "no such resource"});
  }

  if (resource == "users") {
    if (at.size() == 2 && post) {
      SSAD_TRY(body, JsonBody::parse(request.body, {"organisation", "email", "oidc_issuer", "oidc_subject",
                                                    "roles", "reason"}));
      identity::NewUser user;
      SSAD_TRY(org, body.required_text("organisation"));
      user.org_id = std::move(org);
      SSAD_TRY(email, body.required_text("email"));
      user.email = std::move(email);
      SSAD_TRY(issuer, body.text("oidc_issuer"));
      user.oidc_issuer = issuer.value_or("");
      SSAD_TRY(subject, body.text("oidc_subject"));
      user.oidc_subject = subject.value_or("");
      SSAD_TRY(roles, body.texts("roles"));
      for (const std::string& text : roles) {
        auto role = model::parse_user_role(text);
        if (!role) {
          return fail(ErrorCode::invalid_input,
                      "\"roles\" must each be requestor, reviewer, administrator or auditor.");
        }
        user.roles |= *role;
      }
      SSAD_TRY(reason, body.text("reason"));
      SSAD_TRY(made, administration_.add_user(who, user, reason.value_or("")));
      return json_response(201, one_json(made));
    }
    if (at.size() == 3 && get) {
      SSAD_TRY(user, administration_.user(who, id));
      return json_response(200, one_json(user));
    }
    if (at.size() == 4 && (at[3] == "disable" || at[3] == "enable")) {
      if (!post) return std::unexpected(method_not_allowed());
      SSAD_TRY(body, JsonBody::parse(request.body, {"reason"}));
      SSAD_TRY(reason, body.required_text("reason"));
      SSAD_TRY(user, administration_.set_user_disabled(who, id, at[3] == "disable", reason));
      return json_response(200, one_json(user));
    }
    return std::unexpected(at.size() <= 3 ? method_not_allowed()
                                          : Error{ErrorCode::not_found, "no such resource"});
  }

  if (resource == "accreditations") {
    if (at.size() == 2 && post) {
      SSAD_TRY(body, JsonBody::parse(request.body,
                                     {"organisation", "group", "authority", "valid_from", "valid_until",
                                      "code_of_conduct_version", "purposes", "lawful_bases", "reason"}));
      identity::NewAccreditation in;
      SSAD_TRY(org, body.required_text("organisation"));
      in.org_id = std::move(org);
      SSAD_TRY(group, body.required_text("group"));
      in.group = std::move(group);
      SSAD_TRY(authority, body.required_text("authority"));
      in.authority = std::move(authority);
      SSAD_TRY(from, instant(body, "valid_from"));
      in.valid_from = from;
      SSAD_TRY(until, instant(body, "valid_until"));
      if (!until) return fail(ErrorCode::invalid_input, "\"valid_until\" is required.");
      in.valid_until = *until;
      SSAD_TRY(coc, body.text("code_of_conduct_version"));
      in.code_of_conduct_version = coc.value_or("");
      SSAD_TRY(purposes, body.texts("purposes"));
      in.purposes = std::move(purposes);
      SSAD_TRY(bases, body.texts("lawful_bases"));
      in.lawful_bases = std::move(bases);
      SSAD_TRY(reason, body.text("reason"));
      SSAD_TRY(made, administration_.add_accreditation(who, in, reason.value_or("")));
      return json_response(201, one_json(made));
    }
    if (at.size() == 3 && get) {
      SSAD_TRY(accreditation, administration_.accreditation(who, id));
      return json_response(200, one_json(accreditation));
    }
    if (at.size() == 4) {
      std::optional<identity::AccreditationChange> change;
      for (const auto what :
           {identity::AccreditationChange::suspend, identity::AccreditationChange::reinstate,
            identity::AccreditationChange::revoke}) {
        if (at[3] == identity::to_string(what)) change = what;
      }
      if (!change) return fail(ErrorCode::not_found, "no such resource");
      if (!post) return std::unexpected(method_not_allowed());
      SSAD_TRY(body, JsonBody::parse(request.body, {"reason"}));
      SSAD_TRY(reason, body.required_text("reason"));
      SSAD_TRY(changed, administration_.change_accreditation(who, id, *change, reason));
      return json_response(200, one_json(changed));
    }
    return std::unexpected(method_not_allowed());
  }

  if (resource == "keys") {
    if (at.size() == 2 && get) {
      SSAD_TRY(page, page_of(*query));
      const std::string* user = rdap::find_parameter(*query, "user");
      SSAD_TRY(listing, administration_.keys(who, user != nullptr ? *user : std::string(), page));
      return json_response(200, listing_json(listing));
    }
    if (at.size() == 2 && post) {
      SSAD_TRY(body, JsonBody::parse(request.body, {"user", "expires", "reason"}));
      SSAD_TRY(user, body.text("user"));
      SSAD_TRY(expires, instant(body, "expires"));
      SSAD_TRY(reason, body.text("reason"));
      SSAD_TRY(made, administration_.create_key(who, user.value_or(""), expires, reason.value_or("")));
      return json_response(201, one_json(made));
    }
    if (at.size() == 4 && at[3] == "revoke") {
      if (!post) return std::unexpected(method_not_allowed());
      SSAD_TRY(body,
               JsonBody::parse(request.body.empty() ? std::string_view("{}") : request.body, {"reason"}));
      SSAD_TRY(reason, body.text("reason"));
      SSAD_TRY(revoked, administration_.revoke_key(who, id, reason.value_or("")));
      return json_response(200, one_json(revoked));
    }
    return std::unexpected(at.size() == 2 ? method_not_allowed()
                                          : Error{ErrorCode::not_found, "no such resource"});
  }
  return fail(ErrorCode::not_found, "no such resource");
}

}  // namespace ssad::http
