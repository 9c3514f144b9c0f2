#include "identity/directory.hpp"

#include <algorithm>

#include "audit/log.hpp"
#include "core/text_check.hpp"
#include "identity/authenticator.hpp"
#include "policy/vocabulary.hpp"

namespace ssad::identity {
namespace {

constexpr std::size_t kMaxReasonBytes = 500;
constexpr std::size_t kMaxNameBytes = 200;

Error invalid(std::string message) { return Error{ErrorCode::invalid_input, std::move(message)}; }

Result<void> check_text(std::string_view value, std::string_view what, std::size_t max, bool required) {
  if (value.empty()) {
    if (required) return std::unexpected(invalid(std::string(what) + " is required"));
    return {};
  }
  if (value.size() > max) {
    return std::unexpected(invalid(std::string(what) + " is longer than " + std::to_string(max) + " bytes"));
  }
  if (auto checked = check_text_value(value); !checked) {
    return std::unexpected(with_context(checked.error(), std::string(what) + ": "));
  }
  return {};
}

// An address someone can be written to: local@domain, no spaces or controls, at most 254 bytes.
bool is_email(std::string_view text) {
  const std::size_t at = text.find('@');
  if (text.size() > 254 || at == std::string_view::npos || at == 0 || at > 64 ||
      text.find('@', at + 1) != std::string_view::npos) {
    return false;
  }
  const std::string_view domain = text.substr(at + 1);
  if (domain.size() < 3 || domain.find('.') == std::string_view::npos || domain.front() == '.' ||
      domain.back() == '.') {
    return false;
  }
  return std::all_of(text.begin(), text.end(),
                     [](char c) { return static_cast<unsigned char>(c) > ' ' && c != 0x7f; });
}

// An issuer is an https URL (RFC 8414 §2); plain http only on this machine (a test identity provider).
bool is_issuer_url(std::string_view text) {
  if (text.size() > 255 || std::any_of(text.begin(), text.end(), [](char c) {
        return static_cast<unsigned char>(c) <= ' ' || c == 0x7f;
      })) {
    return false;
  }
  if (text.starts_with("https://")) return text.size() > 8;
  for (const std::string_view local : {"http://127.0.0.1", "http://localhost", "http://[::1]"}) {
    if (text.starts_with(local) &&
        (text.size() == local.size() || text[local.size()] == ':' || text[local.size()] == '/')) {
      return true;
    }
  }
  return false;
}

bool is_country(std::string_view text) {
  return text.empty() || (text.size() == 2 &&
                          std::all_of(text.begin(), text.end(), [](char c) { return c >= 'A' && c <= 'Z'; }));
}

// An IANA Registrar ID is a positive integer (IANA's registry of them starts at 1).
Result<void> check_registrar(const std::optional<std::int64_t>& iana_id) {
  if (iana_id && *iana_id <= 0) {
    return fail(ErrorCode::invalid_input,
                "registrar_iana_id must be a positive integer (an IANA Registrar ID)");
  }
  return {};
}

// An organisation's registrar for the audit log: its IANA ID, or "none".
std::string registrar_text(const std::optional<std::int64_t>& iana_id) {
  return iana_id ? std::to_string(*iana_id) : std::string("none");
}

std::string roles_text(unsigned roles) {
  std::string text;
  for (const model::UserRole role :
       {model::kRoleRequestor, model::kRoleReviewer, model::kRoleAdministrator, model::kRoleAuditor}) {
    if ((roles & role) == 0) continue;
    if (!text.empty()) text += ' ';
    text += model::to_string(role);
  }
  return text;
}

std::string joined(const std::vector<std::string>& list) {
  std::string text;
  for (const std::string& item : list) {
    if (!text.empty()) text += ' ';
    text += item;
  }
  return text;
}

audit::Entry entry_for(const audit::Actor& actor, Timestamp now, std::string action, audit::Object object,
                       const std::string& reason) {
  audit::Entry entry;
  entry.time = now;
  entry.actor = actor;
  entry.action = std::move(action);
  entry.object = std::move(object);
  if (!reason.empty()) entry.detail.emplace_back("reason", reason);
  return entry;
}

// Reads one row; a store failure other than not_found is passed on.
template <typename T>
Result<T> must_exist(Result<T> read, std::string_view what, const std::string& id) {
  if (!read && read.error().code == ErrorCode::not_found) {
    return fail(ErrorCode::not_found, "no " + std::string(what) + " " + id);
  }
  return read;
}

}  // namespace

std::string_view to_string(AccreditationChange change) {
  switch (change) {
    case AccreditationChange::suspend:
      return "suspend";
    case AccreditationChange::reinstate:
      return "reinstate";
    case AccreditationChange::revoke:
      return "revoke";
  }
  return "suspend";
}

Directory::Directory(store::Store& store, const policy::Rules& rules, const Clock& clock)
    : store_(store), rules_(rules), clock_(clock) {}

Result<model::Organisation> Directory::add_organisation(const audit::Actor& actor, const NewOrganisation& org,
                                                        const std::string& reason) {
  SSAD_CHECK(check_text(org.name, "name", kMaxNameBytes, true));
  SSAD_CHECK(check_text(reason, "reason", kMaxReasonBytes, false));
  if (!is_country(org.country))
    return fail(ErrorCode::invalid_input, "country must be two capital letters (ISO 3166-1)");
  const Timestamp now = clock_.now();
  SSAD_CHECK(check_registrar(org.registrar_iana_id));
  model::Organisation made{new_id("org"), org.name, org.kind, org.country, now, org.registrar_iana_id};
  SSAD_TRY(work, store_.begin_audit());
  SSAD_CHECK(work->requestors().add_organisation(made));
  audit::Entry entry = entry_for(actor, now, "requestor.organisation.add", {"organisation", made.id}, reason);
  entry.detail.emplace_back("name", made.name);
  entry.detail.emplace_back("kind", std::string(model::to_string(made.kind)));
  if (!made.country.empty()) entry.detail.emplace_back("country", made.country);
  if (made.registrar_iana_id)
    entry.detail.emplace_back("registrar_iana_id", std::to_string(*made.registrar_iana_id));
  SSAD_CHECK(audit::record(*work, std::move(entry)));
  SSAD_CHECK(work->commit(now));
  return made;
}

Result<model::Organisation> Directory::set_registrar(const audit::Actor& actor, const std::string& org_id,
                                                     std::optional<std::int64_t> iana_id,
                                                     const std::string& reason) {
  SSAD_CHECK(check_text(reason, "reason", kMaxReasonBytes, true));
  SSAD_CHECK(check_registrar(iana_id));
  auto org = must_exist(store_.requestors().organisation(org_id), "organisation", org_id);
  if (!org) return std::unexpected(org.error());
  if (org->registrar_iana_id == iana_id) {
    return fail(ErrorCode::conflict,
                "organisation " + org_id + " is " +
                    (iana_id ? "registrar " + std::to_string(*iana_id) : "no registrar") + " already");
  }
  const Timestamp now = clock_.now();
  SSAD_TRY(work, store_.begin_audit());
  // The store refuses (conflict) an ID another organisation holds, also one taken since the read above.
  SSAD_CHECK(work->requestors().set_registrar(org_id, iana_id));
  audit::Entry entry =
      entry_for(actor, now, "requestor.organisation.set_registrar", {"organisation", org_id}, reason);
  entry.detail.emplace_back("registrar_iana_id_before", registrar_text(org->registrar_iana_id));
  entry.detail.emplace_back("registrar_iana_id_after", registrar_text(iana_id));
  SSAD_CHECK(audit::record(*work, std::move(entry)));
  SSAD_CHECK(work->commit(now));
  org->registrar_iana_id = iana_id;
  return *org;
}

Result<model::User> Directory::add_user(const audit::Actor& actor, const NewUser& user,
                                        const std::string& reason) {
  SSAD_CHECK(check_text(reason, "reason", kMaxReasonBytes, false));
  if (!is_email(user.email)) return fail(ErrorCode::invalid_input, "email is not an email address");
  if (user.oidc_issuer.empty() != user.oidc_subject.empty()) {
    return fail(ErrorCode::invalid_input, "an OpenID Connect identity needs both its issuer and its subject");
  }
  if (!user.oidc_issuer.empty()) {
    if (!is_issuer_url(user.oidc_issuer)) {
      return fail(ErrorCode::invalid_input, "oidc issuer must be an https URL (http only on localhost)");
    }
    SSAD_CHECK(check_text(user.oidc_subject, "oidc subject", 255, true));
  }
  auto org = must_exist(store_.requestors().organisation(user.org_id), "organisation", user.org_id);
  if (!org) return std::unexpected(org.error());
  unsigned roles = user.roles;
  constexpr unsigned kStaffRoles = model::kRoleReviewer | model::kRoleAdministrator | model::kRoleAuditor;
  if (org->kind == model::OrganisationKind::requestor) {
    if (roles == 0) roles = model::kRoleRequestor;
    if (roles != model::kRoleRequestor) {
      return fail(ErrorCode::invalid_input, "a requestor organisation's users are requestors only");
    }
  } else if (roles == 0 || (roles & ~kStaffRoles) != 0) {
    return fail(ErrorCode::invalid_input,
                "the operator's users need one or more of reviewer, administrator, auditor");
  }
  const Timestamp now = clock_.now();
  model::User made{new_id("usr"),     org->id, user.email, user.oidc_issuer,
                   user.oidc_subject, roles,   false,      now};
  SSAD_TRY(work, store_.begin_audit());
  SSAD_CHECK(work->requestors().add_user(made));
  audit::Entry entry = entry_for(actor, now, "requestor.user.add", {"user", made.id}, reason);
  entry.detail.emplace_back("organisation", made.org_id);
  entry.detail.emplace_back("roles", roles_text(made.roles));
  if (!made.oidc_issuer.empty()) entry.detail.emplace_back("oidc_issuer", made.oidc_issuer);
  SSAD_CHECK(audit::record(*work, std::move(entry)));
  SSAD_CHECK(work->commit(now));
  return made;
}

Result<model::User> Directory::set_user_disabled(const audit::Actor& actor, const std::string& id,
                                                 bool disabled, const std::string& reason) {
  SSAD_CHECK(check_text(reason, "reason", kMaxReasonBytes, true));
  auto user = must_exist(store_.requestors().user(id), "user", id);
  if (!user) return std::unexpected(user.error());
  if (user->disabled == disabled) {
    return fail(ErrorCode::conflict,
                "user " + id + " is " + (disabled ? "disabled" : "enabled") + " already");
  }
  const Timestamp now = clock_.now();
  SSAD_TRY(work, store_.begin_audit());
  SSAD_CHECK(work->requestors().update_user(id, user->roles, disabled));
  audit::Entry entry = entry_for(actor, now, disabled ? "requestor.user.disable" : "requestor.user.enable",
                                 {"user", id}, reason);
  entry.detail.emplace_back("organisation", user->org_id);
  SSAD_CHECK(audit::record(*work, std::move(entry)));
  SSAD_CHECK(work->commit(now));
  user->disabled = disabled;
  return *user;
}

Result<model::Accreditation> Directory::add_accreditation(const audit::Actor& actor,
                                                          const NewAccreditation& in,
                                                          const std::string& reason) {
  SSAD_CHECK(check_text(reason, "reason", kMaxReasonBytes, false));
  SSAD_CHECK(check_text(in.authority, "authority", kMaxNameBytes, true));
  SSAD_CHECK(check_text(in.code_of_conduct_version, "code of conduct version", 64, false));
  if (rules_.group(in.group) == nullptr) {
    return fail(ErrorCode::invalid_input, "group '" + in.group + "' is not a user group of the policy");
  }
  for (const std::string& purpose : in.purposes) {
    if (!rules_.knows_purpose(purpose)) {
      return fail(ErrorCode::invalid_input, "purpose '" + purpose + "' is not one the policy knows");
    }
  }
  for (const std::string& basis : in.lawful_bases) {
    if (!policy::parse_lawful_basis(basis)) {
      return fail(ErrorCode::invalid_input, "lawful basis '" + basis + "' is not one of 6(1)(a) ... 6(1)(f)");
    }
  }
  const Timestamp now = clock_.now();
  const Timestamp from = in.valid_from.value_or(now);
  if (in.valid_until <= from)
    return fail(ErrorCode::invalid_input,
                "the accreditation must end (valid_until) after it starts (valid_from)");
  auto org = must_exist(store_.requestors().organisation(in.org_id), "organisation", in.org_id);
  if (!org) return std::unexpected(org.error());
  if (org->kind != model::OrganisationKind::requestor) {
    return fail(ErrorCode::invalid_input, "only requestor organisations are accredited");
  }
  model::Accreditation made;
  made.id = new_id("acc");
  made.org_id = org->id;
  made.group = in.group;
  made.authority = in.authority;
  made.valid_from = from;
  made.valid_until = in.valid_until;
  made.code_of_conduct_version = in.code_of_conduct_version;
  if (!in.code_of_conduct_version.empty()) made.code_of_conduct_accepted = now;
  made.purposes = in.purposes;
  made.lawful_bases = in.lawful_bases;
  made.status = model::AccreditationStatus::active;
  made.status_changed = now;
  made.created = now;
  SSAD_TRY(work, store_.begin_audit());
  SSAD_CHECK(work->requestors().add_accreditation(made));
  audit::Entry entry =
      entry_for(actor, now, "requestor.accreditation.add", {"accreditation", made.id}, reason);
  entry.detail.emplace_back("organisation", made.org_id);
  entry.detail.emplace_back("group", made.group);
  entry.detail.emplace_back("authority", made.authority);
  entry.detail.emplace_back("valid_from", format_rfc3339(made.valid_from));
  entry.detail.emplace_back("valid_until", format_rfc3339(made.valid_until));
  if (!made.code_of_conduct_version.empty())
    entry.detail.emplace_back("code_of_conduct", made.code_of_conduct_version);
  if (!made.purposes.empty()) entry.detail.emplace_back("purposes", joined(made.purposes));
  if (!made.lawful_bases.empty()) entry.detail.emplace_back("lawful_bases", joined(made.lawful_bases));
  SSAD_CHECK(audit::record(*work, std::move(entry)));
  SSAD_CHECK(work->commit(now));
  return made;
}

Result<model::Accreditation> Directory::change_accreditation(const audit::Actor& actor, const std::string& id,
                                                             AccreditationChange change,
                                                             const std::string& reason) {
  SSAD_CHECK(check_text(reason, "reason", kMaxReasonBytes, true));
  auto current = must_exist(store_.requestors().accreditation(id), "accreditation", id);
  if (!current) return std::unexpected(current.error());
  const Timestamp now = clock_.now();
  const model::AccreditationStatus before = status_at(*current, now);
  model::AccreditationStatus after = model::AccreditationStatus::revoked;
  const auto refuse = [&](const std::string& why) {
    return fail(ErrorCode::conflict,
                "accreditation " + id + " is " + std::string(model::to_string(before)) + ": " + why);
  };
  switch (change) {
    case AccreditationChange::suspend:
      if (current->status != model::AccreditationStatus::active ||
          before == model::AccreditationStatus::expired) {
        return refuse("only an active accreditation can be suspended");
      }
      after = model::AccreditationStatus::suspended;
      break;
    case AccreditationChange::reinstate:
      if (current->status != model::AccreditationStatus::suspended) {
        return refuse("only a suspended accreditation can be reinstated");
      }
      if (now >= current->valid_until) return refuse("it has ended meanwhile; add a new accreditation");
      after = model::AccreditationStatus::active;
      break;
    case AccreditationChange::revoke:
      if (current->status == model::AccreditationStatus::revoked) return refuse("it is revoked already");
      break;
  }
  SSAD_TRY(work, store_.begin_audit());
  SSAD_CHECK(work->requestors().set_accreditation_status(id, after, reason, now));
  audit::Entry entry = entry_for(actor, now, "requestor.accreditation." + std::string(to_string(change)),
                                 {"accreditation", id}, reason);
  entry.detail.emplace_back("organisation", current->org_id);
  entry.detail.emplace_back("status_before", std::string(model::to_string(before)));
  entry.detail.emplace_back("status_after", std::string(model::to_string(after)));
  SSAD_CHECK(audit::record(*work, std::move(entry)));
  SSAD_CHECK(work->commit(now));
  current->status = after;
  current->status_reason = reason;
  current->status_changed = now;
  return *current;
}

Result<NewApiKey> Directory::create_key(const audit::Actor& actor, const std::string& user_id,
                                        std::optional<Timestamp> expires, const std::string& reason) {
  SSAD_CHECK(check_text(reason, "reason", kMaxReasonBytes, false));
  auto user = must_exist(store_.requestors().user(user_id), "user", user_id);
  if (!user) return std::unexpected(user.error());
  if (user->disabled) return fail(ErrorCode::invalid_input, "user " + user_id + " is disabled");
  const Timestamp now = clock_.now();
  if (expires && *expires <= now) return fail(ErrorCode::invalid_input, "expires must be in the future");
  NewApiKey made = make_api_key(user->id, now, expires);
  SSAD_TRY(work, store_.begin_audit());
  SSAD_CHECK(work->requestors().add_api_key(made.record));
  audit::Entry entry = entry_for(actor, now, "requestor.key.create", {"credential", made.record.id}, reason);
  entry.detail.emplace_back("user", user->id);
  entry.detail.emplace_back("expires", expires ? format_rfc3339(*expires) : std::string("never"));
  SSAD_CHECK(audit::record(*work, std::move(entry)));
  SSAD_CHECK(work->commit(now));
  return made;
}

Result<model::ApiKey> Directory::revoke_key(const audit::Actor& actor, const std::string& key_id,
                                            const std::string& reason) {
  SSAD_CHECK(check_text(reason, "reason", kMaxReasonBytes, false));
  auto key = must_exist(store_.requestors().api_key(key_id), "key", key_id);
  if (!key) return std::unexpected(key.error());
  if (key->revoked) return fail(ErrorCode::conflict, "key " + key_id + " is revoked already");
  const Timestamp now = clock_.now();
  SSAD_TRY(work, store_.begin_audit());
  SSAD_CHECK(work->requestors().revoke_api_key(key_id, reason, now));
  audit::Entry entry = entry_for(actor, now, "requestor.key.revoke", {"credential", key_id}, reason);
  entry.detail.emplace_back("user", key->user_id);
  SSAD_CHECK(audit::record(*work, std::move(entry)));
  SSAD_CHECK(work->commit(now));
  key->revoked = now;
  key->revoke_reason = reason;
  return *key;
}

Result<model::Accreditation> Directory::accreditation(const std::string& id) const {
  auto found = must_exist(store_.requestors().accreditation(id), "accreditation", id);
  if (found) found->status = status_at(*found, clock_.now());
  return found;
}

Result<std::vector<OrganisationView>> Directory::list(const std::string& org_id) const {
  store::RequestorReader& reader = store_.requestors();
  std::vector<model::Organisation> organisations;
  if (!org_id.empty()) {
    auto one = must_exist(reader.organisation(org_id), "organisation", org_id);
    if (!one) return std::unexpected(one.error());
    organisations.push_back(std::move(*one));
  } else {
    store::Page page;
    page.limit = 1000;
    while (true) {
      SSAD_TRY(batch, reader.organisations(page));
      for (auto& org : batch) organisations.push_back(std::move(org));
      if (batch.size() < page.limit) break;
      page.after = organisations.back().id;
    }
  }
  const Timestamp now = clock_.now();
  std::vector<OrganisationView> views;
  for (model::Organisation& org : organisations) {
    OrganisationView view;
    view.organisation = std::move(org);
    store::Page page;
    page.limit = 100000;
    SSAD_TRY(users, reader.users(view.organisation.id, page));
    view.users = std::move(users);
    SSAD_TRY(accreditations, reader.accreditations(view.organisation.id, page));
    for (model::Accreditation& accreditation : accreditations)
      accreditation.status = status_at(accreditation, now);
    view.accreditations = std::move(accreditations);
    for (const model::User& user : view.users) {
      SSAD_TRY(keys, reader.api_keys(user.id, page));
      for (model::ApiKey& key : keys) view.keys.push_back(std::move(key));
    }
    views.push_back(std::move(view));
  }
  return views;
}

}  // namespace ssad::identity
