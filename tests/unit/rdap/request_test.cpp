#include "rdap/request.hpp"

#include <chrono>

#include <gtest/gtest.h>

#include "rdap/cursor.hpp"
#include "rdap/render.hpp"
#include "support/fake_clock.hpp"

namespace ssad::rdap {
namespace {

TEST(PercentDecode, DecodesEscapesAndRefusesMalformedOnesAndBadUtf8) {
  EXPECT_EQ(percent_decode("b%C3%BCcher.example"), "bücher.example");
  EXPECT_EQ(percent_decode("a+b%20c"), "a+b c");
  EXPECT_EQ(percent_decode("%2f"), "/");
  for (const char* bad :
       {"%", "%4", "%G1", "abc%", "%00", "%C3", "%C0%AF", "%ED%A0%80", "%F4%90%80%80", "%FF"}) {
    EXPECT_FALSE(percent_decode(bad).has_value()) << bad;
  }
}

TEST(ParseQuery, KeepsOrderAndDecodes) {
  auto q = parse_query("name=exam%2A&count=true&&flag&x=");
  ASSERT_TRUE(q.has_value());
  ASSERT_EQ(q->size(), 4U);
  EXPECT_EQ(*find_parameter(*q, "name"), "exam*");
  EXPECT_EQ(*find_parameter(*q, "flag"), "");
  EXPECT_EQ(find_parameter(*q, "missing"), nullptr);
  EXPECT_FALSE(parse_query("name=%zz").has_value());
}

TEST(NamePattern, ReadsNamesPrefixesAndSuffixes) {
  auto exact = parse_name_pattern("EXAMPLE.Test");
  ASSERT_TRUE(exact.has_value());
  EXPECT_FALSE(exact->wildcard);
  EXPECT_EQ(exact->name, "example.test");

  auto prefix = parse_name_pattern("Exam*");
  ASSERT_TRUE(prefix.has_value());
  EXPECT_TRUE(prefix->wildcard);
  EXPECT_EQ(prefix->prefix, "exam");
  EXPECT_EQ(prefix->suffix, "");

  auto suffix = parse_name_pattern("exam*.COM");
  ASSERT_TRUE(suffix.has_value());
  EXPECT_EQ(suffix->suffix, ".com");

  auto unicode = parse_name_pattern("BÜch*.test");
  ASSERT_TRUE(unicode.has_value());
  EXPECT_TRUE(unicode->unicode);
  EXPECT_EQ(unicode->prefix, "büch");

  auto label_end = parse_name_pattern("example.*");
  ASSERT_TRUE(label_end.has_value());
  EXPECT_EQ(label_end->prefix, "example.");
}

TEST(NamePattern, RefusesWhatRfc9082DoesNotAllowWith400AndUnsupportedStylesWith422) {
  const std::pair<const char*, unsigned> cases[] = {
      {"", 400},  {"a*b*", 400},      {"bad_label!.test", 400}, {"xn--bcher-kva.bü*", 400},
      {"*", 422}, {"*.example", 422}, {"ex*le.com", 422},       {"a b*", 400},
  };
  for (const auto& [text, status] : cases) {
    auto p = parse_name_pattern(text);
    ASSERT_FALSE(p.has_value()) << text;
    EXPECT_EQ(p.error().status, status) << text;
    if (std::string_view(text).size() > 2) {
      EXPECT_EQ(p.error().reason.find(text), std::string::npos) << "echoes " << text;
    }
  }
  EXPECT_EQ(parse_name_pattern("ns*", false).error().status, 422U);
}

TEST(Cursor, RoundTripsAndRefusesTamperingAndOtherKeys) {
  const ssad::testing::FakeClock clock;
  CursorCodec codec("key");
  const CursorState state{"domains 0 exam .test", "exam2.test", 3, clock.now()};
  const std::string cursor = codec.encode(state, clock.now());
  EXPECT_EQ(cursor.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"),
            std::string::npos);
  EXPECT_EQ(codec.decode(cursor, clock.now()), state);
  std::string tampered = cursor;
  tampered[5] = tampered[5] == 'A' ? 'B' : 'A';
  EXPECT_FALSE(codec.decode(tampered, clock.now()).has_value());
  EXPECT_FALSE(CursorCodec("other").decode(cursor, clock.now()).has_value());
  EXPECT_FALSE(CursorCodec().decode(cursor, clock.now()).has_value());
  EXPECT_FALSE(codec.decode("", clock.now()).has_value());
  EXPECT_FALSE(codec.decode("a", clock.now()).has_value());
}

TEST(Cursor, ExpiresAfterItsLifetimeEvenUnderAConfiguredKey) {
  ssad::testing::FakeClock clock;
  const CursorCodec codec("shared key of several servers", std::chrono::seconds(600));
  const std::string cursor = codec.encode({"domains 0 exam", "exam2.test", 2, {}}, clock.now());
  clock.advance(std::chrono::seconds(600));
  EXPECT_TRUE(codec.decode(cursor, clock.now()).has_value());
  clock.advance(std::chrono::milliseconds(1));
  EXPECT_FALSE(codec.decode(cursor, clock.now()).has_value());
  // A cursor from a server whose clock runs a little ahead is taken; one from far ahead is not.
  const std::string ahead =
      codec.encode({"domains 0 exam", "exam2.test", 2, {}}, clock.now() + std::chrono::seconds(60));
  EXPECT_TRUE(codec.decode(ahead, clock.now()).has_value());
  const std::string far =
      codec.encode({"domains 0 exam", "exam2.test", 2, {}}, clock.now() + std::chrono::seconds(61));
  EXPECT_FALSE(codec.decode(far, clock.now()).has_value());
  // Page numbers stay far from overflow, even in a cursor signed with the right key.
  EXPECT_FALSE(
      codec.decode(codec.encode({"s", "a", 1'000'000'001, {}}, clock.now()), clock.now()).has_value());
  EXPECT_TRUE(
      codec.decode(codec.encode({"s", "a", 1'000'000'000, {}}, clock.now()), clock.now()).has_value());
}

TEST(RdapStatus, MapsEppStatusesPerRfc8056) {
  EXPECT_EQ(rdap_status("ok"), "active");
  EXPECT_EQ(rdap_status("linked"), "associated");
  EXPECT_EQ(rdap_status("clientTransferProhibited"), "client transfer prohibited");
  EXPECT_EQ(rdap_status("serverHold"), "server hold");
  EXPECT_EQ(rdap_status("redemptionPeriod"), "redemption period");
  EXPECT_EQ(rdap_status("pendingDelete"), "pending delete");
  EXPECT_EQ(rdap_status("inactive"), "inactive");
}

}  // namespace
}  // namespace ssad::rdap
