#include "rdap/rate_limiter.hpp"

#include <algorithm>
#include <iterator>

namespace ssad::rdap {
namespace {
constexpr std::size_t kShards = 16;
constexpr std::size_t kSweepAbove = 4096;  // buckets per shard before full ones are swept
}  // namespace

RateLimiter::RateLimiter(double rate, double burst) : rate_(rate), burst_(std::max(1.0, burst)) {
  for (std::size_t i = 0; i < kShards; ++i) shards_.push_back(std::make_unique<Shard>());
}

bool RateLimiter::allow(std::string_view key, Clock::time_point now) {
  if (rate_ <= 0) return true;
  Shard& shard = *shards_[std::hash<std::string_view>{}(key) % shards_.size()];
  std::lock_guard lock(shard.mutex);
  const auto refill = [&](Bucket& bucket) {
    const std::chrono::duration<double> elapsed = now - bucket.updated;
    bucket.tokens = std::min(burst_, bucket.tokens + elapsed.count() * rate_);
    bucket.updated = now;
  };
  if (shard.buckets.size() > kSweepAbove && now - shard.last_sweep > std::chrono::seconds(1)) {
    for (auto it = shard.buckets.begin(); it != shard.buckets.end();) {
      refill(it->second);
      it = it->second.tokens >= burst_ ? shard.buckets.erase(it) : std::next(it);
    }
    shard.last_sweep = now;
  }
  auto [it, fresh] = shard.buckets.try_emplace(std::string(key), Bucket{burst_, now});
  if (!fresh) refill(it->second);
  if (it->second.tokens < 1) return false;
  it->second.tokens -= 1;
  return true;
}

}  // namespace ssad::rdap
