#pragma once
// The agent a registrant designated (issue 15; subject/agents.hpp) in a requestor's view of a registration:
// what the policy decides over, and RDAP and disclosure requests render and deliver. Never in the public's
// view, the registry's data or WHOIS.

#include <optional>

#include "core/error.hpp"
#include "model/registration.hpp"
#include "store/subject_store.hpp"

namespace ssad::disclosure {

/// The agent `registration`'s registrant designated, when one is in force — active, and designated by the
/// current registrant (the same registrant contacts: policy::subject_fingerprint()) — as a contact for the
/// agent role: the designation's id as its handle, the agent's name, organisation, phone and email, a
/// natural person who consented to publish nothing (so the policy alone decides who sees it). nullopt when
/// none is. Errors: as `subjects`'s.
[[nodiscard]] Result<std::optional<model::Contact>> agent_of(store::SubjectReader& subjects,
                                                             const model::Registration& registration);

/// agent_of(), added to `registration` as its ContactRole::agent contact.
[[nodiscard]] Result<void> add_agent(store::SubjectReader& subjects, model::Registration& registration);

}  // namespace ssad::disclosure
