// Use case: an entity lookup (RFC 9082 §3.1.5): a registrar by its IANA ID, or a contact by handle.

#include <algorithm>
#include <charconv>

#include "rdap/response.hpp"
#include "rdap/use_cases.hpp"

namespace ssad::rdap {
namespace {

bool all_digits(std::string_view text) {
  return !text.empty() && text.size() <= 18 &&
         std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// A contact looked up on its own, decided in every role a contact can hold: an element is disclosed only
// when the policy discloses it for a registrant, an administrative, a technical and a billing contact
// alike. A handle does not say which role the caller knows the contact in, and a policy may disclose more
// for one role than for another (seed-001 gives an investigator the registrant, not the administrative
// contact): read as a registrant, a contact that is only some domain's administrative contact would show
// what that domain's answer withholds. The result speaks in the registrant's fields, which the entity is
// rendered with; a withheld field carries the reason of a role that withheld it, and a disclosed field
// the rule of a role that disclosed it to this requestor rather than to everyone, so that its disclosure
// is recorded (a registrant's state is public, an administrative contact's is not).
policy::Decision decide_contact(const identity::Caller& caller, const model::Contact& contact,
                                const policy::Settings& settings, const policy::Ask& ask) {
  const auto decide_as = [&](model::ContactRole role) {
    model::Registration as;
    as.contacts.emplace_back(role, contact);
    return policy::decide(caller, as, settings, ask);
  };
  policy::Decision combined = decide_as(model::ContactRole::registrant);
  for (const model::ContactRole role :
       {model::ContactRole::admin, model::ContactRole::tech, model::ContactRole::billing}) {
    const policy::Decision decision = decide_as(role);
    for (const catalog::Field& field : catalog::fields_of_role(catalog::Role::registrant)) {
      if (!combined.discloses(field)) continue;
      const catalog::Field* same = catalog::find_field(policy::catalog_role(role), field.element);
      if (same == nullptr) continue;
      const policy::FieldDecision& in_role = decision[*same];
      if (in_role.disposition != policy::Disposition::disclose ||
          (policy::is_public_rule(combined[field].rule) && !policy::is_public_rule(in_role.rule))) {
        combined.set(field, in_role);
      }
    }
  }
  return combined;
}

}  // namespace

Result<Answer> lookup_entity(const Environment& env, const EntityLookup& query, const Location& location,
                             const identity::Caller& caller, const policy::Ask& ask) {
  const Context context = env.context(location);
  const std::string& handle = query.handle;
  if (all_digits(handle)) {
    std::int64_t iana_id = 0;
    std::from_chars(handle.data(), handle.data() + handle.size(), iana_id);
    auto registrar = env.store.find_registrar_by_iana_id(iana_id);
    if (registrar) {
      json::JsonWriter out;
      write_registrar(out, *registrar, context, true);
      Answer answer;
      answer.body = top_level(out.view(), {kProfile, kGuide}, false, context, false);
      return answer;
    }
    if (registrar.error().code != ErrorCode::not_found)
      return std::unexpected(store_failure(registrar.error()));
  }
  auto contact = env.store.find_contact(handle);
  if (!contact && contact.error().code != ErrorCode::not_found) {
    return std::unexpected(store_failure(contact.error()));
  }
  if (contact) {
    // Decided in every role (decide_contact); when even its handle is withheld, the answer is the one for a
    // handle that does not exist (its existence is not confirmed).
    const policy::Decision decision = decide_contact(caller, *contact, env.policy, ask);
    model::Registration as_registrant;  // the values it serves, as the registrant it is rendered as
    as_registrant.contacts.emplace_back(model::ContactRole::registrant, *contact);
    const catalog::Field* handle_field = catalog::find_field("registrant.handle");
    if (handle_field != nullptr && decision.discloses(*handle_field)) {
      Answer answer;
      Served& served = answer.served.emplace_back();
      served.object = contact->handle;
      json::JsonWriter out;
      const bool redacted = write_contact_entity(out, *contact, decision, context, served.fields);
      answer.body = top_level(out.view(), {kProfile, kGuide}, redacted, context, false);
      answer.rules = decision.rules();
      note_disclosure(answer, caller, decision, as_registrant, served.fields, "contact", served.object);
      return answer;
    }
  }
  return fail(ErrorCode::not_found, "No entity with this handle is published here.");
}

}  // namespace ssad::rdap
