#include "abuse/rate_limiter.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <iterator>

#include <arpa/inet.h>

namespace ssad::abuse {
namespace {
constexpr std::size_t kShards = 16;
constexpr std::size_t kSweepAbove = 4096;  // buckets per shard before full ones are swept
}  // namespace

RateLimiter::RateLimiter(const Clock& clock, double rate, double burst)
    : clock_(clock), rate_(rate), burst_(std::max(1.0, burst)) {
  for (std::size_t i = 0; i < kShards; ++i) shards_.push_back(std::make_unique<Shard>());
}

std::string RateLimiter::client_key(std::string_view address) {
  std::array<unsigned char, 16> bytes{};
  std::string text(address);
  if (address.find(':') == std::string_view::npos || inet_pton(AF_INET6, text.c_str(), bytes.data()) != 1) {
    return text;
  }
  // ::ffff:a.b.c.d is the IPv4 client a.b.c.d: keyed as plain IPv4, never by the /64 all of them share.
  constexpr std::array<unsigned char, 12> kMapped = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
  if (std::equal(kMapped.begin(), kMapped.end(), bytes.begin())) {
    std::array<char, INET_ADDRSTRLEN> v4{};
    inet_ntop(AF_INET, bytes.data() + 12, v4.data(), v4.size());
    return v4.data();
  }
  std::string key = "v6/64:";
  key.append(reinterpret_cast<const char*>(bytes.data()), 8);
  return key;
}

Admission RateLimiter::admit(std::string_view address) {
  if (rate_ <= 0) return {};
  const Clock::Monotonic now = clock_.monotonic();
  const std::string key = client_key(address);
  Shard& shard = *shards_[std::hash<std::string>{}(key) % shards_.size()];
  const std::lock_guard lock(shard.mutex);
  const auto refill = [&](Bucket& bucket) {
    // `now` was read before the lock: another thread may have stamped a later time meanwhile.
    const std::chrono::duration<double> elapsed =
        std::max(Clock::Monotonic::duration::zero(), now - bucket.updated);
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
  if (it->second.tokens < 1) {
    const double wait = std::ceil((1 - it->second.tokens) / rate_);
    return {false, std::chrono::seconds(std::max<long long>(1, static_cast<long long>(wait)))};
  }
  it->second.tokens -= 1;
  return {};
}

}  // namespace ssad::abuse
