#include "tlog/merkle.hpp"

#include <algorithm>
#include <bit>
#include <set>

namespace ssad::tlog {

namespace {

constexpr char kLeafPrefix = 0x00;
constexpr char kNodePrefix = 0x01;

/// The largest power of two strictly below n (n > 1): the RFC's split point.
std::uint64_t split_of(std::uint64_t n) { return std::bit_floor(n - 1); }

// RFC 9162 §2.1.3.1 PATH(m, D[begin:end]), as ranges.
void path(std::uint64_t m, Range whole, std::vector<Range>& out) {
  const std::uint64_t n = whole.end - whole.begin;
  if (n <= 1) return;
  const std::uint64_t k = split_of(n);
  if (m < k) {
    path(m, {whole.begin, whole.begin + k}, out);
    out.push_back({whole.begin + k, whole.end});
  } else {
    path(m - k, {whole.begin + k, whole.end}, out);
    out.push_back({whole.begin, whole.begin + k});
  }
}

// RFC 9162 §2.1.4.1 SUBPROOF(m, D[begin:end], b), as ranges.
void subproof(std::uint64_t m, Range whole, bool complete, std::vector<Range>& out) {
  const std::uint64_t n = whole.end - whole.begin;
  if (m == n) {
    if (!complete) out.push_back(whole);
    return;
  }
  const std::uint64_t k = split_of(n);
  if (m <= k) {
    subproof(m, {whole.begin, whole.begin + k}, complete, out);
    out.push_back({whole.begin + k, whole.end});
  } else {
    subproof(m - k, {whole.begin + k, whole.end}, false, out);
    out.push_back({whole.begin, whole.begin + k});
  }
}

Hash fold(std::span<const Hash> cover) {
  // MTH over a cover (largest first): each node is the left child of what follows it.
  Hash right = cover.back();
  for (std::size_t i = cover.size() - 1; i-- > 0;) right = node_hash(cover[i], right);
  return right;
}

}  // namespace

Hash leaf_hash(std::string_view entry) {
  const std::string_view prefix(&kLeafPrefix, 1);
  const std::string_view parts[] = {prefix, entry};
  return sha256(parts);
}

Hash node_hash(const Hash& left, const Hash& right) {
  const std::string_view prefix(&kNodePrefix, 1);
  const std::string_view parts[] = {prefix, bytes_of(left), bytes_of(right)};
  return sha256(parts);
}

Hash empty_root() { return sha256(std::string_view()); }

std::vector<NodeId> cover(Range range) {
  // A range of the RFC's recursion starts at a multiple of the largest power of two not above its
  // length, so its binary decomposition (largest first) consists of aligned perfect nodes, and folding
  // them from the right splits exactly where the RFC does.
  std::vector<NodeId> out;
  std::uint64_t begin = range.begin;
  while (begin < range.end) {
    const std::uint64_t size = std::bit_floor(range.end - begin);
    const int level = std::countr_zero(size);
    out.push_back({level, begin >> level});
    begin += size;
  }
  return out;
}

std::vector<Range> inclusion_ranges(std::uint64_t index, std::uint64_t size) {
  std::vector<Range> out;
  if (index < size) path(index, {0, size}, out);
  return out;
}

std::vector<Range> consistency_ranges(std::uint64_t first, std::uint64_t second) {
  std::vector<Range> out;
  if (first > 0 && first < second) subproof(first, {0, second}, true, out);
  return out;
}

std::vector<NodeId> nodes_for(std::span<const Range> ranges) {
  std::vector<NodeId> out;
  std::set<NodeId> seen;
  for (const Range& range : ranges) {
    for (const NodeId& node : cover(range)) {
      if (seen.insert(node).second) out.push_back(node);
    }
  }
  return out;
}

Result<std::vector<Hash>> assemble(std::span<const Range> ranges, const NodeHashes& nodes) {
  std::vector<Hash> out;
  out.reserve(ranges.size());
  std::vector<Hash> hashes;
  for (const Range& range : ranges) {
    hashes.clear();
    for (const NodeId& node : cover(range)) {
      const auto found = nodes.find(node);
      if (found == nodes.end()) {
        return fail(ErrorCode::internal, "the audit tree lacks node " + std::to_string(node.index) +
                                             " at level " + std::to_string(node.level));
      }
      hashes.push_back(found->second);
    }
    if (hashes.empty()) return fail(ErrorCode::internal, "an empty range in a proof");
    out.push_back(fold(hashes));
  }
  return out;
}

bool verify_inclusion(const Hash& leaf, std::uint64_t index, std::uint64_t size, std::span<const Hash> path,
                      const Hash& root) {
  // RFC 9162 §2.1.3.2, step by step.
  if (index >= size) return false;
  std::uint64_t fn = index;
  std::uint64_t sn = size - 1;
  Hash r = leaf;
  for (const Hash& p : path) {
    if (sn == 0) return false;
    if ((fn & 1U) != 0 || fn == sn) {
      r = node_hash(p, r);
      if ((fn & 1U) == 0) {
        while ((fn & 1U) == 0 && fn != 0) {
          fn >>= 1U;
          sn >>= 1U;
        }
      }
    } else {
      r = node_hash(r, p);
    }
    fn >>= 1U;
    sn >>= 1U;
  }
  return sn == 0 && r == root;
}

bool verify_consistency(std::uint64_t first, std::uint64_t second, const Hash& first_root,
                        const Hash& second_root, std::span<const Hash> proof) {
  if (first > second) return false;
  if (first == second) return proof.empty() && first_root == second_root;
  if (first == 0) return proof.empty();
  // RFC 9162 §2.1.4.2, step by step.
  if (proof.empty()) return false;
  std::vector<Hash> path;
  if (std::has_single_bit(first)) path.push_back(first_root);
  path.insert(path.end(), proof.begin(), proof.end());
  std::uint64_t fn = first - 1;
  std::uint64_t sn = second - 1;
  while ((fn & 1U) != 0) {
    fn >>= 1U;
    sn >>= 1U;
  }
  Hash fr = path.front();
  Hash sr = path.front();
  for (std::size_t i = 1; i < path.size(); ++i) {
    const Hash& c = path[i];
    if (sn == 0) return false;
    if ((fn & 1U) != 0 || fn == sn) {
      fr = node_hash(c, fr);
      sr = node_hash(c, sr);
      if ((fn & 1U) == 0) {
        while ((fn & 1U) == 0 && fn != 0) {
          fn >>= 1U;
          sn >>= 1U;
        }
      }
    } else {
      sr = node_hash(sr, c);
    }
    fn >>= 1U;
    sn >>= 1U;
  }
  return fr == first_root && sr == second_root && sn == 0;
}

Hash root_of(std::span<const Hash> leaves) {
  if (leaves.empty()) return empty_root();
  if (leaves.size() == 1) return leaves.front();
  const std::uint64_t k = split_of(leaves.size());
  return node_hash(root_of(leaves.first(k)), root_of(leaves.subspan(k)));
}

Result<Frontier> Frontier::from_bytes(std::uint64_t size, std::string_view bytes) {
  const auto count = static_cast<std::size_t>(std::popcount(size));
  if (bytes.size() != count * Hash{}.size()) {
    return fail(ErrorCode::invalid_input, "a tree of " + std::to_string(size) + " leaves has " +
                                              std::to_string(count) + " edge hashes, not " +
                                              std::to_string(bytes.size()) + " bytes");
  }
  Frontier out;
  out.size_ = size;
  out.cover_.resize(count);
  for (std::size_t i = 0; i < count; ++i) {
    std::copy_n(bytes.data() + i * Hash{}.size(), Hash{}.size(),
                reinterpret_cast<char*>(out.cover_[i].data()));
  }
  return out;
}

std::string Frontier::to_bytes() const {
  std::string out;
  out.reserve(cover_.size() * Hash{}.size());
  for (const Hash& hash : cover_) out.append(bytes_of(hash));
  return out;
}

std::vector<std::pair<NodeId, Hash>> Frontier::append(const Hash& leaf) {
  // The cover of [0, size) has one node per bit set in size, the smallest last. A new leaf merges with
  // the smallest nodes for as long as they have its size: each merge completes a node one level up.
  std::vector<std::pair<NodeId, Hash>> completed;
  std::uint64_t index = size_;
  Hash hash = leaf;
  completed.push_back({{0, index}, hash});
  int level = 0;
  while ((index & 1U) != 0) {
    hash = node_hash(cover_.back(), hash);
    cover_.pop_back();
    ++level;
    index >>= 1U;
    completed.push_back({{level, index}, hash});
  }
  cover_.push_back(hash);
  ++size_;
  return completed;
}

Hash Frontier::root() const {
  if (cover_.empty()) return empty_root();
  return fold(cover_);
}

}  // namespace ssad::tlog
