#pragma once
// Who is asking (DESIGN.md §3, "identity/ (who is asking: Caller)"). Every use case takes a Caller and
// the decision engine decides by it: the anonymous public, or a requestor — an authenticated user of a
// requestor organisation, the accreditation it asks under, the credential it proved itself with and the
// purpose it states. identity/authenticator.hpp makes requestors from credentials; nothing else does.

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "model/requestor.hpp"

namespace ssad::identity {

/// How a requestor proved who it is.
enum class CredentialKind : std::uint8_t { api_key, oidc_token };

/// An authenticated requestor.
struct Requestor {
  model::User user;
  model::Organisation organisation;
  // The accreditation this request is made under, its status as in force at the time of the request
  // (an active accreditation past its end reads expired); nullopt when the organisation has none.
  std::optional<model::Accreditation> accreditation;
  CredentialKind credential = CredentialKind::api_key;
  std::string credential_id;  // the API key's id, or the token's issuer and subject ("iss#sub")
  // From an OpenID Connect token (RFC 9560 §3.1.5): the purposes its identity provider allows (nullopt:
  // the claim was absent) and whether it allows "do not track".
  std::optional<std::vector<std::string>> token_purposes;
  bool token_dnt_allowed = false;
};

class Caller {
 public:
  /// Someone who has not proved who they are: the public.
  [[nodiscard]] static Caller anonymous() { return Caller(); }
  /// A requestor stating `purpose` (an RFC 9560 purpose or one of the operator's; may be empty).
  [[nodiscard]] static Caller requestor(Requestor requestor, std::string purpose) {
    Caller caller;
    caller.requestor_ = std::move(requestor);
    caller.purpose_ = std::move(purpose);
    return caller;
  }

  [[nodiscard]] bool is_anonymous() const { return !requestor_.has_value(); }
  /// The requestor, or nullptr for the public.
  [[nodiscard]] const Requestor* requestor() const { return requestor_ ? &*requestor_ : nullptr; }
  /// The purpose the requestor states; empty for the public.
  [[nodiscard]] const std::string& purpose() const { return purpose_; }

 private:
  Caller() = default;
  std::optional<Requestor> requestor_;
  std::string purpose_;
};

}  // namespace ssad::identity
