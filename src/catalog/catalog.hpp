#pragma once
// The field catalogue (DESIGN.md §3.1): one entry per registration data element, naming it by a stable
// key ("registrant.email") and saying everything the rest of the system needs to know about it — its
// RFC 9537 redacted name, whether it is personal data, its default visibility, where it lives in an RDAP
// domain response and in gTLD WHOIS output, and how the ICANN 2024 gTLD RDAP profile redacts it. The RDAP
// and WHOIS renderers, the policy, the disclosure API, the audit log and the statistics all speak in these
// keys; adding a data element is adding one entry to the table in catalog.cpp.
//
// Choices a reader will ask about:
// - Phone and fax extensions. jCard has no property of its own for an extension: it is the `ext`
//   parameter of the `tel` URI in the same property (`["tel", {"type":"voice"}, "uri",
//   "tel:+1.7035555555;ext=1234"]`). So "registrant.phone_ext" lives in the voice `tel` property (tel_type
//   voice, tel_extension true) and its redaction by removal names that property as its prePath — the same
//   path as "Registrant Phone". That path is right only when the whole `tel` property is removed. When the
//   number is shown and only the extension is withheld, the renderer writes the URI without `;ext=` and
//   sends the "Registrant Phone Ext" entry WITHOUT a prePath (RFC 9537 makes paths optional; a prePath
//   that still matches would contradict removal, ICANN conformance check -63801).
// - Names that are not registered. IANA registers the redacted names that the 2024 profile uses (spec
//   rdap.md §2: "Registry Domain ID", the registrant family, and "Registry Tech ID", "Tech Name", "Tech
//   Phone", "Tech Phone Ext", "Tech Email"). Every other field has registered_name == false and a
//   redacted_name that is a description, built as "<contact> <element>" with the contact named as in the
//   profile's real-world example ("Administrative Contact", "Technical Contact", "Billing Contact"):
//   "Administrative Contact Email", "Technical Contact Fax", "Registrant State/Province". The renderer
//   sends those as name.description, registered ones as name.type.
// - Visibility. public_always: published to everyone. public_unless_personal: published unless the
//   contact's data is personal (a natural person who did not consent). The store's "unknown" person type
//   counts as natural (policy::publishable: when in doubt, withhold), so today this behaves as
//   redacted_by_default; it records that the profile expects the value shown. redacted_by_default: withheld
//   from the public unless the registration says it is not personal (a legal person's data, or the registrant
//   consented to publication); without such a statement it is redacted. Disclosure to a requestor is the
//   policy's decision in every case. The defaults follow the 2024 profile and the gTLD WHOIS sample (spec §2,
//   §8): the registrant keeps its organisation (public_unless_personal), state/province and country code
//   (public_always); every other contact field, and all admin, tech and billing data, is
//   redacted_by_default.
// - Email. The catalogue's method is removal, as in the profile's example; the profile also accepts
//   replacementValue (an anonymised email, or a contact-uri web form); rdap/redaction.hpp builds the
//   paths for either.
// - WHOIS keys are the registry's. Registrar output writes "Registrar Registration Expiration Date" for
//   domain.expires and includes "Reseller"; the WHOIS renderer makes that substitution.
// - Billing fields have no WHOIS key (whois_key empty): gTLD WHOIS output has no billing contact.
// - fields_of_role() returns a contiguous block, so each contact's entries are kept together (checked at
//   compile time). Domain and registrar fields (Role::none) are spread over the WHOIS order and have no
//   block: filter all_fields() for them.

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "core/error.hpp"

namespace ssad::catalog {

/// The contact a field belongs to; none for domain-level and registrar fields.
enum class Role : std::uint8_t { none, registrant, admin, tech, billing, agent };

/// Who sees a field in public (anonymous) RDAP and WHOIS output; see the header comment.
enum class Visibility : std::uint8_t { public_always, public_unless_personal, redacted_by_default };

/// What a field holds, in the domain's words: the one thing the policy, WHOIS and any other reader of
/// values go by (RDAP locations are rdap/'s business). Contact elements are shared by the four contacts
/// (Field::role tells whose); the others are the domain's or its registrar's. A field's element is
/// its key's last part for contacts ("registrant.email" -> email) and its key with '_' for '.' otherwise
/// ("registrar.abuse_email" -> registrar_abuse_email), checked at compile time.
enum class Element : std::uint8_t {
  // Domain and registrar.
  domain_name,
  domain_handle,
  registrar_whois_server,
  registrar_url,
  domain_updated,
  domain_created,
  domain_expires,
  registrar_name,
  registrar_iana_id,
  registrar_abuse_email,
  registrar_abuse_phone,
  domain_reseller,
  domain_status,
  domain_nameservers,
  domain_dnssec,
  // Contacts.
  handle,
  name,
  organization,
  street,
  city,
  state_province,
  postal_code,
  country_code,
  phone,
  phone_ext,
  fax,
  fax_ext,
  email,
};

/// RFC 9537 §3 redaction methods.
enum class RedactionMethod : std::uint8_t { removal, empty_value, partial_value, replacement_value };

/// The jCard property (RFC 7095) holding a contact field.
enum class JcardProperty : std::uint8_t { none, fn, org, adr, tel, email };

/// The `type` parameter of a jCard `tel` property.
enum class TelType : std::uint8_t { none, voice, fax };

/// Where a field lives in an RDAP domain response. A field is either a member of the domain object or
/// of an entity (`member` set), or a jCard property of an entity (`property` set).
struct RdapLocation {
  // RDAP role of the entity holding the field ("registrant", "technical", "registrar"); empty: the domain.
  std::string_view entity_role;
  // Role of an entity nested in that one ("abuse" in the registrar); usually empty.
  std::string_view sub_entity_role;
  // Object member when the field is not in the jCard: "handle", "ldhName", "status", "events", "port43".
  std::string_view member;
  // When `member` is an array of objects, the element whose select_key equals select_value
  // ("eventAction" == "registration", "rel" == "about").
  std::string_view select_key;
  std::string_view select_value;
  JcardProperty property = JcardProperty::none;
  // adr value component: 2 street, 3 city (locality), 4 region, 5 postal code; 0 none.
  int adr_position = 0;
  // A jCard parameter holding the value ("cc" of adr); empty: the property's value.
  std::string_view parameter;
  TelType tel_type = TelType::none;
  // The `ext` of the tel URI rather than the number (see the header comment).
  bool tel_extension = false;
};

/// One data element of a domain's registration data.
struct Field {
  std::string_view key;                    // stable catalogue key: "registrant.email"
  Role role = Role::none;                  // the contact it belongs to
  Element element = Element::domain_name;  // what it holds
  std::string_view redacted_name;          // RFC 9537 redacted name: "Registrant Email", or a description
  bool registered_name = false;  // redacted_name is IANA-registered: send as name.type, else name.description
  bool personal_data = false;    // may identify a natural person: disclosure needs a lawful basis
  Visibility default_visibility = Visibility::redacted_by_default;
  RedactionMethod redaction_method = RedactionMethod::removal;  // per the 2024 profile and RFC 9537 §3
  RdapLocation rdap;
  std::string_view whois_key;  // gTLD WHOIS key without the colon ("Registrant Email"); empty: not in WHOIS
};

/// Every field, in gTLD WHOIS output order (spec rdap.md §8), billing after tech. The order is stable.
[[nodiscard]] std::span<const Field> all_fields();

/// The field with this key, or nullptr if the catalogue has none.
[[nodiscard]] const Field* find_field(std::string_view key);

/// The field with this key. Errors: invalid_input "unknown field key '<key>'".
[[nodiscard]] Result<const Field*> field(std::string_view key);

/// The fields of one contact, in catalogue order; empty for Role::none (see the header comment).
[[nodiscard]] std::span<const Field> fields_of_role(Role role);

/// The catalogue index of a field (its position in all_fields()): a dense number for bit sets.
[[nodiscard]] std::size_t index_of(const Field& field);

/// The field of `role` holding `element`, or nullptr (a contact element with Role::none, or the reverse).
[[nodiscard]] const Field* find_field(Role role, Element element);

/// The key prefix of a role ("registrant", "admin", "tech", "billing"; "none").
[[nodiscard]] std::string_view to_string(Role role);

/// The RDAP entity role of a contact ("registrant", "administrative", "technical", "billing"); empty for
/// Role::none.
[[nodiscard]] std::string_view rdap_role(Role role);

/// The description of a whole contact in a redaction entry, as in the profile's real-world example
/// ("Administrative Contact", "Technical Contact"); empty for Role::none.
[[nodiscard]] std::string_view contact_description(Role role);

/// The name of an element as in keys ("email", "registrar_abuse_email").
[[nodiscard]] std::string_view to_string(Element element);

/// RFC 9537 spelling of a method: "removal", "emptyValue", "partialValue", "replacementValue".
[[nodiscard]] std::string_view to_string(RedactionMethod method);

/// The name of a visibility as written in policy files and explanations ("redacted_by_default").
[[nodiscard]] std::string_view to_string(Visibility visibility);

}  // namespace ssad::catalog
