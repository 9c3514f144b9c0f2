#include "catalog/catalog.hpp"

#include <algorithm>
#include <array>
#include <cstddef>

namespace ssad::catalog {
namespace {

// Short names that keep the table one entry per line pair.
constexpr bool kRegistered = true;  // redacted_name is IANA-registered (name.type)
constexpr bool kDescribed = false;  // redacted_name is a description (name.description)
constexpr bool kPersonal = true;
constexpr bool kNotPersonal = false;
constexpr Visibility kPublic = Visibility::public_always;
constexpr Visibility kPublicUnlessPersonal = Visibility::public_unless_personal;
constexpr Visibility kRedacted = Visibility::redacted_by_default;
constexpr RedactionMethod kRemoval = RedactionMethod::removal;
constexpr RedactionMethod kEmptyValue = RedactionMethod::empty_value;

// jCard adr value components (RFC 6350 §6.3.1: pobox, ext, street, locality, region, code, country).
constexpr int kAdrStreet = 2;
constexpr int kAdrCity = 3;
constexpr int kAdrRegion = 4;
constexpr int kAdrPostalCode = 5;

// Location builders: they only fill an RdapLocation, so the table reads as data.
constexpr RdapLocation domain_member(std::string_view member, std::string_view select_key = {},
                                     std::string_view select_value = {}) {
  RdapLocation at;
  at.member = member;
  at.select_key = select_key;
  at.select_value = select_value;
  return at;
}

constexpr RdapLocation entity_member(std::string_view entity_role, std::string_view member,
                                     std::string_view select_key = {}, std::string_view select_value = {}) {
  RdapLocation at = domain_member(member, select_key, select_value);
  at.entity_role = entity_role;
  return at;
}

constexpr RdapLocation jcard(std::string_view entity_role, JcardProperty property,
                             std::string_view sub_entity_role = {}) {
  RdapLocation at;
  at.entity_role = entity_role;
  at.sub_entity_role = sub_entity_role;
  at.property = property;
  return at;
}

constexpr RdapLocation adr(std::string_view entity_role, int position) {
  RdapLocation at = jcard(entity_role, JcardProperty::adr);
  at.adr_position = position;
  return at;
}

constexpr RdapLocation adr_parameter(std::string_view entity_role, std::string_view parameter) {
  RdapLocation at = jcard(entity_role, JcardProperty::adr);
  at.parameter = parameter;
  return at;
}

constexpr RdapLocation tel(std::string_view entity_role, TelType type, bool extension = false,
                           std::string_view sub_entity_role = {}) {
  RdapLocation at = jcard(entity_role, JcardProperty::tel, sub_entity_role);
  at.tel_type = type;
  at.tel_extension = extension;
  return at;
}

constexpr bool kExtension = true;

// The catalogue, in gTLD WHOIS output order (spec rdap.md §8; "Reseller" where registrar output puts it),
// billing after tech. Columns: key, role, element, redacted name, registered?, personal?, default visibility,
// redaction method, RDAP location, WHOIS key.
constexpr std::array kFields = std::to_array<Field>({
    // Domain and registrar: public data.
    {"domain.name", Role::none, Element::domain_name, "Domain Name", kDescribed, kNotPersonal, kPublic,
     kRemoval, domain_member("ldhName"), "Domain Name"},
    {"domain.handle", Role::none, Element::domain_handle, "Registry Domain ID", kRegistered, kNotPersonal,
     kPublic, kRemoval, domain_member("handle"), "Registry Domain ID"},
    {"registrar.whois_server", Role::none, Element::registrar_whois_server, "Registrar WHOIS Server",
     kDescribed, kNotPersonal, kPublic, kRemoval, domain_member("port43"), "Registrar WHOIS Server"},
    {"registrar.url", Role::none, Element::registrar_url, "Registrar URL", kDescribed, kNotPersonal, kPublic,
     kRemoval, entity_member("registrar", "links", "rel", "about"), "Registrar URL"},
    {"domain.updated", Role::none, Element::domain_updated, "Updated Date", kDescribed, kNotPersonal, kPublic,
     kRemoval, domain_member("events", "eventAction", "last changed"), "Updated Date"},
    {"domain.created", Role::none, Element::domain_created, "Creation Date", kDescribed, kNotPersonal,
     kPublic, kRemoval, domain_member("events", "eventAction", "registration"), "Creation Date"},
    {"domain.expires", Role::none, Element::domain_expires, "Registry Expiry Date", kDescribed, kNotPersonal,
     kPublic, kRemoval, domain_member("events", "eventAction", "expiration"), "Registry Expiry Date"},
    {"registrar.name", Role::none, Element::registrar_name, "Registrar Name", kDescribed, kNotPersonal,
     kPublic, kEmptyValue, jcard("registrar", JcardProperty::fn), "Registrar"},
    {"registrar.iana_id", Role::none, Element::registrar_iana_id, "Registrar IANA ID", kDescribed,
     kNotPersonal, kPublic, kRemoval, entity_member("registrar", "publicIds", "type", "IANA Registrar ID"),
     "Registrar IANA ID"},
    {"registrar.abuse_email", Role::none, Element::registrar_abuse_email, "Registrar Abuse Contact Email",
     kDescribed, kNotPersonal, kPublic, kRemoval, jcard("registrar", JcardProperty::email, "abuse"),
     "Registrar Abuse Contact Email"},
    {"registrar.abuse_phone", Role::none, Element::registrar_abuse_phone, "Registrar Abuse Contact Phone",
     kDescribed, kNotPersonal, kPublic, kRemoval, tel("registrar", TelType::voice, false, "abuse"),
     "Registrar Abuse Contact Phone"},
    {"domain.reseller", Role::none, Element::domain_reseller, "Reseller", kDescribed, kNotPersonal, kPublic,
     kEmptyValue, jcard("reseller", JcardProperty::fn), "Reseller"},
    {"domain.status", Role::none, Element::domain_status, "Domain Status", kDescribed, kNotPersonal, kPublic,
     kRemoval, domain_member("status"), "Domain Status"},

    // Registrant: the 2024 profile's registered names; org, region and country code stay public.
    {"registrant.handle", Role::registrant, Element::handle, "Registry Registrant ID", kRegistered, kPersonal,
     kRedacted, kRemoval, entity_member("registrant", "handle"), "Registry Registrant ID"},
    {"registrant.name", Role::registrant, Element::name, "Registrant Name", kRegistered, kPersonal, kRedacted,
     kEmptyValue, jcard("registrant", JcardProperty::fn), "Registrant Name"},
    {"registrant.organization", Role::registrant, Element::organization, "Registrant Organization",
     kRegistered, kPersonal, kPublicUnlessPersonal, kRemoval, jcard("registrant", JcardProperty::org),
     "Registrant Organization"},
    {"registrant.street", Role::registrant, Element::street, "Registrant Street", kRegistered, kPersonal,
     kRedacted, kEmptyValue, adr("registrant", kAdrStreet), "Registrant Street"},
    {"registrant.city", Role::registrant, Element::city, "Registrant City", kRegistered, kPersonal, kRedacted,
     kEmptyValue, adr("registrant", kAdrCity), "Registrant City"},
    {"registrant.state_province", Role::registrant, Element::state_province, "Registrant State/Province",
     kDescribed, kNotPersonal, kPublic, kEmptyValue, adr("registrant", kAdrRegion),
     "Registrant State/Province"},
    {"registrant.postal_code", Role::registrant, Element::postal_code, "Registrant Postal Code", kRegistered,
     kPersonal, kRedacted, kEmptyValue, adr("registrant", kAdrPostalCode), "Registrant Postal Code"},
    {"registrant.country_code", Role::registrant, Element::country_code, "Registrant Country", kDescribed,
     kNotPersonal, kPublic, kRemoval, adr_parameter("registrant", "cc"), "Registrant Country"},
    {"registrant.phone", Role::registrant, Element::phone, "Registrant Phone", kRegistered, kPersonal,
     kRedacted, kRemoval, tel("registrant", TelType::voice), "Registrant Phone"},
    {"registrant.phone_ext", Role::registrant, Element::phone_ext, "Registrant Phone Ext", kRegistered,
     kPersonal, kRedacted, kRemoval, tel("registrant", TelType::voice, kExtension), "Registrant Phone Ext"},
    {"registrant.fax", Role::registrant, Element::fax, "Registrant Fax", kRegistered, kPersonal, kRedacted,
     kRemoval, tel("registrant", TelType::fax), "Registrant Fax"},
    {"registrant.fax_ext", Role::registrant, Element::fax_ext, "Registrant Fax Ext", kRegistered, kPersonal,
     kRedacted, kRemoval, tel("registrant", TelType::fax, kExtension), "Registrant Fax Ext"},
    {"registrant.email", Role::registrant, Element::email, "Registrant Email", kRegistered, kPersonal,
     kRedacted, kRemoval, jcard("registrant", JcardProperty::email), "Registrant Email"},

    // Admin: no registered names; the whole contact is withheld in public gTLD output.
    {"admin.handle", Role::admin, Element::handle, "Administrative Contact ID", kDescribed, kPersonal,
     kRedacted, kRemoval, entity_member("administrative", "handle"), "Registry Admin ID"},
    {"admin.name", Role::admin, Element::name, "Administrative Contact Name", kDescribed, kPersonal,
     kRedacted, kEmptyValue, jcard("administrative", JcardProperty::fn), "Admin Name"},
    {"admin.organization", Role::admin, Element::organization, "Administrative Contact Organization",
     kDescribed, kPersonal, kRedacted, kRemoval, jcard("administrative", JcardProperty::org),
     "Admin Organization"},
    {"admin.street", Role::admin, Element::street, "Administrative Contact Street", kDescribed, kPersonal,
     kRedacted, kEmptyValue, adr("administrative", kAdrStreet), "Admin Street"},
    {"admin.city", Role::admin, Element::city, "Administrative Contact City", kDescribed, kPersonal,
     kRedacted, kEmptyValue, adr("administrative", kAdrCity), "Admin City"},
    {"admin.state_province", Role::admin, Element::state_province, "Administrative Contact State/Province",
     kDescribed, kNotPersonal, kRedacted, kEmptyValue, adr("administrative", kAdrRegion),
     "Admin State/Province"},
    {"admin.postal_code", Role::admin, Element::postal_code, "Administrative Contact Postal Code", kDescribed,
     kPersonal, kRedacted, kEmptyValue, adr("administrative", kAdrPostalCode), "Admin Postal Code"},
    {"admin.country_code", Role::admin, Element::country_code, "Administrative Contact Country", kDescribed,
     kNotPersonal, kRedacted, kRemoval, adr_parameter("administrative", "cc"), "Admin Country"},
    {"admin.phone", Role::admin, Element::phone, "Administrative Contact Phone", kDescribed, kPersonal,
     kRedacted, kRemoval, tel("administrative", TelType::voice), "Admin Phone"},
    {"admin.phone_ext", Role::admin, Element::phone_ext, "Administrative Contact Phone Ext", kDescribed,
     kPersonal, kRedacted, kRemoval, tel("administrative", TelType::voice, kExtension), "Admin Phone Ext"},
    {"admin.fax", Role::admin, Element::fax, "Administrative Contact Fax", kDescribed, kPersonal, kRedacted,
     kRemoval, tel("administrative", TelType::fax), "Admin Fax"},
    {"admin.fax_ext", Role::admin, Element::fax_ext, "Administrative Contact Fax Ext", kDescribed, kPersonal,
     kRedacted, kRemoval, tel("administrative", TelType::fax, kExtension), "Admin Fax Ext"},
    {"admin.email", Role::admin, Element::email, "Administrative Contact Email", kDescribed, kPersonal,
     kRedacted, kRemoval, jcard("administrative", JcardProperty::email), "Admin Email"},

    // Tech: registered names for ID, name, phone, phone ext and email; descriptions for the rest.
    {"tech.handle", Role::tech, Element::handle, "Registry Tech ID", kRegistered, kPersonal, kRedacted,
     kRemoval, entity_member("technical", "handle"), "Registry Tech ID"},
    {"tech.name", Role::tech, Element::name, "Tech Name", kRegistered, kPersonal, kRedacted, kEmptyValue,
     jcard("technical", JcardProperty::fn), "Tech Name"},
    {"tech.organization", Role::tech, Element::organization, "Technical Contact Organization", kDescribed,
     kPersonal, kRedacted, kRemoval, jcard("technical", JcardProperty::org), "Tech Organization"},
    {"tech.street", Role::tech, Element::street, "Technical Contact Street", kDescribed, kPersonal, kRedacted,
     kEmptyValue, adr("technical", kAdrStreet), "Tech Street"},
    {"tech.city", Role::tech, Element::city, "Technical Contact City", kDescribed, kPersonal, kRedacted,
     kEmptyValue, adr("technical", kAdrCity), "Tech City"},
    {"tech.state_province", Role::tech, Element::state_province, "Technical Contact State/Province",
     kDescribed, kNotPersonal, kRedacted, kEmptyValue, adr("technical", kAdrRegion), "Tech State/Province"},
    {"tech.postal_code", Role::tech, Element::postal_code, "Technical Contact Postal Code", kDescribed,
     kPersonal, kRedacted, kEmptyValue, adr("technical", kAdrPostalCode), "Tech Postal Code"},
    {"tech.country_code", Role::tech, Element::country_code, "Technical Contact Country", kDescribed,
     kNotPersonal, kRedacted, kRemoval, adr_parameter("technical", "cc"), "Tech Country"},
    {"tech.phone", Role::tech, Element::phone, "Tech Phone", kRegistered, kPersonal, kRedacted, kRemoval,
     tel("technical", TelType::voice), "Tech Phone"},
    {"tech.phone_ext", Role::tech, Element::phone_ext, "Tech Phone Ext", kRegistered, kPersonal, kRedacted,
     kRemoval, tel("technical", TelType::voice, kExtension), "Tech Phone Ext"},
    {"tech.fax", Role::tech, Element::fax, "Technical Contact Fax", kDescribed, kPersonal, kRedacted,
     kRemoval, tel("technical", TelType::fax), "Tech Fax"},
    {"tech.fax_ext", Role::tech, Element::fax_ext, "Technical Contact Fax Ext", kDescribed, kPersonal,
     kRedacted, kRemoval, tel("technical", TelType::fax, kExtension), "Tech Fax Ext"},
    {"tech.email", Role::tech, Element::email, "Tech Email", kRegistered, kPersonal, kRedacted, kRemoval,
     jcard("technical", JcardProperty::email), "Tech Email"},

    // Billing: never in public gTLD output, hence no WHOIS key.
    {"billing.handle", Role::billing, Element::handle, "Billing Contact ID", kDescribed, kPersonal, kRedacted,
     kRemoval, entity_member("billing", "handle"), ""},
    {"billing.name", Role::billing, Element::name, "Billing Contact Name", kDescribed, kPersonal, kRedacted,
     kEmptyValue, jcard("billing", JcardProperty::fn), ""},
    {"billing.organization", Role::billing, Element::organization, "Billing Contact Organization", kDescribed,
     kPersonal, kRedacted, kRemoval, jcard("billing", JcardProperty::org), ""},
    {"billing.street", Role::billing, Element::street, "Billing Contact Street", kDescribed, kPersonal,
     kRedacted, kEmptyValue, adr("billing", kAdrStreet), ""},
    {"billing.city", Role::billing, Element::city, "Billing Contact City", kDescribed, kPersonal, kRedacted,
     kEmptyValue, adr("billing", kAdrCity), ""},
    {"billing.state_province", Role::billing, Element::state_province, "Billing Contact State/Province",
     kDescribed, kNotPersonal, kRedacted, kEmptyValue, adr("billing", kAdrRegion), ""},
    {"billing.postal_code", Role::billing, Element::postal_code, "Billing Contact Postal Code", kDescribed,
     kPersonal, kRedacted, kEmptyValue, adr("billing", kAdrPostalCode), ""},
    {"billing.country_code", Role::billing, Element::country_code, "Billing Contact Country", kDescribed,
     kNotPersonal, kRedacted, kRemoval, adr_parameter("billing", "cc"), ""},
    {"billing.phone", Role::billing, Element::phone, "Billing Contact Phone", kDescribed, kPersonal,
     kRedacted, kRemoval, tel("billing", TelType::voice), ""},
    {"billing.phone_ext", Role::billing, Element::phone_ext, "Billing Contact Phone Ext", kDescribed,
     kPersonal, kRedacted, kRemoval, tel("billing", TelType::voice, kExtension), ""},
    {"billing.fax", Role::billing, Element::fax, "Billing Contact Fax", kDescribed, kPersonal, kRedacted,
     kRemoval, tel("billing", TelType::fax), ""},
    {"billing.fax_ext", Role::billing, Element::fax_ext, "Billing Contact Fax Ext", kDescribed, kPersonal,
     kRedacted, kRemoval, tel("billing", TelType::fax, kExtension), ""},
    {"billing.email", Role::billing, Element::email, "Billing Contact Email", kDescribed, kPersonal,
     kRedacted, kRemoval, jcard("billing", JcardProperty::email), ""},

    // Agent: designated by the registrant for technical and security issues, with its consent (issue 15;
    // docs/subject.md). Never in the registry's data nor in WHOIS: merged into a requestor's RDAP view
    // while the designation is in force, as an entity with the "abuse" role (RFC 9083 §10.2.4: it
    // "handles network abuse issues on behalf of the registrant of the registration").
    {"agent.handle", Role::agent, Element::handle, "Agent ID", kDescribed, kPersonal, kRedacted, kRemoval,
     entity_member("abuse", "handle"), ""},
    {"agent.name", Role::agent, Element::name, "Agent Name", kDescribed, kPersonal, kRedacted, kEmptyValue,
     jcard("abuse", JcardProperty::fn), ""},
    {"agent.organization", Role::agent, Element::organization, "Agent Organization", kDescribed, kPersonal,
     kRedacted, kRemoval, jcard("abuse", JcardProperty::org), ""},
    {"agent.street", Role::agent, Element::street, "Agent Street", kDescribed, kPersonal, kRedacted,
     kEmptyValue, adr("abuse", kAdrStreet), ""},
    {"agent.city", Role::agent, Element::city, "Agent City", kDescribed, kPersonal, kRedacted, kEmptyValue,
     adr("abuse", kAdrCity), ""},
    {"agent.state_province", Role::agent, Element::state_province, "Agent State/Province", kDescribed,
     kNotPersonal, kRedacted, kEmptyValue, adr("abuse", kAdrRegion), ""},
    {"agent.postal_code", Role::agent, Element::postal_code, "Agent Postal Code", kDescribed, kPersonal,
     kRedacted, kEmptyValue, adr("abuse", kAdrPostalCode), ""},
    {"agent.country_code", Role::agent, Element::country_code, "Agent Country", kDescribed, kNotPersonal,
     kRedacted, kRemoval, adr_parameter("abuse", "cc"), ""},
    {"agent.phone", Role::agent, Element::phone, "Agent Phone", kDescribed, kPersonal, kRedacted, kRemoval,
     tel("abuse", TelType::voice), ""},
    {"agent.phone_ext", Role::agent, Element::phone_ext, "Agent Phone Ext", kDescribed, kPersonal, kRedacted,
     kRemoval, tel("abuse", TelType::voice, kExtension), ""},
    {"agent.fax", Role::agent, Element::fax, "Agent Fax", kDescribed, kPersonal, kRedacted, kRemoval,
     tel("abuse", TelType::fax), ""},
    {"agent.fax_ext", Role::agent, Element::fax_ext, "Agent Fax Ext", kDescribed, kPersonal, kRedacted,
     kRemoval, tel("abuse", TelType::fax, kExtension), ""},
    {"agent.email", Role::agent, Element::email, "Agent Email", kDescribed, kPersonal, kRedacted, kRemoval,
     jcard("abuse", JcardProperty::email), ""},

    // After the contacts in WHOIS output.
    {"domain.nameservers", Role::none, Element::domain_nameservers, "Name Server", kDescribed, kNotPersonal,
     kPublic, kRemoval, domain_member("nameservers"), "Name Server"},
    {"domain.dnssec", Role::none, Element::domain_dnssec, "DNSSEC", kDescribed, kNotPersonal, kPublic,
     kRemoval, domain_member("secureDNS"), "DNSSEC"},
});

// The redacted names IANA registers for the 2024 profile (spec rdap.md §2); each is used exactly once.
constexpr std::array<std::string_view, 17> kRegisteredNames = {
    "Registry Domain ID",
    "Registry Registrant ID",
    "Registrant Name",
    "Registrant Organization",
    "Registrant Street",
    "Registrant City",
    "Registrant Postal Code",
    "Registrant Phone",
    "Registrant Phone Ext",
    "Registrant Fax",
    "Registrant Fax Ext",
    "Registrant Email",
    "Registry Tech ID",
    "Tech Name",
    "Tech Phone",
    "Tech Phone Ext",
    "Tech Email",
};

struct RoleNames {
  Role role;
  std::string_view key_prefix;
  std::string_view rdap_role;
  std::string_view description;
};

constexpr std::array kRoleNames = std::to_array<RoleNames>({
    {Role::none, "none", "", ""},
    {Role::registrant, "registrant", "registrant", "Registrant"},
    {Role::admin, "admin", "administrative", "Administrative Contact"},
    {Role::tech, "tech", "technical", "Technical Contact"},
    {Role::billing, "billing", "billing", "Billing Contact"},
    {Role::agent, "agent", "abuse", "Agent"},
});

constexpr const RoleNames& names_of(Role role) {
  for (const RoleNames& names : kRoleNames) {
    if (names.role == role) {
      return names;
    }
  }
  return kRoleNames[0];
}

constexpr std::array kElementNames = std::to_array<std::pair<Element, std::string_view>>({
    {Element::domain_name, "domain_name"},
    {Element::domain_handle, "domain_handle"},
    {Element::registrar_whois_server, "registrar_whois_server"},
    {Element::registrar_url, "registrar_url"},
    {Element::domain_updated, "domain_updated"},
    {Element::domain_created, "domain_created"},
    {Element::domain_expires, "domain_expires"},
    {Element::registrar_name, "registrar_name"},
    {Element::registrar_iana_id, "registrar_iana_id"},
    {Element::registrar_abuse_email, "registrar_abuse_email"},
    {Element::registrar_abuse_phone, "registrar_abuse_phone"},
    {Element::domain_reseller, "domain_reseller"},
    {Element::domain_status, "domain_status"},
    {Element::domain_nameservers, "domain_nameservers"},
    {Element::domain_dnssec, "domain_dnssec"},
    {Element::handle, "handle"},
    {Element::name, "name"},
    {Element::organization, "organization"},
    {Element::street, "street"},
    {Element::city, "city"},
    {Element::state_province, "state_province"},
    {Element::postal_code, "postal_code"},
    {Element::country_code, "country_code"},
    {Element::phone, "phone"},
    {Element::phone_ext, "phone_ext"},
    {Element::fax, "fax"},
    {Element::fax_ext, "fax_ext"},
    {Element::email, "email"},
});

constexpr std::string_view element_name(Element element) {
  for (const auto& [e, name] : kElementNames) {
    if (e == element) {
      return name;
    }
  }
  return "";
}

constexpr bool is_contact_element(Element element) { return element >= Element::handle; }

// RFC 9537 §3: jCard fn and the components of the positional adr value are redacted by emptyValue;
// everything else — object members and optional jCard properties, removed whole — by removal.
constexpr RedactionMethod rfc9537_method(const RdapLocation& at) {
  const bool positional = at.property == JcardProperty::fn ||
                          (at.property == JcardProperty::adr && at.parameter.empty() && at.adr_position > 0);
  return positional ? RedactionMethod::empty_value : RedactionMethod::removal;
}

// Compile-time checks of the table: a broken entry does not build.
constexpr bool keys_are_unique() {
  for (std::size_t i = 0; i < kFields.size(); ++i) {
    for (std::size_t j = i + 1; j < kFields.size(); ++j) {
      if (kFields[i].key == kFields[j].key) {
        return false;
      }
    }
  }
  return true;
}

constexpr bool contacts_are_contiguous() {
  for (std::size_t i = 0; i < kFields.size(); ++i) {
    for (std::size_t j = i + 2; j < kFields.size(); ++j) {
      if (kFields[i].role != Role::none && kFields[i].role == kFields[j].role &&
          kFields[j - 1].role != kFields[i].role) {
        return false;
      }
    }
  }
  return true;
}

constexpr bool contacts_match_their_role() {
  for (const Field& entry : kFields) {
    if (entry.role == Role::none) {
      continue;
    }
    const RoleNames& names = names_of(entry.role);
    if (!entry.key.starts_with(names.key_prefix) || entry.key.substr(names.key_prefix.size(), 1) != ".") {
      return false;
    }
    if (entry.rdap.entity_role != names.rdap_role || !entry.rdap.sub_entity_role.empty()) {
      return false;
    }
  }
  return true;
}

constexpr bool registered_names_are_used_once() {
  for (const std::string_view name : kRegisteredNames) {
    int uses = 0;
    for (const Field& entry : kFields) {
      if (entry.registered_name && entry.redacted_name == name) {
        ++uses;
      }
    }
    if (uses != 1) {
      return false;
    }
  }
  for (const Field& entry : kFields) {
    if (entry.registered_name && std::find(kRegisteredNames.begin(), kRegisteredNames.end(),
                                           entry.redacted_name) == kRegisteredNames.end()) {
      return false;
    }
  }
  return true;
}

constexpr bool methods_follow_rfc9537() {
  for (const Field& entry : kFields) {
    if (entry.redaction_method != rfc9537_method(entry.rdap)) {
      return false;
    }
  }
  return true;
}

constexpr bool locations_are_complete() {
  for (const Field& entry : kFields) {
    const RdapLocation& at = entry.rdap;
    const bool in_jcard = at.property != JcardProperty::none;
    if (in_jcard == !at.member.empty()) {
      return false;  // exactly one of member and jCard property
    }
    if (in_jcard && at.entity_role.empty()) {
      return false;
    }
    if ((at.property == JcardProperty::tel) != (at.tel_type != TelType::none)) {
      return false;
    }
    if (at.select_key.empty() != at.select_value.empty()) {
      return false;
    }
    if (entry.key.empty() || entry.redacted_name.empty()) {
      return false;
    }
  }
  return true;
}

// The element is the key's last part for contacts, the key with '_' for '.' otherwise; every contact
// element appears once per contact.
constexpr bool elements_match_keys() {
  for (const Field& entry : kFields) {
    const std::string_view name = element_name(entry.element);
    const std::size_t dot = entry.key.find('.');
    if (name.empty() || dot == std::string_view::npos ||
        is_contact_element(entry.element) != (entry.role != Role::none)) {
      return false;
    }
    if (entry.role != Role::none) {
      if (entry.key.substr(dot + 1) != name) {
        return false;
      }
    } else if (name.size() != entry.key.size() || name.substr(0, dot) != entry.key.substr(0, dot) ||
               name[dot] != '_' || name.substr(dot + 1) != entry.key.substr(dot + 1)) {
      return false;
    }
  }
  return true;
}

static_assert(keys_are_unique(), "catalogue keys must be unique");
static_assert(elements_match_keys(), "a field's element must match its key");
static_assert(contacts_are_contiguous(), "each contact's fields must be one block (fields_of_role)");
static_assert(contacts_match_their_role(), "a contact field's key prefix and RDAP role must match its role");
static_assert(registered_names_are_used_once(),
              "registered redacted names: exactly the IANA list, once each");
static_assert(methods_follow_rfc9537(), "redaction methods must follow RFC 9537 §3");
static_assert(locations_are_complete(), "every entry needs a key, a redacted name and a whole RDAP location");

}  // namespace

std::span<const Field> all_fields() { return kFields; }

const Field* find_field(std::string_view key) {
  const auto it =
      std::find_if(kFields.begin(), kFields.end(), [key](const Field& f) { return f.key == key; });
  return it == kFields.end() ? nullptr : &*it;
}

Result<const Field*> field(std::string_view key) {
  if (const Field* found = find_field(key)) {
    return found;
  }
  return fail(ErrorCode::invalid_input, "unknown field key '" + std::string(key) + "'");
}

std::size_t index_of(const Field& field) { return static_cast<std::size_t>(&field - kFields.data()); }

const Field* find_field(Role role, Element element) {
  // Renderers ask for every field of every object: a table built once, not a scan per call.
  constexpr std::size_t kRoles = static_cast<std::size_t>(Role::agent) + 1;
  constexpr std::size_t kElements = static_cast<std::size_t>(Element::email) + 1;
  static const auto table = [] {
    std::array<std::array<const Field*, kElements>, kRoles> by_role{};
    for (const Field& field : kFields) {
      by_role.at(static_cast<std::size_t>(field.role)).at(static_cast<std::size_t>(field.element)) = &field;
    }
    return by_role;
  }();
  const auto r = static_cast<std::size_t>(role);
  const auto e = static_cast<std::size_t>(element);
  return r < kRoles && e < kElements ? table[r][e] : nullptr;
}

std::span<const Field> fields_of_role(Role role) {
  if (role == Role::none) {
    return {};
  }
  const std::span<const Field> all = kFields;
  const auto first = std::find_if(all.begin(), all.end(), [role](const Field& f) { return f.role == role; });
  const auto last = std::find_if(first, all.end(), [role](const Field& f) { return f.role != role; });
  return all.subspan(static_cast<std::size_t>(first - all.begin()), static_cast<std::size_t>(last - first));
}

std::string_view to_string(Role role) { return names_of(role).key_prefix; }

std::string_view rdap_role(Role role) { return names_of(role).rdap_role; }

std::string_view contact_description(Role role) { return names_of(role).description; }

std::string_view to_string(Element element) { return element_name(element); }

std::string_view to_string(RedactionMethod method) {
  switch (method) {
    case RedactionMethod::removal:
      return "removal";
    case RedactionMethod::empty_value:
      return "emptyValue";
    case RedactionMethod::partial_value:
      return "partialValue";
    case RedactionMethod::replacement_value:
      return "replacementValue";
  }
  return "removal";
}

std::string_view to_string(Visibility visibility) {
  switch (visibility) {
    case Visibility::public_always:
      return "public_always";
    case Visibility::public_unless_personal:
      return "public_unless_personal";
    case Visibility::redacted_by_default:
      return "redacted_by_default";
  }
  return "redacted_by_default";
}

}  // namespace ssad::catalog
