#pragma once
// A token bucket per client for anonymous queries (RFC 7480 §5.5: 429 with Retry-After). Each client
// earns `rate` queries per second up to `burst`; a query without a token is refused and told when the
// next token is due. A client is its IPv4 address, or its IPv6 /64 (RFC 6177: one subscriber holds a
// whole /64 and could rotate through it); an IPv4-mapped IPv6 address counts as the IPv4 address it
// carries (a dual-stack listener sees every IPv4 client that way). Buckets of clients quiet long enough to
// be full again are dropped, so memory follows the number of recently active clients. Time comes from
// the injected clock's monotonic reading. Thread-safe.

#include <chrono>
#include <cstddef>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/time.hpp"

namespace ssad::abuse {

/// Whether one query may go ahead now.
struct Admission {
  bool allowed = true;
  std::chrono::seconds retry_after{0};  // refused: whole seconds until the client's next token (>= 1)
};

class RateLimiter {
 public:
  /// `rate` (queries per second per client) 0 disables limiting; `burst` is at least 1.
  RateLimiter(const Clock& clock, double rate, double burst);

  /// Takes one token of the client at `address` (an IP address as text), or says when to come back.
  [[nodiscard]] Admission admit(std::string_view address);
  /// The bucket an address counts against: the IPv4 address (also when IPv4-mapped), or the IPv6 /64.
  /// Text that is not an IP address is its own key.
  [[nodiscard]] static std::string client_key(std::string_view address);
  [[nodiscard]] bool enabled() const { return rate_ > 0; }

 private:
  struct Bucket {
    double tokens = 0;
    Clock::Monotonic updated;
  };
  struct Shard {
    std::mutex mutex;
    std::unordered_map<std::string, Bucket> buckets;
    Clock::Monotonic last_sweep;
  };
  const Clock& clock_;
  double rate_;
  double burst_;
  std::vector<std::unique_ptr<Shard>> shards_;
};

}  // namespace ssad::abuse
