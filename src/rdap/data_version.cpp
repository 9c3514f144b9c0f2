#include "rdap/data_version.hpp"

#include <utility>

namespace ssad::rdap {

DataVersion::DataVersion(store::RegistrationReader& store, std::chrono::milliseconds check_interval,
                         std::function<void()> on_change)
    : store_(store), check_interval_(check_interval), on_change_(std::move(on_change)) {}

std::optional<Timestamp> DataVersion::current() {
  const std::int64_t now_ns = std::chrono::steady_clock::now().time_since_epoch().count();
  if (now_ns >= next_check_ns_.load(std::memory_order_acquire)) {
    // Another thread already checking is enough, unless nothing has been read yet.
    std::unique_lock lock(mutex_, std::defer_lock);
    if (updated_ms_.load(std::memory_order_acquire) == kNever) {
      lock.lock();
    } else {
      (void)lock.try_lock();
    }
    if (lock.owns_lock() && now_ns >= next_check_ns_.load(std::memory_order_relaxed)) {
      if (auto updated = store_.data_updated(); updated && *updated) {
        const std::int64_t ms = to_unix_ms(**updated);
        if (ms != updated_ms_.load(std::memory_order_relaxed)) {
          if (on_change_) on_change_();
          updated_ms_.store(ms, std::memory_order_release);
        }
      }
      next_check_ns_.store(now_ns + std::chrono::nanoseconds(check_interval_).count(),
                           std::memory_order_release);
    }
  }
  const std::int64_t ms = updated_ms_.load(std::memory_order_acquire);
  if (ms == kNever) return std::nullopt;
  return from_unix_ms(ms);
}

}  // namespace ssad::rdap
