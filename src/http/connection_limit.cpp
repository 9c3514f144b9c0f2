#include "http/connection_limit.hpp"

#include <utility>

namespace ssad::http {

ConnectionLimits::ConnectionLimits(ConnectionLimitOptions options) : options_(options) {}

ConnectionLimits::Slot::Slot(Slot&& other) noexcept
    : limits_(std::exchange(other.limits_, nullptr)), key_(other.key_) {}

ConnectionLimits::Slot& ConnectionLimits::Slot::operator=(Slot&& other) noexcept {
  if (this != &other) {
    release();
    limits_ = std::exchange(other.limits_, nullptr);
    key_ = other.key_;
  }
  return *this;
}

ConnectionLimits::Slot::~Slot() { release(); }

void ConnectionLimits::Slot::release() {
  if (limits_ != nullptr) std::exchange(limits_, nullptr)->give_back(key_);
}

ConnectionLimits::Slot ConnectionLimits::acquire(std::string_view address, bool per_address) {
  const std::optional<abuse::ClientKey> key =
      per_address ? std::optional(abuse::RateLimiter::client_key(address)) : std::nullopt;
  const std::lock_guard lock(mutex_);
  if (options_.max_connections > 0 && total_ >= options_.max_connections) return {};
  if (key) {
    std::size_t& count = per_client_[*key];
    if (options_.max_connections_per_address > 0 && count >= options_.max_connections_per_address) {
      return {};
    }
    ++count;
  }
  ++total_;
  return Slot(this, key);
}

void ConnectionLimits::give_back(const std::optional<abuse::ClientKey>& key) {
  const std::lock_guard lock(mutex_);
  --total_;
  if (!key) return;
  const auto it = per_client_.find(*key);
  if (it != per_client_.end() && --it->second == 0) per_client_.erase(it);
}

std::size_t ConnectionLimits::open() const {
  const std::lock_guard lock(mutex_);
  return total_;
}

std::size_t ConnectionLimits::open_from(std::string_view address) const {
  const abuse::ClientKey key = abuse::RateLimiter::client_key(address);
  const std::lock_guard lock(mutex_);
  const auto it = per_client_.find(key);
  return it == per_client_.end() ? 0 : it->second;
}

ConnectionLimitOptions pending_limits(unsigned workers, std::size_t max_pending, std::size_t per_client) {
  return {.max_connections = max_pending > 0 ? max_pending : std::size_t{64} * workers,
          .max_connections_per_address = per_client > 0 ? per_client : std::size_t{16} * workers};
}

}  // namespace ssad::http
