// Contract tests for the registration repository: every backend must pass them (store_contract.hpp).

#include "store/registration_store.hpp"

#include <gtest/gtest.h>

#include "store/sqlite/migrations.hpp"
#include "store/sqlite/sqlite.hpp"
#include "store/sqlite/sqlite_store.hpp"
#include "support/registration_fixtures.hpp"
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
  EXPECT_EQ(reader().search({NameSearch::Kind::domain_by_nameserver, "ns2.example.net", ""}, {}).value(),
            (std::vector<std::string>{"exam.test", "example.test"}));
  EXPECT_EQ(reader().domains_by_registrar("registrarX", {.after = "exam.test", .limit = 1}).value(),
            (std::vector<std::string>{"example.test"}));
  EXPECT_EQ(reader().search({NameSearch::Kind::domain_prefix, "exam", ""}, {}).value(),
            (std::vector<std::string>{"exam.test", "example.test"}));
  EXPECT_EQ(reader().search({NameSearch::Kind::domain_prefix, "exam", ""}, {.after = "exam.test"}).value(),
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
  EXPECT_EQ(reader().search({NameSearch::Kind::domain_unicode_prefix, "büc", ""}, {}).value(),
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
  auto names = [&](NameSearch q, Page page = {}) { return reader().search(q, page).value(); };
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

}  // namespace
}  // namespace ssad::store
