#pragma once
// Registration data as the registry holds it (DESIGN.md C1): registrars, contacts, hosts and domains,
// shaped after RFC 9022's CSV model and EPP (RFC 5730-5733). Plain values: no storage, no rendering.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/domain_name.hpp"
#include "core/error.hpp"
#include "core/time.hpp"

namespace ssad::model {

/// The roles a contact can hold for a domain (EPP contact types plus the registrant), and the agent a
/// registrant designated for technical and security issues (issue 15; docs/subject.md): never in the
/// registry's data, only merged into a requestor's view while the designation is in force.
enum class ContactRole { registrant, admin, tech, billing, agent };
[[nodiscard]] std::string_view to_string(ContactRole role);
/// Parses "registrant", "admin", "tech" or "billing" (an agent is never imported). Errors: invalid_input.
[[nodiscard]] Result<ContactRole> parse_contact_role(std::string_view text);

/// Whether the contact is a natural person (personal data) or a legal person (GDPR does not apply to
/// the organisation's own data). Unknown is treated as natural by policy: when in doubt, withhold.
enum class PersonType { unknown, natural, legal };
[[nodiscard]] std::string_view to_string(PersonType type);
[[nodiscard]] Result<PersonType> parse_person_type(std::string_view text);

/// The elements a contact consented to publish (EPP <contact:disclose flag="1">, RFC 9022
/// contactDisclose). A bit set so that the store keeps it in one column.
enum ConsentElement : unsigned {
  kConsentName = 1U << 0,
  kConsentOrganization = 1U << 1,
  kConsentAddress = 1U << 2,
  kConsentVoice = 1U << 3,
  kConsentFax = 1U << 4,
  kConsentEmail = 1U << 5,
};

/// An EPP status with its optional free-text reason.
struct Status {
  std::string value;        // EPP spelling: "clientTransferProhibited", "ok", "redemptionPeriod"
  std::string description;  // fStatusDescription, may be empty
  friend bool operator==(const Status&, const Status&) = default;
};

/// True for the EPP domain, host and contact statuses and RGP statuses this system knows.
[[nodiscard]] bool is_known_epp_status(std::string_view value);

struct PostalAddress {
  std::string street[3];
  std::string city;
  std::string state_province;
  std::string postal_code;
  std::string country_code;  // ISO 3166-1 alpha-2, upper-case
  friend bool operator==(const PostalAddress&, const PostalAddress&) = default;
};

/// One EPP postal-info form: "int" (7-bit ASCII) or "loc" (UTF-8).
struct PostalInfo {
  std::string type = "int";
  std::string name;
  std::string organization;
  PostalAddress address;
  friend bool operator==(const PostalInfo&, const PostalInfo&) = default;
};

struct Registrar {
  std::string handle;  // the registry's identifier of the registrar (EPP clID, RFC 9022 r:fId)
  std::string name;
  std::optional<std::int64_t> iana_id;  // RFC 9022 r:fGurid
  std::string status;                   // "ok", "readonly", "terminated"
  PostalAddress address;
  std::string voice, voice_ext, fax, fax_ext, email;
  std::string url;            // web site
  std::string whois_server;   // port-43 host name
  std::string rdap_base_url;  // e.g. "https://rdap.registrar.example/"
  std::string abuse_email, abuse_phone;
  std::optional<Timestamp> created, updated;
  friend bool operator==(const Registrar&, const Registrar&) = default;
};

struct Contact {
  std::string handle;  // EPP contact id
  std::string roid;
  std::vector<PostalInfo> postal;  // "int" and/or "loc"
  std::string voice, voice_ext, fax, fax_ext, email;
  std::string registrar;  // sponsoring registrar's handle
  PersonType person_type = PersonType::unknown;
  unsigned consent = 0;         // ConsentElement bits
  std::string privacy_service;  // name of the privacy/proxy service holding this contact, if any
  std::vector<Status> statuses;
  std::optional<Timestamp> created, updated;

  /// The postal info to show: "loc" when present, else "int"; nullptr when there is none.
  [[nodiscard]] const PostalInfo* preferred_postal() const;
  friend bool operator==(const Contact&, const Contact&) = default;
};

struct Host {
  DomainName name;
  std::string roid;
  std::vector<std::string> ipv4, ipv6;  // canonical text (RFC 5952 for IPv6)
  std::vector<Status> statuses;
  std::string registrar;
  std::optional<Timestamp> created, updated, transferred;
  friend bool operator==(const Host&, const Host&) = default;
};

struct DsData {
  std::uint32_t key_tag = 0;
  std::uint32_t algorithm = 0;
  std::uint32_t digest_type = 0;
  std::string digest;  // hex, upper-case
  friend bool operator==(const DsData&, const DsData&) = default;
};

struct KeyData {
  std::uint32_t flags = 0;
  std::uint32_t protocol = 3;
  std::uint32_t algorithm = 0;
  std::string public_key;  // base64
  friend bool operator==(const KeyData&, const KeyData&) = default;
};

struct DomainContact {
  ContactRole role = ContactRole::registrant;
  std::string handle;
  friend bool operator==(const DomainContact&, const DomainContact&) = default;
};

struct Domain {
  DomainName name;
  std::string roid;
  std::string idn_table;
  std::string registrar;  // sponsoring registrar's handle
  std::string reseller;
  std::vector<Status> statuses;
  std::vector<DomainContact> contacts;
  std::vector<std::string> nameservers;  // host names (ldh)
  std::optional<std::int64_t> max_sig_life;
  std::vector<DsData> ds;
  std::vector<KeyData> keys;
  std::optional<Timestamp> created, updated, expires, transferred;
  friend bool operator==(const Domain&, const Domain&) = default;
};

/// A domain with everything it refers to, resolved: what RDAP, WHOIS and `ssad show` render.
struct Registration {
  Domain domain;
  Registrar registrar;
  std::vector<std::pair<ContactRole, Contact>> contacts;
  std::vector<Host> nameservers;
};

/// An ISO 3166-1 alpha-2 country code in upper case ("us" -> "US"); "" stays "" (no country).
/// nullopt when the text is not two letters.
[[nodiscard]] std::optional<std::string> canonical_country_code(std::string_view text);

/// Hexadecimal text (a DS digest) in upper case; nullopt when it holds anything but hex digits.
[[nodiscard]] std::optional<std::string> canonical_hex(std::string_view text);

/// Checks a string is an IPv4 or IPv6 address and returns its canonical text (RFC 5952 for IPv6) and
/// version (4 or 6). Errors: invalid_input.
[[nodiscard]] Result<std::pair<std::string, int>> canonical_ip_address(std::string_view text);

}  // namespace ssad::model
