#include "cache/data_version.hpp"

namespace ssad::cache {

DataVersion::DataVersion(store::RegistrationReader& store, const Clock& clock,
                         std::chrono::milliseconds check_interval)
    : store_(store), clock_(clock), origin_(clock.monotonic()), check_interval_(check_interval) {}

std::int64_t DataVersion::elapsed_ns() const {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(clock_.monotonic() - origin_).count();
}

Version DataVersion::current() {
  const std::int64_t now_ns = elapsed_ns();
  if (now_ns >= next_check_ns_.load(std::memory_order_acquire)) {
    // Another thread already checking is enough, unless nothing has been read yet.
    std::unique_lock lock(mutex_, std::defer_lock);
    if (generation_.load(std::memory_order_acquire) == 0) {
      lock.lock();
    } else {
      (void)lock.try_lock();
    }
    if (lock.owns_lock() && now_ns >= next_check_ns_.load(std::memory_order_relaxed)) {
      const std::uint64_t invalidations = invalidations_.load(std::memory_order_acquire);
      auto updated = store_.data_updated();
      readable_.store(updated.has_value(), std::memory_order_release);
      if (updated) {
        const std::optional<Timestamp>& last = *updated;
        const std::int64_t ms = last.has_value() ? to_unix_ms(*last) : kNever;
        if (ms != updated_ms_.load(std::memory_order_relaxed) || generation_.load() == 0) {
          updated_ms_.store(ms, std::memory_order_release);
          generation_.fetch_add(1, std::memory_order_acq_rel);
        }
      }
      // A change announced while the store was being read may not be in what was read: check again.
      // invalidate() counts before it marks the check due, so a count seen unchanged after the next
      // check time is stored means any later invalidate() marks it due after this store.
      next_check_ns_.store(now_ns + std::chrono::nanoseconds(check_interval_).count(),
                           std::memory_order_seq_cst);
      if (invalidations_.load(std::memory_order_seq_cst) != invalidations) {
        next_check_ns_.store(kNever, std::memory_order_seq_cst);
      }
    }
  }
  return snapshot();
}

void DataVersion::invalidate() {
  invalidations_.fetch_add(1, std::memory_order_seq_cst);
  next_check_ns_.store(kNever, std::memory_order_seq_cst);
}

std::optional<Version> DataVersion::known() const {
  if (elapsed_ns() >= next_check_ns_.load(std::memory_order_acquire)) return std::nullopt;
  return snapshot();
}

Version DataVersion::snapshot() const {
  // The time is stored before the generation moves and read after it: a reader may pair a new time with
  // the old generation (harmless: that generation's entries are dropped soon), never an old time with
  // the new one.
  Version version;
  version.generation = generation_.load(std::memory_order_acquire);
  version.readable = readable_.load(std::memory_order_acquire);
  const std::int64_t ms = updated_ms_.load(std::memory_order_acquire);
  if (ms != kNever) version.updated = from_unix_ms(ms);
  return version;
}

}  // namespace ssad::cache
