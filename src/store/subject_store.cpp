#include "store/subject_store.hpp"

namespace ssad::store {

std::string_view to_string(ProofKind kind) {
  switch (kind) {
    case ProofKind::registrant:
      return "registrant";
    case ProofKind::sender:
      return "sender";
  }
  return "registrant";
}

Result<ProofKind> parse_proof_kind(std::string_view text) {
  if (text == "registrant") return ProofKind::registrant;
  if (text == "sender") return ProofKind::sender;
  return fail(ErrorCode::invalid_input,
              "unknown proof kind '" + std::string(text) + "' (registrant or sender)");
}

std::string_view to_string(AgentState state) {
  switch (state) {
    case AgentState::pending:
      return "pending";
    case AgentState::active:
      return "active";
    case AgentState::withdrawn:
      return "withdrawn";
    case AgentState::declined:
      return "declined";
    case AgentState::replaced:
      return "replaced";
    case AgentState::lapsed:
      return "lapsed";
  }
  return "pending";
}

Result<AgentState> parse_agent_state(std::string_view text) {
  if (text == "pending") return AgentState::pending;
  if (text == "active") return AgentState::active;
  if (text == "withdrawn") return AgentState::withdrawn;
  if (text == "declined") return AgentState::declined;
  if (text == "replaced") return AgentState::replaced;
  if (text == "lapsed") return AgentState::lapsed;
  return fail(ErrorCode::invalid_input, "unknown agent state '" + std::string(text) +
                                            "' (pending, active, withdrawn, declined, replaced or lapsed)");
}

bool is_current(AgentState state) { return state == AgentState::pending || state == AgentState::active; }

}  // namespace ssad::store
