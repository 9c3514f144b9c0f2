#pragma once
// How many connections the HTTP and WHOIS servers hold open at once, in all and per client, so that one
// address cannot take every socket (and file descriptor) by opening connections and leaving them idle. A
// client is counted as the rate limiter counts it (abuse::RateLimiter::client_key): its IPv4 address
// (also when IPv4-mapped), or its IPv6 /64. Thread-safe: the servers' threads take and give back slots
// concurrently.

#include <cstddef>
#include <memory>
#include <mutex>
#include <optional>
#include <string_view>
#include <unordered_map>

#include "abuse/rate_limiter.hpp"

namespace ssad::http {

struct ConnectionLimitOptions {
  std::size_t max_connections = 10000;           // open at once in all; 0: no limit
  std::size_t max_connections_per_address = 64;  // open at once per client (see above); 0: no limit
};

class ConnectionLimits {
 public:
  explicit ConnectionLimits(ConnectionLimitOptions options = {});

  /// One open connection's place; gives it back when destroyed. Movable, not copyable.
  class Slot {
   public:
    Slot() = default;
    Slot(Slot&& other) noexcept;
    Slot& operator=(Slot&& other) noexcept;
    Slot(const Slot&) = delete;
    Slot& operator=(const Slot&) = delete;
    ~Slot();
    [[nodiscard]] bool held() const { return limits_ != nullptr; }

   private:
    friend class ConnectionLimits;
    Slot(ConnectionLimits* limits, std::optional<abuse::ClientKey> key) : limits_(limits), key_(key) {}
    void release();
    ConnectionLimits* limits_ = nullptr;
    std::optional<abuse::ClientKey> key_;  // none: not counted per address
  };

  /// A slot for a new connection from `address` (an IP address as text), or an empty Slot when the
  /// server or that client is at its limit. `per_address` false counts the connection in the total only
  /// (a trusted proxy speaks for many clients). The limits must outlive their slots.
  [[nodiscard]] Slot acquire(std::string_view address, bool per_address = true);

  /// Connections held now, in all and from `address`'s client.
  [[nodiscard]] std::size_t open() const;
  [[nodiscard]] std::size_t open_from(std::string_view address) const;

 private:
  void give_back(const std::optional<abuse::ClientKey>& key);

  ConnectionLimitOptions options_;
  mutable std::mutex mutex_;  // guards the two below
  std::size_t total_ = 0;
  std::unordered_map<abuse::ClientKey, std::size_t, abuse::ClientKeyHash> per_client_;
};

/// The same counting for work waiting for or on a server's worker threads: `max_pending` places in all
/// (0: 64 per worker) and `per_client` for one client (0: 16 per worker, a quarter of them), so that one
/// client's burst of costly queries cannot take every place.
[[nodiscard]] ConnectionLimitOptions pending_limits(unsigned workers, std::size_t max_pending,
                                                    std::size_t per_client);

}  // namespace ssad::http
