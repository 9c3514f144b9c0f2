#include "model/disclosure_request.hpp"

#include <algorithm>
#include <array>
#include <string>

namespace ssad::model {
namespace {

// The spelling of an enumerator: its index in `names`.
template <class E, std::size_t N>
std::string_view name_of(E value, const std::array<std::string_view, N>& names) {
  const auto index = static_cast<std::size_t>(value);
  return index < N ? names[index] : names[0];
}

// The enumerator spelled `text`; invalid_input naming `what` and the accepted spellings when none is.
template <class E, std::size_t N>
Result<E> parse_of(std::string_view text, const std::array<std::string_view, N>& names,
                   std::string_view what) {
  const auto* found = std::ranges::find(names, text);
  if (found != names.end()) return static_cast<E>(found - names.begin());
  std::string accepted;
  for (const auto name : names) {
    if (!accepted.empty()) accepted += ", ";
    accepted += name;
  }
  return fail(ErrorCode::invalid_input,
              "unknown " + std::string(what) + " '" + std::string(text) + "' (" + accepted + ")");
}

constexpr std::array<std::string_view, 5> kRequestStatusNames{"pending", "in_review", "awaiting_information",
                                                              "decided", "cancelled"};
constexpr std::array<std::string_view, 3> kFieldStateNames{"review", "disclosed", "refused"};
constexpr std::array<std::string_view, 4> kUrgentCriterionNames{
    "threat_to_life", "serious_bodily_injury", "critical_infrastructure", "child_exploitation"};
constexpr std::array<std::string_view, 4> kConfidentialityStateNames{"none", "requested", "accepted",
                                                                     "refused"};

}  // namespace

std::string_view to_string(RequestStatus value) { return name_of(value, kRequestStatusNames); }

Result<RequestStatus> parse_request_status(std::string_view text) {
  return parse_of<RequestStatus>(text, kRequestStatusNames, "request status");
}

std::string_view to_string(FieldState value) { return name_of(value, kFieldStateNames); }

Result<FieldState> parse_field_state(std::string_view text) {
  return parse_of<FieldState>(text, kFieldStateNames, "field state");
}

std::string_view to_string(UrgentCriterion value) { return name_of(value, kUrgentCriterionNames); }

Result<UrgentCriterion> parse_urgent_criterion(std::string_view text) {
  return parse_of<UrgentCriterion>(text, kUrgentCriterionNames, "urgent criterion");
}

std::string_view to_string(ConfidentialityState value) { return name_of(value, kConfidentialityStateNames); }

Result<ConfidentialityState> parse_confidentiality_state(std::string_view text) {
  return parse_of<ConfidentialityState>(text, kConfidentialityStateNames, "confidentiality state");
}

bool is_open(RequestStatus status) {
  return status == RequestStatus::pending || status == RequestStatus::in_review ||
         status == RequestStatus::awaiting_information;
}

std::string_view to_string(RequestOutcome outcome) {
  constexpr std::array<std::string_view, 5> kNames{"none", "approved", "partly_approved", "refused",
                                                   "cancelled"};
  return name_of(outcome, kNames);
}

RequestOutcome outcome_of(const DisclosureRequest& request) {
  if (request.status == RequestStatus::cancelled) return RequestOutcome::cancelled;
  if (request.status != RequestStatus::decided) return RequestOutcome::none;
  const auto disclosed = std::ranges::count(request.fields, FieldState::disclosed, &RequestedField::state);
  if (disclosed == 0) return RequestOutcome::refused;
  if (static_cast<std::size_t>(disclosed) == request.fields.size()) return RequestOutcome::approved;
  return RequestOutcome::partly_approved;
}

}  // namespace ssad::model
