#include "whois/responder.hpp"

#include <string>

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

// Writes "Key: value" and says whether there was a value.
// A control character in a stored value (a CR LF above all) would start a line of its own: the value
// could forge a key of the answer. Each is written as a space.
bool line(std::string& out, std::string_view key, std::string_view value) {
  out += key;
  out += ": ";
  for (const char c : value) {
    const auto byte = static_cast<unsigned char>(c);
    out += byte < 0x20 || byte == 0x7F ? ' ' : c;
  }
  out += "\r\n";
  return !value.empty();
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
                  const policy::Decision& decision, catalog::FieldSet& served) {
  const std::string_view value = contact != nullptr ? policy::contact_value(field.element, *contact) : "";
  if (!decision.discloses(field)) {
    line(out, field.whois_key,
         value.empty()
             ? ""
             : (decision[field].notice == policy::Notice::ask_registrar ? kEmailNotice : kRedacted));
    return;
  }
  if (!value.empty()) served.insert(field);
  const model::PostalInfo* postal = contact != nullptr ? contact->preferred_postal() : nullptr;
  if (field.element == Element::street && postal != nullptr && !value.empty()) {
    for (const auto& text : postal->address.street) {
      if (!text.empty()) line(out, field.whois_key, text);
    }
    return;
  }
  line(out, field.whois_key, value);
}

// One domain or registrar line (several for multi-valued keys). Returns whether it wrote a value.
bool domain_line(std::string& out, const Field& field, const model::Registration& r, model::Operator mode) {
  const model::Domain& d = r.domain;
  const bool registrar = mode == model::Operator::registrar;
  switch (field.element) {
    case Element::domain_name:
      return line(out, field.whois_key, d.name.ldh);
    case Element::domain_handle:
      return line(out, field.whois_key, d.roid);
    case Element::registrar_whois_server:
      return line(out, field.whois_key, r.registrar.whois_server);
    case Element::registrar_url:
      return line(out, field.whois_key, r.registrar.url);
    case Element::domain_updated:
      return line(out, field.whois_key, date(d.updated));
    case Element::domain_created:
      return line(out, field.whois_key, date(d.created));
    case Element::domain_expires:
      // Registrar output names the registrar's own expiration date (spec rdap.md §8).
      return line(out, registrar ? "Registrar Registration Expiration Date" : field.whois_key,
                  date(d.expires));
    case Element::registrar_name:
      return line(out, field.whois_key, r.registrar.name);
    case Element::registrar_iana_id:
      return line(out, field.whois_key,
                  r.registrar.iana_id ? std::to_string(*r.registrar.iana_id) : std::string());
    case Element::registrar_abuse_email:
      return line(out, field.whois_key, r.registrar.abuse_email);
    case Element::registrar_abuse_phone:
      return line(out, field.whois_key, r.registrar.abuse_phone);
    case Element::domain_reseller:
      return registrar && line(out, field.whois_key, d.reseller);
    case Element::domain_status:
      if (d.statuses.empty())
        line(out, field.whois_key, "ok https://icann.org/epp#ok");  // as RDAP's "active"
      for (const auto& status : d.statuses) {
        line(out, field.whois_key, status.value + " https://icann.org/epp#" + status.value);
      }
      return true;
    case Element::domain_nameservers:
      for (const auto& host : r.nameservers) line(out, field.whois_key, host.name.ldh);
      return !r.nameservers.empty();
    case Element::domain_dnssec:
      return line(out, field.whois_key, d.ds.empty() && d.keys.empty() ? "unsigned" : "signedDelegation");
    default:
      return false;
  }
}

}  // namespace

std::string render_answer(const model::Registration& registration, const policy::Decision& decision,
                          model::Operator mode, const std::optional<Timestamp>& updated,
                          catalog::FieldSet& served) {
  std::string out;
  out.reserve(4096);
  for (const Field& field : catalog::all_fields()) {
    if (field.whois_key.empty()) continue;
    if (field.role == Role::none) {
      if (decision.discloses(field)) {
        if (domain_line(out, field, registration, mode)) served.insert(field);
        continue;
      }
      // Withheld: one redacted line where a value would have been written, the empty line otherwise.
      std::string lines;
      if (domain_line(lines, field, registration, mode)) {
        line(out, lines.substr(0, lines.find(':')), kRedacted);
      } else {
        out += lines;
      }
    } else {
      contact_line(out, field, contact_of(registration, field.role), decision, served);
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
      options_(std::move(options)),
      policy_{options_.mode, options_.rules},
      cache_(options_.cache_bytes) {}

std::string Responder::answer(std::string_view query, std::string_view remote, bool admitted) {
  std::optional<std::string> answered = respond(query, remote, admitted, false);  // not quick: always one
  return answered ? std::move(*answered) : std::string("% Error: the server failed to answer the query\r\n");
}

std::optional<std::string> Responder::quick(std::string_view query, std::string_view remote) {
  return respond(query, remote, false, true);
}

std::optional<std::string> Responder::respond(std::string_view query, std::string_view remote, bool admitted,
                                              bool quick) {
  if (!admitted) {
    if (const abuse::Admission admission = limiter_.admit(remote); !admission.allowed) {
      return "% Error: too many queries from this address; try again in " +
             std::to_string(admission.retry_after.count()) + " seconds.\r\n";
    }
  }
  std::string_view text = query;
  while (!text.empty() && text.front() == ' ') text.remove_prefix(1);
  while (!text.empty() && text.back() == ' ') text.remove_suffix(1);
  if (text.size() > 7 && (text.substr(0, 7) == "domain " || text.substr(0, 7) == "DOMAIN "))
    text.remove_prefix(7);
  if (text.empty()) return "% Error: empty query. Send a domain name.\r\n";
  auto name = normalize_domain_name(text, MixedLabels::reject);
  if (!name) return "% Error: not a valid domain name.\r\n";

  // The quick path never reads the store: when the data version is due for a check, a worker does it.
  const std::optional<cache::Version> known = quick ? data_version_.known() : data_version_.current();
  if (!known) return std::nullopt;
  const cache::Version& version = *known;
  if (auto cached = cache_.find(name->ldh, version.generation)) return cached->body;
  if (quick) return std::nullopt;
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
  catalog::FieldSet served;  // the audit log (a later issue) records it; public WHOIS serves public data only
  return render_answer(*registration, decision, options_.mode, version.updated, served);
}

}  // namespace ssad::whois
