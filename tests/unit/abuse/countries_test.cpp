// The country of a client address from a MaxMind DB file (abuse/countries.hpp), on a database MaxMind's
// own writer made (tests/support/country_database.hpp).

#include "abuse/countries.hpp"

#include <fstream>

#include <gtest/gtest.h>

#include "support/country_database.hpp"

namespace ssad::abuse {
namespace {

TEST(CountryLookupTest, NamesTheCountryOfIPv4AndIPv6AddressesAndNothingForOthers) {
  const testing::TempDir dir;
  const std::string path = testing::write_country_database(dir);
  ASSERT_FALSE(path.empty());
  auto lookup = CountryLookup::open(path);
  ASSERT_TRUE(lookup) << lookup.error().message;
  EXPECT_EQ((*lookup)->country("198.51.100.7"), "DE");
  EXPECT_EQ((*lookup)->country("203.0.113.250"), "FR");
  EXPECT_EQ((*lookup)->country("192.0.2.10"), "US");
  EXPECT_EQ((*lookup)->country("2001:db8::1"), "NL");
  EXPECT_EQ((*lookup)->country("10.0.0.1"), "");  // not in the database
  EXPECT_EQ((*lookup)->country("not an address"), "");
  EXPECT_EQ((*lookup)->country(""), "");
}

TEST(CountryLookupTest, AFileThatIsNotADatabaseIsRefusedNamingIt) {
  const testing::TempDir dir;
  const std::string path = dir.file("garbage.mmdb");
  std::ofstream(path) << "this is not a MaxMind DB file";
  const auto lookup = CountryLookup::open(path);
  ASSERT_FALSE(lookup);
  EXPECT_EQ(lookup.error().code, ErrorCode::invalid_input);
  EXPECT_NE(lookup.error().message.find("garbage.mmdb"), std::string::npos);
  EXPECT_FALSE(CountryLookup::open(dir.file("missing.mmdb")));
}

}  // namespace
}  // namespace ssad::abuse
