#pragma once
// Registrations as read from the store, kept by domain name for the lookups that cannot use a rendered
// answer — authorised ones, whose rendering depends on who asks — so that a requestor's lookup of a
// popular or recent name costs no store read. Bounded in bytes (an estimate of each registration's
// size), least recently used first out, and tied to the data generation (cache::DataVersion) as the
// response cache is: after a change of the registration data is seen, nothing read before it is served.

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "cache/response_cache.hpp"
#include "model/registration.hpp"

namespace ssad::cache {

class RegistrationCache {
 public:
  /// `capacity_bytes` 0 disables the cache.
  explicit RegistrationCache(std::size_t capacity_bytes) : cache_(capacity_bytes) {}

  /// The registration kept for `name` (an A-label name) under `generation`, or nullptr.
  [[nodiscard]] std::shared_ptr<const model::Registration> find(std::string_view name,
                                                                std::uint64_t generation) {
    return std::static_pointer_cast<const model::Registration>(cache_.find(name, generation));
  }
  /// Keeps a registration read after `generation` was current.
  void insert(std::string name, std::shared_ptr<const model::Registration> registration,
              std::uint64_t generation);

  [[nodiscard]] std::size_t entries() const { return cache_.entries(); }
  [[nodiscard]] std::size_t size_bytes() const { return cache_.size_bytes(); }

 private:
  GenerationalCache cache_;
};

/// An estimate of the memory a registration holds: its strings and vectors, with an allowance per object.
[[nodiscard]] std::size_t approximate_bytes(const model::Registration& registration);

}  // namespace ssad::cache
