#include "store/abuse_store.hpp"

namespace ssad::store {

std::string_view to_string(AbuseAction action) {
  switch (action) {
    case AbuseAction::flag:
      return "flag";
    case AbuseAction::throttle:
      return "throttle";
    case AbuseAction::suspend_credential:
      return "suspend_credential";
    case AbuseAction::suspend_accreditation:
      return "suspend_accreditation";
  }
  return "flag";
}

Result<AbuseAction> parse_abuse_action(std::string_view text) {
  if (text == "flag") return AbuseAction::flag;
  if (text == "throttle") return AbuseAction::throttle;
  if (text == "suspend_credential") return AbuseAction::suspend_credential;
  if (text == "suspend_accreditation") return AbuseAction::suspend_accreditation;
  return fail(ErrorCode::invalid_input,
              "unknown abuse action '" + std::string(text) +
                  "' (flag, throttle, suspend_credential or suspend_accreditation)");
}

std::string_view to_string(CaseState state) {
  switch (state) {
    case CaseState::open:
      return "open";
    case CaseState::lifted:
      return "lifted";
    case CaseState::expired:
      return "expired";
  }
  return "open";
}

Result<CaseState> parse_case_state(std::string_view text) {
  if (text == "open") return CaseState::open;
  if (text == "lifted") return CaseState::lifted;
  if (text == "expired") return CaseState::expired;
  return fail(ErrorCode::invalid_input,
              "unknown case state '" + std::string(text) + "' (open, lifted or expired)");
}

}  // namespace ssad::store
