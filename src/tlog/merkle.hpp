#pragma once
// The Merkle tree of RFC 9162 §2.1, exactly: leaf hash SHA-256(0x00 || entry), node hash
// SHA-256(0x01 || left || right), a tree of n > 1 leaves split at the largest power of two below n.
// Inclusion proofs (§2.1.3) and consistency proofs (§2.1.4) are made and checked here, so that an
// independent RFC 9162 (or RFC 6962) implementation agrees with ours on every root and proof.
//
// A stored log keeps the hash of every complete, aligned subtree (a "perfect node": 2^level leaves from
// index * 2^level), which never changes once its last leaf is appended. Every subtree the RFC's
// recursion names is a run of such nodes, so a root or a proof at any size up to the log's is computed
// from O(log² n) stored hashes: plan which nodes are needed (nodes_for), fetch them, then assemble.

#include <cstdint>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.hpp"
#include "tlog/hash.hpp"

namespace ssad::tlog {

/// RFC 9162 §2.1.1: SHA-256(0x00 || entry).
[[nodiscard]] Hash leaf_hash(std::string_view entry);
/// RFC 9162 §2.1.1: SHA-256(0x01 || left || right).
[[nodiscard]] Hash node_hash(const Hash& left, const Hash& right);
/// The root of the empty tree: SHA-256 of nothing.
[[nodiscard]] Hash empty_root();

/// A perfect node: the subtree of the 2^level leaves from index * 2^level. Level 0 is a leaf.
struct NodeId {
  int level = 0;
  std::uint64_t index = 0;
  friend auto operator<=>(const NodeId&, const NodeId&) = default;
};

/// A run of leaves [begin, end) whose RFC 9162 subtree hash (MTH) a proof carries.
struct Range {
  std::uint64_t begin = 0;
  std::uint64_t end = 0;
  friend bool operator==(const Range&, const Range&) = default;
};

/// The perfect nodes whose hashes, folded from the right, give MTH(D[begin:end]) for a range the RFC's
/// recursion names (every range below, and [0, n)): largest first, left to right.
[[nodiscard]] std::vector<NodeId> cover(Range range);

/// RFC 9162 §2.1.3.1 PATH(index, D[0:size]) as the ranges whose MTH it lists, in the RFC's order (the
/// leaf's sibling first). Requires index < size.
[[nodiscard]] std::vector<Range> inclusion_ranges(std::uint64_t index, std::uint64_t size);
/// RFC 9162 §2.1.4.1 PROOF(first, D[0:second]) as ranges, in the RFC's order. Requires 0 < first <=
/// second; empty when first == second.
[[nodiscard]] std::vector<Range> consistency_ranges(std::uint64_t first, std::uint64_t second);

/// The hashes of perfect nodes fetched from a store.
using NodeHashes = std::map<NodeId, Hash>;

/// Every perfect node the ranges need (each range's cover), without repeats, in order.
[[nodiscard]] std::vector<NodeId> nodes_for(std::span<const Range> ranges);
/// MTH of each range from the fetched nodes. Errors: internal when a node it needs is missing.
[[nodiscard]] Result<std::vector<Hash>> assemble(std::span<const Range> ranges, const NodeHashes& nodes);

/// RFC 9162 §2.1.3.2: does `path` prove the leaf with `leaf` hash at `index` in the tree of `size`
/// leaves whose root is `root`?
[[nodiscard]] bool verify_inclusion(const Hash& leaf, std::uint64_t index, std::uint64_t size,
                                    std::span<const Hash> path, const Hash& root);
/// RFC 9162 §2.1.4.2: does `proof` show that the tree of `second` leaves with root `second_root`
/// extends the tree of `first` leaves with root `first_root`? (first == second: the roots are equal and
/// the proof empty; first == 0: the proof is empty.)
[[nodiscard]] bool verify_consistency(std::uint64_t first, std::uint64_t second, const Hash& first_root,
                                      const Hash& second_root, std::span<const Hash> proof);

/// MTH(D[0:n]) of the leaf hashes, by the RFC's recursion: the reference the stored tree is checked
/// against in tests.
[[nodiscard]] Hash root_of(std::span<const Hash> leaves);

/// The right edge of a tree: the hash of each perfect node of [0, size)'s cover. Enough to append a
/// leaf — which completes the nodes it returns — and to compute the root, without reading the tree.
class Frontier {
 public:
  Frontier() = default;

  /// Rebuilds a frontier from a tree's size and its cover's hashes (largest first), as to_bytes()
  /// wrote them. Errors: invalid_input when the count of hashes is not the count of bits set in size.
  [[nodiscard]] static Result<Frontier> from_bytes(std::uint64_t size, std::string_view bytes);
  /// The cover's hashes, largest first, concatenated.
  [[nodiscard]] std::string to_bytes() const;

  /// Appends a leaf: returns every perfect node the leaf completes, the leaf itself first (level 0),
  /// then upwards, each with its hash.
  std::vector<std::pair<NodeId, Hash>> append(const Hash& leaf);

  [[nodiscard]] std::uint64_t size() const { return size_; }
  /// MTH of the tree so far (empty_root() for none).
  [[nodiscard]] Hash root() const;

 private:
  std::uint64_t size_ = 0;
  std::vector<Hash> cover_;  // largest first, one per bit set in size_
};

}  // namespace ssad::tlog
