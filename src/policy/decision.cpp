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

// The rule that lets the public see this contact's value of `field`, or kNone when none does.
std::string_view publishing_rule(const Field& field, const model::Contact& contact) {
  if (contact.person_type == model::PersonType::legal) return rule::kLegalPerson;
  const unsigned element = consent_element(field.element);
  if (element != 0 && (contact.consent & element) != 0) return rule::kConsent;
  return rule::kNone;
}

FieldDecision disclose(std::string_view by) {
  return {Disposition::disclose, Reason::none, Notice::redacted, by};
}

// The anonymous public's decision about one contact field, over every contact holding its role.
FieldDecision public_contact_field(const Field& field, const model::Registration& registration,
                                   const Settings& settings) {
  bool held = false;
  std::string_view by = rule::kNone;
  for (const auto& [role, contact] : registration.contacts) {
    if (catalog_role(role) != field.role) continue;
    held = true;
    const std::string_view rule = publishing_rule(field, contact);
    if (rule.empty()) {
      by = rule::kNone;
      break;
    }
    if (by.empty() || rule == rule::kConsent) by = rule;  // consent is the narrower ground: name it
  }
  if (!held) return {};  // nobody holds the role: no value, no rule
  if (!by.empty()) return disclose(by);
  const Notice notice = field.element == Element::email && settings.role == model::Operator::registry
                            ? Notice::ask_registrar
                            : Notice::redacted;
  return {Disposition::withhold, Reason::personal_data, notice, rule::kPersonalData};
}

}  // namespace

std::string_view to_string(Reason reason) {
  switch (reason) {
    case Reason::none:
      return "none";
    case Reason::personal_data:
      return "personal_data";
    case Reason::no_rule:
      return "no_rule";
    case Reason::pending_review:
      return "pending_review";
  }
  return "no_rule";
}

std::string_view describe(Reason reason) {
  switch (reason) {
    case Reason::none:
      return "";
    case Reason::personal_data:
      return "Personal data, not published without a lawful basis for the requestor";
    case Reason::no_rule:
      return "Not published under the server's disclosure policy";
    case Reason::pending_review:
      return "Awaiting review of a disclosure request";
  }
  return "Not published under the server's disclosure policy";
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
  }
  return Role::registrant;
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
                const Settings& settings) {
  (void)caller;  // every caller is anonymous until the identity issue: the public decision
  Decision decision;
  for (const Field& field : catalog::all_fields()) {
    if (field.default_visibility == catalog::Visibility::public_always) {
      decision.set(field, disclose(rule::kPublicElement));
    } else if (field.role != Role::none) {
      decision.set(field, public_contact_field(field, registration, settings));
    }
  }
  for (const Role role : {Role::admin, Role::tech, Role::billing}) {
    bool any = false;
    for (const Field& field : catalog::fields_of_role(role)) any = any || decision.discloses(field);
    if (!any) decision.omit_contact(role);
  }
  return decision;
}

std::string fingerprint(const Settings& settings) {
  std::string text = "policy v1\nrole ";
  text += settings.role == model::Operator::registrar ? "registrar" : "registry";
  text += '\n';
  for (const catalog::Field& field : catalog::all_fields()) {
    text += field.key;
    text += field.personal_data ? " personal " : " not-personal ";
    text += catalog::to_string(field.default_visibility);
    text += '\n';
  }
  return tlog::hex(tlog::sha256(text));
}

}  // namespace ssad::policy
