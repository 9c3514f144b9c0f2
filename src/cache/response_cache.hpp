#pragma once
// Rendered answers (RDAP responses, WHOIS answers), kept by a key the front door chooses, so that a
// popular name costs one hash lookup instead of a dozen store queries and a render. Bounded in bytes
// with least-recently-used eviction, in shards so that threads seldom wait for one another.
//
// Every entry belongs to a data generation (cache::DataVersion): a lookup or insert that brings a newer
// generation empties the cache first, and an answer rendered under an older generation than the cache's
// is never kept, so nothing rendered from data older than the last change seen is served again.

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <list>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace ssad::cache {

struct CachedResponse {
  unsigned status = 200;
  std::string body;
  // Offsets in body, ascending, where the front door writes a per-request text (RDAP: the query URL);
  // empty for a body served as it is.
  std::vector<std::size_t> splices;
};

/// The machinery, for values of any type: the typed caches below (and cache/registration_cache.hpp) say
/// what they keep and how many bytes each costs.
class GenerationalCache {
 public:
  /// `capacity_bytes` 0 disables the cache.
  explicit GenerationalCache(std::size_t capacity_bytes, std::size_t shards = 16);

  /// The value stored for `key` under `generation`, or nullptr (also when `generation` is older than the
  /// cache's; a newer one empties the cache first).
  [[nodiscard]] std::shared_ptr<const void> find(std::string_view key, std::uint64_t generation);
  /// Keeps a value made from data read after `generation` was current, costing `value_bytes`; dropped
  /// when the cache has moved to a newer generation meanwhile.
  void insert(std::string key, std::shared_ptr<const void> value, std::size_t value_bytes,
              std::uint64_t generation);
  [[nodiscard]] std::size_t size_bytes() const;
  /// How many values are kept.
  [[nodiscard]] std::size_t entries() const;

 private:
  struct Shard {
    struct Entry {
      std::string first;  // the key
      std::shared_ptr<const void> second;
      std::size_t value_bytes = 0;
    };
    mutable std::mutex mutex;
    std::list<Entry> order;  // most recently used first
    struct Hash {
      using is_transparent = void;
      std::size_t operator()(std::string_view key) const { return std::hash<std::string_view>{}(key); }
    };
    std::unordered_map<std::string, std::list<Entry>::iterator, Hash, std::equal_to<>> index;
    std::size_t bytes = 0;
  };
  Shard& shard_of(std::string_view key);
  static std::size_t cost(const Shard::Entry& entry);
  /// Moves the cache to `generation` when it is newer (emptying every shard). Returns whether the cache is
  /// at `generation` afterwards.
  bool catch_up(std::uint64_t generation);

  std::atomic<std::uint64_t> generation_{0};
  std::mutex clear_mutex_;  // one emptying at a time
  std::size_t shard_capacity_;
  std::vector<std::unique_ptr<Shard>> shards_;
};

class ResponseCache {
 public:
  /// `capacity_bytes` 0 disables the cache.
  explicit ResponseCache(std::size_t capacity_bytes, std::size_t shards = 16)
      : cache_(capacity_bytes, shards) {}

  /// The answer stored for `key` under `generation`, or nullptr (see GenerationalCache::find).
  [[nodiscard]] std::shared_ptr<const CachedResponse> find(std::string_view key, std::uint64_t generation) {
    return std::static_pointer_cast<const CachedResponse>(cache_.find(key, generation));
  }
  /// Keeps an answer rendered from data read after `generation` was current (see GenerationalCache::insert).
  void insert(std::string key, std::shared_ptr<const CachedResponse> response, std::uint64_t generation) {
    if (!response) return;
    const std::size_t bytes = response->body.size() + response->splices.size() * sizeof(std::size_t);
    cache_.insert(std::move(key), std::move(response), bytes, generation);
  }
  [[nodiscard]] std::size_t size_bytes() const { return cache_.size_bytes(); }
  /// How many answers are kept.
  [[nodiscard]] std::size_t entries() const { return cache_.entries(); }

 private:
  GenerationalCache cache_;
};

}  // namespace ssad::cache
