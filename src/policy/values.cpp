#include "policy/values.hpp"

#include <algorithm>

#include "policy/decision.hpp"
#include "tlog/hash.hpp"

namespace ssad::policy {

std::string_view contact_value(catalog::Element element, const model::Contact& contact) {
  using catalog::Element;
  switch (element) {
    case Element::handle:
      return contact.handle;
    case Element::phone:
      return contact.voice;
    case Element::phone_ext:
      return contact.voice_ext;
    case Element::fax:
      return contact.fax;
    case Element::fax_ext:
      return contact.fax_ext;
    case Element::email:
      return contact.email;
    default:
      break;
  }
  const model::PostalInfo* postal = contact.preferred_postal();
  if (postal == nullptr) return {};
  const model::PostalAddress& address = postal->address;
  switch (element) {
    case Element::name:
      return postal->name;
    case Element::organization:
      return postal->organization;
    case Element::street:
      for (const auto& line : address.street) {
        if (!line.empty()) return line;
      }
      return {};
    case Element::city:
      return address.city;
    case Element::state_province:
      return address.state_province;
    case Element::postal_code:
      return address.postal_code;
    case Element::country_code:
      return address.country_code;
    default:
      return {};
  }
}

std::vector<std::string> served_values(const catalog::Field& field, const model::Registration& registration) {
  std::vector<std::string> values;
  for (const auto& [role, contact] : registration.contacts) {
    if (catalog_role(role) != field.role) continue;
    const model::PostalInfo* postal = contact.preferred_postal();
    if (field.element == catalog::Element::street && postal != nullptr) {
      // The renderer writes every street line (rdap/render.cpp write_adr); contact_value() names the first.
      for (const std::string& line : postal->address.street) {
        if (!line.empty()) values.push_back(line);
      }
      continue;
    }
    values.emplace_back(contact_value(field.element, contact));
  }
  return values;
}

std::string subject_fingerprint(catalog::Role role, const model::Registration& registration) {
  std::vector<std::string> handles;
  for (const auto& [contact_role, contact] : registration.contacts) {
    if (catalog_role(contact_role) == role) handles.push_back(contact.handle);
  }
  if (handles.empty()) return {};
  std::ranges::sort(handles);
  std::string text = "ssad-subject-v1";
  for (const std::string& handle : handles) text += "\n" + handle;
  return tlog::hex(tlog::sha256(text));
}

}  // namespace ssad::policy
