// Contract tests for the registration repository: every backend must pass them (store_contract.hpp).

#include "store/registration_store.hpp"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <utility>
#include <vector>

#include <gtest/gtest.h>

#include "store/sqlite/migrations.hpp"
#include "store/sqlite/sqlite.hpp"
#include "store/sqlite/sqlite_store.hpp"
#include "support/fake_clock.hpp"
#include "support/registration_fixtures.hpp"
#include "support/search_names.hpp"
#include "support/temp_dir.hpp"
#include "unit/store/store_contract.hpp"

namespace ssad::store {
namespace {

using testing::at;
using testing::sample_contact;
using testing::sample_domain;
using testing::sample_host;
using testing::sample_registrar;

class RegistrationStoreContract : public StoreContract {
 protected:
  // One registrar, two contacts, two hosts and one domain using all of them.
  void load_example() {
    auto work = store_->begin().value();
    RegistrationWriter& w = work->registrations();
    ASSERT_TRUE(w.put_registrar(sample_registrar()).has_value());
    ASSERT_TRUE(w.put_contact(sample_contact("registrant1", "Jane Doe", "jane@example.test")).has_value());
    ASSERT_TRUE(w.put_contact(sample_contact("tech1", "Tom Tech", "tech@example.test")).has_value());
    ASSERT_TRUE(w.put_host(sample_host("ns1.example.test", "H1-TEST", {"192.0.2.1"}, {"2001:DB8:0:0::1"}))
                    .has_value());
    ASSERT_TRUE(w.put_host(sample_host("ns2.example.net", "H2-TEST")).has_value());
    auto d = sample_domain("example.test", "D1-TEST");
    d.nameservers = {"ns1.example.test", "ns2.example.net"};
    d.ds = {{12345, 13, 2, "49FD46E6C4B45C55D4AC"}};
    d.max_sig_life = 604800;
    ASSERT_TRUE(w.put_domain(d).has_value());
    auto ok = work->commit(at("2024-01-01T00:00:00Z"));
    ASSERT_TRUE(ok.has_value()) << ok.error().message;
  }
};

TEST_P(RegistrationStoreContract, FindsAWholeRegistrationByName) {
  load_example();
  auto reg = reader().find_registration("example.test");
  ASSERT_TRUE(reg.has_value()) << reg.error().message;
  EXPECT_EQ(reg->domain.roid, "D1-TEST");
  EXPECT_EQ(reg->registrar.iana_id, 1234);
  EXPECT_EQ(reg->registrar.abuse_email, "abuse@registrar.example");
  ASSERT_EQ(reg->contacts.size(), 2U);
  EXPECT_EQ(reg->contacts[0].first, model::ContactRole::registrant);
  EXPECT_EQ(reg->contacts[0].second.email, "jane@example.test");
  EXPECT_EQ(reg->contacts[0].second.postal.at(0).address.city, "Reston");
  EXPECT_EQ(reg->contacts[1].first, model::ContactRole::tech);
  ASSERT_EQ(reg->nameservers.size(), 2U);
  EXPECT_EQ(reg->nameservers[0].name.ldh, "ns1.example.test");
  EXPECT_EQ(reg->nameservers[0].ipv4, std::vector<std::string>{"192.0.2.1"});
  EXPECT_EQ(reg->nameservers[0].ipv6, std::vector<std::string>{"2001:db8::1"});  // RFC 5952 form
  ASSERT_EQ(reg->domain.ds.size(), 1U);
  EXPECT_EQ(reg->domain.max_sig_life, 604800);
  EXPECT_EQ(format_rfc3339(*reg->domain.expires), "2030-04-03T22:00:00Z");
  EXPECT_EQ(reader().data_updated().value(), at("2024-01-01T00:00:00Z"));
}

// A registration with every kind of child row, in the order the store returns them: contacts by role
// (registrant, admin, tech, billing) then handle, postal infos by type, statuses by value, nameservers by
// name, addresses by their text, DS and keys by all their fields.
struct FullExample {
  model::Registrar registrar = sample_registrar();
  model::Registrar other_registrar = sample_registrar("registrarY", 5678);
  model::Contact alice, bob, carol, dave;
  std::vector<model::Host> hosts;
  model::Domain domain = sample_domain("bücher.test", "D7-TEST");

  FullExample() {
    alice = sample_contact("alice", "Alice Anders", "alice@example.test");
    model::PostalInfo loc = alice.postal[0];
    loc.type = "loc";
    loc.name = "Alíce Änders";
    loc.address.city = "Zürich";
    loc.address.country_code = "CH";
    alice.postal.push_back(loc);
    alice.statuses = {{"clientDeleteProhibited", "by request"}, {"linked", ""}};
    alice.fax = "+1.7035555500";
    alice.fax_ext = "9";
    alice.consent = model::kConsentName | model::kConsentEmail;
    alice.privacy_service = "Privacy Service Ltd";
    alice.updated = at("2020-02-02T02:02:02Z");
    bob = sample_contact("bob", "Bob Builder", "bob@example.test");
    bob.person_type = model::PersonType::legal;
    bob.registrar = "registrarY";
    bob.statuses = {{"clientUpdateProhibited", ""}, {"linked", ""}, {"ok", ""}};
    carol = sample_contact("carol", "Carol Crane", "carol@example.test");
    carol.postal.clear();
    carol.statuses.clear();
    carol.registrar.clear();
    carol.person_type = model::PersonType::unknown;
    dave = sample_contact("dave", "Dave Dollar", "dave@example.test");

    model::Host ns0 = sample_host("ns0.other.test", "H0-TEST");
    ns0.statuses.clear();
    ns0.registrar.clear();
    model::Host ns1 = sample_host("ns1.example.test", "H1-TEST", {"192.0.2.10", "192.0.2.2"},
                                  {"2001:db8::1", "2001:db8::a"});
    ns1.statuses = {{"clientUpdateProhibited", "locked"}, {"linked", ""}};
    ns1.created = at("2011-01-01T00:00:00Z");
    ns1.updated = at("2012-01-01T00:00:00Z");
    ns1.transferred = at("2013-01-01T00:00:00Z");
    model::Host ns2 = sample_host("ns2.example.net", "H2-TEST", {}, {"2001:db8::53"});
    ns2.registrar = "registrarY";
    model::Host ns3 = sample_host("ns3.bücher.test", "H3-TEST", {"198.51.100.1"});
    hosts = {ns0, ns1, ns2, ns3};

    domain.statuses = {{"clientTransferProhibited", ""}, {"serverHold", "court order"}};
    domain.contacts = {{model::ContactRole::registrant, "alice"},
                       {model::ContactRole::admin, "bob"},
                       {model::ContactRole::admin, "carol"},
                       {model::ContactRole::tech, "alice"},
                       {model::ContactRole::billing, "dave"}};
    domain.nameservers = {"ns0.other.test", "ns1.example.test", "ns2.example.net", "ns3.xn--bcher-kva.test"};
    domain.idn_table = "de";
    domain.reseller = "Reseller GmbH";
    domain.max_sig_life = 86400;
    domain.ds = {{2371, 13, 2, "AA11"}, {2371, 13, 4, "BB22"}, {60485, 8, 2, "CC33"}};
    domain.keys = {{256, 3, 13, "keyB"}, {257, 3, 8, "keyC"}, {257, 3, 13, "keyA"}};
    domain.transferred = at("2015-05-05T05:05:05Z");
  }

  std::vector<std::pair<model::ContactRole, model::Contact>> contacts() const {
    return {{model::ContactRole::registrant, alice},
            {model::ContactRole::admin, bob},
            {model::ContactRole::admin, carol},
            {model::ContactRole::tech, alice},
            {model::ContactRole::billing, dave}};
  }
};

template <class T>
std::vector<T> reversed(std::vector<T> v) {
  std::reverse(v.begin(), v.end());
  return v;
}

TEST_P(RegistrationStoreContract, ReturnsTheWholeRegistrationAsPut) {
  load_example();  // another domain with contacts and hosts of its own
  const FullExample x;
  {
    auto work = store_->begin().value();
    RegistrationWriter& w = work->registrations();
    ASSERT_TRUE(w.put_registrar(x.other_registrar).has_value());
    // Everything goes in in reverse of the order it comes back in.
    for (model::Contact c : {x.dave, x.carol, x.bob, x.alice}) {
      c.postal = reversed(c.postal);
      c.statuses = reversed(c.statuses);
      ASSERT_TRUE(w.put_contact(c).has_value()) << c.handle;
    }
    for (model::Host h : reversed(x.hosts)) {
      h.ipv4 = reversed(h.ipv4);
      h.ipv6 = reversed(h.ipv6);
      h.statuses = reversed(h.statuses);
      ASSERT_TRUE(w.put_host(h).has_value()) << h.name.ldh;
    }
    model::Domain d = x.domain;
    d.statuses = reversed(d.statuses);
    d.contacts = reversed(d.contacts);
    d.nameservers = reversed(d.nameservers);
    d.ds = reversed(d.ds);
    d.keys = reversed(d.keys);
    auto ok = w.put_domain(d);
    ASSERT_TRUE(ok.has_value()) << ok.error().message;
    ASSERT_TRUE(work->commit(at("2024-01-02T00:00:00Z")).has_value());
  }

  auto reg = reader().find_registration("xn--bcher-kva.test");
  ASSERT_TRUE(reg.has_value()) << reg.error().message;
  EXPECT_EQ(reg->domain, x.domain);
  EXPECT_EQ(reg->registrar, x.registrar);
  ASSERT_EQ(reg->contacts.size(), 5U);
  for (std::size_t i = 0; i < 5; ++i) {
    EXPECT_EQ(reg->contacts[i].first, x.contacts()[i].first) << i;
    EXPECT_EQ(reg->contacts[i].second, x.contacts()[i].second) << i << ": " << reg->contacts[i].second.handle;
  }
  ASSERT_EQ(reg->nameservers.size(), x.hosts.size());
  for (std::size_t i = 0; i < x.hosts.size(); ++i) {
    EXPECT_EQ(reg->nameservers[i], x.hosts[i]) << i << ": " << reg->nameservers[i].name.ldh;
  }
  // The objects alone read the same.
  EXPECT_EQ(reader().find_contact("alice").value(), x.alice);
  EXPECT_EQ(reader().find_host("ns1.example.test").value(), x.hosts[1]);
  // The other domain is untouched by this one's rows.
  EXPECT_EQ(reader().find_registration("example.test").value().contacts.size(), 2U);
}

TEST_P(RegistrationStoreContract, UnknownObjectsAreNotFound) {
  load_example();
  EXPECT_EQ(reader().find_registration("nope.test").error().code, ErrorCode::not_found);
  EXPECT_EQ(reader().find_contact("nobody").error().code, ErrorCode::not_found);
  EXPECT_EQ(reader().find_host("ns9.example.test").error().code, ErrorCode::not_found);
  EXPECT_EQ(reader().find_registrar_by_iana_id(9).error().code, ErrorCode::not_found);
}

TEST_P(RegistrationStoreContract, LooksUpByNameserverRegistrarAndPrefix) {
  load_example();
  {
    auto work = store_->begin().value();
    RegistrationWriter& w = work->registrations();
    auto d = sample_domain("exam.test", "D2-TEST");
    d.nameservers = {"ns2.example.net"};
    ASSERT_TRUE(w.put_domain(d).has_value());
    ASSERT_TRUE(w.put_domain(sample_domain("other.test", "D3-TEST")).has_value());
    ASSERT_TRUE(work->commit(at("2024-01-02T00:00:00Z")).has_value());
  }
  EXPECT_EQ(ssad::testing::ldh_names(
                reader().search({NameSearch::Kind::domain_by_nameserver, "ns2.example.net", ""}, {}).value()),
            (std::vector<std::string>{"exam.test", "example.test"}));
  EXPECT_EQ(reader().domains_by_registrar("registrarX", {.after = "exam.test", .limit = 1}).value(),
            (std::vector<std::string>{"example.test"}));
  EXPECT_EQ(
      ssad::testing::ldh_names(reader().search({NameSearch::Kind::domain_prefix, "exam", ""}, {}).value()),
      (std::vector<std::string>{"exam.test", "example.test"}));
  EXPECT_EQ(
      ssad::testing::ldh_names(
          reader().search({NameSearch::Kind::domain_prefix, "exam", ""}, {.after = "exam.test"}).value()),
      (std::vector<std::string>{"example.test"}));
  EXPECT_EQ(reader().find_registrar_by_iana_id(1234).value().handle, "registrarX");
  EXPECT_EQ(reader().counts().value(), (StoreCounts{1, 2, 2, 3}));
}

TEST_P(RegistrationStoreContract, FindsIdnsByTheirUnicodePrefix) {
  load_example();
  auto work = store_->begin().value();
  RegistrationWriter& w = work->registrations();
  ASSERT_TRUE(w.put_domain(sample_domain("bücher.test", "D4-TEST")).has_value());
  ASSERT_TRUE(work->commit(at("2024-01-02T00:00:00Z")).has_value());
  EXPECT_EQ(ssad::testing::ldh_names(
                reader().search({NameSearch::Kind::domain_unicode_prefix, "büc", ""}, {}).value()),
            (std::vector<std::string>{"xn--bcher-kva.test"}));
  EXPECT_EQ(reader().find_registration("xn--bcher-kva.test").value().domain.name.unicode, "bücher.test");
}

TEST_P(RegistrationStoreContract, SearchesNamesWithPrefixSuffixAndAddressesAndCountsThem) {
  load_example();
  {
    auto work = store_->begin().value();
    RegistrationWriter& w = work->registrations();
    auto d = sample_domain("exam.test", "D2-TEST");
    d.nameservers = {"ns2.example.net"};
    ASSERT_TRUE(w.put_domain(d).has_value());
    ASSERT_TRUE(w.put_domain(sample_domain("exam.ple.test", "D3-TEST")).has_value());
    ASSERT_TRUE(w.put_domain(sample_domain("example.other", "D4-TEST")).has_value());
    ASSERT_TRUE(w.put_domain(sample_domain("bücher.test", "D5-TEST")).has_value());
    ASSERT_TRUE(work->commit(at("2024-01-02T00:00:00Z")).has_value());
  }
  using Kind = NameSearch::Kind;
  auto names = [&](NameSearch q, Page page = {}) {
    return ssad::testing::ldh_names(reader().search(q, page).value());
  };
  using V = std::vector<std::string>;
  // "exam*" crosses labels; "exam*.test" keeps the wildcard inside one label.
  EXPECT_EQ(names({Kind::domain_prefix, "exam", ""}),
            (V{"exam.ple.test", "exam.test", "example.other", "example.test"}));
  EXPECT_EQ(names({Kind::domain_prefix, "exam", ".test"}), (V{"exam.test", "example.test"}));
  EXPECT_EQ(reader().count({Kind::domain_prefix, "exam", ".test"}).value(), 2);
  EXPECT_EQ(names({Kind::domain_prefix, "exam", ".test"}, {.after = "exam.test", .limit = 5}),
            (V{"example.test"}));
  EXPECT_EQ(names({Kind::domain_prefix, "exam", ""}, {.limit = 1}), (V{"exam.ple.test"}));
  EXPECT_EQ(names({Kind::domain_unicode_prefix, "büch", ".test"}), (V{"xn--bcher-kva.test"}));
  EXPECT_EQ(names({Kind::domain_by_nameserver, "ns2.example.net", ""}), (V{"exam.test", "example.test"}));
  EXPECT_EQ(reader().count({Kind::domain_by_nameserver, "ns2.example.net", ""}).value(), 2);
  EXPECT_EQ(names({Kind::domain_by_nameserver_ip, "2001:db8::1", ""}), (V{"example.test"}));
  EXPECT_EQ(reader().count({Kind::domain_by_nameserver_ip, "192.0.2.1", ""}).value(), 1);
  EXPECT_EQ(names({Kind::host_prefix, "ns", ""}), (V{"ns1.example.test", "ns2.example.net"}));
  EXPECT_EQ(names({Kind::host_prefix, "ns", ".example.net"}), (V{"ns2.example.net"}));
  EXPECT_EQ(reader().count({Kind::host_prefix, "ns", ""}).value(), 2);
  EXPECT_EQ(names({Kind::host_by_address, "192.0.2.1", ""}), (V{"ns1.example.test"}));
  EXPECT_TRUE(names({Kind::host_by_address, "192.0.2.99", ""}).empty());
  EXPECT_TRUE(names({Kind::domain_prefix, "zzz", ""}).empty());
}

TEST_P(RegistrationStoreContract, PagesDomainsOfHostsSharingAnAddressInOrderWithoutDuplicates) {
  load_example();
  {
    auto work = store_->begin().value();
    RegistrationWriter& w = work->registrations();
    // Three hosts on one address; a.test and d.test use two of them.
    ASSERT_TRUE(w.put_host(sample_host("ns1.shared.test", "H7-TEST", {"203.0.113.7"})).has_value());
    ASSERT_TRUE(w.put_host(sample_host("ns2.shared.test", "H8-TEST", {"203.0.113.7"})).has_value());
    ASSERT_TRUE(w.put_host(sample_host("ns3.shared.test", "H9-TEST", {"203.0.113.7"})).has_value());
    const std::vector<std::pair<const char*, std::vector<std::string>>> domains = {
        {"d.test", {"ns1.shared.test", "ns2.shared.test"}},
        {"a.test", {"ns2.shared.test", "ns3.shared.test"}},
        {"c.test", {"ns3.shared.test"}},
        {"b.test", {"ns1.shared.test"}},
        {"e.test", {"ns2.shared.test"}}};
    int roid = 20;
    for (const auto& [name, nameservers] : domains) {
      auto d = sample_domain(name, ("D" + std::to_string(roid++) + "-TEST").c_str());
      d.nameservers = nameservers;
      ASSERT_TRUE(w.put_domain(d).has_value());
    }
    ASSERT_TRUE(work->commit(at("2024-01-02T00:00:00Z")).has_value());
  }
  using Kind = NameSearch::Kind;
  using V = std::vector<std::string>;
  const NameSearch by_ip{Kind::domain_by_nameserver_ip, "203.0.113.7", ""};
  auto page = [&](std::string after, std::size_t limit) {
    return ssad::testing::ldh_names(
        reader().search(by_ip, {.after = std::move(after), .limit = limit}).value());
  };
  EXPECT_EQ(page("", 2), (V{"a.test", "b.test"}));
  EXPECT_EQ(page("b.test", 2), (V{"c.test", "d.test"}));
  EXPECT_EQ(page("d.test", 2), (V{"e.test"}));
  EXPECT_EQ(page("", 10), (V{"a.test", "b.test", "c.test", "d.test", "e.test"}));
  EXPECT_EQ(reader().count(by_ip).value(), 5);
  EXPECT_EQ(
      ssad::testing::ldh_names(
          reader().search({Kind::host_by_address, "203.0.113.7", ""}, {.after = "ns1.shared.test"}).value()),
      (V{"ns2.shared.test", "ns3.shared.test"}));
  EXPECT_EQ(
      ssad::testing::ldh_names(
          reader().search({Kind::domain_by_nameserver, "ns2.shared.test", ""}, {.after = "a.test"}).value()),
      (V{"d.test", "e.test"}));
}

TEST_P(RegistrationStoreContract, ARenamedHostIsFoundByAddressUnderItsNewName) {
  load_example();
  {
    auto work = store_->begin().value();
    ASSERT_TRUE(work->registrations()
                    .put_host(sample_host("ns9.example.test", "H1-TEST", {"192.0.2.1"}, {"2001:db8::1"}))
                    .has_value());
    ASSERT_TRUE(work->commit(at("2024-01-02T00:00:00Z")).has_value());
  }
  EXPECT_EQ(ssad::testing::ldh_names(
                reader().search({NameSearch::Kind::host_by_address, "192.0.2.1", ""}, {}).value()),
            (std::vector<std::string>{"ns9.example.test"}));
}

TEST_P(RegistrationStoreContract, SearchResultsCarryTheUnicodeNameOfIdns) {
  load_example();
  {
    auto work = store_->begin().value();
    ASSERT_TRUE(work->registrations().put_domain(sample_domain("bücher.test", "D4-TEST")).has_value());
    ASSERT_TRUE(work->commit(at("2024-01-02T00:00:00Z")).has_value());
  }
  const auto found = reader().search({NameSearch::Kind::domain_prefix, "", ".test"}, {}).value();
  EXPECT_EQ(found, (std::vector<DomainName>{{"example.test", ""}, {"xn--bcher-kva.test", "bücher.test"}}));
  const auto by_unicode =
      reader().search({NameSearch::Kind::domain_unicode_prefix, "b", ".test"}, {}).value();
  EXPECT_EQ(by_unicode, (std::vector<DomainName>{{"xn--bcher-kva.test", "bücher.test"}}));
}

TEST_P(RegistrationStoreContract, APrefixWithALabelAndASuffixStillKeepsTheWildcardInOneLabel) {
  load_example();
  {
    auto work = store_->begin().value();
    RegistrationWriter& w = work->registrations();
    ASSERT_TRUE(w.put_domain(sample_domain("www.shop.test", "D2-TEST")).has_value());
    ASSERT_TRUE(w.put_domain(sample_domain("www.sh.op.test", "D3-TEST")).has_value());
    ASSERT_TRUE(w.put_domain(sample_domain("shop.test", "D5-TEST")).has_value());
    ASSERT_TRUE(w.put_domain(sample_domain("shop.other", "D6-TEST")).has_value());
    ASSERT_TRUE(work->commit(at("2024-01-02T00:00:00Z")).has_value());
  }
  using Kind = NameSearch::Kind;
  using V = std::vector<std::string>;
  auto names = [&](NameSearch q) { return ssad::testing::ldh_names(reader().search(q, {}).value()); };
  EXPECT_EQ(names({Kind::domain_prefix, "www.sh", ".test"}), (V{"www.shop.test"}));
  EXPECT_EQ(reader().count({Kind::domain_prefix, "www.sh", ".test"}).value(), 1);
  // "sh*.test": the parent is exactly "test"; www.shop.test's first label does not start with "sh".
  EXPECT_EQ(names({Kind::domain_prefix, "sh", ".test"}), (V{"shop.test"}));
  EXPECT_EQ(reader().count({Kind::domain_prefix, "sh", ".test"}).value(), 1);
  EXPECT_EQ(names({Kind::domain_prefix, "sh", ".op.test"}), (V{}));
}

TEST_P(RegistrationStoreContract, AnUncommittedWriteLeavesNoTrace) {
  load_example();
  {
    auto work = store_->begin().value();
    RegistrationWriter& w = work->registrations();
    ASSERT_TRUE(w.put_domain(sample_domain("new.test", "D9-TEST")).has_value());
    ASSERT_TRUE(w.delete_domain("example.test").has_value());
  }  // destroyed without commit
  EXPECT_EQ(reader().find_registration("new.test").error().code, ErrorCode::not_found);
  EXPECT_TRUE(reader().find_registration("example.test").has_value());
}

TEST_P(RegistrationStoreContract, PuttingADomainReplacesItsChildren) {
  load_example();
  auto work = store_->begin().value();
  RegistrationWriter& w = work->registrations();
  auto d = sample_domain("example.test", "D1-TEST");
  d.statuses = {{"serverHold", "court order"}};
  d.contacts = {{model::ContactRole::registrant, "tech1"}};
  ASSERT_TRUE(w.put_domain(d).has_value());
  ASSERT_TRUE(work->commit(at("2024-01-02T00:00:00Z")).has_value());
  auto reg = reader().find_registration("example.test").value();
  EXPECT_EQ(reg.domain.statuses, (std::vector<model::Status>{{"serverHold", "court order"}}));
  ASSERT_EQ(reg.contacts.size(), 1U);
  EXPECT_EQ(reg.contacts[0].second.handle, "tech1");
  EXPECT_TRUE(reg.nameservers.empty());
  EXPECT_TRUE(reg.domain.ds.empty());
}

TEST_P(RegistrationStoreContract, RefusesDuplicatesAndDanglingReferences) {
  load_example();
  auto work = store_->begin().value();
  RegistrationWriter& w = work->registrations();
  ASSERT_TRUE(w.put_domain(sample_domain("a.test", "DA-TEST")).has_value());
  EXPECT_EQ(w.put_domain(sample_domain("a.test", "DA-TEST")).error().code, ErrorCode::conflict);
  auto roid_clash = w.put_domain(sample_domain("b.test", "D1-TEST"));
  ASSERT_FALSE(roid_clash.has_value());
  EXPECT_NE(roid_clash.error().message.find("ROID 'D1-TEST'"), std::string::npos)
      << roid_clash.error().message;
  auto orphan = sample_domain("c.test", "DC-TEST");
  orphan.registrar = "nobody";
  auto bad_registrar = w.put_domain(orphan);
  ASSERT_FALSE(bad_registrar.has_value());
  EXPECT_EQ(bad_registrar.error().code, ErrorCode::invalid_input);
  EXPECT_EQ(bad_registrar.error().message, "unknown registrar 'nobody'");
  EXPECT_EQ(w.add_domain_contact("a.test", {model::ContactRole::admin, "ghost"}).error().message,
            "unknown contact 'ghost'");
  EXPECT_EQ(w.add_domain_nameserver("a.test", "ns9.example.test", false).error().message,
            "unknown host 'ns9.example.test'");
}

TEST_P(RegistrationStoreContract, DeletesRespectReferences) {
  load_example();
  auto work = store_->begin().value();
  RegistrationWriter& w = work->registrations();
  EXPECT_EQ(w.delete_contact("registrant1").error().code, ErrorCode::conflict);
  EXPECT_EQ(w.delete_host_by_roid("H1-TEST").error().code, ErrorCode::conflict);
  EXPECT_EQ(w.delete_registrar("registrarX").error().code, ErrorCode::conflict);
  EXPECT_EQ(w.delete_domain("missing.test").error().code, ErrorCode::not_found);
  ASSERT_TRUE(w.delete_domain("example.test").has_value());
  EXPECT_TRUE(w.delete_contact("registrant1").has_value());
  EXPECT_TRUE(w.delete_host_by_roid("H1-TEST").has_value());
  ASSERT_TRUE(work->commit(at("2024-01-02T00:00:00Z")).has_value());
  EXPECT_EQ(reader().counts().value(), (StoreCounts{1, 1, 1, 0}));
}

// Importers hand the store keys cut from a larger text (a CSV row of a deposit): a key is its own
// characters, not what follows it. (PostgreSQL's store once sent such a key on to the end of the text,
// and an escrow DIFF could not delete a host it had stored.)
TEST_P(RegistrationStoreContract, AKeyCutFromALargerTextIsOnlyItsOwnCharacters) {
  load_example();
  const std::string row = "example.test,H2-TEST,registrant1,registrarX,ns1.example.test,tail";
  const auto cut = [&row](std::string_view key) {
    return std::string_view(row).substr(row.find(key), key.size());
  };
  EXPECT_TRUE(reader().find_registration(cut("example.test")).has_value());
  EXPECT_TRUE(reader().find_contact(cut("registrant1")).has_value());
  EXPECT_TRUE(reader().find_registrar(cut("registrarX")).has_value());
  EXPECT_TRUE(reader().find_host(cut("ns1.example.test")).has_value());

  auto work = store_->begin().value();
  RegistrationWriter& w = work->registrations();
  auto ok = w.add_domain_status(cut("example.test"), {"serverHold", ""});
  EXPECT_TRUE(ok.has_value()) << ok.error().message;
  ok = w.delete_domain(cut("example.test"));
  EXPECT_TRUE(ok.has_value()) << ok.error().message;
  ok = w.delete_host_by_roid(cut("H2-TEST"));
  EXPECT_TRUE(ok.has_value()) << ok.error().message;
  ok = w.delete_contact(cut("registrant1"));
  EXPECT_TRUE(ok.has_value()) << ok.error().message;
  ASSERT_TRUE(work->commit(at("2024-01-02T00:00:00Z")).has_value());
  EXPECT_EQ(reader().counts().value(), (StoreCounts{1, 1, 1, 0}));
}

// Both stores take the same numbers: DS and DNSKEY fields as wide as the importers accept (unsigned 32
// bits), where PostgreSQL's integer would stop at 2^31 - 1 and abort the import.
TEST_P(RegistrationStoreContract, TakesDnssecNumbersAsWideAsTheImportersAccept) {
  load_example();
  auto work = store_->begin().value();
  RegistrationWriter& w = work->registrations();
  auto ok = w.add_domain_ds("example.test", {3000000000U, 4000000000U, 4294967295U, "AB"}, 4294967295);
  ASSERT_TRUE(ok.has_value()) << ok.error().message;
  ok = w.add_domain_key("example.test", {4294967295U, 3, 4000000000U, "KEY"}, std::nullopt);
  ASSERT_TRUE(ok.has_value()) << ok.error().message;
  ASSERT_TRUE(work->commit(at("2024-01-02T00:00:00Z")).has_value());
  const auto reg = reader().find_registration("example.test").value();
  ASSERT_EQ(reg.domain.ds.size(), 2U);
  EXPECT_EQ(reg.domain.ds[1].key_tag, 3000000000U);
  EXPECT_EQ(reg.domain.ds[1].digest_type, 4294967295U);
  EXPECT_EQ(reg.domain.max_sig_life, 4294967295);
  ASSERT_EQ(reg.domain.keys.size(), 1U);
  EXPECT_EQ(reg.domain.keys[0].flags, 4294967295U);
}

// A domain put and then deleted with its TLD frees its ROID for another domain in the same unit of work.
TEST_P(RegistrationStoreContract, ARoidFreedByDeletingItsTldCanBeUsedAgain) {
  load_example();
  auto work = store_->begin().value();
  RegistrationWriter& w = work->registrations();
  ASSERT_TRUE(w.put_domain(sample_domain("new.test", "D9-TEST")).has_value());
  ASSERT_TRUE(w.put_domain(sample_domain("kept.other", "D8-TEST")).has_value());
  ASSERT_EQ(w.delete_domains_of_tld("test").value(), 2);
  auto again = w.put_domain(sample_domain("renamed.test", "D9-TEST"));
  EXPECT_TRUE(again.has_value()) << again.error().message;
  EXPECT_EQ(w.put_domain(sample_domain("twice.other", "D8-TEST")).error().code, ErrorCode::conflict);
  ASSERT_TRUE(work->commit(at("2024-01-02T00:00:00Z")).has_value());
  EXPECT_EQ(reader().find_registration("renamed.test").value().domain.roid, "D9-TEST");
  EXPECT_EQ(reader().find_registration("new.test").error().code, ErrorCode::not_found);
}

TEST_P(RegistrationStoreContract, FullReplacementKeepsOnlyWhatIsReferencedOrPut) {
  load_example();
  auto work = store_->begin().value();
  RegistrationWriter& w = work->registrations();
  EXPECT_EQ(w.delete_domains_of_tld("test").value(), 1);
  ASSERT_TRUE(w.put_contact(sample_contact("fresh", "New Person", "new@example.test")).has_value());
  ASSERT_TRUE(w.delete_unreferenced_contacts_and_hosts().has_value());
  ASSERT_TRUE(work->commit(at("2024-01-02T00:00:00Z")).has_value());
  EXPECT_EQ(reader().counts().value(), (StoreCounts{1, 1, 0, 0}));
  EXPECT_TRUE(reader().find_contact("fresh").has_value());
}

TEST_P(RegistrationStoreContract, RecordsDepositsInOrder) {
  load_example();
  auto work = store_->begin().value();
  RegistrationWriter& w = work->registrations();
  ASSERT_TRUE(w.record_deposit(
                   {"d1", "FULL", "", "test", at("2024-01-01T00:00:00Z"), "aa", at("2024-01-01T01:00:00Z")})
                  .has_value());
  ASSERT_TRUE(w.record_deposit(
                   {"d2", "DIFF", "d1", "test", at("2024-01-02T00:00:00Z"), "bb", at("2024-01-02T01:00:00Z")})
                  .has_value());
  EXPECT_EQ(w.record_deposit(
                 {"d2", "DIFF", "d1", "test", at("2024-01-02T00:00:00Z"), "bb", at("2024-01-02T01:00:00Z")})
                .error()
                .code,
            ErrorCode::conflict);
  ASSERT_TRUE(w.record_deposit(
                   {"jsonl-1", "JSONL", "", "", at("2024-01-03T00:00:00Z"), "cc", at("2024-01-03T01:00:00Z")})
                  .has_value());
  ASSERT_TRUE(work->commit(at("2024-01-02T00:00:00Z")).has_value());
  EXPECT_EQ(reader().last_deposit().value()->id, "d2");  // a JSONL import does not break escrow sequencing
  EXPECT_EQ(reader().find_deposit("jsonl-1").value()->type, "JSONL");
  EXPECT_EQ(reader().find_deposit("d1").value()->type, "FULL");
  EXPECT_FALSE(reader().find_deposit("d3").value().has_value());
}

INSTANTIATE_TEST_SUITE_P(Backends, RegistrationStoreContract, ::testing::ValuesIn(backends()), backend_name);

TEST(SqliteMigrationsTest, ApplyOnceAndRecordTheirVersion) {
  ssad::testing::TempDir dir;
  auto db = sqlite::Database::open(dir.file("m.db"), true).value();
  EXPECT_EQ(sqlite::schema_version(*db).value(), 0);
  EXPECT_EQ(sqlite::migrate(*db).value(), sqlite::latest_schema_version());
  EXPECT_EQ(sqlite::migrate(*db).value(), 0);
  EXPECT_EQ(sqlite::schema_version(*db).value(), sqlite::latest_schema_version());
}

TEST(SqliteMigrationsTest, RefusesADatabaseFromANewerBinary) {
  ssad::testing::TempDir dir;
  {
    auto db = sqlite::Database::open(dir.file("m.db"), true).value();
    ASSERT_TRUE(sqlite::migrate(*db).has_value());
    ASSERT_TRUE(db->exec("INSERT INTO schema_migration VALUES (9999, 'future', 0)").has_value());
  }
  auto store = sqlite::open_sqlite_store(dir.file("m.db"));
  ASSERT_FALSE(store.has_value());
  EXPECT_EQ(store.error().code, ErrorCode::conflict);
}

TEST(SqliteStoreTest, OpeningAMissingFileWithoutCreateFails) {
  ssad::testing::TempDir dir;
  auto store = sqlite::open_sqlite_store(dir.file("absent.db"), {.create = false});
  ASSERT_FALSE(store.has_value());
  EXPECT_EQ(store.error().code, ErrorCode::unavailable);
}

TEST(SqliteStoreTest, ReaderConnectionsCannotWrite) {
  ssad::testing::TempDir dir;
  {
    ASSERT_TRUE(sqlite::open_sqlite_store(dir.file("r.db")).has_value());
  }
  auto reader = sqlite::Database::open_read_only(dir.file("r.db")).value();
  auto written = reader->exec("DELETE FROM domain");
  ASSERT_FALSE(written.has_value());
  EXPECT_NE(written.error().message.find("readonly"), std::string::npos) << written.error().message;
}

TEST(SqliteStoreTest, OpeningWithoutMigratingWritesNothingToAFileThatIsNotAStore) {
  ssad::testing::TempDir dir;
  {
    std::ofstream(dir.file("empty.db")).flush();
  }
  auto store = sqlite::open_sqlite_store(dir.file("empty.db"), {.create = false, .migrate = false});
  ASSERT_FALSE(store.has_value());
  EXPECT_EQ(store.error().code, ErrorCode::conflict);
  EXPECT_NE(store.error().message.find("ssad migrate"), std::string::npos);
  EXPECT_EQ(std::filesystem::file_size(dir.file("empty.db")), 0U);  // no migration table was created
}

TEST(SqliteStoreTest, AReadOverItsBudgetIsInterruptedAndTheConnectionStaysUsable) {
  ssad::testing::TempDir dir;
  ssad::testing::FakeClock clock;
  auto store = sqlite::open_sqlite_store(dir.file("b.db"),
                                         {.read_budget = std::chrono::milliseconds(1000), .clock = &clock})
                   .value();
  {
    auto work = store->begin().value();
    RegistrationWriter& w = work->registrations();
    ASSERT_TRUE(w.put_registrar(sample_registrar()).has_value());
    ASSERT_TRUE(w.put_contact(sample_contact("registrant1", "Jane Doe", "jane@example.test")).has_value());
    ASSERT_TRUE(w.put_contact(sample_contact("tech1", "Tom Tech", "tech@example.test")).has_value());
    for (int i = 0; i < 300; ++i) {
      const std::string name = "name" + std::to_string(i) + ".test";
      ASSERT_TRUE(w.put_domain(sample_domain(name.c_str(), ("D" + std::to_string(i)).c_str())).has_value());
    }
    ASSERT_TRUE(work->commit(at("2024-01-01T00:00:00Z")).has_value());
  }
  // Reads all 300 names: thousands of SQLite instructions, so the deadline is checked during the read.
  const NameSearch costly{NameSearch::Kind::domain_prefix, "name", ""};
  ASSERT_EQ(store->registrations().search(costly, {.limit = 1000}).value().size(),
            300U);                                     // time stands still
  clock.tick_on_read(std::chrono::milliseconds(600));  // each clock reading: 0.6 s later
  auto late = store->registrations().search(costly, {.limit = 1000});
  ASSERT_FALSE(late.has_value());
  EXPECT_EQ(late.error().code, ErrorCode::timed_out);
  clock.tick_on_read(std::chrono::milliseconds(0));
  EXPECT_EQ(store->registrations()
                .search({NameSearch::Kind::domain_prefix, "name1", ""}, {.limit = 2})
                .value()
                .size(),
            2U);
  // A unit of work (an import) has no budget.
  clock.tick_on_read(std::chrono::milliseconds(600));
  auto work = store->begin().value();
  EXPECT_TRUE(work->registrations().delete_domains_of_tld("test").has_value());
}

}  // namespace
}  // namespace ssad::store
