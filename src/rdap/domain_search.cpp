// Use case: a domain search (RFC 9082 §3.2.1) — by name pattern, nameserver name or nameserver address —
// each result rendered from the caller's decision about it, with its own `redacted` member.

#include <algorithm>

#include "disclosure/agent.hpp"
#include "rdap/search.hpp"

namespace ssad::rdap {

Result<Answer> search_domains(const Environment& env, const DomainSearch& query, const Location& location,
                              const identity::Caller& caller, const policy::Ask& ask, Timestamp now) {
  return run_search(
      env, query, "domains", location, now,
      [&](json::JsonWriter& out, const std::string& name, std::size_t index, const Context& context,
          Answer& answer) -> Result<Rendered> {
        auto registration = env.store.find_registration(name);
        if (!registration) {
          if (registration.error().code == ErrorCode::not_found) return Rendered{};  // gone since the search
          return std::unexpected(store_failure(registration.error()));
        }
        // As in a lookup: a requestor's view holds the agent a registrant designated (the policy may give
        // it in place of the registrant's own data), read afresh.
        if (!caller.is_anonymous() && env.subjects != nullptr) {
          if (auto added = disclosure::add_agent(*env.subjects, *registration); !added) {
            return std::unexpected(store_failure(added.error()));
          }
        }
        const policy::Decision decision = policy::decide(caller, *registration, env.policy, ask);
        Served& served = answer.served.emplace_back();
        served.object = registration->domain.name.ldh;
        const std::string path = "$.domainSearchResults[" + std::to_string(index) + "]";
        Rendered rendered;
        rendered.found = true;
        rendered.redacted =
            write_domain(out, *registration, decision, context, query.detail, path, served.fields);
        note_disclosure(answer, caller, decision, *registration, served.fields, "domain", served.object);
        for (const std::string_view rule : decision.rules()) {
          if (std::find(answer.rules.begin(), answer.rules.end(), rule) == answer.rules.end()) {
            answer.rules.push_back(rule);
          }
        }
        return rendered;
      });
}

}  // namespace ssad::rdap
