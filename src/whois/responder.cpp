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

const model::Contact* contact_of(const model::Registration& registration, Role role) {
  for (const auto& [r, contact] : registration.contacts) {
    if (policy::catalog_role(r) == role) return &contact;
  }
  return nullptr;
}

// One contact field: the value, "REDACTED FOR PRIVACY" when withheld, "" when there is none. Streets
// repeat the key per line, as multi-valued keys do in gTLD output.
void contact_line(std::string& out, const Field& field, const model::Contact* contact,
                  const policy::FieldSet& shown, rdap::Mode mode) {
  const std::string_view value = contact != nullptr ? policy::contact_value(field, *contact) : "";
  if (!shown.contains(field)) {
    const bool is_email = field.rdap.property == catalog::JcardProperty::email;
    line(out, field.whois_key,
         value.empty() ? "" : (is_email && mode == rdap::Mode::registry ? kEmailNotice : kRedacted));
    return;
  }
  const bool street = field.rdap.property == catalog::JcardProperty::adr && field.rdap.adr_position == 2;
  const model::PostalInfo* postal = contact != nullptr ? contact->preferred_postal() : nullptr;
  if (street && postal != nullptr && !value.empty()) {
    for (const auto& text : postal->address.street) {
      if (!text.empty()) line(out, field.whois_key, text);
    }
    return;
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
    if (d.statuses.empty()) line(out, field.whois_key, "ok https://icann.org/epp#ok");  // as RDAP's "active"
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

Responder::Responder(store::RegistrationReader& store, rdap::Mode mode, ResponderOptions options)
    : store_(store),
      mode_(mode),
      cache_(options.cache_bytes),
      data_version_(store, std::chrono::milliseconds(1000), [this] { cache_.clear(); }),
      limiter_(options.rate_limit_per_second, options.rate_limit_burst) {}

std::string Responder::answer(std::string_view query, std::string_view remote) {
  if (!limiter_.allow(remote)) return "% Error: too many queries from this address; please slow down.\r\n";
  std::string_view text = query;
  while (!text.empty() && text.front() == ' ') text.remove_prefix(1);
  while (!text.empty() && text.back() == ' ') text.remove_suffix(1);
  if (text.size() > 7 && (text.substr(0, 7) == "domain " || text.substr(0, 7) == "DOMAIN "))
    text.remove_prefix(7);
  if (text.empty()) return "% Error: empty query. Send a domain name.\r\n";
  auto name = normalize_domain_name(text, MixedLabels::reject);
  if (!name) return "% Error: not a valid domain name.\r\n";

  (void)data_version_.current();  // empties the cache when the data changed
  if (auto cached = cache_.find(name->ldh)) return cached->body;
  const std::uint64_t epoch = cache_.epoch();
  std::string out = render(*name);
  if (out.starts_with("Domain Name:")) {
    cache_.insert(name->ldh, std::make_shared<const rdap::CachedResponse>(rdap::CachedResponse{200, out}),
                  epoch);
  }
  return out;
}

std::string Responder::render(const DomainName& name) {
  const auto updated = data_version_.current();
  const std::string footer =
      ">>> Last update of WHOIS database: " + (updated ? format_rfc3339(*updated) : std::string()) +
      " <<<\r\n";
  auto registration = store_.find_registration(name.ldh);
  if (!registration) {
    if (registration.error().code != ErrorCode::not_found) {
      spdlog::error("whois: store error ({})", to_string(registration.error().code));
      return "% Error: the registration data cannot be read right now. Please try again later.\r\n";
    }
    return "No match for \"" + name.ldh + "\".\r\n" + footer;
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
