#include "abuse/rate_limiter.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <functional>
#include <iterator>
#include <string>

#include <arpa/inet.h>

namespace ssad::abuse {
namespace {
constexpr std::size_t kShards = 16;
constexpr std::size_t kSweepAbove = 4096;  // buckets per shard before full ones are swept
// ::ffff:0:0/96, the IPv4-mapped prefix.
constexpr std::array<std::uint8_t, 12> kMapped = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
}  // namespace

std::size_t ClientKeyHash::operator()(const ClientKey& key) const noexcept {
  // Keys are addresses a client picks (within its /64 only the prefix counts): mix both halves so that
  // neither alone chooses the shard and the hash bucket.
  std::uint64_t high = 0;
  std::uint64_t low = 0;
  std::memcpy(&high, key.bytes.data(), sizeof high);
  std::memcpy(&low, key.bytes.data() + sizeof high, sizeof low);
  std::uint64_t mixed = high ^ (low * 0x9e3779b97f4a7c15ULL);
  mixed ^= mixed >> 32U;
  mixed *= 0xd6e8feb86659fd93ULL;
  mixed ^= mixed >> 32U;
  return static_cast<std::size_t>(mixed);
}

RateLimiter::RateLimiter(const Clock& clock, double rate, double burst)
    : clock_(clock), rate_(rate), burst_(std::max(1.0, burst)) {
  for (std::size_t i = 0; i < kShards; ++i) shards_.push_back(std::make_unique<Shard>());
}

ClientKey RateLimiter::client_key(std::string_view address) {
  ClientKey key;
  std::array<char, INET6_ADDRSTRLEN> text{};
  if (address.size() < text.size()) std::copy(address.begin(), address.end(), text.begin());
  const bool fits = address.size() < text.size();
  std::array<std::uint8_t, 16> bytes{};
  if (fits && address.find(':') != std::string_view::npos &&
      inet_pton(AF_INET6, text.data(), bytes.data()) == 1) {
    if (std::equal(kMapped.begin(), kMapped.end(), bytes.begin())) {
      key.bytes = bytes;  // ::ffff:a.b.c.d is the IPv4 client a.b.c.d, never the /64 all of them share
    } else {
      std::copy_n(bytes.begin(), 8, key.bytes.begin());
    }
    return key;
  }
  if (fits && inet_pton(AF_INET, text.data(), bytes.data()) == 1) {
    std::copy(kMapped.begin(), kMapped.end(), key.bytes.begin());
    std::copy_n(bytes.begin(), 4, key.bytes.begin() + kMapped.size());
    return key;
  }
  const std::uint64_t hash = std::hash<std::string_view>{}(address);
  std::memcpy(key.bytes.data(), &hash, sizeof hash);
  std::fill(key.bytes.begin() + sizeof hash, key.bytes.end(), std::uint8_t{0xff});
  return key;
}

RateLimiter::Shard& RateLimiter::shard_of(const ClientKey& key) const {
  return *shards_[ClientKeyHash{}(key) % shards_.size()];
}

void RateLimiter::refill(Bucket& bucket, Clock::Monotonic now) const {
  // `now` was read before the lock: another thread may have stamped a later time meanwhile.
  const std::chrono::duration<double> elapsed =
      std::max(Clock::Monotonic::duration::zero(), now - bucket.updated);
  bucket.tokens = std::min(burst_, bucket.tokens + elapsed.count() * rate_);
  bucket.updated = std::max(bucket.updated, now);
}

Admission RateLimiter::judge(double tokens, double charged) const {
  if (tokens >= charged) return {};
  const double wait = std::ceil((charged - tokens) / rate_);
  return {false, std::chrono::seconds(std::max<long long>(1, static_cast<long long>(wait)))};
}

Admission RateLimiter::admit(std::string_view address, double cost) {
  if (rate_ <= 0) return {};
  const double charged = std::min(std::max(cost, 0.0), burst_);
  const Clock::Monotonic now = clock_.monotonic();
  const ClientKey key = client_key(address);
  Shard& shard = shard_of(key);
  const std::lock_guard lock(shard.mutex);
  if (shard.buckets.size() > kSweepAbove && now - shard.last_sweep > std::chrono::seconds(1)) {
    for (auto it = shard.buckets.begin(); it != shard.buckets.end();) {
      refill(it->second, now);
      it = it->second.tokens >= burst_ ? shard.buckets.erase(it) : std::next(it);
    }
    shard.last_sweep = now;
  }
  auto [it, fresh] = shard.buckets.try_emplace(key, Bucket{burst_, now});
  if (!fresh) refill(it->second, now);
  const Admission admission = judge(it->second.tokens, charged);
  if (admission.allowed) it->second.tokens -= charged;
  return admission;
}

Admission RateLimiter::check(std::string_view address, double cost) const {
  if (rate_ <= 0) return {};
  const double charged = std::min(std::max(cost, 0.0), burst_);
  const Clock::Monotonic now = clock_.monotonic();
  const ClientKey key = client_key(address);
  Shard& shard = shard_of(key);
  const std::lock_guard lock(shard.mutex);
  const auto it = shard.buckets.find(key);
  if (it == shard.buckets.end()) return {};  // a client not seen lately has a full bucket
  Bucket bucket = it->second;
  refill(bucket, now);
  return judge(bucket.tokens, charged);
}

}  // namespace ssad::abuse
