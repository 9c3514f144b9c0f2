#pragma once
// When the store's registration data last changed (the RDAP "last update of RDAP database" event and
// the WHOIS footer), read from the store at most once per interval, plus a generation number that moves
// on each time a new change is seen. Caches of rendered answers (RDAP's and WHOIS's) compare their
// generation with it and empty themselves when it moved, without a store query per request. Time comes
// from the injected clock's monotonic reading. Thread-safe; the common case reads three atomics.

#include <atomic>
#include <chrono>
#include <cstdint>
#include <limits>
#include <mutex>
#include <optional>

#include "core/time.hpp"
#include "store/registration_store.hpp"

namespace ssad::cache {

/// What DataVersion last read.
struct Version {
  std::uint64_t generation = 0;      // 0 before the first read; moves on with every change seen
  std::optional<Timestamp> updated;  // the store's last data change; nullopt when it never changed
  bool readable = false;             // the last read of the store succeeded
};

class DataVersion {
 public:
  /// `check_interval` 0 asks the store on every call.
  DataVersion(store::RegistrationReader& store, const Clock& clock, std::chrono::milliseconds check_interval);

  /// The last change as last read; asks the store first when the interval has passed. A store error keeps
  /// the last value (and is tried again after the interval).
  [[nodiscard]] Version current();
  /// current() when that would not ask the store now; nullopt when a read is due (then the caller goes
  /// where a store read may wait: a worker thread). Never blocks, never reads the store.
  [[nodiscard]] std::optional<Version> known() const;
  /// The store says its data changed (Store::watch_changes): the next current() asks the store, however
  /// recently it last did. Thread-safe; never blocks.
  void invalidate();

 private:
  [[nodiscard]] Version snapshot() const;
  static constexpr std::int64_t kNever = std::numeric_limits<std::int64_t>::min();
  [[nodiscard]] std::int64_t elapsed_ns() const;

  store::RegistrationReader& store_;
  const Clock& clock_;
  Clock::Monotonic origin_;
  std::chrono::milliseconds check_interval_;
  std::mutex mutex_;  // one reader of the store at a time
  std::atomic<std::int64_t> next_check_ns_{kNever};
  std::atomic<std::int64_t> updated_ms_{kNever};
  std::atomic<std::uint64_t> generation_{0};
  std::atomic<bool> readable_{false};
  std::atomic<std::uint64_t> invalidations_{0};
};

}  // namespace ssad::cache
