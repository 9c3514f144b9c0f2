#include "identity/authenticator.hpp"

#include <algorithm>

#include "identity/credentials.hpp"
#include "policy/vocabulary.hpp"

namespace ssad::identity {
namespace {

constexpr std::string_view kBadKey = "The API key is not valid.";

Error unauthenticated(std::string message) { return Error{ErrorCode::unauthenticated, std::move(message)}; }
Error forbidden(std::string message) { return Error{ErrorCode::forbidden, std::move(message)}; }

// A directory read that failed: the store's message is not the client's (it may name a user).
Error store_failure(const Error& error) {
  return Error{error.code == ErrorCode::timed_out ? ErrorCode::timed_out : ErrorCode::unavailable,
               "The requestor directory could not be read. Please try again later."};
}

std::vector<std::string> permitted_purposes(const model::Accreditation& accreditation,
                                            const policy::Rules& rules) {
  if (!accreditation.purposes.empty()) return accreditation.purposes;
  const policy::Group* group = rules.group(accreditation.group);
  return group != nullptr ? group->purposes : std::vector<std::string>{};
}

}  // namespace

model::AccreditationStatus status_at(const model::Accreditation& accreditation, Timestamp now) {
  if (accreditation.status != model::AccreditationStatus::active) return accreditation.status;
  if (now >= accreditation.valid_until) return model::AccreditationStatus::expired;
  if (now < accreditation.valid_from) return model::AccreditationStatus::suspended;
  return model::AccreditationStatus::active;
}

Authenticator::Authenticator(store::RequestorReader& directory, const Clock& clock, VerifyToken verify_token)
    : directory_(directory), clock_(clock), verify_token_(std::move(verify_token)) {}

Result<std::optional<Authenticated>> Authenticator::authenticate(
    std::optional<std::string_view> authorization) const {
  if (!authorization) return std::optional<Authenticated>();
  std::string_view value = *authorization;
  // RFC 6750 §2.1: "Bearer" (case-insensitive scheme) then the token.
  constexpr std::string_view kScheme = "bearer ";
  if (value.size() <= kScheme.size() ||
      !std::equal(kScheme.begin(), kScheme.end(), value.begin(), [](char a, char b) {
        return a == (b >= 'A' && b <= 'Z' ? static_cast<char>(b - 'A' + 'a') : b);
      })) {
    return std::unexpected(
        unauthenticated("Only Bearer credentials are accepted (RFC 6750): an API key or a token."));
  }
  value.remove_prefix(kScheme.size());
  while (!value.empty() && value.front() == ' ') value.remove_prefix(1);
  while (!value.empty() && value.back() == ' ') value.remove_suffix(1);
  auto who = looks_like_api_key(value) ? by_api_key(value) : by_token(value);
  if (!who) return std::unexpected(who.error());
  return std::optional<Authenticated>(std::move(*who));
}

Result<Authenticated> Authenticator::by_api_key(std::string_view key) const {
  const std::optional<PresentedKey> presented = parse_api_key(key);
  if (!presented) return std::unexpected(unauthenticated(std::string(kBadKey)));
  auto stored = directory_.api_key(presented->id);
  if (!stored) {
    if (stored.error().code == ErrorCode::not_found)
      return std::unexpected(unauthenticated(std::string(kBadKey)));
    return std::unexpected(store_failure(stored.error()));
  }
  // Unknown id and wrong secret read alike; what the key's state is, only its holder learns.
  if (!same_secret(stored->secret_hash, presented->secret_hash)) {
    return std::unexpected(unauthenticated(std::string(kBadKey)));
  }
  if (stored->revoked) return std::unexpected(unauthenticated("The API key has been revoked."));
  if (const std::optional<Timestamp> expires = stored->expires; expires && clock_.now() >= *expires) {
    return std::unexpected(unauthenticated("The API key has expired."));
  }
  // A suspension is reversible and names no reason here (the reason is the operator's): the key's holder
  // learns to ask the operator, not to make another key.
  if (stored->suspended) {
    return std::unexpected(forbidden("This API key is suspended; the operator can lift the suspension."));
  }
  auto user = directory_.user(stored->user_id);
  if (!user) return std::unexpected(store_failure(user.error()));  // a key's user always exists
  Authenticated partial;
  partial.credential = CredentialKind::api_key;
  partial.credential_id = stored->id;
  return complete(std::move(*user), std::move(partial));
}

Result<Authenticated> Authenticator::by_token(std::string_view token) const {
  if (!verify_token_) {
    return std::unexpected(
        unauthenticated("This server accepts API keys only: no token issuer is configured."));
  }
  auto verified = verify_token_(token);
  if (!verified) return std::unexpected(verified.error());
  auto user = directory_.user_by_oidc(verified->issuer, verified->subject);
  if (!user) {
    if (user.error().code == ErrorCode::not_found) {
      return std::unexpected(
          forbidden("The token's identity is not a user of an accredited organisation here."));
    }
    return std::unexpected(store_failure(user.error()));
  }
  // Only this credential is suspended: the same user's API keys still work (each has its own suspension).
  // A disabled user is told so instead, by complete().
  if (user->tokens_suspended && !user->disabled) {
    return std::unexpected(
        forbidden("The tokens of this identity are suspended; the operator can lift the suspension."));
  }
  Authenticated partial;
  partial.credential = CredentialKind::oidc_token;
  partial.credential_id = verified->issuer + "#" + verified->subject;
  partial.token_issuer = verified->issuer;
  partial.token_purposes = std::move(verified->rdap_allowed_purposes);
  partial.token_dnt_allowed = verified->rdap_dnt_allowed;
  return complete(std::move(*user), std::move(partial));
}

Result<Authenticated> Authenticator::user(const std::string& id) const {
  auto user = directory_.user(id);
  if (!user) {
    if (user.error().code == ErrorCode::not_found) return fail(ErrorCode::not_found, "no user " + id);
    return std::unexpected(store_failure(user.error()));
  }
  return complete(std::move(*user), Authenticated{});
}

Result<Authenticated> Authenticator::complete(model::User user, Authenticated partial) const {
  if (user.disabled) return std::unexpected(forbidden("The user account is disabled."));
  auto organisation = directory_.organisation(user.org_id);
  if (!organisation) return std::unexpected(store_failure(organisation.error()));
  partial.user = std::move(user);
  partial.organisation = std::move(*organisation);
  const Timestamp now = clock_.now();
  store::Page page;
  page.limit = 1000;
  while (true) {
    auto accreditations = directory_.accreditations(partial.organisation.id, page);
    if (!accreditations) return std::unexpected(store_failure(accreditations.error()));
    for (model::Accreditation& accreditation : *accreditations) {
      accreditation.status = status_at(accreditation, now);
      partial.accreditations.push_back(std::move(accreditation));
    }
    if (accreditations->size() < page.limit) break;
    page.after = partial.accreditations.back().id;
  }
  return partial;
}

Result<Caller> caller_for(const Authenticated& who, std::string_view purpose, const policy::Rules& rules) {
  if (who.organisation.kind != model::OrganisationKind::requestor) {
    return std::unexpected(forbidden("The operator's staff do not ask for registration data as requestors."));
  }
  if (!purpose.empty() && !policy::is_purpose_syntax(purpose)) {
    return std::unexpected(Error{ErrorCode::invalid_input,
                                 "farv1_qp is not a purpose value (RFC 9560 §9.3: 1 to 64 letters or '_')."});
  }
  if (who.accreditations.empty()) return Caller::anonymous();  // never accredited: the public's answer
  const auto in_force = [](const model::Accreditation& a) {
    return a.status == model::AccreditationStatus::active;
  };
  if (std::none_of(who.accreditations.begin(), who.accreditations.end(), in_force)) {
    // Say which: the state of the most recently changed accreditation (one that ran out changed then).
    const auto changed = [](const model::Accreditation& a) {
      return a.status == model::AccreditationStatus::expired ? std::max(a.status_changed, a.valid_until)
                                                             : a.status_changed;
    };
    const auto latest = std::max_element(who.accreditations.begin(), who.accreditations.end(),
                                         [&](const model::Accreditation& a, const model::Accreditation& b) {
                                           return changed(a) < changed(b);
                                         });
    return std::unexpected(forbidden("The organisation's accreditation is " +
                                     std::string(model::to_string(latest->status)) +
                                     ": no registration data beyond the public's is disclosed to it."));
  }
  if (purpose.empty()) return Caller::anonymous();  // RFC 9560 §4.2.1: no purpose, the public's answer
  if (!rules.knows_purpose(purpose)) {
    return std::unexpected(forbidden("The purpose is not one this server knows (RFC 9560 §4.2.1)."));
  }
  if (who.token_purposes) {
    // RFC 9560 §3.1.5: unrecognised values are ignored; only recognised ones allow a purpose.
    const auto& allowed = *who.token_purposes;
    if (std::find(allowed.begin(), allowed.end(), purpose) == allowed.end()) {
      return std::unexpected(
          forbidden("The purpose is not among the token's rdap_allowed_purposes (RFC 9560 §4.2.1)."));
    }
  }
  for (const model::Accreditation& accreditation : who.accreditations) {
    if (!in_force(accreditation)) continue;
    const std::vector<std::string> permitted = permitted_purposes(accreditation, rules);
    if (std::find(permitted.begin(), permitted.end(), purpose) == permitted.end()) continue;
    Requestor requestor;
    requestor.user = who.user;
    requestor.organisation = who.organisation;
    requestor.accreditation = accreditation;
    requestor.credential = who.credential;
    requestor.credential_id = who.credential_id;
    requestor.token_purposes = who.token_purposes;
    requestor.token_dnt_allowed = who.token_dnt_allowed;
    return Caller::requestor(std::move(requestor), std::string(purpose));
  }
  return std::unexpected(forbidden("The purpose is not permitted by the organisation's accreditation."));
}

}  // namespace ssad::identity
