#include "disclosure/clock.hpp"

#include <utility>

#include "policy/vocabulary.hpp"

namespace ssad::disclosure {
namespace {

policy::Priority priority_of(std::string_view text) {
  return policy::parse_priority(text).value_or(policy::Priority::p3);
}

}  // namespace

Deadlines::Deadlines() = default;

Deadlines::Deadlines(Calendar calendar, DeadlineSettings settings)
    : calendar_(std::move(calendar)), settings_(settings) {}

void Deadlines::start(model::DecisionClock& clock, std::string_view priority, Timestamp created) const {
  model::DecisionClock started = disclosure::start(calendar_, settings_, priority_of(priority), created);
  started.warned = clock.warned;
  started.breached = clock.breached;
  clock = started;
}

void Deadlines::pause(model::DecisionClock& clock, Timestamp now) const {
  clock = disclosure::pause(clock, calendar_, now);
}

void Deadlines::resume(model::DecisionClock& clock, std::string_view priority, Timestamp created,
                       Timestamp now) const {
  clock = disclosure::resume(clock, calendar_, settings_, priority_of(priority), created, now);
}

void Deadlines::stop(model::DecisionClock& clock, Timestamp now) const {
  if (clock.deadline && *clock.deadline < now && !clock.breached) clock.breached = *clock.deadline;
}

Standing Deadlines::standing(const model::DecisionClock& clock, Timestamp now) const {
  return disclosure::standing(clock, calendar_, settings_, now);
}

}  // namespace ssad::disclosure
