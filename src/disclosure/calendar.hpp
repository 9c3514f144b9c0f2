#pragma once
// The operator's business-day calendar (issue 13; docs/requests.md "Business-day calendar"): the days on
// which disclosure requests' decision clocks run. A calendar is an IANA time zone, the weekend days and
// the holidays. A business day is a local date that is neither a weekend day nor a holiday; it runs from
// local midnight to the next local midnight — 23 or 25 hours on the days daylight-saving time starts or
// ends, and from the end of the gap when a change skips midnight itself.
//
// Every function is a pure function of its arguments and the calendar, so that several server nodes
// compute the same instants from the same stored values. Time zones come from the system's tzdata
// (/usr/share/zoneinfo, through Howard Hinnant's date/tz): its files describe each change up to 2037
// only, and a calendar applies the last known offset after that. "UTC" and "Etc/UTC" need no tzdata.

#include <array>
#include <chrono>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.hpp"
#include "core/time.hpp"

namespace date {
class time_zone;  // NOLINT(readability-identifier-naming): date/tz's own name
}

namespace ssad::disclosure {

/// A day the operator does not work although it is not a weekend day ("Christmas Day").
struct Holiday {
  std::chrono::year_month_day date;
  std::string name;
  friend bool operator==(const Holiday&, const Holiday&) = default;
};

class Calendar {
 public:
  /// The built-in calendar: UTC, Saturday and Sunday off, no holidays (calendars/utc-weekdays.toml).
  Calendar();

  /// A calendar from its parts. Errors: invalid_input naming the problem — a time zone the tzdata does
  /// not know, a weekend of all seven days, a weekend day given twice, a holiday date given twice, an
  /// invalid date, an empty holiday name.
  [[nodiscard]] static Result<Calendar> create(std::string_view time_zone,
                                               const std::vector<std::chrono::weekday>& weekend,
                                               std::vector<Holiday> holidays);

  /// Reads a calendar file (TOML; docs/requests.md gives the format). `source` names it in errors.
  /// Errors: invalid_input whose message lists every problem found, one per line, as
  /// "SOURCE:LINE: what is wrong" (a syntax error, an unknown or missing key, a bad zone, weekday or
  /// date, a holiday given twice).
  [[nodiscard]] static Result<Calendar> parse(std::string_view text, std::string_view source);
  /// The same from a file. Errors: unavailable when it cannot be read; else as parse().
  [[nodiscard]] static Result<Calendar> load(const std::string& path);

  /// The IANA name of the time zone ("Europe/Brussels").
  [[nodiscard]] const std::string& time_zone() const { return time_zone_; }
  /// The weekend days, Sunday first.
  [[nodiscard]] std::vector<std::chrono::weekday> weekend() const;
  /// The holidays, by date.
  [[nodiscard]] const std::vector<Holiday>& holidays() const { return holidays_; }

  /// True when `local_date` is neither a weekend day nor a holiday.
  [[nodiscard]] bool is_business_day(std::chrono::year_month_day local_date) const;
  /// The local date an instant falls on in the calendar's time zone.
  [[nodiscard]] std::chrono::year_month_day local_date_of(Timestamp instant) const;
  /// The instant a local date begins: its local midnight, or the end of a daylight-saving gap that
  /// skips midnight.
  [[nodiscard]] Timestamp start_of(std::chrono::year_month_day local_date) const;

  /// The milliseconds of [a, b) that fall on business days; 0 when b <= a. Costs one step per local day
  /// of the interval.
  [[nodiscard]] std::chrono::milliseconds business_time(Timestamp a, Timestamp b) const;

  /// The earliest instant t >= start with business_time(start, t) == budget: `start` itself for a zero
  /// budget; a clock started on a Saturday begins to count at Monday's local midnight. Errors:
  /// invalid_input for a negative budget or one over a year (366 days) of business time.
  [[nodiscard]] Result<Timestamp> after_business_time(Timestamp start,
                                                      std::chrono::milliseconds budget) const;

  /// The longest budget after_business_time() accepts.
  static constexpr std::chrono::milliseconds kMaxBudget = std::chrono::days(366);

 private:
  using LocalDays = std::chrono::sys_days;  // a local date, counted as days since 1970-01-01

  [[nodiscard]] bool is_business(LocalDays day) const;
  [[nodiscard]] LocalDays day_containing(Timestamp instant) const;
  [[nodiscard]] Timestamp begins(LocalDays day) const;

  std::string time_zone_ = "UTC";
  const date::time_zone* zone_ = nullptr;  // nullptr: UTC, without the tzdata
  std::array<bool, 7> weekend_{};          // by std::chrono::weekday::c_encoding(), Sunday = 0
  std::vector<Holiday> holidays_;          // sorted by date, no date twice
  std::vector<LocalDays> holiday_days_;    // the same dates, for binary search
};

}  // namespace ssad::disclosure
