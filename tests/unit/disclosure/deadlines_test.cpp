#include "disclosure/deadlines.hpp"

#include <random>
#include <string>

#include <gtest/gtest.h>

namespace ssad::disclosure {
namespace {

using policy::Priority;
using std::chrono::days;
using std::chrono::hours;
using std::chrono::milliseconds;
using namespace std::chrono_literals;

Timestamp at(const char* rfc3339) { return parse_rfc3339(rfc3339).value(); }

// Belgium's calendar as shipped: Easter Monday 6 April 2026 makes a long weekend.
Calendar belgium() {
  auto calendar = Calendar::load(std::string(SSAD_TEST_DATA_DIR) + "/../../calendars/be.toml");
  EXPECT_TRUE(calendar.has_value()) << calendar.error().message;
  return calendar.value_or(Calendar());
}

// Monday 1 June 2026, 09:00 UTC, on the built-in calendar (UTC, weekends off).
const Timestamp kMonday = at("2026-06-01T09:00:00Z");

TEST(DeadlinesTest, EachPriorityGetsItsBusinessDays) {
  const Calendar calendar;
  const DeadlineSettings settings;
  const model::DecisionClock p1 = start(calendar, settings, Priority::p1, kMonday);
  EXPECT_EQ(p1.deadline, at("2026-06-02T09:00:00Z"));
  EXPECT_EQ(p1.running_since, kMonday);
  EXPECT_EQ(p1.business_ms_used, 0);
  EXPECT_EQ(p1.paused_ms, 0);
  EXPECT_FALSE(p1.paused_since.has_value());
  EXPECT_EQ(start(calendar, settings, Priority::p2, kMonday).deadline, at("2026-06-03T09:00:00Z"));
  EXPECT_EQ(start(calendar, settings, Priority::p3, kMonday).deadline, at("2026-06-08T09:00:00Z"));
  // A request without a priority is held to P3's.
  EXPECT_EQ(start(calendar, settings, Priority::none, kMonday).deadline, at("2026-06-08T09:00:00Z"));
}

TEST(DeadlinesTest, TheDefaultsAreTheSsadRecommendationsAndThirtyDays) {
  const DeadlineSettings settings;
  EXPECT_EQ(settings.p1.business_days, 1U);
  EXPECT_EQ(settings.p1.max_calendar_days, 3U);
  EXPECT_EQ(settings.p2.business_days, 2U);
  EXPECT_EQ(settings.p3.business_days, 5U);
  EXPECT_EQ(settings.p3.max_calendar_days, 30U);
  EXPECT_EQ(settings.max_calendar_days, 30U);
  EXPECT_FALSE(settings.nis2);
  EXPECT_EQ(settings.nis2_hours, 72U);
  EXPECT_DOUBLE_EQ(settings.warning_fraction, 0.25);
}

TEST(DeadlinesTest, AUrgentRequestBeforeALongWeekendIsDueWithinThreeCalendarDays) {
  // Friday 3 April 2026, 18:00 in Brussels: one business day would end on Tuesday 7 April at 18:00
  // (6 hours on Friday, the weekend, Easter Monday, 18 hours on Tuesday); three calendar days end on
  // Easter Monday at 18:00.
  const Calendar be = belgium();
  const Timestamp friday = at("2026-04-03T16:00:00Z");
  EXPECT_EQ(be.after_business_time(friday, days(1)).value(), at("2026-04-07T16:00:00Z"));
  EXPECT_EQ(start(be, DeadlineSettings{}, Priority::p1, friday).deadline, at("2026-04-06T16:00:00Z"));
  // P2 has 30 calendar days: its two business days decide (Tuesday 7 and Wednesday 8 April).
  EXPECT_EQ(start(be, DeadlineSettings{}, Priority::p2, friday).deadline, at("2026-04-08T16:00:00Z"));
}

TEST(DeadlinesTest, NisTwoModeAnswersWithinItsHours) {
  const Calendar calendar;
  DeadlineSettings settings;
  settings.nis2 = true;
  // P3's five business days end on Monday 8 June; 72 hours end on Thursday 4 June.
  EXPECT_EQ(start(calendar, settings, Priority::p3, kMonday).deadline, at("2026-06-04T09:00:00Z"));
  // P1's one business day is sooner than 72 hours.
  EXPECT_EQ(start(calendar, settings, Priority::p1, kMonday).deadline, at("2026-06-02T09:00:00Z"));
  settings.nis2_hours = 12;
  EXPECT_EQ(start(calendar, settings, Priority::p1, kMonday).deadline, at("2026-06-01T21:00:00Z"));
  settings.nis2 = false;
  EXPECT_EQ(start(calendar, settings, Priority::p1, kMonday).deadline, at("2026-06-02T09:00:00Z"));
}

TEST(DeadlinesTest, TheHardMaximumCapsEveryPriority) {
  const Calendar calendar;
  DeadlineSettings settings;
  settings.p3 = {.business_days = 30, .max_calendar_days = 60};
  settings.max_calendar_days = 60;
  // Thirty business days: six weeks.
  EXPECT_EQ(start(calendar, settings, Priority::p3, kMonday).deadline, at("2026-07-13T09:00:00Z"));
  settings.max_calendar_days = 40;
  EXPECT_EQ(start(calendar, settings, Priority::p3, kMonday).deadline, at("2026-07-11T09:00:00Z"));
  settings.max_calendar_days = 60;
  settings.p3.max_calendar_days = 30;
  EXPECT_EQ(start(calendar, settings, Priority::p3, kMonday).deadline, at("2026-07-01T09:00:00Z"));
}

TEST(DeadlinesTest, APauseWithinABusinessDayMovesTheDeadlineByItsLength) {
  const Calendar calendar;
  const DeadlineSettings settings;
  const model::DecisionClock running = start(calendar, settings, Priority::p3, kMonday);
  const model::DecisionClock paused = pause(running, calendar, at("2026-06-02T10:00:00Z"));
  EXPECT_EQ(paused.business_ms_used, milliseconds(25h).count());
  EXPECT_EQ(paused.paused_since, at("2026-06-02T10:00:00Z"));
  EXPECT_FALSE(paused.deadline.has_value());
  const model::DecisionClock resumed =
      resume(paused, calendar, settings, Priority::p3, kMonday, at("2026-06-02T13:00:00Z"));
  EXPECT_FALSE(resumed.paused_since.has_value());
  EXPECT_EQ(resumed.paused_ms, milliseconds(3h).count());
  EXPECT_EQ(resumed.running_since, at("2026-06-02T13:00:00Z"));
  EXPECT_EQ(resumed.business_ms_used, milliseconds(25h).count());
  EXPECT_EQ(resumed.deadline, *running.deadline + 3h);
}

TEST(DeadlinesTest, APauseOverAWeekendMovesTheDeadlineByTheBusinessTimePausedOnly) {
  const Calendar calendar;
  const DeadlineSettings settings;
  const model::DecisionClock running = start(calendar, settings, Priority::p3, kMonday);
  // Paused on Friday at 16:00, answered on Monday at 10:00: 8 + 10 business hours paused.
  const model::DecisionClock paused = pause(running, calendar, at("2026-06-05T16:00:00Z"));
  EXPECT_EQ(paused.business_ms_used, milliseconds(103h).count());
  const model::DecisionClock resumed =
      resume(paused, calendar, settings, Priority::p3, kMonday, at("2026-06-08T10:00:00Z"));
  EXPECT_EQ(resumed.deadline, at("2026-06-09T03:00:00Z"));
  EXPECT_EQ(calendar.business_time(*running.deadline, *resumed.deadline), 18h);
  EXPECT_EQ(resumed.paused_ms, milliseconds(66h).count());
}

TEST(DeadlinesTest, PausesExtendTheCalendarCapsByTheirWholeLength) {
  const Calendar be = belgium();
  const DeadlineSettings settings;
  const Timestamp friday = at("2026-04-03T16:00:00Z");
  const model::DecisionClock running = start(be, settings, Priority::p1, friday);
  EXPECT_EQ(running.deadline, at("2026-04-06T16:00:00Z"));
  // Four hours paused on Saturday: no business time, but the three calendar days end four hours later.
  const model::DecisionClock resumed = resume(pause(running, be, at("2026-04-04T10:00:00Z")), be, settings,
                                              Priority::p1, friday, at("2026-04-04T14:00:00Z"));
  EXPECT_EQ(resumed.business_ms_used, milliseconds(6h).count());
  EXPECT_EQ(resumed.deadline, at("2026-04-06T20:00:00Z"));
}

TEST(DeadlinesTest, PausingAPausedClockOrResumingARunningOneChangesNothing) {
  const Calendar calendar;
  const DeadlineSettings settings;
  const model::DecisionClock running = start(calendar, settings, Priority::p2, kMonday);
  EXPECT_EQ(resume(running, calendar, settings, Priority::p2, kMonday, at("2026-06-02T09:00:00Z")), running);
  const model::DecisionClock paused = pause(running, calendar, at("2026-06-01T10:00:00Z"));
  EXPECT_EQ(pause(paused, calendar, at("2026-06-01T12:00:00Z")), paused);
}

TEST(DeadlinesTest, AClockResumedAfterItsBudgetWasSpentIsDueAtOnce) {
  const Calendar calendar;
  const DeadlineSettings settings;
  const model::DecisionClock running = start(calendar, settings, Priority::p1, kMonday);
  // Paused a day after its deadline: standing is paused, never breached, while the requestor answers.
  const model::DecisionClock paused = pause(running, calendar, at("2026-06-03T09:00:00Z"));
  EXPECT_EQ(standing(paused, calendar, settings, at("2026-06-05T09:00:00Z")), Standing::paused);
  const Timestamp answered = at("2026-06-04T09:00:00Z");
  const model::DecisionClock resumed = resume(paused, calendar, settings, Priority::p1, kMonday, answered);
  EXPECT_EQ(resumed.deadline, answered);
  EXPECT_EQ(standing(resumed, calendar, settings, answered), Standing::breached);
}

TEST(DeadlinesTest, ANodeBehindTheClockThatStartedAStretchPausesItAtItsStart) {
  const Calendar calendar;
  const DeadlineSettings settings;
  const model::DecisionClock running = start(calendar, settings, Priority::p3, kMonday);
  const model::DecisionClock paused = pause(running, calendar, kMonday - 5s);
  EXPECT_EQ(paused.business_ms_used, 0);
  EXPECT_EQ(paused.paused_since, kMonday);
  const model::DecisionClock resumed =
      resume(paused, calendar, settings, Priority::p3, kMonday, kMonday - 1s);
  EXPECT_EQ(resumed.paused_ms, 0);
  EXPECT_EQ(resumed.deadline, running.deadline);
}

// Random pauses on the Belgian calendar (daylight-saving changes, Easter, Christmas): with the caps out
// of reach, the deadline moves by exactly the business time each pause took.
TEST(DeadlinesTest, EveryPauseMovesTheDeadlineByTheBusinessTimeItTook) {
  const Calendar be = belgium();
  DeadlineSettings settings;
  settings.max_calendar_days = 366;
  settings.p3 = {.business_days = 20, .max_calendar_days = 366};
  std::mt19937_64 random(13);
  std::uniform_int_distribution<std::int64_t> created_ms(to_unix_ms(at("2026-01-01T00:00:00Z")),
                                                         to_unix_ms(at("2027-10-01T00:00:00Z")));
  std::uniform_int_distribution<std::int64_t> gap_ms(0, milliseconds(days(4)).count());
  for (int i = 0; i < 300; ++i) {
    const Timestamp created = from_unix_ms(created_ms(random));
    model::DecisionClock clock = start(be, settings, Priority::p3, created);
    Timestamp now = created;
    for (int round = 0; round < 3; ++round) {
      const Timestamp before = *clock.deadline;
      now += milliseconds(gap_ms(random));
      if (now >= before) break;
      const Timestamp paused_at = now;
      clock = pause(clock, be, paused_at);
      now += milliseconds(gap_ms(random));
      clock = resume(clock, be, settings, Priority::p3, created, now);
      ASSERT_EQ(be.business_time(before, *clock.deadline), be.business_time(paused_at, now))
          << format_rfc3339(created) << " paused " << format_rfc3339(paused_at) << " to "
          << format_rfc3339(now);
      ASSERT_EQ(be.business_time(clock.running_since, *clock.deadline) + milliseconds(clock.business_ms_used),
                milliseconds(days(20)));
    }
  }
}

TEST(DeadlinesTest, ARequestIsNearWhenLessThanAQuarterOfItsBusinessTimeIsLeft) {
  const Calendar calendar;
  const DeadlineSettings settings;
  const model::DecisionClock clock = start(calendar, settings, Priority::p3, kMonday);
  // 120 business hours; due Monday 8 June 09:00. 30 hours are left on Friday at 03:00.
  EXPECT_EQ(standing(clock, calendar, settings, kMonday), Standing::on_time);
  EXPECT_EQ(standing(clock, calendar, settings, at("2026-06-04T12:00:00Z")), Standing::on_time);
  EXPECT_EQ(standing(clock, calendar, settings, at("2026-06-05T03:00:00Z")), Standing::on_time);
  EXPECT_EQ(standing(clock, calendar, settings, at("2026-06-05T03:00:00.001Z")), Standing::near);
  EXPECT_EQ(standing(clock, calendar, settings, at("2026-06-06T12:00:00Z")), Standing::near);
  EXPECT_EQ(standing(clock, calendar, settings, at("2026-06-08T08:59:59.999Z")), Standing::near);
  EXPECT_EQ(standing(clock, calendar, settings, at("2026-06-08T09:00:00Z")), Standing::breached);
  EXPECT_EQ(standing(clock, calendar, settings, at("2026-07-08T09:00:00Z")), Standing::breached);
  EXPECT_EQ(standing(pause(clock, calendar, at("2026-06-05T12:00:00Z")), calendar, settings,
                     at("2026-07-08T09:00:00Z")),
            Standing::paused);
}

TEST(DeadlinesTest, TheLastBusinessHourIsAlwaysNear) {
  const Calendar calendar;
  DeadlineSettings settings;
  settings.warning_fraction = 0;
  const model::DecisionClock clock = start(calendar, settings, Priority::p3, kMonday);
  EXPECT_EQ(standing(clock, calendar, settings, at("2026-06-06T12:00:00Z")), Standing::on_time);
  EXPECT_EQ(standing(clock, calendar, settings, at("2026-06-08T08:00:00Z")), Standing::on_time);
  EXPECT_EQ(standing(clock, calendar, settings, at("2026-06-08T08:00:00.001Z")), Standing::near);
}

TEST(DeadlinesTest, ACappedDeadlineIsNearOnceAQuarterOfTheBusinessTimeBeforeItIsLeft) {
  // P1 on Friday before Easter in Belgium: due Monday 16:00Z by its cap, with 6 business hours (Friday
  // evening) before it; near with less than 1.5 of them left.
  const Calendar be = belgium();
  const DeadlineSettings settings;
  const Timestamp friday = at("2026-04-03T16:00:00Z");
  const model::DecisionClock clock = start(be, settings, Priority::p1, friday);
  EXPECT_EQ(standing(clock, be, settings, at("2026-04-03T20:30:00Z")), Standing::on_time);
  EXPECT_EQ(standing(clock, be, settings, at("2026-04-03T20:30:00.001Z")), Standing::near);
  EXPECT_EQ(standing(clock, be, settings, at("2026-04-05T12:00:00Z")), Standing::near);
  EXPECT_EQ(standing(clock, be, settings, at("2026-04-06T16:00:00Z")), Standing::breached);
}

// docs/requests.md, "A worked example".
TEST(DeadlinesTest, TheWorkedExampleOfTheDocumentationHolds) {
  const Calendar be = belgium();
  const DeadlineSettings settings;
  const Timestamp friday = at("2026-04-03T16:00:00Z");  // 18:00 in Brussels
  const model::DecisionClock p1 = start(be, settings, Priority::p1, friday);
  EXPECT_EQ(p1.deadline, at("2026-04-06T16:00:00Z"));
  const model::DecisionClock asked = pause(p1, be, at("2026-04-04T10:00:00Z"));
  EXPECT_EQ(asked.business_ms_used, milliseconds(6h).count());
  EXPECT_EQ(standing(asked, be, settings, at("2026-04-04T12:00:00Z")), Standing::paused);
  const model::DecisionClock answered =
      resume(asked, be, settings, Priority::p1, friday, at("2026-04-04T14:00:00Z"));
  EXPECT_EQ(answered.deadline, at("2026-04-06T20:00:00Z"));  // Monday 22:00 in Brussels

  const model::DecisionClock p3 = start(be, settings, Priority::p3, friday);
  EXPECT_EQ(p3.deadline, at("2026-04-13T16:00:00Z"));  // Monday 13 April, 18:00
  const Timestamp thursday = at("2026-04-09T08:00:00Z");
  const Timestamp monday = at("2026-04-13T07:00:00Z");
  EXPECT_EQ(be.business_time(thursday, monday), 47h);
  const model::DecisionClock moved =
      resume(pause(p3, be, thursday), be, settings, Priority::p3, friday, monday);
  EXPECT_EQ(moved.deadline, at("2026-04-15T15:00:00Z"));  // Wednesday 15 April, 17:00
}

TEST(DeadlinesTest, WarningsAndBreachesAreRecordedOnceWhenFirstSeen) {
  model::DecisionClock clock = start(Calendar(), DeadlineSettings{}, Priority::p1, kMonday);
  clock = note_standing(clock, Standing::on_time, kMonday + 1h);
  EXPECT_FALSE(clock.warned.has_value());
  clock = note_standing(clock, Standing::near, kMonday + 20h);
  clock = note_standing(clock, Standing::near, kMonday + 21h);
  EXPECT_EQ(clock.warned, kMonday + 20h);
  EXPECT_FALSE(clock.breached.has_value());
  clock = note_standing(clock, Standing::breached, kMonday + 24h);
  clock = note_standing(clock, Standing::breached, kMonday + 25h);
  EXPECT_EQ(clock.breached, kMonday + 24h);
  EXPECT_EQ(clock.warned, kMonday + 20h);
  EXPECT_EQ(to_string(Standing::on_time), "on_time");
  EXPECT_EQ(to_string(Standing::near), "near");
  EXPECT_EQ(to_string(Standing::breached), "breached");
  EXPECT_EQ(to_string(Standing::paused), "paused");
}

TEST(DeadlinesTest, SettingsAndCalendarComeFromTheConfig) {
  const config::Config defaults = config::parse_config("").value();
  const DeadlineSettings from_defaults = settings_from(defaults.requests.deadlines);
  const DeadlineSettings builtin;
  EXPECT_EQ(from_defaults.p1.business_days, builtin.p1.business_days);
  EXPECT_EQ(from_defaults.p1.max_calendar_days, builtin.p1.max_calendar_days);
  EXPECT_EQ(from_defaults.p2.business_days, builtin.p2.business_days);
  EXPECT_EQ(from_defaults.p2.max_calendar_days, builtin.p2.max_calendar_days);
  EXPECT_EQ(from_defaults.p3.business_days, builtin.p3.business_days);
  EXPECT_EQ(from_defaults.p3.max_calendar_days, builtin.p3.max_calendar_days);
  EXPECT_EQ(from_defaults.max_calendar_days, builtin.max_calendar_days);
  EXPECT_EQ(from_defaults.nis2, builtin.nis2);
  EXPECT_EQ(from_defaults.nis2_hours, builtin.nis2_hours);
  EXPECT_DOUBLE_EQ(from_defaults.warning_fraction, builtin.warning_fraction);
  const auto calendar = calendar_from(defaults.requests);
  ASSERT_TRUE(calendar.has_value());
  EXPECT_EQ(calendar->time_zone(), "UTC");

  const auto configured = config::parse_config(
      "[requests]\ncalendar = \"" + std::string(SSAD_TEST_DATA_DIR) +
      "/../../calendars/de.toml\"\n[requests.deadlines]\np2_business_days = 3\nnis2 = true\nnis2_hours = 48\n"
      "warning_fraction = 0.5\n");
  ASSERT_TRUE(configured.has_value()) << configured.error().message;
  const DeadlineSettings settings = settings_from(configured->requests.deadlines);
  EXPECT_EQ(settings.p2.business_days, 3U);
  EXPECT_TRUE(settings.nis2);
  EXPECT_EQ(settings.nis2_hours, 48U);
  EXPECT_DOUBLE_EQ(settings.warning_fraction, 0.5);
  const auto de = calendar_from(configured->requests);
  ASSERT_TRUE(de.has_value()) << de.error().message;
  EXPECT_EQ(de->time_zone(), "Europe/Berlin");
  config::RequestsConfig missing;
  missing.calendar = "/nonexistent/calendar.toml";
  EXPECT_EQ(calendar_from(missing).error().code, ErrorCode::unavailable);
}

}  // namespace
}  // namespace ssad::disclosure
