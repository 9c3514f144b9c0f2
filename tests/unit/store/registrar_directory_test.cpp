// Contract tests for the registrar directory: every backend must pass them (store_contract.hpp).

#include "store/registrar_directory.hpp"

#include <gtest/gtest.h>

#include "support/registration_fixtures.hpp"
#include "unit/store/store_contract.hpp"

namespace ssad::store {
namespace {

using testing::at;
using testing::sample_domain;
using testing::sample_registrar;

// What an RFC 9022 deposit gives: no abuse contact and no RDAP base URL.
model::Registrar deposit_registrar(std::string handle = "registrarX", std::int64_t iana_id = 1234) {
  model::Registrar r = sample_registrar(std::move(handle), iana_id);
  r.rdap_base_url.clear();
  r.abuse_email.clear();
  r.abuse_phone.clear();
  return r;
}

class RegistrarDirectoryContract : public StoreContract {
 protected:
  void put_registrars(const std::vector<model::Registrar>& registrars, Timestamp now) {
    auto work = store_->begin().value();
    for (const auto& r : registrars) ASSERT_TRUE(work->registrations().put_registrar(r).has_value());
    if (!registrars.empty()) {
      model::Domain d = sample_domain("example.test", "D1-TEST");
      d.registrar = registrars.front().handle;
      d.contacts.clear();
      ASSERT_TRUE(work->registrations().put_domain(d).has_value());
    }
    ASSERT_TRUE(work->commit(now).has_value());
  }

  void apply(const RegistrarDirectoryChange& change, Timestamp now) {
    auto work = store_->begin().value();
    auto ok = work->registrar_directory().apply(change, now);
    ASSERT_TRUE(ok.has_value()) << ok.error().message;
    ASSERT_TRUE(work->commit(now).has_value());
  }

  RegistrarDirectoryReader& directory() { return store_->registrar_directory(); }
};

TEST_P(RegistrarDirectoryContract, LookupsShowTheDirectorysAbuseContactAndRdapBaseUrl) {
  put_registrars({deposit_registrar()}, at("2024-01-01T00:00:00Z"));
  apply({.iana_id = 1234,
         .rdap_base_url = "https://rdap.registrar.example/",
         .abuse_email = "abuse@registrar.example",
         .abuse_phone = "+1.7035555556"},
        at("2024-01-02T00:00:00Z"));

  for (const auto& r :
       {reader().find_registration("example.test").value().registrar,
        reader().find_registrar("registrarX").value(), reader().find_registrar_by_iana_id(1234).value()}) {
    EXPECT_EQ(r.abuse_email, "abuse@registrar.example");
    EXPECT_EQ(r.abuse_phone, "+1.7035555556");
    EXPECT_EQ(r.rdap_base_url, "https://rdap.registrar.example/");
    EXPECT_EQ(r.url, "https://registrar.example");  // the deposit's, the directory has none
    EXPECT_EQ(r.name, "Example Registrar, Inc.");
    EXPECT_EQ(r.email, "info@registrar.example");
  }
}

TEST_P(RegistrarDirectoryContract, TheDirectoryWinsWhereItHasAValueAndTheDepositShowsThroughWhereNot) {
  model::Registrar r = deposit_registrar();
  r.abuse_email = "deposit-abuse@registrar.example";  // an fCustom column of the deposit
  put_registrars({r}, at("2024-01-01T00:00:00Z"));
  apply({.iana_id = 1234, .url = "https://www.registrar.example/", .abuse_email = "abuse@registrar.example"},
        at("2024-01-02T00:00:00Z"));
  auto merged = reader().find_registrar("registrarX").value();
  EXPECT_EQ(merged.url, "https://www.registrar.example/");
  EXPECT_EQ(merged.abuse_email, "abuse@registrar.example");

  // Clearing a directory field lets the deposit's value show again.
  apply({.iana_id = 1234, .abuse_email = ""}, at("2024-01-03T00:00:00Z"));
  merged = reader().find_registrar("registrarX").value();
  EXPECT_EQ(merged.abuse_email, "deposit-abuse@registrar.example");
  EXPECT_EQ(merged.url, "https://www.registrar.example/");  // kept: the change did not name it
}

TEST_P(RegistrarDirectoryContract, AReimportThatReplacesTheRegistrarKeepsItsDirectoryEntry) {
  put_registrars({deposit_registrar()}, at("2024-01-01T00:00:00Z"));
  apply({.iana_id = 1234, .abuse_email = "abuse@registrar.example", .abuse_phone = "+1.7035555556"},
        at("2024-01-02T00:00:00Z"));
  {
    auto work = store_->begin().value();
    model::Registrar again = deposit_registrar();
    again.name = "Renamed Registrar";
    ASSERT_TRUE(work->registrations().put_registrar(again).has_value());
    ASSERT_TRUE(work->commit(at("2024-01-03T00:00:00Z")).has_value());
  }
  auto merged = reader().find_registrar("registrarX").value();
  EXPECT_EQ(merged.name, "Renamed Registrar");
  EXPECT_EQ(merged.abuse_email, "abuse@registrar.example");
  EXPECT_EQ(merged.abuse_phone, "+1.7035555556");
  EXPECT_EQ(directory().entries().value().size(), 1U);
}

TEST_P(RegistrarDirectoryContract, AChangeSetsOnlyTheFieldsItNamesAndStampsTheEntry) {
  apply({.iana_id = 1234,
         .name = "Example, Inc.",
         .status = "Accredited",
         .rdap_base_url = "https://r.example/"},
        at("2024-01-01T00:00:00Z"));
  apply({.iana_id = 1234, .abuse_email = "abuse@registrar.example"}, at("2024-01-02T00:00:00Z"));
  apply({.iana_id = 42, .abuse_phone = "+1.7035555556"}, at("2024-01-03T00:00:00Z"));
  const std::vector<RegistrarDirectoryEntry> expected = {
      {42, "", "", "", "", "", "+1.7035555556", at("2024-01-03T00:00:00Z")},
      {1234, "Example, Inc.", "Accredited", "https://r.example/", "", "abuse@registrar.example", "",
       at("2024-01-02T00:00:00Z")},
  };
  EXPECT_EQ(directory().entries().value(), expected);
}

TEST_P(RegistrarDirectoryContract, NamesTheRegistrarsWhoseAbuseContactIsIncomplete) {
  model::Registrar without_id = deposit_registrar("registrarZ", 0);
  without_id.iana_id.reset();
  without_id.name = "Z Registrar";
  model::Registrar with_deposit_contact = deposit_registrar("registrarY", 5678);
  with_deposit_contact.abuse_email = "abuse@y.example";
  with_deposit_contact.abuse_phone = "+1.7035550000";
  put_registrars({deposit_registrar(), without_id, with_deposit_contact, deposit_registrar("registrarW", 99)},
                 at("2024-01-01T00:00:00Z"));
  apply({.iana_id = 1234, .abuse_email = "abuse@registrar.example"}, at("2024-01-02T00:00:00Z"));

  const std::vector<RegistrarWithoutAbuseContact> expected = {
      {99, "registrarW", "Example Registrar, Inc.", true, true},
      {1234, "registrarX", "Example Registrar, Inc.", false, true},
      {std::nullopt, "registrarZ", "Z Registrar", true, true},
  };
  EXPECT_EQ(directory().registrars_without_abuse_contact().value(), expected);

  apply({.iana_id = 1234, .abuse_phone = "+1.7035555556"}, at("2024-01-03T00:00:00Z"));
  EXPECT_EQ(directory().registrars_without_abuse_contact().value().size(), 2U);
}

TEST_P(RegistrarDirectoryContract, AChangeIsADataChangeSoCachedAnswersAreRenewed) {
  put_registrars({deposit_registrar()}, at("2024-01-01T00:00:00Z"));
  apply({.iana_id = 1234, .abuse_email = "abuse@registrar.example"}, at("2024-01-02T00:00:00Z"));
  EXPECT_EQ(reader().data_updated().value(), at("2024-01-02T00:00:00Z"));
}

TEST_P(RegistrarDirectoryContract, AnUncommittedChangeLeavesNoTraceAndABadIdIsRefused) {
  {
    auto work = store_->begin().value();
    ASSERT_TRUE(work->registrar_directory()
                    .apply({.iana_id = 1234, .abuse_email = "a@b.example"}, at("2024-01-01T00:00:00Z"))
                    .has_value());
    EXPECT_EQ(work->registrar_directory().apply({.iana_id = 0}, at("2024-01-01T00:00:00Z")).error().code,
              ErrorCode::invalid_input);
  }
  EXPECT_TRUE(directory().entries().value().empty());
  EXPECT_FALSE(reader().data_updated().value().has_value());
}

INSTANTIATE_TEST_SUITE_P(Backends, RegistrarDirectoryContract, ::testing::ValuesIn(backends()), backend_name);

}  // namespace
}  // namespace ssad::store
