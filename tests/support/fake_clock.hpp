#pragma once
// The one fake clock of the test suite: time stands still until a test advances it, so that nothing in
// a test waits for time to pass. Both readings (wall and monotonic) move together. Thread-safe.

#include <atomic>
#include <chrono>

#include "core/time.hpp"

namespace ssad::testing {

class FakeClock final : public Clock {
 public:
  /// Starts at `start` (wall) and at an arbitrary monotonic origin.
  explicit FakeClock(Timestamp start = parse_rfc3339("2026-01-01T00:00:00Z").value())
      : wall_ms_(to_unix_ms(start)) {}

  [[nodiscard]] Timestamp now() const override { return from_unix_ms(wall_ms_.load()); }
  [[nodiscard]] Monotonic monotonic() const override {
    if (const std::int64_t tick = tick_ms_.load(); tick != 0) {
      wall_ms_ += tick;
      return Monotonic{} + std::chrono::hours(1) + std::chrono::milliseconds(elapsed_ms_ += tick);
    }
    return Monotonic{} + std::chrono::hours(1) + std::chrono::milliseconds(elapsed_ms_.load());
  }

  /// Moves both readings forward.
  void advance(std::chrono::milliseconds by) {
    wall_ms_ += by.count();
    elapsed_ms_ += by.count();
  }
  /// From now on every monotonic() reading first moves both readings forward by `step` (0: stop): time
  /// that passes while the code under test works, for deadlines and budgets.
  void tick_on_read(std::chrono::milliseconds step) { tick_ms_ = step.count(); }
  /// Sets the wall clock only (as an operator or NTP would); the monotonic reading does not move.
  void set_wall(Timestamp when) { wall_ms_ = to_unix_ms(when); }

 private:
  mutable std::atomic<std::int64_t> wall_ms_;
  mutable std::atomic<std::int64_t> elapsed_ms_{0};
  std::atomic<std::int64_t> tick_ms_{0};
};

}  // namespace ssad::testing
