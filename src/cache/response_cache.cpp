#include "cache/response_cache.hpp"

#include <algorithm>

namespace ssad::cache {

GenerationalCache::GenerationalCache(std::size_t capacity_bytes, std::size_t shards)
    : shard_capacity_(capacity_bytes / std::max<std::size_t>(1, shards)) {
  for (std::size_t i = 0; i < std::max<std::size_t>(1, shards); ++i)
    shards_.push_back(std::make_unique<Shard>());
}

GenerationalCache::Shard& GenerationalCache::shard_of(std::string_view key) {
  return *shards_[std::hash<std::string_view>{}(key) % shards_.size()];
}

// The entry's bytes plus a rough allowance for the list node, map node and control block.
std::size_t GenerationalCache::cost(const Shard::Entry& entry) {
  constexpr std::size_t kOverhead = 160;
  return 2 * entry.first.size() + entry.value_bytes + kOverhead;
}

bool GenerationalCache::catch_up(std::uint64_t generation) {
  const std::uint64_t current = generation_.load(std::memory_order_acquire);
  if (generation == current) return true;
  if (generation < current) return false;
  const std::lock_guard clearing(clear_mutex_);
  if (generation_.load(std::memory_order_acquire) >= generation) {
    return generation_.load(std::memory_order_acquire) == generation;
  }
  // The generation moves before the shards are emptied, and inserts check it under their shard's lock:
  // an insert of the old generation either lands before its shard is emptied or is refused.
  generation_.store(generation, std::memory_order_release);
  for (auto& shard : shards_) {
    const std::lock_guard lock(shard->mutex);
    shard->index.clear();
    shard->order.clear();
    shard->bytes = 0;
  }
  return true;
}

std::shared_ptr<const void> GenerationalCache::find(std::string_view key, std::uint64_t generation) {
  if (shard_capacity_ == 0 || !catch_up(generation)) return nullptr;
  Shard& shard = shard_of(key);
  const std::lock_guard lock(shard.mutex);
  const auto it = shard.index.find(key);
  if (it == shard.index.end()) return nullptr;
  shard.order.splice(shard.order.begin(), shard.order, it->second);
  return it->second->second;
}

void GenerationalCache::insert(std::string key, std::shared_ptr<const void> value, std::size_t value_bytes,
                               std::uint64_t generation) {
  if (shard_capacity_ == 0 || !value || !catch_up(generation)) return;
  Shard& shard = shard_of(key);
  const std::lock_guard lock(shard.mutex);
  if (generation != generation_.load(std::memory_order_acquire)) return;
  if (const auto it = shard.index.find(key); it != shard.index.end()) {
    shard.bytes -= cost(*it->second);
    shard.order.erase(it->second);
    shard.index.erase(it);
  }
  shard.order.push_front({std::move(key), std::move(value), value_bytes});
  const std::size_t added = cost(shard.order.front());
  if (added > shard_capacity_) {  // larger than the whole shard: not worth keeping
    shard.order.pop_front();
    return;
  }
  shard.index.emplace(shard.order.front().first, shard.order.begin());
  shard.bytes += added;
  while (shard.bytes > shard_capacity_) {
    auto& last = shard.order.back();
    shard.bytes -= cost(last);
    shard.index.erase(last.first);
    shard.order.pop_back();
  }
}

std::size_t GenerationalCache::size_bytes() const {
  std::size_t total = 0;
  for (const auto& shard : shards_) {
    const std::lock_guard lock(shard->mutex);
    total += shard->bytes;
  }
  return total;
}

std::size_t GenerationalCache::entries() const {
  std::size_t total = 0;
  for (const auto& shard : shards_) {
    const std::lock_guard lock(shard->mutex);
    total += shard->index.size();
  }
  return total;
}

}  // namespace ssad::cache
