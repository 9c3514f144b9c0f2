#pragma once
// Small, complete registrations for tests: one registrar, contacts, hosts and domains.

#include "core/domain_name.hpp"
#include "core/time.hpp"
#include "model/registration.hpp"

namespace ssad::testing {

inline Timestamp at(const char* rfc3339) { return parse_rfc3339(rfc3339).value(); }

inline model::Registrar sample_registrar(std::string handle = "registrarX", std::int64_t iana_id = 1234) {
  model::Registrar r;
  r.handle = std::move(handle);
  r.name = "Example Registrar, Inc.";
  r.iana_id = iana_id;
  r.status = "ok";
  r.address.street[0] = "123 Example Dr.";
  r.address.city = "Dulles";
  r.address.state_province = "VA";
  r.address.postal_code = "20166-6503";
  r.address.country_code = "US";
  r.voice = "+1.7035555555";
  r.email = "info@registrar.example";
  r.url = "https://registrar.example";
  r.whois_server = "whois.registrar.example";
  r.rdap_base_url = "https://rdap.registrar.example/";
  r.abuse_email = "abuse@registrar.example";
  r.abuse_phone = "+1.7035555556";
  r.created = at("2005-04-23T11:49:00Z");
  return r;
}

inline model::Contact sample_contact(std::string handle, std::string name, std::string email) {
  model::Contact c;
  c.handle = std::move(handle);
  c.roid = "C" + c.handle + "-TEST";
  model::PostalInfo p;
  p.type = "int";
  p.name = std::move(name);
  p.organization = "Example Inc.";
  p.address.street[0] = "123 Example Dr.";
  p.address.street[1] = "Suite 100";
  p.address.city = "Reston";
  p.address.state_province = "VA";
  p.address.postal_code = "20190";
  p.address.country_code = "US";
  c.postal.push_back(p);
  c.voice = "+1.7035555555";
  c.voice_ext = "1234";
  c.email = std::move(email);
  c.registrar = "registrarX";
  c.person_type = model::PersonType::natural;
  c.statuses = {{"ok", ""}};
  c.created = at("2009-09-13T08:01:00Z");
  return c;
}

inline model::Host sample_host(const char* name, const char* roid, std::vector<std::string> v4 = {},
                               std::vector<std::string> v6 = {}) {
  model::Host h;
  h.name = normalize_domain_name(name).value();
  h.roid = roid;
  h.ipv4 = std::move(v4);
  h.ipv6 = std::move(v6);
  h.registrar = "registrarX";
  h.statuses = {{"ok", ""}};
  return h;
}

inline model::Domain sample_domain(const char* name, const char* roid) {
  model::Domain d;
  d.name = normalize_domain_name(name).value();
  d.roid = roid;
  d.registrar = "registrarX";
  d.statuses = {{"clientTransferProhibited", ""}};
  d.contacts = {{model::ContactRole::registrant, "registrant1"}, {model::ContactRole::tech, "tech1"}};
  d.created = at("2009-04-03T22:00:00Z");
  d.updated = at("2009-12-03T09:05:00Z");
  d.expires = at("2030-04-03T22:00:00Z");
  return d;
}

}  // namespace ssad::testing
