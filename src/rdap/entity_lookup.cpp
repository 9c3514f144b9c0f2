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
    // A contact is decided as the registrant it would be; when even its handle is withheld, the answer is
    // the one for a handle that does not exist (its existence is not confirmed).
    model::Registration as_registrant;
    as_registrant.contacts.emplace_back(model::ContactRole::registrant, *contact);
    const policy::Decision decision = policy::decide(caller, as_registrant, env.policy, ask);
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
