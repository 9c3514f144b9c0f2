#include "model/registration.hpp"

#include <gtest/gtest.h>

namespace ssad::model {
namespace {

TEST(RegistrationModelTest, CountryCodesAreTwoLettersInUpperCase) {
  EXPECT_EQ(canonical_country_code("us"), "US");
  EXPECT_EQ(canonical_country_code(""), "");
  for (const char* bad : {"USA", "U", "1A", "u-", "ü"}) EXPECT_FALSE(canonical_country_code(bad)) << bad;
}

TEST(RegistrationModelTest, DigestsAreUpperCaseHex) {
  EXPECT_EQ(canonical_hex("49fd46e6"), "49FD46E6");
  EXPECT_FALSE(canonical_hex("49FG"));
}

TEST(RegistrationModelTest, KnowsEppAndRgpStatusesOnly) {
  for (const char* s :
       {"ok", "clientTransferProhibited", "serverHold", "pendingDelete", "redemptionPeriod"}) {
    EXPECT_TRUE(is_known_epp_status(s)) << s;
  }
  for (const char* s : {"", "OK", "client transfer prohibited", "active"})
    EXPECT_FALSE(is_known_epp_status(s)) << s;
}

TEST(RegistrationModelTest, IpAddressesAreCanonical) {
  EXPECT_EQ(canonical_ip_address("2001:DB8:0:0::1").value(), (std::pair<std::string, int>{"2001:db8::1", 6}));
  EXPECT_EQ(canonical_ip_address("192.0.2.1").value().second, 4);
  EXPECT_FALSE(canonical_ip_address("192.0.2.256").has_value());
}

}  // namespace
}  // namespace ssad::model
