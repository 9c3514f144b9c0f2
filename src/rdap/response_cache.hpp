#pragma once
// Rendered responses, kept by request so that a popular name costs one hash lookup instead of a dozen
// store queries and a render. Bounded in bytes with least-recently-used eviction, in shards so that
// threads seldom wait for one another. Entries belong to a generation (the store's last data change):
// when the data changes, the cache is emptied.

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

namespace ssad::rdap {

struct CachedResponse {
  unsigned status = 200;
  std::string body;
};

class ResponseCache {
 public:
  /// `capacity_bytes` 0 disables the cache.
  explicit ResponseCache(std::size_t capacity_bytes, std::size_t shards = 16);

  /// The response stored for `key`, or nullptr.
  [[nodiscard]] std::shared_ptr<const CachedResponse> find(std::string_view key);
  /// The current epoch: read it before reading the data a response is made of, and pass it to insert().
  [[nodiscard]] std::uint64_t epoch() const { return epoch_.load(std::memory_order_acquire); }
  /// Keeps a response made from data read in `epoch`; dropped when clear() has run since, so that a
  /// response rendered from data older than the last change is never kept.
  void insert(std::string key, std::shared_ptr<const CachedResponse> response, std::uint64_t epoch);
  /// Forgets everything and starts a new epoch.
  void clear();
  [[nodiscard]] std::size_t size_bytes() const;

 private:
  struct Shard {
    using Entry = std::pair<std::string, std::shared_ptr<const CachedResponse>>;
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

  std::atomic<std::uint64_t> epoch_{0};
  std::size_t shard_capacity_;
  std::vector<std::unique_ptr<Shard>> shards_;
};

}  // namespace ssad::rdap
