#include "rdap/response_cache.hpp"

#include <algorithm>

namespace ssad::rdap {

ResponseCache::ResponseCache(std::size_t capacity_bytes, std::size_t shards)
    : shard_capacity_(capacity_bytes / std::max<std::size_t>(1, shards)) {
  for (std::size_t i = 0; i < std::max<std::size_t>(1, shards); ++i)
    shards_.push_back(std::make_unique<Shard>());
}

ResponseCache::Shard& ResponseCache::shard_of(std::string_view key) {
  return *shards_[std::hash<std::string_view>{}(key) % shards_.size()];
}

// The entry's bytes plus a rough allowance for the list node, map node and control block.
std::size_t ResponseCache::cost(const Shard::Entry& entry) {
  constexpr std::size_t kOverhead = 160;
  return 2 * entry.first.size() + entry.second->body.size() + kOverhead;
}

std::shared_ptr<const CachedResponse> ResponseCache::find(std::string_view key) {
  if (shard_capacity_ == 0) return nullptr;
  Shard& shard = shard_of(key);
  std::lock_guard lock(shard.mutex);
  const auto it = shard.index.find(key);
  if (it == shard.index.end()) return nullptr;
  shard.order.splice(shard.order.begin(), shard.order, it->second);
  return it->second->second;
}

void ResponseCache::insert(std::string key, std::shared_ptr<const CachedResponse> response,
                           std::uint64_t epoch) {
  if (shard_capacity_ == 0 || !response) return;
  Shard& shard = shard_of(key);
  std::lock_guard lock(shard.mutex);
  // Checked under the shard lock: clear() moves the epoch on before it empties the shards, so an insert
  // either sees the new epoch here or lands before this shard is emptied.
  if (epoch != epoch_.load(std::memory_order_acquire)) return;
  if (const auto it = shard.index.find(key); it != shard.index.end()) {
    shard.bytes -= cost(*it->second);
    shard.order.erase(it->second);
    shard.index.erase(it);
  }
  shard.order.emplace_front(std::move(key), std::move(response));
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

void ResponseCache::clear() {
  epoch_.fetch_add(1, std::memory_order_acq_rel);
  for (auto& shard : shards_) {
    std::lock_guard lock(shard->mutex);
    shard->index.clear();
    shard->order.clear();
    shard->bytes = 0;
  }
}

std::size_t ResponseCache::size_bytes() const {
  std::size_t total = 0;
  for (const auto& shard : shards_) {
    std::lock_guard lock(shard->mutex);
    total += shard->bytes;
  }
  return total;
}

}  // namespace ssad::rdap
