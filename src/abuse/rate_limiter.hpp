#pragma once
// A token bucket per client (RFC 7480 §5.5: 429 with Retry-After). Each client earns `rate` tokens per
// second up to `burst`; a query takes its cost in tokens (a lookup 1, a search more), and a query whose
// tokens are not there is refused and told when they will be. A client is its IPv4 address, or its IPv6
// /64 (RFC 6177: one subscriber holds a whole /64 and could rotate through it); an IPv4-mapped IPv6
// address counts as the IPv4 address it carries (a dual-stack listener sees every IPv4 client that way).
// Buckets of clients quiet long enough to be full again are dropped, so memory follows the number of
// recently active clients; each held bucket is a 16-byte key and 16 bytes of state. Time comes from the
// injected clock's monotonic reading. Thread-safe.

#include <array>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/time.hpp"

namespace ssad::abuse {

/// Whether one query may go ahead now.
struct Admission {
  bool allowed = true;
  std::chrono::seconds retry_after{0};  // refused: whole seconds until the query's tokens are back (>= 1)
};

/// The client an address counts as, in 16 bytes: an IPv4 address (also when IPv4-mapped) as its
/// IPv4-mapped IPv6 form; an IPv6 address as its /64 followed by 8 zero bytes; text that is not an IP
/// address as a 64-bit hash of it followed by 8 bytes of 0xff. The three forms never coincide.
struct ClientKey {
  std::array<std::uint8_t, 16> bytes{};
  friend bool operator==(const ClientKey&, const ClientKey&) = default;
};

struct ClientKeyHash {
  [[nodiscard]] std::size_t operator()(const ClientKey& key) const noexcept;
};

class RateLimiter {
 public:
  /// `rate` (tokens per second per client) 0 disables limiting; `burst` is at least 1.
  RateLimiter(const Clock& clock, double rate, double burst);

  /// Takes `cost` tokens of the client at `address` (an IP address as text), or says when to come back
  /// and takes nothing. A cost above the burst is charged as the burst (such a query needs a full bucket).
  [[nodiscard]] Admission admit(std::string_view address, double cost = 1);
  /// What admit() would say now, without taking anything.
  [[nodiscard]] Admission check(std::string_view address, double cost = 1) const;

  /// The bucket an address counts against (see ClientKey).
  [[nodiscard]] static ClientKey client_key(std::string_view address);
  [[nodiscard]] bool enabled() const { return rate_ > 0; }

 private:
  struct Bucket {
    double tokens = 0;
    Clock::Monotonic updated;
  };
  struct Shard {
    std::mutex mutex;
    std::unordered_map<ClientKey, Bucket, ClientKeyHash> buckets;
    Clock::Monotonic last_sweep;
  };
  /// `bucket` brought up to `now`: the tokens earned since it was last updated, up to the burst.
  void refill(Bucket& bucket, Clock::Monotonic now) const;
  /// The answer for a query of `charged` tokens to a bucket holding `tokens`.
  [[nodiscard]] Admission judge(double tokens, double charged) const;
  [[nodiscard]] Shard& shard_of(const ClientKey& key) const;

  const Clock& clock_;
  double rate_;
  double burst_;
  std::vector<std::unique_ptr<Shard>> shards_;
};

}  // namespace ssad::abuse
