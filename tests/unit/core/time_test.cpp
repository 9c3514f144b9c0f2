#include "core/time.hpp"

#include <gtest/gtest.h>

namespace ssad {
namespace {

TEST(Rfc3339Test, ParsesEscrowStyleFractionAndFormatsWithoutIt) {
  auto t = parse_rfc3339("2009-04-03T22:00:00.0Z");
  ASSERT_TRUE(t.has_value()) << t.error().message;
  EXPECT_EQ(format_rfc3339(*t), "2009-04-03T22:00:00Z");
}

TEST(Rfc3339Test, KeepsMillisecondsAndAppliesOffsets) {
  auto t = parse_rfc3339("2024-01-02T03:04:05.123456+02:00");
  ASSERT_TRUE(t.has_value()) << t.error().message;
  EXPECT_EQ(format_rfc3339(*t), "2024-01-02T01:04:05.123Z");
}

TEST(Rfc3339Test, RoundTripsThroughUnixMilliseconds) {
  auto t = parse_rfc3339("1999-12-31T23:59:59Z");
  ASSERT_TRUE(t.has_value());
  EXPECT_EQ(to_unix_ms(*t), 946684799000);
  EXPECT_EQ(format_rfc3339(from_unix_ms(946684799000)), "1999-12-31T23:59:59Z");
}

TEST(Rfc3339Test, RejectsDatesThatDoNotExistOrLackAZone) {
  for (const char* bad :
       {"2023-02-29T00:00:00Z", "2023-13-01T00:00:00Z", "2023-01-01T24:00:00Z", "2023-01-01T00:00:00",
        "2023-01-01 00:00:00Z", "2023-01-01T00:00:00Zjunk", "", "2023-01-01T00:00:00.Z", "yesterday"}) {
    auto t = parse_rfc3339(bad);
    EXPECT_FALSE(t.has_value()) << bad;
    if (!t) {
      EXPECT_EQ(t.error().code, ErrorCode::invalid_input);
    }
  }
}

}  // namespace
}  // namespace ssad
