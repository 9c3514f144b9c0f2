#pragma once
// A token bucket per client address for anonymous queries (RFC 7480 §5.5: 429 with Retry-After). Each
// address earns `rate` queries per second up to `burst`; a query without a token is refused. Buckets of
// addresses that have been quiet long enough to be full again are dropped, so memory follows the number
// of recently active clients.

#include <chrono>
#include <cstddef>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace ssad::rdap {

class RateLimiter {
 public:
  using Clock = std::chrono::steady_clock;

  /// `rate` 0 disables limiting.
  RateLimiter(double rate, double burst);

  /// True when the client at `address` may make one more query now (and takes its token).
  [[nodiscard]] bool allow(std::string_view address, Clock::time_point now = Clock::now());
  /// The bucket an address counts against: the address itself, or its /64 for IPv6.
  [[nodiscard]] static std::string client_key(std::string_view address);
  [[nodiscard]] bool enabled() const { return rate_ > 0; }

 private:
  struct Bucket {
    double tokens = 0;
    Clock::time_point updated;
  };
  struct Shard {
    std::mutex mutex;
    std::unordered_map<std::string, Bucket> buckets;
    Clock::time_point last_sweep;
  };
  double rate_;
  double burst_;
  std::vector<std::unique_ptr<Shard>> shards_;
};

}  // namespace ssad::rdap
