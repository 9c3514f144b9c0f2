#pragma once
// When the store's registration data last changed (the RDAP "last update of RDAP database" event), read
// from the store at most once per interval, so that caches of rendered answers can be emptied when the
// data changes without a store query per request. Thread-safe; the common case reads two atomics.

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <limits>
#include <mutex>
#include <optional>

#include "core/time.hpp"
#include "store/registration_store.hpp"

namespace ssad::rdap {

class DataVersion {
 public:
  /// `on_change` runs (under a lock, at most one at a time) whenever a new value is read.
  DataVersion(store::RegistrationReader& store, std::chrono::milliseconds check_interval,
              std::function<void()> on_change);

  /// The last data change as last read; reads the store when the interval has passed.
  [[nodiscard]] std::optional<Timestamp> current();

 private:
  static constexpr std::int64_t kNever = std::numeric_limits<std::int64_t>::min();
  store::RegistrationReader& store_;
  std::chrono::milliseconds check_interval_;
  std::function<void()> on_change_;
  std::mutex mutex_;
  std::atomic<std::int64_t> next_check_ns_{kNever};
  std::atomic<std::int64_t> updated_ms_{kNever};
};

}  // namespace ssad::rdap
