// Calendar files: the ones shipped under calendars/, checked against dates computed here from the rules
// that make them (Easter, the n-th Monday, the US observance rule), and the errors of bad files.
#include <fstream>
#include <map>
#include <set>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "disclosure/calendar.hpp"
#include "support/temp_dir.hpp"

namespace ssad::disclosure {
namespace {

using std::chrono::days;
using std::chrono::sys_days;
using std::chrono::year;
using std::chrono::year_month_day;
using namespace std::chrono_literals;
using std::chrono::January, std::chrono::February, std::chrono::March, std::chrono::April, std::chrono::May,
    std::chrono::June, std::chrono::July, std::chrono::August, std::chrono::September, std::chrono::October,
    std::chrono::November, std::chrono::December;

const std::string kCalendars = std::string(SSAD_TEST_DATA_DIR) + "/../../calendars/";

// Easter Sunday in the Gregorian calendar (the anonymous algorithm of Nature, 1876).
year_month_day easter(int y) {
  const int a = y % 19;
  const int b = y / 100;
  const int c = y % 100;
  const int d = b / 4;
  const int e = b % 4;
  const int f = (b + 8) / 25;
  const int g = (b - f + 1) / 3;
  const int h = (19 * a + b - d - g + 15) % 30;
  const int i = c / 4;
  const int k = c % 4;
  const int l = (32 + 2 * e + 2 * i - h - k) % 7;
  const int m = (a + 11 * h + 22 * l) / 451;
  const int month = (h + l - 7 * m + 114) / 31;
  const int day = (h + l - 7 * m + 114) % 31 + 1;
  return year{y} / std::chrono::month{static_cast<unsigned>(month)} /
         std::chrono::day{static_cast<unsigned>(day)};
}

year_month_day plus(year_month_day date, int n) { return year_month_day(sys_days(date) + days(n)); }

year_month_day nth(int y, std::chrono::month m, std::chrono::weekday wd, unsigned n) {
  return year_month_day(sys_days(year{y} / m / wd[n]));
}

// A US federal holiday on a Saturday is observed the Friday before, on a Sunday the Monday after.
year_month_day observed(year_month_day date) {
  const std::chrono::weekday wd{sys_days(date)};
  if (wd == std::chrono::Saturday) return plus(date, -1);
  if (wd == std::chrono::Sunday) return plus(date, 1);
  return date;
}

std::set<sys_days> dates_of(const Calendar& calendar) {
  std::set<sys_days> dates;
  for (const Holiday& holiday : calendar.holidays()) dates.insert(sys_days(holiday.date));
  return dates;
}

Calendar shipped(const std::string& name) {
  auto calendar = Calendar::load(kCalendars + name);
  EXPECT_TRUE(calendar.has_value()) << calendar.error().message;
  return calendar.value_or(Calendar());
}

TEST(ShippedCalendarTest, EasterFallsOnTheKnownDates) {
  EXPECT_EQ(easter(2026), 2026y / April / 5d);
  EXPECT_EQ(easter(2027), 2027y / March / 28d);
  EXPECT_EQ(easter(2024), 2024y / March / 31d);
  EXPECT_EQ(easter(2038), 2038y / April / 25d);
}

TEST(ShippedCalendarTest, UtcWeekdaysIsTheBuiltInCalendar) {
  const Calendar file = shipped("utc-weekdays.toml");
  const Calendar builtin;
  EXPECT_EQ(file.time_zone(), builtin.time_zone());
  EXPECT_EQ(file.weekend(), builtin.weekend());
  EXPECT_EQ(file.holidays(), builtin.holidays());
}

TEST(ShippedCalendarTest, BelgiumHasItsTenPublicHolidaysEachYear) {
  const Calendar be = shipped("be.toml");
  EXPECT_EQ(be.time_zone(), "Europe/Brussels");
  std::set<sys_days> expected;
  for (const int y : {2026, 2027}) {
    const year_month_day e = easter(y);
    for (const year_month_day date :
         {year{y} / January / 1d, plus(e, 1), year{y} / May / 1d, plus(e, 39), plus(e, 50),
          year{y} / July / 21d, year{y} / August / 15d, year{y} / November / 1d, year{y} / November / 11d,
          year{y} / December / 25d}) {
      expected.insert(sys_days(date));
    }
  }
  EXPECT_EQ(dates_of(be), expected);
  EXPECT_FALSE(be.is_business_day(2026y / April / 6d));  // Easter Monday
  EXPECT_FALSE(be.is_business_day(2027y / March / 29d));
  EXPECT_FALSE(be.is_business_day(2026y / May / 14d));  // Ascension Day
  EXPECT_FALSE(be.is_business_day(2027y / May / 17d));  // Whit Monday
  EXPECT_TRUE(be.is_business_day(2026y / April / 3d));  // Good Friday is worked in Belgium
}

TEST(ShippedCalendarTest, GermanyHasItsNineNationwideHolidaysEachYear) {
  const Calendar de = shipped("de.toml");
  EXPECT_EQ(de.time_zone(), "Europe/Berlin");
  std::set<sys_days> expected;
  for (const int y : {2026, 2027}) {
    const year_month_day e = easter(y);
    for (const year_month_day date :
         {year{y} / January / 1d, plus(e, -2), plus(e, 1), year{y} / May / 1d, plus(e, 39), plus(e, 50),
          year{y} / October / 3d, year{y} / December / 25d, year{y} / December / 26d}) {
      expected.insert(sys_days(date));
    }
  }
  EXPECT_EQ(dates_of(de), expected);
  EXPECT_FALSE(de.is_business_day(2026y / April / 3d));  // Good Friday
  EXPECT_FALSE(de.is_business_day(2027y / March / 26d));
}

TEST(ShippedCalendarTest, TheUnitedStatesHasItsElevenFederalHolidaysOnTheDaysObserved) {
  const Calendar us = shipped("us-federal.toml");
  EXPECT_EQ(us.time_zone(), "America/New_York");
  using std::chrono::Monday;
  using std::chrono::Thursday;
  std::set<sys_days> expected;
  for (const int y : {2026, 2027}) {
    for (const year_month_day date :
         {year{y} / January / 1d, nth(y, January, Monday, 3), nth(y, February, Monday, 3),
          year_month_day(sys_days(year{y} / May / Monday[std::chrono::last])), year{y} / June / 19d,
          year{y} / July / 4d, nth(y, September, Monday, 1), nth(y, October, Monday, 2),
          year{y} / November / 11d, nth(y, November, Thursday, 4), year{y} / December / 25d}) {
      expected.insert(sys_days(observed(date)));
    }
  }
  // New Year's Day 2028 is a Saturday: observed on Friday 31 December 2027.
  expected.insert(sys_days(observed(2028y / January / 1d)));
  EXPECT_EQ(dates_of(us), expected);
  EXPECT_FALSE(us.is_business_day(2026y / July / 3d));
  EXPECT_FALSE(us.is_business_day(2027y / December / 31d));
  EXPECT_FALSE(us.is_business_day(2026y / November / 26d));  // Thanksgiving
}

TEST(ShippedCalendarTest, EveryHolidayHasAName) {
  for (const char* name : {"be.toml", "de.toml", "us-federal.toml"}) {
    const Calendar calendar = shipped(name);
    EXPECT_GE(calendar.holidays().size(), 18U) << name;
    for (const Holiday& holiday : calendar.holidays()) EXPECT_FALSE(holiday.name.empty()) << name;
  }
}

TEST(CalendarFileTest, ReadsTheZoneTheWeekendAndTheHolidays) {
  const auto calendar = Calendar::parse(R"(
time_zone = "Asia/Riyadh"
weekend = ["friday", "saturday"]

[[holiday]]
date = "2026-09-23"
name = "Saudi National Day"

[[holiday]]
date = 2026-02-22
name = "Founding Day"
)",
                                        "sa.toml");
  ASSERT_TRUE(calendar.has_value()) << calendar.error().message;
  EXPECT_EQ(calendar->time_zone(), "Asia/Riyadh");
  EXPECT_EQ(calendar->weekend(),
            (std::vector<std::chrono::weekday>{std::chrono::Friday, std::chrono::Saturday}));
  ASSERT_EQ(calendar->holidays().size(), 2U);
  EXPECT_EQ(calendar->holidays()[0], (Holiday{2026y / February / 22d, "Founding Day"}));
  EXPECT_EQ(calendar->holidays()[1].name, "Saudi National Day");
}

TEST(CalendarFileTest, WithoutAWeekendKeySaturdayAndSundayAreOff) {
  const auto calendar = Calendar::parse("time_zone = \"Europe/Brussels\"\n", "be.toml");
  ASSERT_TRUE(calendar.has_value()) << calendar.error().message;
  EXPECT_EQ(calendar->weekend(),
            (std::vector<std::chrono::weekday>{std::chrono::Sunday, std::chrono::Saturday}));
  const auto none = Calendar::parse("time_zone = \"UTC\"\nweekend = []\n", "x.toml");
  ASSERT_TRUE(none.has_value());
  EXPECT_TRUE(none->weekend().empty());
}

TEST(CalendarFileTest, ReportsEveryProblemWithItsLine) {
  const auto calendar = Calendar::parse(R"(time_zone = "Europe/Bruxelles"
weekend = ["saturday", "sundy", "saturday", 7]
colour = "blue"
[[holiday]]
date = "2026-02-30"
name = "No Such Day"
[[holiday]]
date = "2026-12-25"
name = "Christmas Day"
[[holiday]]
date = "2026-12-25"
name = "Christmas again"
[[holiday]]
name = ""
when = "always"
[[holiday]]
date = 20261226
name = "Boxing Day"
)",
                                        "bad.toml");
  ASSERT_FALSE(calendar.has_value());
  EXPECT_EQ(calendar.error().code, ErrorCode::invalid_input);
  const std::string& m = calendar.error().message;
  const std::vector<std::string> expected = {
      "bad.toml:1: unknown time zone 'Europe/Bruxelles'",
      "bad.toml:2: weekend: 'sundy' is not one of monday,",
      "bad.toml:2: weekend: 'saturday' is given twice",
      "bad.toml:2: weekend: a value is not one of monday,",
      "bad.toml:3: unknown key 'colour' (known: time_zone, weekend, holiday)",
      "bad.toml:5: [[holiday]]: date '2026-02-30' is not a date (\"YYYY-MM-DD\")",
      "bad.toml:10: [[holiday]]: 2026-12-25 is a holiday already (line 7)",
      "bad.toml:13: [[holiday]]: date is required",
      "bad.toml:14: [[holiday]]: name must be a non-empty string",
      "bad.toml:15: [[holiday]]: unknown key 'when' (known: date, name)",
      "bad.toml:17: [[holiday]]: date must be a date",
  };
  std::size_t from = 0;
  for (const std::string& line : expected) {
    const auto found = m.find(line, from);
    EXPECT_NE(found, std::string::npos) << "missing, or out of order: " << line << "\nin:\n" << m;
    if (found != std::string::npos) from = found;
  }
  std::size_t lines = 1;
  for (const char c : m) lines += c == '\n' ? 1 : 0;
  EXPECT_EQ(lines, expected.size()) << m;
}

TEST(CalendarFileTest, ReportsMissingKeysBadTypesAndSyntaxWithTheirLines) {
  const std::pair<const char*, const char*> cases[] = {
      {"weekend = [\"sunday\"]\n", "x.toml:1: time_zone is required"},
      {"time_zone = 1\n", "x.toml:1: time_zone must be a string"},
      {"time_zone = \"UTC\"\nweekend = \"sunday\"\n", "x.toml:2: weekend must be an array"},
      {"time_zone = \"UTC\"\nholiday = \"2026-12-25\"\n", "x.toml:2: holiday must be written as [[holiday]]"},
      {"time_zone = \"UTC\"\nweekend = [\"monday\", \"tuesday\", \"wednesday\", \"thursday\", \"friday\", "
       "\"saturday\", \"sunday\"]\n",
       "x.toml:2: weekend: the weekend cannot be the whole week"},
      {"time_zone = \"UTC\"\n[[holiday]]\ndate = \"2026-12-25\"\n",
       "x.toml:2: [[holiday]]: name is required"},
      {"time_zone = \"UTC\"\n[[holiday]]\ndate = \"2026-12-25\"\nname = \"a\\u0007b\"\n",
       "x.toml:4: [[holiday]]: name holds the control character U+0007"},
      {"time_zone = \"UTC\"\n\nweekend = = [\"sunday\"]\n", "x.toml:3: "},
      {"time_zone = \"UTC\"\n[[holiday]]\ndate = \"26-12-25\"\nname = \"x\"\n",
       "x.toml:3: [[holiday]]: date '26-12-25' is not a date"},
  };
  for (const auto& [text, message] : cases) {
    const auto calendar = Calendar::parse(text, "x.toml");
    ASSERT_FALSE(calendar.has_value()) << text;
    EXPECT_EQ(calendar.error().code, ErrorCode::invalid_input);
    EXPECT_TRUE(calendar.error().message.starts_with(message)) << calendar.error().message;
  }
}

TEST(CalendarFileTest, AFileThatCannotBeReadIsUnavailable) {
  const testing::TempDir dir;
  EXPECT_EQ(Calendar::load(dir.file("missing.toml")).error().code, ErrorCode::unavailable);
  {
    std::ofstream out(dir.file("one.toml"));
    out << "time_zone = \"America/New_York\"\n[[holiday]]\ndate = \"2026-07-03\"\nname = \"Independence "
           "Day\"\n";
  }
  const auto calendar = Calendar::load(dir.file("one.toml"));
  ASSERT_TRUE(calendar.has_value()) << calendar.error().message;
  EXPECT_FALSE(calendar->is_business_day(2026y / July / 3d));
  const auto bad = Calendar::parse("time_zone = \"Nowhere\"\n", dir.file("one.toml"));
  EXPECT_TRUE(bad.error().message.starts_with(dir.file("one.toml") + ":1: unknown time zone"))
      << bad.error().message;
}

}  // namespace
}  // namespace ssad::disclosure
