#include "disclosure/calendar.hpp"

#include <random>
#include <string>
#include <vector>

#include <date/tz.h>
#include <gtest/gtest.h>

namespace ssad::disclosure {
namespace {

using std::chrono::days;
using std::chrono::hours;
using std::chrono::milliseconds;
using std::chrono::minutes;
using std::chrono::year_month_day;
using namespace std::chrono_literals;
using std::chrono::January, std::chrono::February, std::chrono::March, std::chrono::April, std::chrono::May,
    std::chrono::June, std::chrono::July, std::chrono::August, std::chrono::September, std::chrono::October,
    std::chrono::November, std::chrono::December;

Timestamp at(const char* rfc3339) { return parse_rfc3339(rfc3339).value(); }

Calendar make(std::string_view zone, const std::vector<std::chrono::weekday>& weekend,
              std::vector<Holiday> holidays = {}) {
  auto calendar = Calendar::create(zone, weekend, std::move(holidays));
  EXPECT_TRUE(calendar.has_value()) << calendar.error().message;
  return *calendar;
}

const std::vector<std::chrono::weekday> kSatSun = {std::chrono::Saturday, std::chrono::Sunday};

// Belgium around the turn of 2026 and Easter 2026.
Calendar brussels() {
  return make("Europe/Brussels", kSatSun,
              {{2026y / December / 25d, "Christmas Day"},
               {2027y / January / 1d, "New Year's Day"},
               {2026y / April / 6d, "Easter Monday"}});
}

TEST(CalendarTest, TheBuiltInCalendarIsUtcWithSaturdayAndSundayOff) {
  const Calendar calendar;
  EXPECT_EQ(calendar.time_zone(), "UTC");
  EXPECT_EQ(calendar.weekend(),
            (std::vector<std::chrono::weekday>{std::chrono::Sunday, std::chrono::Saturday}));
  EXPECT_TRUE(calendar.holidays().empty());
  EXPECT_TRUE(calendar.is_business_day(2026y / June / 5d));   // a Friday
  EXPECT_FALSE(calendar.is_business_day(2026y / June / 6d));  // Saturday
  EXPECT_FALSE(calendar.is_business_day(2026y / June / 7d));  // Sunday
  EXPECT_TRUE(calendar.is_business_day(2026y / June / 8d));   // Monday
  // Friday 12:00 to Monday 12:00: the weekend does not count.
  EXPECT_EQ(calendar.business_time(at("2026-06-05T12:00:00Z"), at("2026-06-08T12:00:00Z")), 24h);
}

TEST(CalendarTest, HolidaysAndWeekendDaysAreNotBusinessDays) {
  const Calendar calendar = brussels();
  EXPECT_FALSE(calendar.is_business_day(2026y / December / 25d));
  EXPECT_TRUE(calendar.is_business_day(2026y / December / 24d));
  EXPECT_FALSE(calendar.is_business_day(2026y / April / 6d));
  EXPECT_TRUE(calendar.is_business_day(2026y / April / 7d));
  EXPECT_FALSE(calendar.is_business_day(2026y / December / 27d));
}

TEST(CalendarTest, AnotherWeekendCountsSundayAndNotFriday) {
  const Calendar calendar = make("Asia/Dubai", {std::chrono::Saturday, std::chrono::Sunday});
  const Calendar gulf = make("Asia/Riyadh", {std::chrono::Friday, std::chrono::Saturday});
  EXPECT_TRUE(calendar.is_business_day(2026y / June / 5d));
  EXPECT_FALSE(gulf.is_business_day(2026y / June / 5d));
  EXPECT_TRUE(gulf.is_business_day(2026y / June / 7d));
  // Riyadh is UTC+3 all year: Thursday 21:00Z is Friday 00:00 there.
  EXPECT_EQ(gulf.business_time(at("2026-06-04T12:00:00Z"), at("2026-06-06T21:00:00Z")), 9h);
}

TEST(CalendarTest, ADayRunsFromLocalMidnightToLocalMidnight) {
  const Calendar calendar = brussels();
  // Brussels is UTC+1 in winter: Christmas Day runs from 24 Dec 23:00Z to 25 Dec 23:00Z.
  EXPECT_EQ(calendar.start_of(2026y / December / 25d), at("2026-12-24T23:00:00Z"));
  EXPECT_EQ(calendar.local_date_of(at("2026-12-24T22:59:59.999Z")), 2026y / December / 24d);
  EXPECT_EQ(calendar.local_date_of(at("2026-12-24T23:00:00Z")), 2026y / December / 25d);
  EXPECT_EQ(calendar.business_time(at("2026-12-24T12:00:00Z"), at("2026-12-26T00:00:00Z")), 11h);
}

TEST(CalendarTest, TheBusinessTimeOfAnIntervalWithinADayIsItsLengthOnABusinessDayAndZeroElse) {
  const Calendar calendar = brussels();
  EXPECT_EQ(calendar.business_time(at("2026-06-03T08:00:00Z"), at("2026-06-03T09:30:00.250Z")),
            90min + 250ms);
  EXPECT_EQ(calendar.business_time(at("2026-06-06T08:00:00Z"), at("2026-06-06T09:30:00Z")), 0ms);
  EXPECT_EQ(calendar.business_time(at("2026-06-03T09:00:00Z"), at("2026-06-03T08:00:00Z")), 0ms);
  EXPECT_EQ(calendar.business_time(at("2026-06-03T09:00:00Z"), at("2026-06-03T09:00:00Z")), 0ms);
}

// Sunday as a business day, so that the days daylight-saving time starts and ends count.
TEST(CalendarTest, TheDaysDaylightSavingTimeStartsAndEndsLastTwentyThreeAndTwentyFiveHours) {
  const Calendar be = make("Europe/Brussels", {std::chrono::Saturday});
  EXPECT_EQ(be.business_time(be.start_of(2026y / March / 29d), be.start_of(2026y / March / 30d)), 23h);
  EXPECT_EQ(be.business_time(be.start_of(2026y / October / 25d), be.start_of(2026y / October / 26d)), 25h);
  EXPECT_EQ(be.start_of(2026y / March / 29d), at("2026-03-28T23:00:00Z"));
  EXPECT_EQ(be.start_of(2026y / March / 30d), at("2026-03-29T22:00:00Z"));
  const Calendar ny = make("America/New_York", {std::chrono::Saturday});
  EXPECT_EQ(ny.business_time(ny.start_of(2026y / March / 8d), ny.start_of(2026y / March / 9d)), 23h);
  EXPECT_EQ(ny.business_time(ny.start_of(2026y / November / 1d), ny.start_of(2026y / November / 2d)), 25h);
  // Over a whole week with both weekend days off, the change does not show: Friday noon to Monday noon
  // is 71 hours on the clock and 24 business hours.
  const Calendar weekdays = make("Europe/Brussels", kSatSun);
  EXPECT_EQ(weekdays.business_time(at("2026-03-27T11:00:00Z"), at("2026-03-30T10:00:00Z")), 24h);
}

TEST(CalendarTest, ABudgetEndsAnHourLaterOnTheClockAcrossTheSpringChange) {
  // Friday 18:00 CET with a day's budget: 6 hours on Friday, Saturday off, 18 hours of Sunday, whose
  // first hours lost one: 19:00 CEST, 17:00Z.
  const Calendar be = make("Europe/Brussels", {std::chrono::Saturday});
  EXPECT_EQ(be.after_business_time(at("2026-03-27T17:00:00Z"), 24h).value(), at("2026-03-29T17:00:00Z"));
  // In the autumn the day gains an hour: 17:00 CET, 16:00Z.
  EXPECT_EQ(be.after_business_time(at("2026-10-23T16:00:00Z"), 24h).value(), at("2026-10-25T16:00:00Z"));
  const Calendar ny = make("America/New_York", {std::chrono::Saturday});
  // Friday 18:00 EST (23:00Z); Sunday 8 March starts at 05:00Z; 18 hours on: 23:00Z, 19:00 EDT.
  EXPECT_EQ(ny.after_business_time(at("2026-03-06T23:00:00Z"), 24h).value(), at("2026-03-08T23:00:00Z"));
  // Friday 18:00 EDT (22:00Z); Sunday 1 November starts at 04:00Z; 18 hours on: 22:00Z, 17:00 EST.
  EXPECT_EQ(ny.after_business_time(at("2026-10-30T22:00:00Z"), 24h).value(), at("2026-11-01T22:00:00Z"));
}

TEST(CalendarTest, ADayWhoseMidnightIsSkippedBeginsAtTheEndOfTheGap) {
  // Chile sets its clocks from 00:00 to 01:00 on the first Sunday of September: 6 September 2026 begins
  // at 01:00 local, 04:00Z, and lasts 23 hours (Saturday 5 September: 16 business hours from 12:00Z;
  // Monday: 9 hours to 12:00Z, at UTC-3). It sets them back from 00:00 to 23:00 on the first
  // Sunday of April, so Saturday 4 April 2026 lasts 25.
  const Calendar cl = make("America/Santiago", {});
  EXPECT_EQ(cl.start_of(2026y / September / 6d), at("2026-09-06T04:00:00Z"));
  EXPECT_EQ(cl.start_of(2026y / September / 7d) - cl.start_of(2026y / September / 6d), 23h);
  EXPECT_EQ(cl.local_date_of(at("2026-09-06T03:59:59.999Z")), 2026y / September / 5d);
  EXPECT_EQ(cl.start_of(2026y / April / 5d) - cl.start_of(2026y / April / 4d), 25h);
  const Calendar sundays_off = make("America/Santiago", {std::chrono::Sunday});
  EXPECT_EQ(sundays_off.business_time(at("2026-09-05T12:00:00Z"), at("2026-09-07T12:00:00Z")), 16h + 9h);
}

TEST(CalendarTest, BusinessTimeCarriesAcrossTheYearEndAndItsHolidays) {
  const Calendar calendar = brussels();
  // Thursday 31 December 10:00 CET, one business day: 14 hours that day, 1 January a holiday, the
  // weekend, then 10 hours of Monday 4 January: 10:00 CET.
  const Timestamp start = at("2026-12-31T09:00:00Z");
  EXPECT_EQ(calendar.after_business_time(start, 24h).value(), at("2027-01-04T09:00:00Z"));
  EXPECT_EQ(calendar.business_time(start, at("2027-01-04T09:00:00Z")), 24h);
  EXPECT_EQ(calendar.business_time(at("2026-12-23T23:00:00Z"), at("2027-01-05T23:00:00Z")), days(7));
}

TEST(CalendarTest, AClockStartedOnAHolidayOrAWeekendBeginsAtTheNextBusinessDaysMidnight) {
  const Calendar calendar = brussels();
  // Christmas Day (a Friday) 10:00: Monday 28 December, 00:00 CET, is when counting begins.
  EXPECT_EQ(calendar.after_business_time(at("2026-12-25T09:00:00Z"), 1h).value(), at("2026-12-28T00:00:00Z"));
  // Saturday: Monday 00:00 plus the budget.
  EXPECT_EQ(calendar.after_business_time(at("2026-06-06T15:00:00Z"), 90min).value(),
            at("2026-06-07T23:30:00Z"));
  // Easter weekend and Monday: Tuesday 7 April 00:00 CEST.
  EXPECT_EQ(calendar.after_business_time(at("2026-04-04T10:00:00Z"), 1ms).value(),
            at("2026-04-06T22:00:00.001Z"));
}

TEST(CalendarTest, AZeroBudgetEndsAtTheStartEvenOnAWeekend) {
  const Calendar calendar = brussels();
  EXPECT_EQ(calendar.after_business_time(at("2026-06-06T15:00:00Z"), 0ms).value(),
            at("2026-06-06T15:00:00Z"));
  EXPECT_EQ(calendar.after_business_time(at("2026-06-03T15:00:00Z"), 0ms).value(),
            at("2026-06-03T15:00:00Z"));
}

TEST(CalendarTest, ABudgetThatFillsADayEndsAtItsMidnightNotTheNextBusinessDay) {
  const Calendar calendar = brussels();
  // Friday 5 June 2026 from 14:00 CEST: 10 hours end at Saturday's midnight, not on Monday.
  EXPECT_EQ(calendar.after_business_time(at("2026-06-05T12:00:00Z"), 10h).value(),
            at("2026-06-05T22:00:00Z"));
  EXPECT_EQ(calendar.after_business_time(at("2026-06-05T12:00:00Z"), 10h + 1ms).value(),
            at("2026-06-07T22:00:00.001Z"));
}

TEST(CalendarTest, ANegativeBudgetOrOneOverAYearIsRefused) {
  const Calendar calendar;
  const Timestamp start = at("2026-06-03T12:00:00Z");
  EXPECT_EQ(calendar.after_business_time(start, -1ms).error().code, ErrorCode::invalid_input);
  EXPECT_EQ(calendar.after_business_time(start, Calendar::kMaxBudget + 1ms).error().code,
            ErrorCode::invalid_input);
  // A year of business time, five days a week: about 73 weeks.
  const auto year = calendar.after_business_time(start, Calendar::kMaxBudget);
  ASSERT_TRUE(year.has_value()) << year.error().message;
  EXPECT_EQ(calendar.business_time(start, *year), Calendar::kMaxBudget);
}

TEST(CalendarTest, ALongHolidayListIsSearchedNotScanned) {
  // Every Wednesday for forty years a holiday: 2,087 of them. The answers stay exact.
  std::vector<Holiday> holidays;
  for (std::chrono::sys_days day{2000y / January / 5d}; day < std::chrono::sys_days{2040y / January / 1d};
       day += days(7)) {
    holidays.push_back({year_month_day(day), "Wednesday"});
  }
  const Calendar calendar = make("Europe/Brussels", kSatSun, holidays);
  EXPECT_EQ(calendar.holidays().size(), holidays.size());
  // Monday 1 June 2026 00:00 CEST; 4 business days a week: the 52nd business day is the Friday of the
  // 13th week, and the budget ends as it does.
  const Timestamp start = calendar.start_of(2026y / June / 1d);
  EXPECT_EQ(calendar.after_business_time(start, days(52)).value(), calendar.start_of(2026y / August / 29d));
  EXPECT_EQ(calendar.business_time(start, calendar.start_of(2026y / August / 31d)), days(52));
}

// A reference computed another way: the time is cut into quarter hours (every change of these zones is
// on a quarter hour), each counted when the local date at its start is a business day.
std::int64_t quarter_hours_on_business_days(const Calendar& calendar, Timestamp a, Timestamp b) {
  const date::time_zone* zone = date::locate_zone(calendar.time_zone());
  std::int64_t count = 0;
  for (Timestamp t = a; t < b; t += 15min) {
    const auto local_day = std::chrono::floor<days>(zone->to_local(t).time_since_epoch());
    if (calendar.is_business_day(year_month_day(std::chrono::sys_days(local_day)))) ++count;
  }
  return count;
}

class CalendarPropertyTest : public ::testing::TestWithParam<const char*> {
 protected:
  static Calendar calendar_for(std::string_view zone) {
    return make(zone, kSatSun,
                {{2026y / March / 30d, "a Monday after the European change"},
                 {2026y / March / 9d, "a Monday after the American change"},
                 {2026y / December / 25d, "Christmas Day"},
                 {2027y / January / 1d, "New Year's Day"},
                 {2026y / November / 2d, "a Monday after the American change"}});
  }
};

TEST_P(CalendarPropertyTest, AfterBusinessTimeIsTheEarliestInstantWithThatBusinessTime) {
  const Calendar calendar = calendar_for(GetParam());
  std::mt19937_64 random(20260329);
  const std::int64_t from = to_unix_ms(at("2026-01-01T00:00:00Z"));
  const std::int64_t to = to_unix_ms(at("2027-12-31T00:00:00Z"));
  std::uniform_int_distribution<std::int64_t> instant(from, to);
  std::uniform_int_distribution<std::int64_t> budget_ms(0, days(30) / 1ms);
  for (int i = 0; i < 2000; ++i) {
    const Timestamp start = from_unix_ms(instant(random));
    // Whole days, whole hours and any millisecond, as budgets come from all three.
    milliseconds budget(budget_ms(random));
    if (i % 3 == 0) budget = std::chrono::floor<days>(budget);
    if (i % 3 == 1) budget = std::chrono::floor<hours>(budget);
    const auto end = calendar.after_business_time(start, budget);
    ASSERT_TRUE(end.has_value()) << end.error().message;
    ASSERT_GE(*end, start);
    ASSERT_EQ(calendar.business_time(start, *end), budget)
        << format_rfc3339(start) << " + " << budget.count();
    if (budget > 0ms) {
      ASSERT_LT(calendar.business_time(start, *end - 1ms), budget) << format_rfc3339(start);
    }
  }
}

TEST_P(CalendarPropertyTest, BusinessTimeAddsUpAndAgreesWithCountingQuarterHours) {
  const Calendar calendar = calendar_for(GetParam());
  std::mt19937_64 random(20261025);
  const std::int64_t from = to_unix_ms(at("2026-01-01T00:00:00Z")) / (15 * 60 * 1000);
  const std::int64_t to = to_unix_ms(at("2027-12-31T00:00:00Z")) / (15 * 60 * 1000);
  std::uniform_int_distribution<std::int64_t> quarter(from, to);
  std::uniform_int_distribution<std::int64_t> length(0, 12 * 24 * 4);
  for (int i = 0; i < 300; ++i) {
    const std::int64_t q = quarter(random);
    const Timestamp a = from_unix_ms(q * 15 * 60 * 1000);
    const Timestamp b = a + length(random) * 15min;
    ASSERT_EQ(calendar.business_time(a, b), quarter_hours_on_business_days(calendar, a, b) * 15min)
        << format_rfc3339(a) << " to " << format_rfc3339(b);
    const Timestamp middle = a + (b - a) / 3 + 7ms;
    ASSERT_EQ(calendar.business_time(a, middle) + calendar.business_time(middle, b),
              calendar.business_time(a, b));
  }
}

INSTANTIATE_TEST_SUITE_P(Zones, CalendarPropertyTest,
                         ::testing::Values("Europe/Brussels", "America/New_York", "Australia/Lord_Howe",
                                           "Asia/Kolkata", "UTC"));

TEST(CalendarCreateTest, RefusesAWholeWeekOfWeekendAnUnknownZoneAndHolidaysTwice) {
  using std::chrono::weekday;
  std::vector<weekday> all;
  for (unsigned d = 0; d < 7; ++d) all.emplace_back(d);
  EXPECT_EQ(Calendar::create("UTC", all, {}).error().code, ErrorCode::invalid_input);
  EXPECT_EQ(Calendar::create("UTC", {std::chrono::Monday, std::chrono::Monday}, {}).error().code,
            ErrorCode::invalid_input);
  const auto mars = Calendar::create("Mars/Olympus_Mons", kSatSun, {});
  ASSERT_FALSE(mars.has_value());
  EXPECT_NE(mars.error().message.find("unknown time zone 'Mars/Olympus_Mons'"), std::string::npos);
  const auto twice = Calendar::create(
      "UTC", kSatSun, {{2026y / December / 25d, "Christmas Day"}, {2026y / December / 25d, "Christmas"}});
  ASSERT_FALSE(twice.has_value());
  EXPECT_NE(twice.error().message.find("2026-12-25"), std::string::npos) << twice.error().message;
  EXPECT_FALSE(Calendar::create("UTC", kSatSun, {{2026y / February / 30d, "no such day"}}).has_value());
  EXPECT_FALSE(Calendar::create("UTC", kSatSun, {{2026y / February / 3d, ""}}).has_value());
  // No weekend at all is a seven-day week.
  const auto every_day = Calendar::create("UTC", {}, {});
  ASSERT_TRUE(every_day.has_value());
  EXPECT_EQ(every_day->business_time(at("2026-06-05T00:00:00Z"), at("2026-06-08T00:00:00Z")), 72h);
}

TEST(CalendarCreateTest, KeepsTheHolidaysInDateOrder) {
  const Calendar calendar = brussels();
  ASSERT_EQ(calendar.holidays().size(), 3U);
  EXPECT_EQ(calendar.holidays()[0].name, "Easter Monday");
  EXPECT_EQ(calendar.holidays()[2].date, 2027y / January / 1d);
}

}  // namespace
}  // namespace ssad::disclosure
