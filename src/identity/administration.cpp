#include "identity/administration.hpp"

#include <algorithm>

namespace ssad::identity {
namespace {

constexpr unsigned kReaders = model::kRoleAdministrator | model::kRoleAuditor | model::kRoleReviewer;

Error forbidden() {
  return Error{ErrorCode::forbidden,
               "Your roles do not allow this (docs/requestors.md lists who may do what)."};
}

template <typename T>
Listing<T> listing(std::vector<T> items, const store::Page& page, const std::string& (*id)(const T&)) {
  Listing<T> out;
  if (items.size() == page.limit && !items.empty()) out.next = id(items.back());
  out.items = std::move(items);
  return out;
}

const std::string& organisation_id(const model::Organisation& o) { return o.id; }
const std::string& key_id(const model::ApiKey& k) { return k.id; }

// A requestor's view of another tenant's object: it does not exist.
template <typename T>
Result<T> not_found(std::string_view what, const std::string& id) {
  return fail(ErrorCode::not_found, "no " + std::string(what) + " " + id);
}

}  // namespace

bool is_staff(const Authenticated& who, unsigned roles) {
  return who.organisation.kind == model::OrganisationKind::operator_staff && (who.user.roles & roles) != 0;
}

audit::Actor actor_of(const model::User& user, const model::Organisation& organisation) {
  return {organisation.kind == model::OrganisationKind::operator_staff ? "operator" : "requestor", user.id};
}

Administration::Administration(Directory& directory, store::RequestorReader& reader, const Clock& clock)
    : directory_(directory), reader_(reader), clock_(clock) {}

Result<model::Organisation> Administration::add_organisation(const Authenticated& who,
                                                             const NewOrganisation& org,
                                                             const std::string& reason) {
  if (!is_staff(who, model::kRoleAdministrator)) return std::unexpected(forbidden());
  return directory_.add_organisation(actor_of(who.user, who.organisation), org, reason);
}

Result<Listing<model::Organisation>> Administration::organisations(const Authenticated& who,
                                                                   const store::Page& page) const {
  if (!is_staff(who, kReaders)) {
    // A requestor lists its own organisation only.
    Listing<model::Organisation> own;
    if (page.after.empty() || page.after < who.organisation.id) own.items.push_back(who.organisation);
    return own;
  }
  SSAD_TRY(items, reader_.organisations(page));
  return listing(std::move(items), page, &organisation_id);
}

Result<OrganisationView> Administration::organisation(const Authenticated& who, const std::string& id) const {
  if (!is_staff(who, kReaders) && id != who.organisation.id)
    return not_found<OrganisationView>("organisation", id);
  SSAD_TRY(views, directory_.list(id));
  if (views.empty()) return not_found<OrganisationView>("organisation", id);
  OrganisationView view = std::move(views.front());
  if (!is_staff(who, kReaders)) {
    // A requestor sees its organisation's accreditations, itself, and its own keys.
    std::erase_if(view.users, [&](const model::User& u) { return u.id != who.user.id; });
    std::erase_if(view.keys, [&](const model::ApiKey& k) { return k.user_id != who.user.id; });
  }
  return view;
}

Result<model::Organisation> Administration::set_registrar(const Authenticated& who, const std::string& id,
                                                          std::optional<std::int64_t> iana_id,
                                                          const std::string& reason) {
  if (!is_staff(who, model::kRoleAdministrator)) return std::unexpected(forbidden());
  return directory_.set_registrar(actor_of(who.user, who.organisation), id, iana_id, reason);
}

Result<model::User> Administration::add_user(const Authenticated& who, const NewUser& user,
                                             const std::string& reason) {
  if (!is_staff(who, model::kRoleAdministrator)) return std::unexpected(forbidden());
  return directory_.add_user(actor_of(who.user, who.organisation), user, reason);
}

Result<model::User> Administration::user(const Authenticated& who, const std::string& id) const {
  if (!is_staff(who, kReaders) && id != who.user.id) return not_found<model::User>("user", id);
  auto found = reader_.user(id);
  if (!found && found.error().code == ErrorCode::not_found) return not_found<model::User>("user", id);
  return found;
}

Result<model::User> Administration::set_user_disabled(const Authenticated& who, const std::string& id,
                                                      bool disabled, const std::string& reason) {
  if (!is_staff(who, model::kRoleAdministrator)) return std::unexpected(forbidden());
  return directory_.set_user_disabled(actor_of(who.user, who.organisation), id, disabled, reason);
}

Result<model::Accreditation> Administration::add_accreditation(const Authenticated& who,
                                                               const NewAccreditation& accreditation,
                                                               const std::string& reason) {
  if (!is_staff(who, model::kRoleAdministrator)) return std::unexpected(forbidden());
  return directory_.add_accreditation(actor_of(who.user, who.organisation), accreditation, reason);
}

Result<model::Accreditation> Administration::accreditation(const Authenticated& who,
                                                           const std::string& id) const {
  auto found = directory_.accreditation(id);
  if (!found) {
    if (found.error().code == ErrorCode::not_found)
      return not_found<model::Accreditation>("accreditation", id);
    return found;
  }
  if (!is_staff(who, kReaders) && found->org_id != who.organisation.id) {
    return not_found<model::Accreditation>("accreditation", id);
  }
  return found;
}

Result<model::Accreditation> Administration::change_accreditation(const Authenticated& who,
                                                                  const std::string& id,
                                                                  AccreditationChange change,
                                                                  const std::string& reason) {
  if (!is_staff(who, model::kRoleAdministrator)) return std::unexpected(forbidden());
  return directory_.change_accreditation(actor_of(who.user, who.organisation), id, change, reason);
}

Result<NewApiKey> Administration::create_key(const Authenticated& who, const std::string& user_id,
                                             std::optional<Timestamp> expires, const std::string& reason) {
  const std::string& for_user = user_id.empty() ? who.user.id : user_id;
  if (for_user != who.user.id && !is_staff(who, model::kRoleAdministrator)) {
    // The operator's other staff read every user but change none; a requestor knows of no other user.
    if (is_staff(who, kReaders)) return std::unexpected(forbidden());
    return not_found<NewApiKey>("user", for_user);
  }
  if (!is_staff(who, model::kRoleAdministrator)) {
    const Timestamp now = clock_.now();
    if (!expires || *expires > now + std::chrono::days(kSelfServiceKeyDays)) {
      return fail(ErrorCode::invalid_input, "\"expires\" is required, at most " +
                                                std::to_string(kSelfServiceKeyDays) +
                                                " days ahead, for a key you make yourself");
    }
    store::Page page;
    page.limit = 1000;
    SSAD_TRY(keys, reader_.api_keys(who.user.id, page));
    // A credential suspended for suspected abuse (docs/abuse.md) is not got round with a fresh one: not
    // even by revoking the suspended key first, which keeps its suspension until an administrator lifts it.
    if (who.user.tokens_suspended || std::any_of(keys.begin(), keys.end(), [](const model::ApiKey& key) {
          return key.suspended.has_value();
        })) {
      return fail(ErrorCode::forbidden,
                  "A credential of yours is suspended for suspected abuse: you cannot make keys until the "
                  "operator lifts the suspension.");
    }
    const auto in_force = std::count_if(keys.begin(), keys.end(), [&](const model::ApiKey& key) {
      return !key.revoked && (!key.expires || *key.expires > now);
    });
    if (static_cast<std::size_t>(in_force) >= kSelfServiceKeys) {
      return fail(ErrorCode::conflict,
                  "you hold " + std::to_string(in_force) + " keys in force already: revoke one first");
    }
  }
  return directory_.create_key(actor_of(who.user, who.organisation), for_user, expires, reason);
}

Result<Listing<model::ApiKey>> Administration::keys(const Authenticated& who, const std::string& user_id,
                                                    const store::Page& page) const {
  const std::string& of = user_id.empty() && !is_staff(who, kReaders) ? who.user.id : user_id;
  if (of != who.user.id && !is_staff(who, kReaders)) return not_found<Listing<model::ApiKey>>("user", of);
  SSAD_TRY(items, reader_.api_keys(of, page));
  return listing(std::move(items), page, &key_id);
}

Result<model::ApiKey> Administration::revoke_key(const Authenticated& who, const std::string& key_id_,
                                                 const std::string& reason) {
  if (!is_staff(who, model::kRoleAdministrator)) {
    auto key = reader_.api_key(key_id_);
    if (!key) {
      if (key.error().code == ErrorCode::not_found) return not_found<model::ApiKey>("key", key_id_);
      return std::unexpected(key.error());
    }
    if (key->user_id != who.user.id) {
      if (is_staff(who, kReaders)) return std::unexpected(forbidden());
      return not_found<model::ApiKey>("key", key_id_);
    }
  }
  return directory_.revoke_key(actor_of(who.user, who.organisation), key_id_, reason);
}

}  // namespace ssad::identity
