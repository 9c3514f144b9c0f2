#pragma once
// Agents (issue 15 item 3; docs/subject.md; seed 000 h): the registrant of a domain designates a third party
// — a person or an organisation — to handle technical and security issues. The agent is asked by email
// and consents, or declines, with the token in that email; its consent is recorded with the statement it
// consented to. While the designation is active and the domain's registrant is the one who made it, the
// agent's contact is what the policy gives for technical issues (policy::Rule::agent; rdap shows it).
// The registrant may withdraw it, and the agent decline it at any time, consent given or not.
//
// Every step is audited: subject.agent_designate, subject.agent_withdraw (actor the registrant's session),
// agent.consent, agent.decline (actor the agent, by the designation's id). Entries hold no contact detail.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.hpp"
#include "core/time.hpp"
#include "json/json_writer.hpp"
#include "model/registration.hpp"
#include "store/store.hpp"
#include "subject/mailer.hpp"
#include "subject/proofs.hpp"

namespace ssad::subject {

/// A designation as the registrant states it.
struct NewAgent {
  std::string kind;  // "person" or "organisation"
  std::string name;
  std::string organization;  // required for an organisation
  std::string email;
  std::string phone;  // E.164a ("+CC.NUMBER"); may be empty
};

struct AgentSettings {
  std::chrono::days answer_within{14};
  std::string operator_name = "the registration data operator";
  std::string public_url;  // this API's public URL ("https://…/"), for the agent's email; "" = none said
};
[[nodiscard]] AgentSettings agent_settings(const config::Config& config);

class Agents {
 public:
  /// References must outlive it. Thread-safe.
  Agents(store::Store& store, const Clock& clock, Mailer& mailer, AgentSettings settings);

  /// Designates `agent` for the session's domain, replacing the current designation, and emails the agent
  /// its invitation (in the background). Errors: forbidden for a session that is not a registrant's;
  /// invalid_input naming each member at fault; not_found when the domain is no longer registered here.
  [[nodiscard]] Result<store::DomainAgent> designate(const Session& session, const NewAgent& agent);
  /// The domain's designations that the current registrant made, newest first; a pending one past its
  /// answer time reads lapsed. Errors: as designate().
  [[nodiscard]] Result<std::vector<store::DomainAgent>> list(const Session& session);
  /// Withdraws the current designation. Errors: forbidden; not_found when there is none.
  [[nodiscard]] Result<store::DomainAgent> withdraw(const Session& session);
  /// The agent's answer, with the token of its invitation: consent (pending → active) or decline (pending
  /// or active → declined). Errors: unauthenticated for a token that is no current designation's (one
  /// message); conflict when consenting to a designation that lapsed.
  [[nodiscard]] Result<store::DomainAgent> answer(std::string_view token, bool consent);

  /// The domain's active designation, when the registrant who made it is still the registrant: what the
  /// policy gives for technical issues. nullopt when there is none.
  [[nodiscard]] Result<std::optional<store::DomainAgent>> in_force(const model::Registration& registration);

 private:
  store::Store& store_;
  const Clock& clock_;
  Mailer& mailer_;
  AgentSettings settings_;
};

/// The statement an agent consents to, as its invitation shows it and the designation records it.
[[nodiscard]] std::string consent_statement(const store::DomainAgent& agent, std::string_view operator_name);

/// A designation as the registrant sees it (its contact, state, consent); `now` tells a lapsed one.
void write_json(json::JsonWriter& out, const store::DomainAgent& agent, Timestamp now,
                std::chrono::days answer_within);

}  // namespace ssad::subject
