#pragma once
// The decision deadlines of disclosure requests (issue 13; docs/requests.md "Deadlines"; shared/spec/
// policy.md §1.10, §5.8): each priority has a budget of business days of the operator's calendar and a
// cap in calendar days; every request has a hard maximum, and in NIS2 mode an answer within 72 hours.
// A reviewer's request for more information pauses the clock until the requestor answers.
//
// The functions compute a model::DecisionClock from stored values only — the calendar, the settings,
// the request's priority and creation time, and `now` — so that every server node computes the same
// deadline. A calendar day is 24 hours; a business day counts as 24 hours of business time (the
// calendar's days run from local midnight to local midnight: Calendar).
//
// deadline = min(after_business_time(running_since, budget − business_ms_used),
//                created + the priority's cap + paused_ms,
//                created + max_calendar_days + paused_ms,
//                created + nis2_hours + paused_ms          (nis2 only))

#include <chrono>
#include <cstdint>
#include <string_view>

#include "config/config.hpp"
#include "core/error.hpp"
#include "core/time.hpp"
#include "disclosure/calendar.hpp"
#include "model/disclosure_request.hpp"
#include "policy/vocabulary.hpp"

namespace ssad::disclosure {

/// One priority's deadline: business days, and calendar days at most.
struct PriorityDeadline {
  unsigned business_days = 5;
  unsigned max_calendar_days = 30;
};

/// How long a request may wait for its decision ([requests.deadlines] in ssad.toml, docs/config.md).
struct DeadlineSettings {
  PriorityDeadline p1{.business_days = 1, .max_calendar_days = 3};   // SSAD Rec 10: urgent
  PriorityDeadline p2{.business_days = 2, .max_calendar_days = 30};  // ICANN administrative proceedings
  PriorityDeadline p3{.business_days = 5, .max_calendar_days = 30};  // everything else
  unsigned max_calendar_days = 30;  // every request: the Registration Data Policy's 30 days
  bool nis2 = false;                // NIS2 Art. 28(5): an answer within nis2_hours of receipt
  unsigned nis2_hours = 72;
  // A request is near its deadline when less than this share of its business time remains, and in
  // any case in its last business hour.
  double warning_fraction = 0.25;

  /// The deadline of a priority; Priority::none (which no stored request has) is held to P3's.
  [[nodiscard]] const PriorityDeadline& of(policy::Priority priority) const;
};

/// Where a request stands against its deadline.
///   on_time   running, more than the warning share of its business time left
///   near      running, less than that share left (or less than one business hour)
///   breached  running, the deadline has passed
///   paused    waiting for the requestor's answer: never breached while paused
enum class Standing : std::uint8_t { on_time, near, breached, paused };
[[nodiscard]] std::string_view to_string(Standing standing);

/// The settings of ssad.toml's [requests.deadlines].
[[nodiscard]] DeadlineSettings settings_from(const config::DeadlinesConfig& config);
/// The calendar of ssad.toml's [requests]: its file, or the built-in UTC weekdays for "". Errors: as
/// Calendar::load().
[[nodiscard]] Result<Calendar> calendar_from(const config::RequestsConfig& config);

/// The deadline of a running clock (formula above). A clock whose business budget is spent is due at
/// its running_since.
[[nodiscard]] Timestamp deadline_of(const model::DecisionClock& clock, const Calendar& calendar,
                                    const DeadlineSettings& settings, policy::Priority priority,
                                    Timestamp created);

/// A clock running from the request's creation, its deadline computed.
[[nodiscard]] model::DecisionClock start(const Calendar& calendar, const DeadlineSettings& settings,
                                         policy::Priority priority, Timestamp created);

/// The clock paused at `now` (a reviewer asked for information): the business time since running_since
/// is added to business_ms_used, the deadline cleared, paused_since set. A paused clock is returned as
/// it is.
[[nodiscard]] model::DecisionClock pause(const model::DecisionClock& clock, const Calendar& calendar,
                                         Timestamp now);

/// The clock running again at `now` (the requestor answered): the pause is added to paused_ms, the
/// deadline recomputed from the business budget left, the calendar caps extended by every pause. A
/// running clock is returned as it is.
[[nodiscard]] model::DecisionClock resume(const model::DecisionClock& clock, const Calendar& calendar,
                                          const DeadlineSettings& settings, policy::Priority priority,
                                          Timestamp created, Timestamp now);

/// Where the clock stands at `now`. near: less business time left before the deadline than
/// max(warning_fraction × the business time from the clock's start to its deadline, 1 hour). A running
/// clock without a deadline is on time.
[[nodiscard]] Standing standing(const model::DecisionClock& clock, const Calendar& calendar,
                                const DeadlineSettings& settings, Timestamp now);

/// The clock with `now` recorded as when it was first seen near (warned) or breached (breached); either
/// is set once and kept after.
[[nodiscard]] model::DecisionClock note_standing(const model::DecisionClock& clock, Standing standing,
                                                 Timestamp now);

}  // namespace ssad::disclosure
