#pragma once
// A small registry for RDAP and WHOIS tests: one registrar and domains whose registrants cover the cases
// redaction must get right — a natural person (every personal field, two street lines, extensions), a
// legal person, a natural person who consented to name and email, an unknown person type — plus an IDN
// with DNSSEC and enough names for paging. Every time stamp is fixed, so rendered output is stable.

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "store/sqlite/sqlite_store.hpp"
#include "support/registration_fixtures.hpp"
#include "support/temp_dir.hpp"

namespace ssad::testing {

inline model::Contact person(std::string handle, std::string name, model::PersonType type,
                             unsigned consent = 0) {
  std::string email = handle + "@mail.example";
  model::Contact c = sample_contact(std::move(handle), std::move(name), std::move(email));
  c.person_type = type;
  c.consent = consent;
  // Values unique to the contact, so that a test can tell whose data leaked.
  auto& address = c.postal[0].address;
  address.street[0] = c.handle + " Main Street";
  address.street[1] = "Suite " + c.handle;
  address.city = c.handle + "ville";
  address.postal_code = "PC-" + c.handle;
  const std::string digits = std::to_string(std::hash<std::string>{}(c.handle) % 1000000 + 1000000);
  c.voice = "+1.703" + digits;
  c.voice_ext = "x" + c.handle;
  c.fax = "+1.704" + digits;
  c.fax_ext = "y" + c.handle;
  // A natural person's organisation is personal data too: every withheld element has a value to leak.
  if (type != model::PersonType::legal) c.postal[0].organization = c.handle + " Holdings";
  return c;
}

// Personal values of the natural registrant "nat1": none may appear in anonymous output.
inline std::vector<std::string> natural_person_values() {
  return {"nat1",
          "Nadia Natural",
          "nat1@mail.example",
          "nat1 Main Street",
          "Suite nat1",
          "nat1ville",
          "PC-nat1",
          "xnat1",
          "ynat1",
          "nat1 Holdings",
          "703" + std::to_string(std::hash<std::string>{}("nat1") % 1000000 + 1000000),
          "704" + std::to_string(std::hash<std::string>{}("nat1") % 1000000 + 1000000)};
}

inline std::unique_ptr<store::Store> open_rdap_fixture(const TempDir& dir) {
  auto store = store::sqlite::open_sqlite_store(dir.file("rdap.db"), {.create = true}).value();
  auto work = store->begin().value();
  auto& w = work->registrations();
  auto ok = [](const Result<void>& r) { ASSERT_TRUE(r.has_value()) << r.error().message; };
  ok(w.put_registrar(sample_registrar()));
  ok(w.put_contact(person("nat1", "Nadia Natural", model::PersonType::natural)));
  ok(w.put_contact(person("leg1", "Lena Legal", model::PersonType::legal)));
  ok(w.put_contact(person("con1", "Carl Consent", model::PersonType::natural,
                          model::kConsentName | model::kConsentEmail)));
  ok(w.put_contact(person("unk1", "Una Unknown", model::PersonType::unknown)));
  ok(w.put_contact(person("adm1", "Adam Admin", model::PersonType::natural)));
  ok(w.put_contact(person("tec1", "Tess Tech", model::PersonType::natural)));
  ok(w.put_host(sample_host("ns1.example.test", "H1-TEST", {"192.0.2.1"}, {"2001:db8::1"})));
  ok(w.put_host(sample_host("ns2.example.net", "H2-TEST")));

  auto domain = [&](const char* name, const char* roid, const char* registrant, const char* tech) {
    model::Domain d = sample_domain(name, roid);
    d.contacts = {{model::ContactRole::registrant, registrant}};
    if (tech != nullptr) d.contacts.push_back({model::ContactRole::tech, tech});
    d.nameservers = {"ns1.example.test", "ns2.example.net"};
    return d;
  };
  model::Domain natural = domain("natural.test", "D1-TEST", "nat1", "tec1");
  natural.contacts.push_back({model::ContactRole::admin, "adm1"});
  natural.statuses = {{"clientTransferProhibited", ""}, {"serverUpdateProhibited", ""}};
  natural.reseller = "Example Reseller Ltd";
  ok(w.put_domain(natural));
  ok(w.put_domain(domain("legal.test", "D2-TEST", "leg1", "leg1")));
  ok(w.put_domain(domain("consent.test", "D3-TEST", "con1", nullptr)));
  ok(w.put_domain(domain("unknown.test", "D4-TEST", "unk1", nullptr)));
  model::Domain idn = domain("bücher.test", "D5-TEST", "nat1", nullptr);
  idn.ds = {{12345, 13, 2, "49FD46E6C4B45C55D4AC49FD46E6C4B45C55D4AC49FD46E6C4B45C55D4AC1234"}};
  idn.keys = {{257, 3, 13,
               "mdsswUyr3DPW132mOi8V9xESWE8jTo0dxCjjnopKl+GqJxpVXckHAeF+KkxLbxILfDLUT0rAK9iUzy1L53eKGQ=="}};
  idn.max_sig_life = 604800;
  ok(w.put_domain(idn));
  ok(w.put_domain(domain("exam1.test", "D6-TEST", "leg1", nullptr)));
  ok(w.put_domain(domain("exam2.test", "D7-TEST", "leg1", nullptr)));
  ok(w.put_domain(domain("exam3.test", "D8-TEST", "leg1", nullptr)));
  // A natural person whose first street line is empty: the street is still theirs to protect.
  model::Contact street_only = person("nat2", "Nora Natural", model::PersonType::natural);
  street_only.postal[0].address.street[0].clear();
  street_only.postal[0].address.street[1] = "42 Secret Lane";
  ok(w.put_contact(street_only));
  model::Domain street = domain("street.test", "D9-TEST", "nat2", nullptr);
  street.nameservers.clear();
  ok(w.put_domain(street));
  ok(work->commit(at("2026-01-02T03:04:05Z")));
  return store;
}

/// Adds shared.test, whose two tech contacts both consented to publish their name but only "tcon1" its
/// email: a role held by several contacts shows a field only if every one of them may show it.
inline void add_shared_tech_domain(store::Store& store) {
  auto work = store.begin().value();
  auto& w = work->registrations();
  ASSERT_TRUE(w.put_contact(person("tcon1", "Tina Consent", model::PersonType::natural,
                                   model::kConsentName | model::kConsentEmail))
                  .has_value());
  ASSERT_TRUE(w.put_contact(person("tcon2", "Theo Consent", model::PersonType::natural, model::kConsentName))
                  .has_value());
  model::Domain d = sample_domain("shared.test", "D10-TEST");
  d.contacts = {{model::ContactRole::registrant, "leg1"},
                {model::ContactRole::tech, "tcon1"},
                {model::ContactRole::tech, "tcon2"}};
  ASSERT_TRUE(w.put_domain(d).has_value());
  ASSERT_TRUE(work->commit(at("2026-01-02T03:04:06Z")).has_value());
}

/// Changes legal.test (its statuses) and commits at `when`: a data change the caches must notice.
inline void change_legal_domain(store::Store& store, std::vector<model::Status> statuses, Timestamp when) {
  auto work = store.begin().value();
  model::Domain d = sample_domain("legal.test", "D2-TEST");
  d.contacts = {{model::ContactRole::registrant, "leg1"}};
  d.statuses = std::move(statuses);
  ASSERT_TRUE(work->registrations().put_domain(d).has_value());
  ASSERT_TRUE(work->commit(when).has_value());
}

}  // namespace ssad::testing
