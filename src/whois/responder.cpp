#include "whois/responder.hpp"

#include <spdlog/spdlog.h>

#include "catalog/catalog.hpp"
#include "core/domain_name.hpp"
#include "core/time.hpp"
#include "policy/visibility.hpp"

namespace ssad::whois {
namespace {

using catalog::Field;
using catalog::Role;

constexpr std::string_view kRedacted = "REDACTED FOR PRIVACY";
constexpr std::string_view kEmailNotice =
    "Please query the RDDS service of the Registrar of Record identified in this output for information on "
    "how "
    "to contact the Registrant, Admin, or Tech contact of the queried domain name.";

void line(std::string& out, std::string_view key, std::string_view value) {
  out += key;
  out += ": ";
  out += value;
  out += "\r\n";
}

std::string date(const std::optional<Timestamp>& when) {
  return when ? format_rfc3339(*when) : std::string();
}

model::ContactRole contact_role(Role role) {
  switch (role) {
    case Role::admin:
      return model::ContactRole::admin;
    case Role::tech:
      return model::ContactRole::tech;
    case Role::billing:
      return model::ContactRole::billing;
    default:
      return model::ContactRole::registrant;
  }
}

const model::Contact* contact_of(const model::Registration& registration, Role role) {
  for (const auto& [r, contact] : registration.contacts) {
    if (r == contact_role(role)) return &contact;
  }
  return nullptr;
}

// One contact field: the value, "REDACTED FOR PRIVACY" when withheld, "" when there is none. Streets
// repeat the key per line, as multi-valued keys do in gTLD output.
void contact_line(std::string& out, const Field& field, const model::Contact* contact,
                  const policy::FieldSet& shown, rdap::Mode mode) {
  const std::string_view value = contact != nullptr ? policy::contact_value(field, *contact) : "";
  const bool is_email = field.rdap.property == catalog::JcardProperty::email;
  if (!shown.contains(field) && !value.empty()) {
    line(out, field.whois_key, is_email && mode == rdap::Mode::registry ? kEmailNotice : kRedacted);
    return;
  }
  const bool street = field.rdap.property == catalog::JcardProperty::adr && field.rdap.adr_position == 2;
  const model::PostalInfo* postal = contact != nullptr ? contact->preferred_postal() : nullptr;
  if (street && postal != nullptr) {
    bool any = false;
    for (const auto& text : postal->address.street) {
      if (text.empty()) continue;
      line(out, field.whois_key, text);
      any = true;
    }
    if (any) return;
  }
  line(out, field.whois_key, value);
}

void domain_line(std::string& out, const Field& field, const model::Registration& r, rdap::Mode mode) {
  const model::Domain& d = r.domain;
  const std::string_view key = field.key;
  if (key == "domain.name") {
    line(out, field.whois_key, d.name.ldh);
  } else if (key == "domain.handle") {
    line(out, field.whois_key, d.roid);
  } else if (key == "registrar.whois_server") {
    line(out, field.whois_key, r.registrar.whois_server);
  } else if (key == "registrar.url") {
    line(out, field.whois_key, r.registrar.url);
  } else if (key == "domain.updated") {
    line(out, field.whois_key, date(d.updated));
  } else if (key == "domain.created") {
    line(out, field.whois_key, date(d.created));
  } else if (key == "domain.expires") {
    // Registrar output names the registrar's own expiration date (spec rdap.md §8).
    line(out, mode == rdap::Mode::registrar ? "Registrar Registration Expiration Date" : field.whois_key,
         date(d.expires));
  } else if (key == "registrar.name") {
    line(out, field.whois_key, r.registrar.name);
  } else if (key == "registrar.iana_id") {
    line(out, field.whois_key, r.registrar.iana_id ? std::to_string(*r.registrar.iana_id) : std::string());
  } else if (key == "registrar.abuse_email") {
    line(out, field.whois_key, r.registrar.abuse_email);
  } else if (key == "registrar.abuse_phone") {
    line(out, field.whois_key, r.registrar.abuse_phone);
  } else if (key == "domain.reseller") {
    if (mode == rdap::Mode::registrar) line(out, field.whois_key, d.reseller);
  } else if (key == "domain.status") {
    for (const auto& status : d.statuses) {
      line(out, field.whois_key, status.value + " https://icann.org/epp#" + status.value);
    }
  } else if (key == "domain.nameservers") {
    for (const auto& host : r.nameservers) line(out, field.whois_key, host.name.ldh);
  } else if (key == "domain.dnssec") {
    line(out, field.whois_key, d.ds.empty() && d.keys.empty() ? "unsigned" : "signedDelegation");
  }
}

}  // namespace

Responder::Responder(store::RegistrationReader& store, rdap::Mode mode) : store_(store), mode_(mode) {}

std::string Responder::answer(std::string_view query) {
  std::string_view text = query;
  while (!text.empty() && text.front() == ' ') text.remove_prefix(1);
  while (!text.empty() && text.back() == ' ') text.remove_suffix(1);
  if (text.size() > 7 && (text.substr(0, 7) == "domain " || text.substr(0, 7) == "DOMAIN "))
    text.remove_prefix(7);
  if (text.empty()) return "% Error: empty query. Send a domain name.\r\n";
  auto name = normalize_domain_name(text, MixedLabels::reject);
  if (!name) return "% Error: not a valid domain name.\r\n";

  auto updated = store_.data_updated();
  const std::string footer = ">>> Last update of WHOIS database: " +
                             (updated && *updated ? format_rfc3339(**updated) : std::string()) + " <<<\r\n";
  auto registration = store_.find_registration(name->ldh);
  if (!registration) {
    if (registration.error().code != ErrorCode::not_found) {
      spdlog::error("whois: store error ({})", to_string(registration.error().code));
      return "% Error: the registration data cannot be read right now. Please try again later.\r\n";
    }
    return "No match for \"" + name->ldh + "\".\r\n" + footer;
  }
  const policy::FieldSet shown = policy::public_fields(*registration);
  std::string out;
  out.reserve(4096);
  for (const Field& field : catalog::all_fields()) {
    if (field.whois_key.empty()) continue;
    if (field.role == Role::none) {
      domain_line(out, field, *registration, mode_);
    } else {
      contact_line(out, field, contact_of(*registration, field.role), shown, mode_);
    }
  }
  if (mode_ == rdap::Mode::registry) {
    line(out, "URL of the ICANN Whois Inaccuracy Complaint Form", "https://www.icann.org/wicf/");
  } else {
    line(out, "URL of the ICANN WHOIS Data Problem Reporting System", "http://wdprs.internic.net/");
  }
  out += footer;
  return out;
}

}  // namespace ssad::whois
