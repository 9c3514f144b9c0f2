#include "http/metrics.hpp"

#include <charconv>
#include <cmath>
#include <map>
#include <regex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "support/exposition.hpp"

namespace ssad::http {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

TEST(MetricsTest, TheExpositionIsExactlyTheTextFormat) {
  MetricsRegistry registry;
  Counter* served = registry.counter("ssad_served_total", "Requests served.", {{"door", "rdap"}}).value();
  Counter* whois = registry.counter("ssad_served_total", "Requests served.", {{"door", "whois"}}).value();
  Gauge* open = registry.gauge("ssad_connections_open", "Connections open now.").value();
  const std::array bounds{0.5, 1.0, 2.5};
  Histogram* sizes = registry.histogram("ssad_answer_seconds", "Answer time.", bounds).value();
  served->add(41);
  served->add();
  whois->add(0);
  open->set(3);
  open->add(-0.5);
  sizes->observe(0.25);
  sizes->observe(1.0);  // le is inclusive: in the 1 bucket
  sizes->observe(7.0);  // only in +Inf

  EXPECT_EQ(registry.exposition(),
            "# HELP ssad_served_total Requests served.\n"
            "# TYPE ssad_served_total counter\n"
            "ssad_served_total{door=\"rdap\"} 42\n"
            "ssad_served_total{door=\"whois\"} 0\n"
            "# HELP ssad_connections_open Connections open now.\n"
            "# TYPE ssad_connections_open gauge\n"
            "ssad_connections_open 2.5\n"
            "# HELP ssad_answer_seconds Answer time.\n"
            "# TYPE ssad_answer_seconds histogram\n"
            "ssad_answer_seconds_bucket{le=\"0.5\"} 1\n"
            "ssad_answer_seconds_bucket{le=\"1\"} 2\n"
            "ssad_answer_seconds_bucket{le=\"2.5\"} 2\n"
            "ssad_answer_seconds_bucket{le=\"+Inf\"} 3\n"
            "ssad_answer_seconds_sum 8.25\n"
            "ssad_answer_seconds_count 3\n");
  EXPECT_EQ(testing::check_exposition(registry.exposition()), "");
}

TEST(MetricsTest, AnEmptyRegistryExposesNothing) {
  const MetricsRegistry registry;
  EXPECT_EQ(registry.exposition(), "");
}

TEST(MetricsTest, LabelValuesAndHelpAreEscapedAndInvalidUtf8Replaced) {
  MetricsRegistry registry;
  Counter* counter = registry
                         .counter("ssad_odd_total", "Back\\slash and\nnew line, \"quotes\" kept.",
                                  {{"group", "a\\b \"c\"\nd"}, {"purpose", std::string("caf\xC3\xA9 \xFF!")}})
                         .value();
  counter->add(1);
  const std::string text = registry.exposition();
  EXPECT_THAT(text, HasSubstr("# HELP ssad_odd_total Back\\\\slash and\\nnew line, \"quotes\" kept.\n"));
  EXPECT_THAT(
      text,
      HasSubstr("ssad_odd_total{group=\"a\\\\b \\\"c\\\"\\nd\",purpose=\"caf\xC3\xA9 \xEF\xBF\xBD!\"} 1\n"));
  EXPECT_EQ(testing::check_exposition(text), "");
}

TEST(MetricsTest, ValuesAreWrittenAsTheFormatReadsThem) {
  MetricsRegistry registry;
  registry.gauge("g", "", {{"v", "inf"}}).value()->set(INFINITY);
  registry.gauge("g", "", {{"v", "minus_inf"}}).value()->set(-INFINITY);
  registry.gauge("g", "", {{"v", "nan"}}).value()->set(NAN);
  registry.gauge("g", "", {{"v", "small"}}).value()->set(0.0001);
  registry.gauge("g", "", {{"v", "tiny"}}).value()->set(1e-12);
  registry.gauge("g", "", {{"v", "third"}}).value()->set(1.0 / 3);
  registry.gauge("g", "", {{"v", "negative"}}).value()->set(-12);
  EXPECT_EQ(registry.exposition(),
            "# HELP g \n"
            "# TYPE g gauge\n"
            "g{v=\"inf\"} +Inf\n"
            "g{v=\"minus_inf\"} -Inf\n"
            "g{v=\"nan\"} NaN\n"
            "g{v=\"small\"} 0.0001\n"
            "g{v=\"tiny\"} 1e-12\n"
            "g{v=\"third\"} 0.3333333333333333\n"
            "g{v=\"negative\"} -12\n");
}

TEST(MetricsTest, HistogramBucketsAreCumulativeAndTheLastIsTheCount) {
  MetricsRegistry registry;
  Histogram* latency = registry.histogram("ssad_latency_seconds", "Latency.", latency_buckets()).value();
  // One observation on each bound exactly, one between each pair, one beyond the last.
  const std::span<const double> bounds = latency_buckets();
  for (std::size_t i = 0; i < bounds.size(); ++i) {
    latency->observe(bounds[i]);
    latency->observe(i == 0 ? bounds[0] / 2 : (bounds[i - 1] + bounds[i]) / 2);
  }
  latency->observe(60.0);
  latency->observe(std::chrono::milliseconds(3));  // 0.003 s: in le="0.005"
  const HistogramCounts counts = latency->counts();
  ASSERT_EQ(counts.cumulative.size(), bounds.size() + 1);
  for (std::size_t i = 0; i < bounds.size(); ++i) {
    // Up to bound i: 2 per bound so far, plus the 3 ms one from 0.005 on.
    EXPECT_EQ(counts.cumulative[i], 2 * (i + 1) + (bounds[i] >= 0.005 ? 1 : 0)) << bounds[i];
  }
  EXPECT_EQ(counts.cumulative.back(), 2 * bounds.size() + 2);
  EXPECT_EQ(counts.count, counts.cumulative.back());
  EXPECT_EQ(testing::check_exposition(registry.exposition()), "");
  EXPECT_THAT(registry.exposition(), HasSubstr("ssad_latency_seconds_bucket{le=\"0.0001\"} 2\n"));
  EXPECT_THAT(registry.exposition(), HasSubstr("ssad_latency_seconds_bucket{le=\"10\"} 33\n"));
  EXPECT_THAT(registry.exposition(), HasSubstr("ssad_latency_seconds_bucket{le=\"+Inf\"} 34\n"));
}

TEST(MetricsTest, LatencyBucketsSpanATenthOfAMillisecondToTenSeconds) {
  const std::span<const double> bounds = latency_buckets();
  ASSERT_FALSE(bounds.empty());
  EXPECT_EQ(bounds.front(), 0.0001);
  EXPECT_EQ(bounds.back(), 10.0);
  EXPECT_TRUE(Histogram::valid_bounds(bounds).has_value());
}

TEST(MetricsTest, RegisteringTheSameSeriesTwiceGivesTheSameMetric) {
  MetricsRegistry registry;
  Counter* first = registry.counter("ssad_x_total", "X.", {{"a", "1"}}).value();
  Counter* again = registry.counter("ssad_x_total", "X.", {{"a", "1"}}).value();
  Counter* other = registry.counter("ssad_x_total", "X.", {{"a", "2"}}).value();
  EXPECT_EQ(first, again);
  EXPECT_NE(first, other);
}

TEST(MetricsTest, MalformedNamesConflictsAndBadBucketsAreRefused) {
  MetricsRegistry registry;
  EXPECT_EQ(registry.counter("2xx", "").error().code, ErrorCode::invalid_input);
  EXPECT_EQ(registry.counter("a-b", "").error().code, ErrorCode::invalid_input);
  EXPECT_EQ(registry.counter("", "").error().code, ErrorCode::invalid_input);
  EXPECT_TRUE(registry.counter("ns:sub_total", "").has_value());
  EXPECT_EQ(registry.counter("ok", "", {{"__reserved", "x"}}).error().code, ErrorCode::invalid_input);
  EXPECT_EQ(registry.counter("ok", "", {{"a:b", "x"}}).error().code, ErrorCode::invalid_input);
  EXPECT_EQ(registry.counter("ok", "", {{"a", "x"}, {"a", "y"}}).error().code, ErrorCode::invalid_input);
  const std::array bounds{1.0, 2.0};
  EXPECT_EQ(registry.histogram("h", "", bounds, {{"le", "1"}}).error().code, ErrorCode::invalid_input);
  const std::array unordered{2.0, 1.0};
  EXPECT_EQ(registry.histogram("h", "", unordered).error().code, ErrorCode::invalid_input);
  const std::array<double, 2> infinite{1.0, INFINITY};
  EXPECT_EQ(registry.histogram("h", "", infinite).error().code, ErrorCode::invalid_input);
  EXPECT_EQ(registry.histogram("h", "", std::span<const double>()).error().code, ErrorCode::invalid_input);

  ASSERT_TRUE(registry.counter("ssad_y_total", "Y.").has_value());
  EXPECT_EQ(registry.gauge("ssad_y_total", "Y.").error().code, ErrorCode::conflict);
  EXPECT_EQ(registry.counter("ssad_y_total", "Another help.", {{"a", "1"}}).error().code,
            ErrorCode::conflict);
  ASSERT_TRUE(registry.histogram("ssad_h", "H.", bounds).has_value());
  const std::array other_bounds{1.0, 3.0};
  EXPECT_EQ(registry.histogram("ssad_h", "H.", other_bounds, {{"a", "1"}}).error().code, ErrorCode::conflict);
}

TEST(MetricsTest, CollectorsAddSamplesAtScrapeTimeAndAFailingOneIsLeftOut) {
  MetricsRegistry registry;
  ASSERT_TRUE(registry.counter("ssad_registered_total", "Registered.").has_value());
  int scrapes = 0;
  registry.add_collector("requests", [&scrapes](Scrape& scrape) -> Result<void> {
    ++scrapes;
    SSAD_CHECK(scrape.gauge("ssad_requests_open", "Requests open now.", {}, 7));
    SSAD_CHECK(scrape.counter("ssad_requests_received_total", "Requests received.", {{"priority", "P1"}}, 2));
    SSAD_CHECK(scrape.counter("ssad_requests_received_total", "Requests received.", {{"priority", "P3"}}, 5));
    return {};
  });
  registry.add_collector("broken", [](Scrape& scrape) -> Result<void> {
    SSAD_CHECK(scrape.gauge("ssad_half_done", "Added before the failure.", {}, 1));
    return fail(ErrorCode::unavailable, "the store is down");
  });
  registry.add_collector("clashing", [](Scrape& scrape) -> Result<void> {
    // Same name as a registered counter, but a gauge: the merge refuses it.
    return scrape.gauge("ssad_registered_total", "Registered.", {}, 1);
  });
  registry.add_collector("throwing", [](Scrape&) -> Result<void> { throw std::runtime_error("bug"); });

  const std::string text = registry.exposition();
  EXPECT_EQ(scrapes, 1);
  EXPECT_THAT(text, HasSubstr("# TYPE ssad_requests_open gauge\nssad_requests_open 7\n"));
  EXPECT_THAT(text, HasSubstr("ssad_requests_received_total{priority=\"P1\"} 2\n"
                              "ssad_requests_received_total{priority=\"P3\"} 5\n"));
  EXPECT_THAT(text, Not(HasSubstr("ssad_half_done")));
  EXPECT_THAT(text, HasSubstr("# TYPE ssad_registered_total counter\nssad_registered_total 0\n"));
  EXPECT_THAT(text, HasSubstr("ssad_metrics_collector_up{collector=\"requests\"} 1\n"
                              "ssad_metrics_collector_up{collector=\"broken\"} 0\n"
                              "ssad_metrics_collector_up{collector=\"clashing\"} 0\n"
                              "ssad_metrics_collector_up{collector=\"throwing\"} 0\n"));
  EXPECT_EQ(testing::check_exposition(text), "");
  (void)registry.exposition();
  EXPECT_EQ(scrapes, 2);
}

TEST(MetricsTest, AScrapeRefusesADuplicateSeriesOrAFamilyOfAnotherType) {
  Scrape scrape;
  ASSERT_TRUE(scrape.counter("c_total", "C.", {{"a", "1"}}, 1).has_value());
  EXPECT_EQ(scrape.counter("c_total", "C.", {{"a", "1"}}, 2).error().code, ErrorCode::conflict);
  EXPECT_EQ(scrape.gauge("c_total", "C.", {{"a", "2"}}, 2).error().code, ErrorCode::conflict);
  EXPECT_EQ(scrape.counter("c_total", "Other help.", {{"a", "2"}}, 2).error().code, ErrorCode::conflict);
  HistogramCounts wrong{.bounds = {1.0}, .cumulative = {2, 1}, .sum = 0, .count = 1};
  EXPECT_EQ(scrape.histogram("h", "", {}, wrong).error().code, ErrorCode::invalid_input);
  EXPECT_EQ(scrape.exposition(), "# HELP c_total C.\n# TYPE c_total counter\nc_total{a=\"1\"} 1\n");
}

// Several threads update the same metrics at once: nothing is lost (and TSan sees no race).
TEST(MetricsTest, ConcurrentUpdatesFromSeveralThreadsAreAllCounted) {
  MetricsRegistry registry;
  Counter* counter = registry.counter("ssad_c_total", "C.").value();
  Gauge* gauge = registry.gauge("ssad_g", "G.").value();
  Histogram* histogram = registry.histogram("ssad_h_seconds", "H.", latency_buckets()).value();
  constexpr int kThreads = 4;
  constexpr int kEach = 20000;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kEach; ++i) {
        counter->add();
        gauge->add(1);
        histogram->observe(t % 2 == 0 ? 0.5 : 1.0);  // sums exact in binary
        // Registration and scraping may happen meanwhile too.
        if (i % 5000 == 0) {
          (void)registry.exposition();
          (void)registry.counter("ssad_c_total", "C.");
        }
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(counter->value(), std::uint64_t{kThreads} * kEach);
  EXPECT_EQ(gauge->value(), double{kThreads} * kEach);
  const HistogramCounts counts = histogram->counts();
  EXPECT_EQ(counts.count, std::uint64_t{kThreads} * kEach);
  EXPECT_EQ(counts.sum, (kThreads / 2) * kEach * 0.5 + (kThreads / 2) * kEach * 1.0);
  EXPECT_EQ(testing::check_exposition(registry.exposition()), "");
}

// The checker itself: it finds what a Prometheus parser would refuse.
TEST(MetricsTest, TheExpositionCheckerFindsMalformedText) {
  EXPECT_EQ(testing::check_exposition(""), "");
  EXPECT_NE(testing::check_exposition("a 1"), "");                      // no final line feed
  EXPECT_NE(testing::check_exposition("# TYPE a counter\na 1\n"), "");  // no HELP
  EXPECT_NE(testing::check_exposition("# HELP a A.\n# TYPE a counter\na{b=\"x} 1\n"), "");
  EXPECT_NE(testing::check_exposition("# HELP a A.\n# TYPE a counter\na one\n"), "");
  EXPECT_NE(testing::check_exposition("# HELP a A.\n# TYPE a counter\nb 1\n"), "");
  EXPECT_NE(testing::check_exposition("# HELP a A.\n# TYPE a gauge\na 1\n# HELP a A.\n# TYPE a gauge\na 2\n"),
            "");
  EXPECT_NE(testing::check_exposition("# HELP h H.\n# TYPE h histogram\nh_bucket{le=\"1\"} 2\n"
                                      "h_bucket{le=\"+Inf\"} 1\nh_sum 1\nh_count 1\n"),
            "");
  EXPECT_NE(testing::check_exposition("# HELP h H.\n# TYPE h histogram\nh_bucket{le=\"1\"} 1\n"
                                      "h_bucket{le=\"+Inf\"} 2\nh_sum 1\nh_count 3\n"),
            "");
}

}  // namespace
}  // namespace ssad::http
