#include "abuse/rate_limiter.hpp"

#include <chrono>

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
  EXPECT_EQ(RateLimiter::client_key("::ffff:192.0.2.1"), "192.0.2.1");
  EXPECT_EQ(RateLimiter::client_key("192.0.2.1"), "192.0.2.1");
  EXPECT_EQ(RateLimiter::client_key("not an address"), "not an address");
}

}  // namespace
}  // namespace ssad::abuse
