#include "demo/demo_registry.hpp"

#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include <gtest/gtest.h>

#include "ingest/escrow_import.hpp"
#include "support/search_names.hpp"
#include "support/store_backends.hpp"
#include "support/temp_dir.hpp"

namespace ssad::demo {
namespace {

namespace fs = std::filesystem;

std::string slurp(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// The demo deposit imported into a fresh store of each backend (tests/support/store_backends.hpp).
class DemoRegistryTest : public ::testing::TestWithParam<ssad::testing::Backend> {
 protected:
  void SetUp() override {
    options_.domains = 300;
    auto xml = write_demo_deposit(options_, dir_.path() / "deposit");
    ASSERT_TRUE(xml.has_value()) << xml.error().message;
    xml_ = *xml;
    store_ = GetParam().open(place_);
    auto report = ingest::import_escrow(*store_, xml_.string(), clock_);
    ASSERT_TRUE(report.has_value()) << report.error().message;
  }

  DemoOptions options_;
  ssad::testing::TempDir dir_;
  fs::path xml_;
  SystemClock clock_;
  ssad::testing::StorePlace place_;
  std::unique_ptr<store::Store> store_;
};

TEST_P(DemoRegistryTest, TheSameOptionsWriteTheSameDeposit) {
  auto again = write_demo_deposit(options_, dir_.path() / "again");
  ASSERT_TRUE(again.has_value());
  EXPECT_EQ(slurp(xml_), slurp(*again));  // the XML carries every file's CRC32
}

TEST_P(DemoRegistryTest, DomainIIsTheSameWhateverTheTotal) {
  DemoOptions bigger = options_;
  bigger.domains = 400;
  auto xml = write_demo_deposit(bigger, dir_.path() / "bigger");
  ASSERT_TRUE(xml.has_value());
  ssad::testing::StorePlace other_place;
  auto other = GetParam().open(other_place);
  ASSERT_TRUE(ingest::import_escrow(*other, xml->string(), clock_).has_value());
  auto a = store_->registrations().find_registration("paypa1.example").value();
  auto b = other->registrations().find_registration("paypa1.example").value();
  EXPECT_EQ(a.domain, b.domain);
  EXPECT_EQ(a.contacts.at(0).second, b.contacts.at(0).second);
}

TEST_P(DemoRegistryTest, HoldsAClusterSharingRegistrantEmailAndNameservers) {
  const auto patterns = demo_patterns(options_);
  ASSERT_EQ(patterns.cluster_domains.size(), 25U);
  for (const auto& name : patterns.cluster_domains) {
    auto reg = store_->registrations().find_registration(name).value();
    EXPECT_EQ(reg.contacts.at(0).first, model::ContactRole::registrant);
    EXPECT_EQ(reg.contacts.at(0).second.email, patterns.cluster_email) << name;
    EXPECT_EQ(reg.domain.nameservers, patterns.cluster_nameservers) << name;
  }
  EXPECT_EQ(store_->registrations()
                .search({store::NameSearch::Kind::domain_by_nameserver, patterns.cluster_nameservers[0], ""},
                        {.limit = 1000})
                .value()
                .size(),
            25U);
}

TEST_P(DemoRegistryTest, HoldsInconsistentContactsAndFreshLookalikes) {
  const auto patterns = demo_patterns(options_);
  for (const auto& name : patterns.phone_country_mismatch) {
    const auto c = store_->registrations().find_registration(name).value().contacts.at(0).second;
    EXPECT_EQ(c.postal.at(0).address.country_code, "DE");
    EXPECT_TRUE(c.voice.starts_with("+1.")) << c.voice;
  }
  ASSERT_EQ(patterns.malformed_postal_code.size(), 3U);
  EXPECT_EQ(store_->registrations()
                .find_registration(patterns.malformed_postal_code[0])
                .value()
                .contacts.at(0)
                .second.postal.at(0)
                .address.postal_code,
            "ABCDE");
  for (const auto& name : patterns.email_domain_missing) {
    EXPECT_TRUE(store_->registrations().find_registration(name).value().contacts.at(0).second.email.ends_with(
        ".invalid"));
  }
  ASSERT_EQ(patterns.lookalikes.size(), 8U);
  for (const auto& name : patterns.lookalikes) {
    auto reg = store_->registrations().find_registration(name).value();
    EXPECT_LE(options_.watermark - *reg.domain.created, std::chrono::hours(72)) << name;
  }
}

TEST_P(DemoRegistryTest, MixesPersonsPrivacyServicesIdnsDnssecAndRegistrars) {
  std::set<model::PersonType> persons;
  std::set<std::string> registrars;
  int idns = 0, signed_domains = 0, privacy = 0;
  const auto names =
      ssad::testing::ldh_names(store_->registrations()
                                   .search({store::NameSearch::Kind::domain_prefix, "", ""}, {.limit = 1000})
                                   .value());
  ASSERT_EQ(names.size(), 300U);
  for (const auto& name : names) {
    auto reg = store_->registrations().find_registration(name).value();
    persons.insert(reg.contacts.at(0).second.person_type);
    registrars.insert(reg.registrar.handle);
    idns += reg.domain.name.is_idn() ? 1 : 0;
    signed_domains += reg.domain.ds.empty() ? 0 : 1;
    privacy += reg.contacts.at(0).second.privacy_service.empty() ? 0 : 1;
  }
  EXPECT_EQ(persons.size(), 3U);
  EXPECT_GE(registrars.size(), 6U);
  EXPECT_GE(idns, 10);
  EXPECT_GE(signed_domains, 20);
  EXPECT_GE(privacy, 20);
}

INSTANTIATE_TEST_SUITE_P(Backends, DemoRegistryTest, ::testing::ValuesIn(ssad::testing::backends()),
                         ssad::testing::backend_name);

TEST(DemoOptionsTest, RefusesABadTld) {
  ssad::testing::TempDir dir;
  DemoOptions options;
  options.tld = "two.labels";
  EXPECT_EQ(write_demo_deposit(options, dir.path()).error().code, ErrorCode::invalid_input);
}

}  // namespace
}  // namespace ssad::demo
