#include "whois/responder.hpp"

#include <spdlog/spdlog.h>

#include "catalog/catalog.hpp"
#include "core/domain_name.hpp"
#include "core/time.hpp"
#include "identity/caller.hpp"
#include "policy/values.hpp"

namespace ssad::whois {
namespace {

using catalog::Element;
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

std::string footer(const std::optional<Timestamp>& updated) {
  return ">>> Last update of WHOIS database: " + (updated ? format_rfc3339(*updated) : std::string()) +
         " <<<\r\n";
}

const model::Contact* contact_of(const model::Registration& registration, Role role) {
  for (const auto& [r, contact] : registration.contacts) {
    if (policy::catalog_role(r) == role) return &contact;
  }
  return nullptr;
}

// One contact field: the value, the decision's notice when withheld, "" when there is none. Streets
// repeat the key per line, as multi-valued keys do in gTLD output.
void contact_line(std::string& out, const Field& field, const model::Contact* contact,
                  const policy::Decision& decision) {
  const std::string_view value = contact != nullptr ? policy::contact_value(field.element, *contact) : "";
  if (!decision.discloses(field)) {
    line(out, field.whois_key,
         value.empty()
             ? ""
             : (decision[field].notice == policy::Notice::ask_registrar ? kEmailNotice : kRedacted));
    return;
  }
  const model::PostalInfo* postal = contact != nullptr ? contact->preferred_postal() : nullptr;
  if (field.element == Element::street && postal != nullptr && !value.empty()) {
    for (const auto& text : postal->address.street) {
      if (!text.empty()) line(out, field.whois_key, text);
    }
    return;
  }
  line(out, field.whois_key, value);
}

void domain_line(std::string& out, const Field& field, const model::Registration& r, model::Operator mode) {
  const model::Domain& d = r.domain;
  const bool registrar = mode == model::Operator::registrar;
  switch (field.element) {
    case Element::domain_name:
      line(out, field.whois_key, d.name.ldh);
      break;
    case Element::domain_handle:
      line(out, field.whois_key, d.roid);
      break;
    case Element::registrar_whois_server:
      line(out, field.whois_key, r.registrar.whois_server);
      break;
    case Element::registrar_url:
      line(out, field.whois_key, r.registrar.url);
      break;
    case Element::domain_updated:
      line(out, field.whois_key, date(d.updated));
      break;
    case Element::domain_created:
      line(out, field.whois_key, date(d.created));
      break;
    case Element::domain_expires:
      // Registrar output names the registrar's own expiration date (spec rdap.md §8).
      line(out, registrar ? "Registrar Registration Expiration Date" : field.whois_key, date(d.expires));
      break;
    case Element::registrar_name:
      line(out, field.whois_key, r.registrar.name);
      break;
    case Element::registrar_iana_id:
      line(out, field.whois_key, r.registrar.iana_id ? std::to_string(*r.registrar.iana_id) : std::string());
      break;
    case Element::registrar_abuse_email:
      line(out, field.whois_key, r.registrar.abuse_email);
      break;
    case Element::registrar_abuse_phone:
      line(out, field.whois_key, r.registrar.abuse_phone);
      break;
    case Element::domain_reseller:
      if (registrar) line(out, field.whois_key, d.reseller);
      break;
    case Element::domain_status:
      if (d.statuses.empty())
        line(out, field.whois_key, "ok https://icann.org/epp#ok");  // as RDAP's "active"
      for (const auto& status : d.statuses) {
        line(out, field.whois_key, status.value + " https://icann.org/epp#" + status.value);
      }
      break;
    case Element::domain_nameservers:
      for (const auto& host : r.nameservers) line(out, field.whois_key, host.name.ldh);
      break;
    case Element::domain_dnssec:
      line(out, field.whois_key, d.ds.empty() && d.keys.empty() ? "unsigned" : "signedDelegation");
      break;
    default:
      break;
  }
}

}  // namespace

std::string render_answer(const model::Registration& registration, const policy::Decision& decision,
                          model::Operator mode, const std::optional<Timestamp>& updated) {
  std::string out;
  out.reserve(4096);
  for (const Field& field : catalog::all_fields()) {
    if (field.whois_key.empty()) continue;
    if (field.role == Role::none) {
      domain_line(out, field, registration, mode);
    } else {
      contact_line(out, field, contact_of(registration, field.role), decision);
    }
  }
  if (mode == model::Operator::registry) {
    line(out, "URL of the ICANN Whois Inaccuracy Complaint Form", "https://www.icann.org/wicf/");
  } else {
    line(out, "URL of the ICANN WHOIS Data Problem Reporting System", "http://wdprs.internic.net/");
  }
  out += footer(updated);
  return out;
}

Responder::Responder(store::RegistrationReader& store, cache::DataVersion& data_version,
                     abuse::RateLimiter& limiter, ResponderOptions options)
    : store_(store),
      data_version_(data_version),
      limiter_(limiter),
      options_(options),
      policy_{options.mode},
      cache_(options.cache_bytes) {}

std::string Responder::answer(std::string_view query, std::string_view remote) {
  if (!limiter_.admit(remote).allowed)
    return "% Error: too many queries from this address; please slow down.\r\n";
  std::string_view text = query;
  while (!text.empty() && text.front() == ' ') text.remove_prefix(1);
  while (!text.empty() && text.back() == ' ') text.remove_suffix(1);
  if (text.size() > 7 && (text.substr(0, 7) == "domain " || text.substr(0, 7) == "DOMAIN "))
    text.remove_prefix(7);
  if (text.empty()) return "% Error: empty query. Send a domain name.\r\n";
  auto name = normalize_domain_name(text, MixedLabels::reject);
  if (!name) return "% Error: not a valid domain name.\r\n";

  const cache::Version version = data_version_.current();
  if (auto cached = cache_.find(name->ldh, version.generation)) return cached->body;
  std::string out = lookup(*name, version);
  if (out.starts_with("Domain Name:")) {
    cache_.insert(name->ldh, std::make_shared<const cache::CachedResponse>(cache::CachedResponse{200, out}),
                  version.generation);
  }
  return out;
}

std::string Responder::lookup(const DomainName& name, const cache::Version& version) {
  auto registration = store_.find_registration(name.ldh);
  if (!registration) {
    if (registration.error().code != ErrorCode::not_found) {
      spdlog::error("whois: store error ({})", to_string(registration.error().code));
      return "% Error: the registration data cannot be read right now. Please try again later.\r\n";
    }
    return "No match for \"" + name.ldh + "\".\r\n" + footer(version.updated);
  }
  const policy::Decision decision = policy::decide(identity::Caller::anonymous(), *registration, policy_);
  return render_answer(*registration, decision, options_.mode, version.updated);
}

}  // namespace ssad::whois
