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

namespace {

// Version 1 (issue 13): the handles alone. Version 2: each holder's handle, name, organisation and email.
std::string fingerprint(catalog::Role role, const model::Registration& registration, bool with_identity) {
  std::vector<std::string> holders;
  for (const auto& [contact_role, contact] : registration.contacts) {
    if (catalog_role(contact_role) != role) continue;
    std::string holder = contact.handle;
    if (with_identity) {
      const model::PostalInfo* postal = contact.preferred_postal();
      // Unit separators keep the parts apart: no value of one part can pass for another's.
      holder.append("\x1f").append(postal != nullptr ? postal->name : "");
      holder.append("\x1f").append(postal != nullptr ? postal->organization : "");
      holder.append("\x1f").append(contact.email);
    }
    holders.push_back(std::move(holder));
  }
  if (holders.empty()) return {};
  std::ranges::sort(holders);
  std::string text = with_identity ? "ssad-subject-v2" : "ssad-subject-v1";
  for (const std::string& holder : holders) text += "\n" + holder;
  return tlog::hex(tlog::sha256(text));
}

}  // namespace

std::string subject_fingerprint(catalog::Role role, const model::Registration& registration) {
  return fingerprint(role, registration, true);
}

std::string salted_subject(std::string_view salt, std::string_view fingerprint) {
  std::string text = "ssad-subject-salted-v1\n";
  text.append(salt).append("\n").append(fingerprint);
  return tlog::hex(tlog::sha256(text));
}

std::string subject_record(catalog::Role role, const model::Registration& registration) {
  const std::string holders = fingerprint(role, registration, false);
  return holders.empty() ? holders : holders + " " + fingerprint(role, registration, true);
}

bool same_holders(std::string_view record, catalog::Role role, const model::Registration& registration) {
  const std::string_view holders = record.substr(0, record.find(' '));
  return !holders.empty() && holders == fingerprint(role, registration, false);
}

bool same_person(std::string_view record, catalog::Role role, const model::Registration& registration) {
  const auto space = record.find(' ');
  if (space == std::string_view::npos) return same_holders(record, role, registration);
  return record.substr(space + 1) == fingerprint(role, registration, true);
}

}  // namespace ssad::policy
