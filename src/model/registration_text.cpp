#include "model/registration_text.hpp"

namespace ssad::model {
namespace {

class Lines {
 public:
  void add(std::string_view key, std::string_view value, int indent = 0) {
    if (value.empty()) return;
    out_.append(static_cast<std::size_t>(indent), ' ');
    out_.append(key);
    out_.append(": ");
    out_.append(static_cast<std::size_t>(std::max<std::ptrdiff_t>(1, 22 - std::ssize(key) - indent)) - 1,
                ' ');
    out_.append(value);
    out_.push_back('\n');
  }
  void time(std::string_view key, const std::optional<Timestamp>& t, int indent = 0) {
    if (t) add(key, format_rfc3339(*t), indent);
  }
  void heading(std::string_view text) {
    out_.push_back('\n');
    out_.append(text);
    out_.push_back('\n');
  }
  std::string take() { return std::move(out_); }

 private:
  std::string out_;
};

std::string phone(const std::string& number, const std::string& ext) {
  return ext.empty() ? number : number + " ext. " + ext;
}

std::string statuses(const std::vector<Status>& list) {
  std::string out;
  for (const auto& s : list) {
    if (!out.empty()) out += ", ";
    out += s.value;
    if (!s.description.empty()) out += " (" + s.description + ")";
  }
  return out;
}

std::string consent_text(unsigned consent) {
  std::string out;
  const std::pair<unsigned, const char*> names[] = {
      {kConsentName, "name"},       {kConsentOrganization, "organization"},
      {kConsentAddress, "address"}, {kConsentVoice, "phone"},
      {kConsentFax, "fax"},         {kConsentEmail, "email"}};
  for (const auto& [bit, name] : names) {
    if ((consent & bit) == 0) continue;
    if (!out.empty()) out += ", ";
    out += name;
  }
  return out.empty() ? "none" : out;
}

}  // namespace

std::string describe(const Registration& reg) {
  Lines l;
  const Domain& d = reg.domain;
  l.add("Domain", d.name.ldh);
  l.add("Unicode name", d.name.unicode);
  l.add("ROID", d.roid);
  l.add("IDN table", d.idn_table);
  l.add("Status", statuses(d.statuses));
  l.time("Created", d.created);
  l.time("Updated", d.updated);
  l.time("Expires", d.expires);
  l.time("Transferred", d.transferred);
  l.add("Reseller", d.reseller);
  l.add("Registrar", reg.registrar.name + " (" + reg.registrar.handle +
                         (reg.registrar.iana_id ? ", IANA " + std::to_string(*reg.registrar.iana_id) : "") +
                         ")");
  l.add("Registrar abuse email", reg.registrar.abuse_email);
  l.add("Registrar abuse phone", reg.registrar.abuse_phone);
  l.add("Registrar RDAP", reg.registrar.rdap_base_url);
  if (!d.ds.empty() || !d.keys.empty()) {
    l.add("DNSSEC", "signed" + (d.max_sig_life ? ", maxSigLife " + std::to_string(*d.max_sig_life) : ""));
    for (const auto& ds : d.ds) {
      l.add("DS", std::to_string(ds.key_tag) + " " + std::to_string(ds.algorithm) + " " +
                      std::to_string(ds.digest_type) + " " + ds.digest);
    }
    for (const auto& k : d.keys) {
      l.add("DNSKEY", std::to_string(k.flags) + " " + std::to_string(k.protocol) + " " +
                          std::to_string(k.algorithm) + " " + k.public_key);
    }
  } else {
    l.add("DNSSEC", "unsigned");
  }
  for (const auto& [role, c] : reg.contacts) {
    l.heading(std::string(to_string(role)) + " contact " + c.handle);
    l.add("ROID", c.roid, 2);
    l.add("Person", std::string(to_string(c.person_type)), 2);
    l.add("Privacy service", c.privacy_service, 2);
    l.add("Consent to publish", consent_text(c.consent), 2);
    for (const auto& p : c.postal) {
      l.add("Name (" + p.type + ")", p.name, 2);
      l.add("Organization", p.organization, 2);
      for (const auto& street : p.address.street) l.add("Street", street, 2);
      l.add("City", p.address.city, 2);
      l.add("State/Province", p.address.state_province, 2);
      l.add("Postal code", p.address.postal_code, 2);
      l.add("Country", p.address.country_code, 2);
    }
    l.add("Phone", phone(c.voice, c.voice_ext), 2);
    l.add("Fax", phone(c.fax, c.fax_ext), 2);
    l.add("Email", c.email, 2);
    l.add("Status", statuses(c.statuses), 2);
  }
  if (!reg.nameservers.empty()) l.heading("nameservers");
  for (const auto& h : reg.nameservers) {
    std::string addresses;
    for (const auto* list : {&h.ipv4, &h.ipv6}) {
      for (const auto& a : *list) addresses += (addresses.empty() ? "" : " ") + a;
    }
    l.add(h.name.ldh, addresses.empty() ? "-" : addresses, 2);
  }
  return l.take();
}

}  // namespace ssad::model
