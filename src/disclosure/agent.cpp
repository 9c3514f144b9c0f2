#include "disclosure/agent.hpp"

#include "catalog/catalog.hpp"
#include "policy/values.hpp"

namespace ssad::disclosure {

Result<std::optional<model::Contact>> agent_of(store::SubjectReader& subjects,
                                               const model::Registration& registration) {
  SSAD_TRY(current, subjects.current_agent(registration.domain.name.ldh));
  if (!current || current->state != store::AgentState::active ||
      current->registrant != policy::subject_fingerprint(catalog::Role::registrant, registration)) {
    return std::optional<model::Contact>();
  }
  model::Contact agent;
  agent.handle = current->id;
  model::PostalInfo postal;
  postal.name = current->name;
  postal.organization = current->organization;
  agent.postal.push_back(std::move(postal));
  agent.voice = current->phone;
  agent.email = current->email;
  agent.person_type = model::PersonType::natural;
  return std::optional<model::Contact>(std::move(agent));
}

Result<void> add_agent(store::SubjectReader& subjects, model::Registration& registration) {
  SSAD_TRY(agent, agent_of(subjects, registration));
  if (agent) registration.contacts.emplace_back(model::ContactRole::agent, std::move(*agent));
  return {};
}

}  // namespace ssad::disclosure
