#include "identity/directory_json.hpp"

namespace ssad::identity {
namespace {

void strings(json::JsonWriter& out, std::string_view name, const std::vector<std::string>& list) {
  out.key(name);
  out.begin_array();
  for (const std::string& item : list) out.string(item);
  out.end_array();
}

void key_members(json::JsonWriter& out, const model::ApiKey& key) {
  out.member("id", key.id);
  out.member("user", key.user_id);
  out.member("created", format_rfc3339(key.created));
  if (key.expires) out.member("expires", format_rfc3339(*key.expires));
  // Revoked is final and wins; a suspension can be lifted.
  out.member("status", key.revoked ? "revoked" : key.suspended ? "suspended" : "active");
  if (key.revoked) {
    out.member("revoked", format_rfc3339(*key.revoked));
    out.member("revoke_reason", key.revoke_reason);
  }
  if (key.suspended) {
    out.member("suspended", format_rfc3339(*key.suspended));
    out.member("suspend_reason", key.suspend_reason);
  }
}

}  // namespace

void write_json(json::JsonWriter& out, const model::Organisation& organisation) {
  out.begin_object();
  out.member("id", organisation.id);
  out.member("name", organisation.name);
  out.member("kind", model::to_string(organisation.kind));
  if (!organisation.country.empty()) out.member("country", organisation.country);
  if (organisation.registrar_iana_id) out.key("registrar_iana_id").integer(*organisation.registrar_iana_id);
  out.member("created", format_rfc3339(organisation.created));
  out.end_object();
}

void write_json(json::JsonWriter& out, const model::User& user) {
  out.begin_object();
  out.member("id", user.id);
  out.member("organisation", user.org_id);
  out.member("email", user.email);
  if (!user.oidc_issuer.empty()) {
    out.member("oidc_issuer", user.oidc_issuer);
    out.member("oidc_subject", user.oidc_subject);
  }
  out.key("roles");
  out.begin_array();
  for (const model::UserRole role :
       {model::kRoleRequestor, model::kRoleReviewer, model::kRoleAdministrator, model::kRoleAuditor}) {
    if ((user.roles & role) != 0) out.string(model::to_string(role));
  }
  out.end_array();
  out.key("disabled").boolean(user.disabled);
  if (user.tokens_suspended) out.member("tokens_suspended", format_rfc3339(*user.tokens_suspended));
  out.member("created", format_rfc3339(user.created));
  out.end_object();
}

void write_json(json::JsonWriter& out, const model::Accreditation& accreditation) {
  out.begin_object();
  out.member("id", accreditation.id);
  out.member("organisation", accreditation.org_id);
  out.member("group", accreditation.group);
  out.member("authority", accreditation.authority);
  out.member("valid_from", format_rfc3339(accreditation.valid_from));
  out.member("valid_until", format_rfc3339(accreditation.valid_until));
  if (!accreditation.code_of_conduct_version.empty()) {
    out.member("code_of_conduct_version", accreditation.code_of_conduct_version);
  }
  if (accreditation.code_of_conduct_accepted) {
    out.member("code_of_conduct_accepted", format_rfc3339(*accreditation.code_of_conduct_accepted));
  }
  strings(out, "purposes", accreditation.purposes);
  strings(out, "lawful_bases", accreditation.lawful_bases);
  out.member("status", model::to_string(accreditation.status));
  if (!accreditation.status_reason.empty()) out.member("status_reason", accreditation.status_reason);
  out.member("status_changed", format_rfc3339(accreditation.status_changed));
  out.member("created", format_rfc3339(accreditation.created));
  out.end_object();
}

void write_json(json::JsonWriter& out, const model::ApiKey& key) {
  out.begin_object();
  key_members(out, key);
  out.end_object();
}

void write_json(json::JsonWriter& out, const NewApiKey& key) {
  out.begin_object();
  key_members(out, key.record);
  out.member("key", key.key);
  out.end_object();
}

void write_json(json::JsonWriter& out, const OrganisationView& view) {
  out.begin_object();
  out.key("organisation");
  write_json(out, view.organisation);
  out.key("users");
  out.begin_array();
  for (const model::User& user : view.users) write_json(out, user);
  out.end_array();
  out.key("accreditations");
  out.begin_array();
  for (const model::Accreditation& accreditation : view.accreditations) write_json(out, accreditation);
  out.end_array();
  out.key("keys");
  out.begin_array();
  for (const model::ApiKey& key : view.keys) write_json(out, key);
  out.end_array();
  out.end_object();
}

}  // namespace ssad::identity
