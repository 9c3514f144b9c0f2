#pragma once
// The decision clock of one operator (disclosure/deadlines.hpp over its calendar): what the request
// workflow calls when a request starts waiting for a reviewer, is paused for information, runs again, and
// ends. One object, built once from the configuration, so that every step uses the same calendar.

#include <string_view>

#include "core/time.hpp"
#include "disclosure/calendar.hpp"
#include "disclosure/deadlines.hpp"
#include "model/disclosure_request.hpp"

namespace ssad::disclosure {

class Deadlines {
 public:
  /// Business days Monday to Friday in UTC without holidays, and the default deadlines.
  Deadlines();
  Deadlines(Calendar calendar, DeadlineSettings settings);

  /// Starts the clock of a request created at `created` with `priority` ("P1", …).
  void start(model::DecisionClock& clock, std::string_view priority, Timestamp created) const;
  /// Pauses it at `now` (a reviewer asked for information).
  void pause(model::DecisionClock& clock, Timestamp now) const;
  /// Runs it again at `now` (the requestor answered).
  void resume(model::DecisionClock& clock, std::string_view priority, Timestamp created, Timestamp now) const;
  /// The request is decided or withdrawn at `now`: the deadline is kept (statistics compare the decision
  /// with it); a deadline that passed before `now` is recorded as breached when it was.
  void stop(model::DecisionClock& clock, Timestamp now) const;
  /// Where the clock stands at `now`.
  [[nodiscard]] Standing standing(const model::DecisionClock& clock, Timestamp now) const;

  [[nodiscard]] const Calendar& calendar() const { return calendar_; }
  [[nodiscard]] const DeadlineSettings& settings() const { return settings_; }

 private:
  Calendar calendar_;
  DeadlineSettings settings_;
};

}  // namespace ssad::disclosure
