#include "model/requestor.hpp"

#include <string>

namespace ssad::model {

std::string_view to_string(OrganisationKind kind) {
  switch (kind) {
    case OrganisationKind::requestor:
      return "requestor";
    case OrganisationKind::operator_staff:
      return "operator";
  }
  return "requestor";
}

Result<OrganisationKind> parse_organisation_kind(std::string_view text) {
  if (text == "requestor") return OrganisationKind::requestor;
  if (text == "operator") return OrganisationKind::operator_staff;
  return fail(ErrorCode::invalid_input,
              "unknown organisation kind '" + std::string(text) + "' (requestor or operator)");
}

std::string_view to_string(UserRole role) {
  switch (role) {
    case kRoleRequestor:
      return "requestor";
    case kRoleReviewer:
      return "reviewer";
    case kRoleAdministrator:
      return "administrator";
    case kRoleAuditor:
      return "auditor";
  }
  return "";  // not one role: a bit set of several, or no role at all
}

Result<UserRole> parse_user_role(std::string_view text) {
  if (text == "requestor") return kRoleRequestor;
  if (text == "reviewer") return kRoleReviewer;
  if (text == "administrator") return kRoleAdministrator;
  if (text == "auditor") return kRoleAuditor;
  return fail(ErrorCode::invalid_input,
              "unknown role '" + std::string(text) + "' (requestor, reviewer, administrator or auditor)");
}

std::string_view to_string(AccreditationStatus status) {
  switch (status) {
    case AccreditationStatus::active:
      return "active";
    case AccreditationStatus::suspended:
      return "suspended";
    case AccreditationStatus::revoked:
      return "revoked";
    case AccreditationStatus::expired:
      return "expired";
  }
  return "active";
}

Result<AccreditationStatus> parse_accreditation_status(std::string_view text) {
  if (text == "active") return AccreditationStatus::active;
  if (text == "suspended") return AccreditationStatus::suspended;
  if (text == "revoked") return AccreditationStatus::revoked;
  if (text == "expired") return AccreditationStatus::expired;
  return fail(ErrorCode::invalid_input, "unknown accreditation status '" + std::string(text) +
                                            "' (active, suspended, revoked or expired)");
}

}  // namespace ssad::model
