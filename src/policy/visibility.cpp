#include "policy/visibility.hpp"

namespace ssad::policy {
namespace {

using catalog::Field;
using catalog::JcardProperty;
using catalog::Role;
using catalog::TelType;

// The EPP disclose element that covers a field, read off its RDAP location; 0 when none does (handles).
unsigned consent_element(const Field& field) {
  switch (field.rdap.property) {
    case JcardProperty::fn:
      return model::kConsentName;
    case JcardProperty::org:
      return model::kConsentOrganization;
    case JcardProperty::adr:
      return model::kConsentAddress;
    case JcardProperty::tel:
      return field.rdap.tel_type == TelType::fax ? model::kConsentFax : model::kConsentVoice;
    case JcardProperty::email:
      return model::kConsentEmail;
    case JcardProperty::none:
      return 0;
  }
  return 0;
}

}  // namespace

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

FieldSet FieldSet::all() {
  FieldSet set;
  for (const auto& field : catalog::all_fields()) set.insert(field);
  return set;
}

bool FieldSet::contains(std::string_view key) const {
  const Field* field = catalog::find_field(key);
  return field != nullptr && contains(*field);
}

std::size_t FieldSet::index_of(const Field& field) {
  const auto fields = catalog::all_fields();
  return static_cast<std::size_t>(&field - fields.data());
}

bool publishable(const Field& field, const model::Contact& contact) {
  if (contact.person_type == model::PersonType::legal) return true;
  const unsigned element = consent_element(field);
  return element != 0 && (contact.consent & element) != 0;
}

std::string_view contact_value(const Field& field, const model::Contact& contact) {
  const catalog::RdapLocation& at = field.rdap;
  if (at.property == JcardProperty::none)
    return at.member == "handle" ? std::string_view(contact.handle) : "";
  if (at.property == JcardProperty::tel) {
    const bool fax = at.tel_type == TelType::fax;
    if (at.tel_extension) return fax ? contact.fax_ext : contact.voice_ext;
    return fax ? contact.fax : contact.voice;
  }
  if (at.property == JcardProperty::email) return contact.email;
  const model::PostalInfo* postal = contact.preferred_postal();
  if (postal == nullptr) return {};
  switch (at.property) {
    case JcardProperty::fn:
      return postal->name;
    case JcardProperty::org:
      return postal->organization;
    case JcardProperty::adr:
      break;
    default:
      return {};
  }
  const model::PostalAddress& address = postal->address;
  if (at.parameter == "cc") return address.country_code;
  switch (at.adr_position) {
    case 2:  // the first street line that is there: any line makes the street a value to protect
      for (const auto& line : address.street) {
        if (!line.empty()) return line;
      }
      return {};
    case 3:
      return address.city;
    case 4:
      return address.state_province;
    case 5:
      return address.postal_code;
    default:
      return {};
  }
}

FieldSet public_fields(const model::Registration& registration) {
  FieldSet shown;
  for (const auto& field : catalog::all_fields()) {
    if (field.default_visibility == catalog::Visibility::public_always) {
      shown.insert(field);
      continue;
    }
    bool any = false;
    bool all = true;
    for (const auto& [role, contact] : registration.contacts) {
      if (catalog_role(role) != field.role) continue;
      any = true;
      all = all && publishable(field, contact);
    }
    if (any && all) shown.insert(field);
  }
  return shown;
}

}  // namespace ssad::policy
