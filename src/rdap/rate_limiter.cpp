#include "rdap/rate_limiter.hpp"

#include <algorithm>
#include <array>
#include <iterator>

#include <arpa/inet.h>

namespace ssad::rdap {
namespace {
constexpr std::size_t kShards = 16;
constexpr std::size_t kSweepAbove = 4096;  // buckets per shard before full ones are swept
}  // namespace

RateLimiter::RateLimiter(double rate, double burst) : rate_(rate), burst_(std::max(1.0, burst)) {
  for (std::size_t i = 0; i < kShards; ++i) shards_.push_back(std::make_unique<Shard>());
}

std::string RateLimiter::client_key(std::string_view address) {
  // An IPv6 client holds a whole /64 (RFC 6177): one bucket per /64, or it could rotate addresses.
  std::array<unsigned char, 16> bytes{};
  const std::string text(address);
  if (address.find(':') == std::string_view::npos || inet_pton(AF_INET6, text.c_str(), bytes.data()) != 1) {
    return text;
  }
  std::string key = "v6/64:";
  key.append(reinterpret_cast<const char*>(bytes.data()), 8);
  return key;
}

bool RateLimiter::allow(std::string_view address, Clock::time_point now) {
  if (rate_ <= 0) return true;
  const std::string key = client_key(address);
  Shard& shard = *shards_[std::hash<std::string>{}(key) % shards_.size()];
  std::lock_guard lock(shard.mutex);
  const auto refill = [&](Bucket& bucket) {
    // `now` was read before the lock: another thread may have stamped a later time meanwhile.
    const std::chrono::duration<double> elapsed = std::max(Clock::duration::zero(), now - bucket.updated);
    bucket.tokens = std::min(burst_, bucket.tokens + elapsed.count() * rate_);
    bucket.updated = std::max(bucket.updated, now);
  };
  if (shard.buckets.size() > kSweepAbove && now - shard.last_sweep > std::chrono::seconds(1)) {
    for (auto it = shard.buckets.begin(); it != shard.buckets.end();) {
      refill(it->second);
      it = it->second.tokens >= burst_ ? shard.buckets.erase(it) : std::next(it);
    }
    shard.last_sweep = now;
  }
  auto [it, fresh] = shard.buckets.try_emplace(key, Bucket{burst_, now});
  if (!fresh) refill(it->second);
  if (it->second.tokens < 1) return false;
  it->second.tokens -= 1;
  return true;
}

}  // namespace ssad::rdap
