// Use case: a domain lookup (RFC 9082 §3.1.3), rendered from the caller's decision.

#include "disclosure/agent.hpp"
#include "rdap/response.hpp"
#include "rdap/use_cases.hpp"

namespace ssad::rdap {

Result<Answer> lookup_domain(const Environment& env, const DomainLookup& query, const Location& location,
                             const identity::Caller& caller, const policy::Ask& ask) {
  const Context context = env.context(location);
  // A requestor's answer cannot come from the response cache (it depends on who asks), but the
  // registration it is rendered from can: read after the data generation it is kept under, it is as
  // current as the public's cached answers (cache::DataVersion). The public's misses read the store.
  std::shared_ptr<const model::Registration> registration;
  const std::uint64_t generation = env.data_version.current().generation;
  if (!caller.is_anonymous()) registration = env.registrations.find(query.name.ldh, generation);
  if (!registration) {
    auto read = env.store.find_registration(query.name.ldh);
    if (!read) {
      if (read.error().code == ErrorCode::not_found) {
        return fail(ErrorCode::not_found, "The domain name is not registered here.");
      }
      return std::unexpected(store_failure(read.error()));
    }
    registration = std::make_shared<const model::Registration>(std::move(*read));
    if (!caller.is_anonymous()) env.registrations.insert(query.name.ldh, registration, generation);
  }
  // The agent a registrant designated is read afresh for every requestor's lookup (it is not registration
  // data, whose generation the cache follows): a designation withdrawn is not shown a moment later.
  if (!caller.is_anonymous() && env.subjects != nullptr) {
    auto agent = disclosure::agent_of(*env.subjects, *registration);
    if (!agent) return std::unexpected(store_failure(agent.error()));
    if (std::optional<model::Contact> contact = std::move(*agent); contact.has_value()) {
      auto with_agent = std::make_shared<model::Registration>(*registration);
      with_agent->contacts.emplace_back(model::ContactRole::agent, std::move(*contact));
      registration = std::move(with_agent);
    }
  }
  const policy::Decision decision = policy::decide(caller, *registration, env.policy, ask);
  Answer answer;
  Served& served = answer.served.emplace_back();
  served.object = registration->domain.name.ldh;
  json::JsonWriter out;
  const bool redacted = write_domain(out, *registration, decision, context, Detail::full, "$", served.fields);
  answer.body = top_level(out.view(), {kProfile, kGuide}, redacted, context, true);
  answer.rules = decision.rules();
  note_disclosure(answer, caller, decision, *registration, served.fields, "domain", served.object);
  return answer;
}

}  // namespace ssad::rdap
