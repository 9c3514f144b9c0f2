#include "abuse/rate_limiter.hpp"

#include <chrono>
#include <string>
#include <string_view>

#include <gtest/gtest.h>

#include "support/fake_clock.hpp"

namespace ssad::abuse {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

TEST(RateLimiterTest, RefillsAtItsRateUpToTheBurst) {
  ssad::testing::FakeClock clock;
  RateLimiter limiter(clock, 2.0, 2.0);
  EXPECT_TRUE(limiter.admit("192.0.2.1").allowed);
  EXPECT_TRUE(limiter.admit("192.0.2.1").allowed);
  EXPECT_FALSE(limiter.admit("192.0.2.1").allowed);
  EXPECT_TRUE(limiter.admit("192.0.2.2").allowed);  // another client
  clock.advance(milliseconds(600));                 // 1.2 tokens earned
  EXPECT_TRUE(limiter.admit("192.0.2.1").allowed);
  EXPECT_FALSE(limiter.admit("192.0.2.1").allowed);
  clock.advance(seconds(60));  // never more than the burst
  EXPECT_TRUE(limiter.admit("192.0.2.1").allowed);
  EXPECT_TRUE(limiter.admit("192.0.2.1").allowed);
  EXPECT_FALSE(limiter.admit("192.0.2.1").allowed);
}

TEST(RateLimiterTest, RetryAfterIsTheTimeToTheNextToken) {
  ssad::testing::FakeClock clock;
  RateLimiter slow(clock, 0.1, 1);  // one token per 10 s
  EXPECT_TRUE(slow.admit("192.0.2.1").allowed);
  Admission refused = slow.admit("192.0.2.1");
  EXPECT_FALSE(refused.allowed);
  EXPECT_EQ(refused.retry_after, seconds(10));
  clock.advance(milliseconds(7500));
  refused = slow.admit("192.0.2.1");
  EXPECT_EQ(refused.retry_after, seconds(3));  // 2.5 s rounded up
  clock.advance(milliseconds(2500));
  EXPECT_TRUE(slow.admit("192.0.2.1").allowed);
  RateLimiter fast(clock, 100, 1);
  EXPECT_TRUE(fast.admit("192.0.2.1").allowed);
  EXPECT_EQ(fast.admit("192.0.2.1").retry_after, seconds(1));  // never 0
}

// admit() reads the clock before it takes the bucket's lock, so a thread can bring a reading older than
// the one another thread just stamped on the bucket. That must count as no time passed, not as negative
// time that takes away a token the client has.
class ScriptedClock final : public Clock {
 public:
  [[nodiscard]] Timestamp now() const override { return {}; }
  [[nodiscard]] Monotonic monotonic() const override { return Monotonic{} + reading; }
  std::chrono::milliseconds reading{std::chrono::hours(1)};
};

TEST(RateLimiterTest, AnOlderClockReadingTakesNoTokenAway) {
  ScriptedClock clock;
  RateLimiter limiter(clock, 1, 2);
  EXPECT_TRUE(limiter.admit("192.0.2.1").allowed);  // one token left
  clock.reading -= seconds(1);                      // a reading taken before the one above
  EXPECT_TRUE(limiter.admit("192.0.2.1").allowed);  // the token left is still there
  EXPECT_FALSE(limiter.admit("192.0.2.1").allowed);
  clock.reading += seconds(2);  // one second after the newest stamp: one token earned
  EXPECT_TRUE(limiter.admit("192.0.2.1").allowed);
  EXPECT_FALSE(limiter.admit("192.0.2.1").allowed);
}

TEST(RateLimiterTest, ZeroRateIsUnlimited) {
  ssad::testing::FakeClock clock;
  RateLimiter off(clock, 0, 1);
  for (int i = 0; i < 1000; ++i) ASSERT_TRUE(off.admit("192.0.2.1").allowed);
}

TEST(RateLimiterTest, OneIpv6Slash64IsOneClient) {
  ssad::testing::FakeClock clock;
  RateLimiter limiter(clock, 1, 2);
  EXPECT_TRUE(limiter.admit("2001:db8:1:2::1").allowed);
  EXPECT_TRUE(limiter.admit("2001:db8:1:2::ffff").allowed);
  EXPECT_FALSE(limiter.admit("2001:db8:1:2:aaaa::3").allowed);
  EXPECT_TRUE(limiter.admit("2001:db8:1:3::1").allowed);
}

// A dual-stack listener sees IPv4 clients as ::ffff:a.b.c.d; they must not share one /64 bucket.
TEST(RateLimiterTest, Ipv4MappedClientsAreTheirIpv4Address) {
  ssad::testing::FakeClock clock;
  RateLimiter limiter(clock, 1, 1);
  EXPECT_TRUE(limiter.admit("::ffff:192.0.2.1").allowed);
  EXPECT_TRUE(limiter.admit("::ffff:198.51.100.7").allowed);
  EXPECT_FALSE(limiter.admit("192.0.2.1").allowed);  // the same client by either spelling
  EXPECT_EQ(RateLimiter::client_key("::ffff:192.0.2.1"), RateLimiter::client_key("192.0.2.1"));
  EXPECT_EQ(RateLimiter::client_key("::FFFF:c000:0201"), RateLimiter::client_key("192.0.2.1"));
}

// The 16-byte keys merge what one client is and keep apart what is not: an IPv4 address is never an
// IPv6 /64 (not even ::/64, whose key is all zeros but for none of the mapped prefix), text that is not an
// address is its own client and never an address.
TEST(RateLimiterTest, CompactKeysMergeOneClientAndKeepOthersApart) {
  static_assert(sizeof(ClientKey) == 16);
  const auto key = [](std::string_view address) { return RateLimiter::client_key(address); };
  EXPECT_EQ(key("2001:db8:1:2::1"), key("2001:db8:1:2:ffff:ffff:ffff:ffff"));
  EXPECT_EQ(key("2001:DB8:1:2::1"), key("2001:0db8:0001:0002:0000:0000:0000:0001"));
  EXPECT_NE(key("2001:db8:1:2::1"), key("2001:db8:1:3::1"));
  EXPECT_NE(key("192.0.2.1"), key("192.0.2.2"));
  EXPECT_NE(key("0.0.0.0"), key("::"));
  EXPECT_NE(key("0.0.0.0"), key("::1"));
  EXPECT_EQ(key("::"), key("::1"));                // one /64
  EXPECT_NE(key("192.0.2.1"), key("::c000:201"));  // the deprecated IPv4-compatible form is IPv6
  EXPECT_EQ(key("not an address"), key("not an address"));
  EXPECT_NE(key("not an address"), key("not an addresS"));
  EXPECT_NE(key("not an address"), key("192.0.2.1"));
  EXPECT_NE(key("2001:db8::zz"), key("2001:db8::"));  // not an address: not the /64 it resembles
  EXPECT_NE(key("192.0.2.1 "), key("192.0.2.1"));
  EXPECT_NE(key(std::string(300, 'a')), key(std::string(301, 'a')));
  // And the limiter counts by them: text keys are buckets like any other.
  ssad::testing::FakeClock clock;
  RateLimiter limiter(clock, 1, 1);
  EXPECT_TRUE(limiter.admit("unix socket").allowed);
  EXPECT_FALSE(limiter.admit("unix socket").allowed);
  EXPECT_TRUE(limiter.admit("another socket").allowed);
}

// A query costs its tokens (a search more than a lookup): it goes ahead while the bucket holds them all,
// and a refused one takes nothing.
TEST(RateLimiterTest, AQueryTakesItsCostInTokens) {
  ssad::testing::FakeClock clock;
  RateLimiter limiter(clock, 1, 10);
  EXPECT_TRUE(limiter.admit("192.0.2.1", 4).allowed);
  EXPECT_TRUE(limiter.admit("192.0.2.1", 4).allowed);  // 2 left
  const Admission refused = limiter.admit("192.0.2.1", 4);
  EXPECT_FALSE(refused.allowed);
  EXPECT_EQ(refused.retry_after, seconds(2));  // two more tokens at one a second
  EXPECT_TRUE(limiter.admit("192.0.2.1", 1).allowed);
  EXPECT_TRUE(limiter.admit("192.0.2.1", 1).allowed);  // the refused query took none
  EXPECT_FALSE(limiter.admit("192.0.2.1", 1).allowed);
  clock.advance(seconds(4));
  EXPECT_TRUE(limiter.admit("192.0.2.1", 4).allowed);
}

// A cost above the burst could never be paid: it is charged as the burst, so it needs a full bucket and
// empties it.
TEST(RateLimiterTest, ACostAboveTheBurstIsChargedAsTheBurst) {
  ssad::testing::FakeClock clock;
  RateLimiter limiter(clock, 2, 5);
  EXPECT_TRUE(limiter.admit("192.0.2.1", 50).allowed);
  const Admission empty = limiter.admit("192.0.2.1", 1);
  EXPECT_FALSE(empty.allowed);
  EXPECT_EQ(empty.retry_after, seconds(1));  // 1 token at 2 a second: half a second, rounded up
  const Admission whole = limiter.admit("192.0.2.1", 50);
  EXPECT_EQ(whole.retry_after, seconds(3));  // 5 tokens at 2 a second: 2.5 s, rounded up
  clock.advance(milliseconds(2500));
  EXPECT_TRUE(limiter.admit("192.0.2.1", 50).allowed);
}

// Retry-After is the whole seconds until the query's cost is back, not the next single token: a client
// that waits as told is answered.
TEST(RateLimiterTest, RetryAfterIsTheTimeUntilTheWholeCostIsBack) {
  ssad::testing::FakeClock clock;
  RateLimiter limiter(clock, 0.5, 10);                 // one token per 2 s
  EXPECT_TRUE(limiter.admit("192.0.2.1", 9).allowed);  // 1 left
  const Admission refused = limiter.admit("192.0.2.1", 10);
  EXPECT_EQ(refused.retry_after, seconds(18));  // 9 tokens at 0.5 a second
  clock.advance(seconds(17));
  EXPECT_FALSE(limiter.admit("192.0.2.1", 10).allowed);
  EXPECT_EQ(limiter.admit("192.0.2.1", 10).retry_after, seconds(1));
  clock.advance(seconds(1));
  EXPECT_TRUE(limiter.admit("192.0.2.1", 10).allowed);
}

// check() says what admit() would, and takes nothing.
TEST(RateLimiterTest, CheckTakesNoToken) {
  ssad::testing::FakeClock clock;
  RateLimiter limiter(clock, 1, 2);
  EXPECT_TRUE(limiter.check("192.0.2.1").allowed);  // a client not seen has a full bucket
  for (int i = 0; i < 5; ++i) EXPECT_TRUE(limiter.check("192.0.2.1").allowed);
  EXPECT_TRUE(limiter.admit("192.0.2.1").allowed);
  EXPECT_TRUE(limiter.check("192.0.2.1").allowed);
  EXPECT_FALSE(limiter.check("192.0.2.1", 2).allowed);
  EXPECT_TRUE(limiter.admit("192.0.2.1").allowed);
  const Admission empty = limiter.check("192.0.2.1");
  EXPECT_FALSE(empty.allowed);
  EXPECT_EQ(empty.retry_after, seconds(1));
  clock.advance(seconds(1));
  EXPECT_TRUE(limiter.check("192.0.2.1").allowed);
  EXPECT_TRUE(limiter.admit("192.0.2.1").allowed);
  EXPECT_FALSE(limiter.admit("192.0.2.1").allowed);
  RateLimiter off(clock, 0, 1);
  EXPECT_TRUE(off.check("192.0.2.1", 100).allowed);
}

}  // namespace
}  // namespace ssad::abuse
