#pragma once
// Instants in registration data: UTC, millisecond precision, written as RFC 3339 on every wire.

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

#include "core/error.hpp"

namespace ssad {

using Timestamp = std::chrono::sys_time<std::chrono::milliseconds>;

/// Parses an RFC 3339 date-time ("2009-04-03T22:00:00.0Z", "2024-01-02T03:04:05+02:00"); offsets are
/// applied, fractions beyond milliseconds are truncated. Errors: invalid_input naming the problem.
[[nodiscard]] Result<Timestamp> parse_rfc3339(std::string_view text);

/// Formats as RFC 3339 in UTC: "2009-04-03T22:00:00Z", with ".123" only when milliseconds are non-zero.
[[nodiscard]] std::string format_rfc3339(Timestamp instant);

/// Milliseconds since the Unix epoch, the form the store keeps.
[[nodiscard]] inline std::int64_t to_unix_ms(Timestamp instant) { return instant.time_since_epoch().count(); }
[[nodiscard]] inline Timestamp from_unix_ms(std::int64_t ms) {
  return Timestamp(std::chrono::milliseconds(ms));
}

/// The one source of time (DESIGN.md §3), injected into everything that records, waits or counts, so
/// that tests control it (tests/support/fake_clock.hpp) and never sleep.
class Clock {
 public:
  using Monotonic = std::chrono::steady_clock::time_point;
  virtual ~Clock() = default;
  /// Wall-clock time in UTC: what is recorded and shown (events, imports, audit entries).
  [[nodiscard]] virtual Timestamp now() const = 0;
  /// Time for intervals, buckets and deadlines: never jumps when the wall clock is set.
  [[nodiscard]] virtual Monotonic monotonic() const = 0;
};

/// The real clock.
class SystemClock final : public Clock {
 public:
  [[nodiscard]] Timestamp now() const override;
  [[nodiscard]] Monotonic monotonic() const override;
};

}  // namespace ssad
