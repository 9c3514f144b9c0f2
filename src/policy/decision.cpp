#include "policy/decision.hpp"

#include <algorithm>

#include "tlog/hash.hpp"

namespace ssad::policy {
namespace {

using catalog::Element;
using catalog::Field;
using catalog::Role;

// The EPP disclose element (RFC 5733) that covers a contact element; 0 when none does (handles).
unsigned consent_element(Element element) {
  switch (element) {
    case Element::name:
      return model::kConsentName;
    case Element::organization:
      return model::kConsentOrganization;
    case Element::street:
    case Element::city:
    case Element::state_province:
    case Element::postal_code:
    case Element::country_code:
      return model::kConsentAddress;
    case Element::phone:
    case Element::phone_ext:
      return model::kConsentVoice;
    case Element::fax:
    case Element::fax_ext:
      return model::kConsentFax;
    case Element::email:
      return model::kConsentEmail;
    default:
      return 0;
  }
}

// The elements that reach the person at a legal person rather than the organisation: personal data even
// there (docs/policy.md).
bool reaches_a_person(Element element) {
  switch (element) {
    case Element::name:
    case Element::phone:
    case Element::phone_ext:
    case Element::fax:
    case Element::fax_ext:
    case Element::email:
      return true;
    default:
      return false;
  }
}

bool consented(const Field& field, const model::Contact& contact) {
  const unsigned element = consent_element(field.element);
  return element != 0 && (contact.consent & element) != 0;
}

// A contact held by a privacy/proxy service is matched as one, whatever its person type.
SubjectKind subject_kind(const model::Contact& contact) {
  if (!contact.privacy_service.empty()) return SubjectKind::privacy_proxy;
  switch (contact.person_type) {
    case model::PersonType::legal:
      return SubjectKind::legal;
    case model::PersonType::natural:
      return SubjectKind::natural;
    case model::PersonType::unknown:
      return SubjectKind::unknown;
  }
  return SubjectKind::unknown;
}

// The rule that lets the public see this contact's value of `field`, or kNone when none does.
std::string_view publishing_rule(const Field& field, const model::Contact& contact,
                                 const Switches& switches) {
  if (contact.person_type == model::PersonType::legal && !reaches_a_person(field.element)) {
    return rule::kLegalPerson;
  }
  if (consented(field, contact)) return rule::kConsent;
  if (contact.person_type == model::PersonType::legal && switches.publish_legal_person_contacts) {
    return rule::kLegalPersonContacts;
  }
  return rule::kNone;
}

FieldDecision disclose(std::string_view by) {
  return {Disposition::disclose, Reason::none, Notice::redacted, by};
}

// The contacts holding a field's role.
template <typename Visit>
bool for_each_contact(const Field& field, const model::Registration& registration, Visit visit) {
  bool held = false;
  for (const auto& [role, contact] : registration.contacts) {
    if (catalog_role(role) != field.role) continue;
    held = true;
    if (!visit(contact)) break;
  }
  return held;
}

// The public's view of one contact field: the publishing rule when every contact holding the role may
// show it; kNone when one may not.
std::string_view public_rule(const Field& field, const model::Registration& registration,
                             const Switches& switches, bool& held) {
  std::string_view by = rule::kNone;
  bool all = true;
  held = for_each_contact(field, registration, [&](const model::Contact& contact) {
    const std::string_view rule = publishing_rule(field, contact, switches);
    if (rule.empty()) {
      all = false;
      return false;
    }
    if (by.empty() || rule == rule::kConsent) by = rule;  // consent is the narrower ground: name it
    return true;
  });
  return held && all ? by : rule::kNone;
}

Notice notice_for(const Field& field, const Settings& settings) {
  return field.element == Element::email && settings.role == model::Operator::registry ? Notice::ask_registrar
                                                                                       : Notice::redacted;
}

template <typename T>
bool contains(const std::vector<T>& list, const T& value) {
  return std::find(list.begin(), list.end(), value) != list.end();
}

std::string joined(const std::vector<std::string>& list) {
  std::string all;
  for (const std::string& item : list) {
    if (!all.empty()) all += ", ";
    all += item;
  }
  return all;
}

// What the engine knows of the request, computed once.
struct Request {
  const identity::Caller& caller;
  const identity::Requestor* requestor;
  const Ask& ask;
  const Rules& rules;
  LawfulBasis basis;
  AccreditationState state;
  catalog::FieldSet requested_nonpublic;  // asked for and not public
};

// Why a rule does not apply to the request as a whole; empty when it does. Without `explain`, a
// mismatch is "-": a decision builds no text.
std::string request_mismatch(const Rule& rule, const Request& request, bool explain) {
  const model::Accreditation* accreditation = request.requestor != nullptr && request.requestor->accreditation
                                                  ? &*request.requestor->accreditation
                                                  : nullptr;
  if (!contains(rule.accreditation, request.state)) {
    return !explain ? std::string("-") : "accreditation is " + std::string(to_string(request.state));
  }
  if (!rule.purposes.empty() && !contains(rule.purposes, request.caller.purpose())) {
    return !explain ? std::string("-") : "purpose is not " + joined(rule.purposes);
  }
  if (!rule.lawful_bases.empty() && !contains(rule.lawful_bases, request.basis)) {
    return !explain ? std::string("-")
                    : "lawful basis " + std::string(to_string(request.basis)) + " is not one the rule names";
  }
  if (!rule.groups.empty() && (accreditation == nullptr || !contains(rule.groups, accreditation->group))) {
    return !explain ? std::string("-") : "user group is not " + joined(rule.groups);
  }
  if (!rule.authorities.empty() &&
      (accreditation == nullptr || !contains(rule.authorities, accreditation->authority))) {
    return !explain ? std::string("-") : "accrediting authority is not " + joined(rule.authorities);
  }
  if (!rule.priorities.empty() && !contains(rule.priorities, request.ask.priority)) {
    return !explain ? std::string("-") : "priority is not one the rule names";
  }
  if (!rule.abuse_types.empty() && !contains(rule.abuse_types, request.ask.abuse_type)) {
    return !explain ? std::string("-") : "abuse type is not " + joined(rule.abuse_types);
  }
  if (rule.only_these_fields) {
    for (const Field& field : catalog::all_fields()) {
      if (request.requested_nonpublic.contains(field) && !rule.fields.contains(field)) {
        return !explain ? std::string("-") : "the request asks for more than the rule's fields";
      }
    }
  }
  return {};
}

// Why a rule does not decide one field of an applicable request; empty when it does.
std::string field_mismatch(const Rule& rule, const Field& field, const model::Registration& registration,
                           bool explain) {
  if (rule.agent) {
    const bool has_agent = std::ranges::any_of(registration.contacts, [](const auto& contact) {
      return contact.first == model::ContactRole::agent;
    });
    if (*rule.agent != has_agent) {
      return !explain    ? std::string("-")
             : has_agent ? "the registrant designated an agent"
                         : "the registrant designated no agent";
    }
  }
  if (rule.subjects.empty() && !rule.consent) return {};
  std::string why;
  for_each_contact(field, registration, [&](const model::Contact& contact) {
    if (!rule.subjects.empty() && !contains(rule.subjects, subject_kind(contact))) {
      why = !explain ? std::string("-")
                     : "the data subject is " + std::string(to_string(subject_kind(contact)));
      return false;
    }
    if (rule.consent && *rule.consent != consented(field, contact)) {
      why = *rule.consent ? "the contact did not consent" : "the contact consented";
      return false;
    }
    return true;
  });
  return why;
}

std::vector<std::string> permitted_purposes(const Request& request) {
  if (request.requestor == nullptr || !request.requestor->accreditation) return {};
  const model::Accreditation& accreditation = *request.requestor->accreditation;
  if (!accreditation.purposes.empty()) return accreditation.purposes;
  const Group* group = request.rules.group(accreditation.group);
  return group != nullptr ? group->purposes : std::vector<std::string>{};
}

std::vector<LawfulBasis> permitted_bases(const Request& request) {
  if (request.requestor == nullptr || !request.requestor->accreditation) return {};
  const model::Accreditation& accreditation = *request.requestor->accreditation;
  if (!accreditation.lawful_bases.empty()) {
    std::vector<LawfulBasis> bases;
    for (const std::string& text : accreditation.lawful_bases) {
      if (auto basis = parse_lawful_basis(text)) bases.push_back(*basis);
    }
    return bases;
  }
  const Group* group = request.rules.group(accreditation.group);
  return group != nullptr ? group->lawful_bases : std::vector<LawfulBasis>{};
}

Explanation evaluate(const identity::Caller& caller, const model::Registration& registration,
                     const Settings& settings, const Ask& ask, bool trace) {
  const Rules& rules = settings.policy();
  Explanation out;
  Decision& decision = out.decision;
  if (trace) out.traces.resize(catalog::all_fields().size());
  // Only an explanation keeps the notes: a decision builds no strings.
  const auto note = [&](const Field& field, std::string_view rule, std::string_view text,
                        std::string_view more = {}) {
    if (trace)
      out.traces[catalog::index_of(field)].push_back(
          {std::string(rule), std::string(text) + std::string(more)});
  };

  // 1 and 2: what the public sees; fields without a value.
  catalog::FieldSet undecided;
  for (const Field& field : catalog::all_fields()) {
    if (field.default_visibility == catalog::Visibility::public_always) {
      decision.set(field, disclose(rule::kPublicElement));
      note(field, rule::kPublicElement, "decided: published to everyone");
      continue;
    }
    if (field.role == Role::none) {
      note(field, rule::kNone, "no rule publishes it");
      continue;  // withheld, no_policy
    }
    bool held = false;
    const std::string_view by = public_rule(field, registration, rules.switches(), held);
    if (!held) {
      note(field, rule::kNone, "no value: nobody holds this contact role");
      continue;
    }
    if (!by.empty()) {
      decision.set(field, disclose(by));
      note(field, by, "decided: public");
      continue;
    }
    undecided.insert(field);
  }

  const identity::Requestor* requestor = caller.requestor();
  Request request{caller,
                  requestor,
                  ask,
                  rules,
                  ask.lawful_basis.value_or(rules.switches().rdap_lawful_basis),
                  accreditation_state(caller),
                  {}};
  if (requestor != nullptr) {
    decision.lawful_basis = request.basis;
    out.lawful_basis = request.basis;
    out.accreditation = request.state;
    out.permitted_purposes = permitted_purposes(request);
    out.permitted_bases = permitted_bases(request);
    for (const Field& field : catalog::all_fields()) {
      if (undecided.contains(field) && (!ask.requested || ask.requested->contains(field))) {
        request.requested_nonpublic.insert(field);
      }
    }
  }
  const bool purpose_permitted = contains(out.permitted_purposes, caller.purpose());
  // Whether each rule applies to the request as a whole does not depend on the field: judged once.
  std::vector<std::string> not_applicable;
  if (requestor != nullptr) {
    not_applicable.reserve(rules.rules().size());
    for (const Rule& policy_rule : rules.rules())
      not_applicable.push_back(request_mismatch(policy_rule, request, trace));
  }
  const bool basis_permitted = contains(out.permitted_bases, request.basis);

  for (const Field& field : catalog::all_fields()) {
    if (!undecided.contains(field)) continue;
    const Notice notice = notice_for(field, settings);
    const auto withhold = [&](Reason reason, std::string_view by, std::string_view text,
                              std::string_view more = {}) {
      decision.set(field, {Disposition::withhold, reason, notice, by});
      note(field, by, text, more);
    };
    // 3: the public.
    if (requestor == nullptr) {
      withhold(Reason::personal_data, rule::kPersonalData, "decided: personal data, the public has no basis");
      continue;
    }
    // 4: a requestor.
    if (ask.requested && !ask.requested->contains(field)) {
      withhold(Reason::not_requested, rule::kNotRequested, "decided: not requested");
      continue;
    }
    if (request.state == AccreditationState::active && !purpose_permitted) {
      withhold(Reason::purpose_not_permitted, rule::kAccreditationPurposes,
               caller.purpose().empty() ? "decided: no purpose stated"
                                        : "decided: the accreditation does not permit purpose ",
               caller.purpose());
      continue;
    }
    if (request.state == AccreditationState::active && !basis_permitted) {
      withhold(Reason::basis_not_permitted, rule::kAccreditationBases,
               "decided: the accreditation does not permit lawful basis ", to_string(request.basis));
      continue;
    }
    bool decided = false;
    for (std::size_t i = 0; i < rules.rules().size(); ++i) {
      const Rule& policy_rule = rules.rules()[i];
      if (!policy_rule.fields.contains(field)) continue;
      const std::string why = not_applicable[i].empty()
                                  ? field_mismatch(policy_rule, field, registration, trace)
                                  : not_applicable[i];
      if (!why.empty()) {
        note(field, policy_rule.id, "skipped: ", why);
        continue;
      }
      switch (policy_rule.outcome) {
        case Outcome::disclose:
          decision.set(field, disclose(policy_rule.id));
          break;
        case Outcome::review:
          decision.set(field, {Disposition::review, Reason::pending_review, notice, policy_rule.id});
          break;
        case Outcome::refuse:
          decision.set(field, {Disposition::withhold, policy_rule.reason, notice, policy_rule.id});
          break;
      }
      note(field, policy_rule.id, "decided: ", to_string(policy_rule.outcome));
      decided = true;
      break;
    }
    if (decided) continue;
    if (request.state != AccreditationState::active) {
      withhold(Reason::not_accredited, rule::kAccreditationNotInForce, "decided: the accreditation is ",
               to_string(request.state));
    } else {
      withhold(Reason::no_policy, rule::kNoPolicy, "decided: no rule covers it");
    }
  }

  for (const Role role : {Role::admin, Role::tech, Role::billing, Role::agent}) {
    bool any = false;
    for (const Field& field : catalog::fields_of_role(role)) any = any || decision.discloses(field);
    if (!any) decision.omit_contact(role);
  }
  return out;
}

}  // namespace

std::string_view to_string(Disposition disposition) {
  switch (disposition) {
    case Disposition::disclose:
      return "disclose";
    case Disposition::withhold:
      return "withhold";
    case Disposition::review:
      return "review";
  }
  return "withhold";
}

bool is_public_rule(std::string_view rule) {
  return rule == rule::kPublicElement || rule == rule::kLegalPerson || rule == rule::kLegalPersonContacts ||
         rule == rule::kConsent;
}

Role catalog_role(model::ContactRole role) {
  switch (role) {
    case model::ContactRole::registrant:
      return Role::registrant;
    case model::ContactRole::admin:
      return Role::admin;
    case model::ContactRole::tech:
      return Role::tech;
    case model::ContactRole::billing:
      return Role::billing;
    case model::ContactRole::agent:
      return Role::agent;
  }
  return Role::registrant;
}

AccreditationState accreditation_state(const identity::Caller& caller) {
  const identity::Requestor* requestor = caller.requestor();
  if (requestor == nullptr || !requestor->accreditation) return AccreditationState::none;
  switch (requestor->accreditation->status) {
    case model::AccreditationStatus::active:
      return AccreditationState::active;
    case model::AccreditationStatus::suspended:
      return AccreditationState::suspended;
    case model::AccreditationStatus::revoked:
      return AccreditationState::revoked;
    case model::AccreditationStatus::expired:
      return AccreditationState::expired;
  }
  return AccreditationState::none;
}

catalog::FieldSet Decision::disclosed() const {
  catalog::FieldSet set;
  for (const Field& field : catalog::all_fields()) {
    if (discloses(field)) set.insert(field);
  }
  return set;
}

std::vector<std::string_view> Decision::rules() const {
  std::vector<std::string_view> ids;
  for (const Field& field : catalog::all_fields()) {
    const std::string_view id = (*this)[field].rule;
    if (!id.empty() && std::find(ids.begin(), ids.end(), id) == ids.end()) ids.push_back(id);
  }
  return ids;
}

Decision decide(const identity::Caller& caller, const model::Registration& registration,
                const Settings& settings, const Ask& ask) {
  return evaluate(caller, registration, settings, ask, false).decision;
}

Explanation explain(const identity::Caller& caller, const model::Registration& registration,
                    const Settings& settings, const Ask& ask) {
  return evaluate(caller, registration, settings, ask, true);
}

std::string fingerprint(const Settings& settings) {
  std::string text = "policy v2\nrole ";
  text += settings.role == model::Operator::registrar ? "registrar" : "registry";
  text += '\n';
  for (const catalog::Field& field : catalog::all_fields()) {
    text += field.key;
    text += field.personal_data ? " personal " : " not-personal ";
    text += catalog::to_string(field.default_visibility);
    text += '\n';
  }
  text += "rules ";
  text += settings.policy().fingerprint();
  text += '\n';
  return tlog::hex(tlog::sha256(text));
}

}  // namespace ssad::policy
