#include "disclosure/deadlines.hpp"

#include <algorithm>

namespace ssad::disclosure {
namespace {

using std::chrono::days;
using std::chrono::hours;
using std::chrono::milliseconds;

constexpr milliseconds kWarningFloor = hours(1);

}  // namespace

const PriorityDeadline& DeadlineSettings::of(policy::Priority priority) const {
  switch (priority) {
    case policy::Priority::p1:
      return p1;
    case policy::Priority::p2:
      return p2;
    case policy::Priority::p3:
    case policy::Priority::none:
      break;
  }
  return p3;
}

std::string_view to_string(Standing standing) {
  switch (standing) {
    case Standing::on_time:
      return "on_time";
    case Standing::near:
      return "near";
    case Standing::breached:
      return "breached";
    case Standing::paused:
      return "paused";
  }
  return "";
}

DeadlineSettings settings_from(const config::DeadlinesConfig& config) {
  return DeadlineSettings{
      .p1 = {.business_days = config.p1_business_days, .max_calendar_days = config.p1_max_calendar_days},
      .p2 = {.business_days = config.p2_business_days, .max_calendar_days = config.p2_max_calendar_days},
      .p3 = {.business_days = config.p3_business_days, .max_calendar_days = config.p3_max_calendar_days},
      .max_calendar_days = config.max_calendar_days,
      .nis2 = config.nis2,
      .nis2_hours = config.nis2_hours,
      .warning_fraction = config.warning_fraction,
  };
}

Result<Calendar> calendar_from(const config::RequestsConfig& config) {
  if (config.calendar.empty()) return Calendar();
  return Calendar::load(config.calendar);
}

Timestamp deadline_of(const model::DecisionClock& clock, const Calendar& calendar,
                      const DeadlineSettings& settings, policy::Priority priority, Timestamp created) {
  const PriorityDeadline& limits = settings.of(priority);
  const milliseconds paused(clock.paused_ms);
  Timestamp deadline = created + days(limits.max_calendar_days) + paused;
  deadline = std::min(deadline, created + days(settings.max_calendar_days) + paused);
  if (settings.nis2) deadline = std::min(deadline, created + hours(settings.nis2_hours) + paused);
  const milliseconds budget = days(limits.business_days);
  const milliseconds left = std::max(budget - milliseconds(clock.business_ms_used), milliseconds(0));
  // A budget over a year is refused by the calendar (and by the config, which allows 30 days): the caps
  // above, a year at most, then decide alone.
  if (auto business = calendar.after_business_time(clock.running_since, left)) {
    deadline = std::min(deadline, *business);
  }
  return deadline;
}

model::DecisionClock start(const Calendar& calendar, const DeadlineSettings& settings,
                           policy::Priority priority, Timestamp created) {
  model::DecisionClock clock;
  clock.running_since = created;
  clock.deadline = deadline_of(clock, calendar, settings, priority, created);
  return clock;
}

model::DecisionClock pause(const model::DecisionClock& clock, const Calendar& calendar, Timestamp now) {
  if (clock.paused_since) return clock;
  model::DecisionClock paused = clock;
  // A node whose clock is behind the one that started the stretch pauses it at its start, not before.
  const Timestamp at = std::max(now, clock.running_since);
  paused.business_ms_used += calendar.business_time(clock.running_since, at).count();
  paused.paused_since = at;
  paused.deadline.reset();
  return paused;
}

model::DecisionClock resume(const model::DecisionClock& clock, const Calendar& calendar,
                            const DeadlineSettings& settings, policy::Priority priority, Timestamp created,
                            Timestamp now) {
  if (!clock.paused_since) return clock;
  model::DecisionClock running = clock;
  const Timestamp at = std::max(now, *clock.paused_since);
  running.paused_ms += (at - *clock.paused_since).count();
  running.paused_since.reset();
  running.running_since = at;
  running.deadline = deadline_of(running, calendar, settings, priority, created);
  return running;
}

Standing standing(const model::DecisionClock& clock, const Calendar& calendar,
                  const DeadlineSettings& settings, Timestamp now) {
  if (clock.paused_since) return Standing::paused;
  if (!clock.deadline) return Standing::on_time;
  if (now >= *clock.deadline) return Standing::breached;
  const milliseconds left = calendar.business_time(std::max(now, clock.running_since), *clock.deadline);
  const milliseconds given =
      milliseconds(clock.business_ms_used) + calendar.business_time(clock.running_since, *clock.deadline);
  const auto share =
      milliseconds(static_cast<std::int64_t>(settings.warning_fraction * static_cast<double>(given.count())));
  return left < std::max(share, kWarningFloor) ? Standing::near : Standing::on_time;
}

model::DecisionClock note_standing(const model::DecisionClock& clock, Standing standing, Timestamp now) {
  model::DecisionClock noted = clock;
  if (standing == Standing::near && !noted.warned) noted.warned = now;
  if (standing == Standing::breached && !noted.breached) noted.breached = now;
  return noted;
}

}  // namespace ssad::disclosure
