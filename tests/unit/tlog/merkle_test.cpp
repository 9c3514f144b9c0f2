#include "tlog/merkle.hpp"

#include <string>
#include <vector>

#include <gtest/gtest.h>

namespace ssad::tlog {
namespace {

std::string hex_of(const Hash& hash) { return hex(hash); }

// The eight leaves and roots of Certificate Transparency's reference test vectors (RFC 6962's tree,
// which RFC 9162 §2.1 keeps unchanged).
std::vector<std::string> reference_leaves() {
  return {std::string(),
          std::string("\x00", 1),
          std::string("\x10", 1),
          std::string("\x20\x21", 2),
          std::string("\x30\x31", 2),
          std::string("\x40\x41\x42\x43", 4),
          std::string("\x50\x51\x52\x53\x54\x55\x56\x57", 8),
          std::string("\x60\x61\x62\x63\x64\x65\x66\x67\x68\x69\x6a\x6b\x6c\x6d\x6e\x6f", 16)};
}

const char* const kReferenceRoots[] = {
    "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
    "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
    "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
    "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
    "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
    "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
    "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
    "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
};

// A log of n leaves as a store keeps it: every perfect node the frontier completed.
struct StoredTree {
  std::vector<Hash> leaves;
  NodeHashes nodes;
  Frontier frontier;

  explicit StoredTree(std::uint64_t n) {
    for (std::uint64_t i = 0; i < n; ++i) {
      leaves.push_back(leaf_hash("entry " + std::to_string(i)));
      for (const auto& [id, hash] : frontier.append(leaves.back())) nodes[id] = hash;
    }
  }

  std::vector<Hash> hashes(const std::vector<Range>& ranges) const {
    auto out = assemble(ranges, nodes);
    EXPECT_TRUE(out.has_value());
    return out ? *out : std::vector<Hash>{};
  }
  Hash root(std::uint64_t size) const { return root_of(std::span(leaves).first(size)); }
};

TEST(MerkleTest, AgreesWithTheCertificateTransparencyReferenceRoots) {
  const auto leaves = reference_leaves();
  std::vector<Hash> hashes;
  Frontier frontier;
  for (std::size_t i = 0; i < leaves.size(); ++i) {
    hashes.push_back(leaf_hash(leaves[i]));
    frontier.append(hashes.back());
    EXPECT_EQ(hex_of(root_of(hashes)), kReferenceRoots[i]) << "size " << i + 1;
    EXPECT_EQ(hex_of(frontier.root()), kReferenceRoots[i]) << "size " << i + 1;
  }
}

TEST(MerkleTest, TheEmptyTreeHasTheHashOfNothing) {
  EXPECT_EQ(hex_of(empty_root()), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(Frontier().root(), empty_root());
  EXPECT_EQ(root_of({}), empty_root());
}

TEST(MerkleTest, LeafAndNodeHashesAreDomainSeparated) {
  const Hash a = leaf_hash("a");
  const Hash b = leaf_hash("b");
  std::string as_leaf = std::string(1, '\x01') + std::string(bytes_of(a)) + std::string(bytes_of(b));
  EXPECT_NE(node_hash(a, b), leaf_hash(as_leaf.substr(1)));
  EXPECT_EQ(node_hash(a, b), sha256(as_leaf));
}

TEST(MerkleTest, FrontierRootsMatchTheRecursiveDefinitionAndSurviveStorage) {
  Frontier frontier;
  std::vector<Hash> leaves;
  for (int i = 0; i < 300; ++i) {
    leaves.push_back(leaf_hash(std::to_string(i)));
    frontier.append(leaves.back());
    ASSERT_EQ(frontier.root(), root_of(leaves)) << "size " << leaves.size();
    auto restored = Frontier::from_bytes(frontier.size(), frontier.to_bytes());
    ASSERT_TRUE(restored.has_value());
    EXPECT_EQ(restored->root(), frontier.root());
  }
  EXPECT_FALSE(Frontier::from_bytes(3, std::string(32, 'x')).has_value());  // 3 leaves: two edge nodes
}

TEST(MerkleTest, AppendReportsEveryNodeItCompletes) {
  Frontier frontier;
  for (int i = 0; i < 7; ++i) frontier.append(leaf_hash(std::to_string(i)));
  const auto completed = frontier.append(leaf_hash("7"));  // leaf 7 completes [6,8), [4,8) and [0,8)
  ASSERT_EQ(completed.size(), 4U);
  EXPECT_EQ(completed[0].first, (NodeId{0, 7}));
  EXPECT_EQ(completed[1].first, (NodeId{1, 3}));
  EXPECT_EQ(completed[2].first, (NodeId{2, 1}));
  EXPECT_EQ(completed[3].first, (NodeId{3, 0}));
  EXPECT_EQ(completed[3].second, frontier.root());
}

TEST(MerkleTest, EveryInclusionProofVerifiesAndNoOtherLeafPasses) {
  const StoredTree tree(70);
  for (std::uint64_t size = 1; size <= 70; ++size) {
    const Hash root = tree.root(size);
    for (std::uint64_t index = 0; index < size; ++index) {
      const auto proof = tree.hashes(inclusion_ranges(index, size));
      ASSERT_TRUE(verify_inclusion(tree.leaves[index], index, size, proof, root)) << index << "/" << size;
      EXPECT_FALSE(verify_inclusion(tree.leaves[(index + 1) % 70], index, size, proof, root))
          << index << "/" << size;
      if (size > 1) {
        EXPECT_FALSE(verify_inclusion(tree.leaves[index], (index + 1) % size, size, proof, root))
            << index << "/" << size;
      }
      if (!proof.empty()) {
        auto tampered = proof;
        tampered.back()[0] ^= 1U;
        EXPECT_FALSE(verify_inclusion(tree.leaves[index], index, size, tampered, root));
        tampered = proof;
        tampered.pop_back();
        EXPECT_FALSE(verify_inclusion(tree.leaves[index], index, size, tampered, root));
      }
    }
  }
}

TEST(MerkleTest, EveryConsistencyProofVerifiesAndForgedOnesFail) {
  const StoredTree tree(70);
  for (std::uint64_t second = 1; second <= 70; ++second) {
    const Hash second_root = tree.root(second);
    for (std::uint64_t first = 1; first <= second; ++first) {
      const Hash first_root = tree.root(first);
      const auto proof = tree.hashes(consistency_ranges(first, second));
      ASSERT_TRUE(verify_consistency(first, second, first_root, second_root, proof))
          << first << "->" << second;
      Hash other = first_root;
      other[31] ^= 1U;
      EXPECT_FALSE(verify_consistency(first, second, other, second_root, proof)) << first << "->" << second;
      Hash other_second = second_root;
      other_second[0] ^= 1U;
      EXPECT_FALSE(verify_consistency(first, second, first_root, other_second, proof))
          << first << "->" << second;
      if (!proof.empty()) {
        auto tampered = proof;
        tampered.front()[0] ^= 1U;
        EXPECT_FALSE(verify_consistency(first, second, first_root, second_root, tampered))
            << first << "->" << second;
      }
    }
  }
}

TEST(MerkleTest, ProofsAreTheRfcExamplesOfSection2_1_5) {
  // RFC 9162 §2.1.5: in the 7-leaf tree, the path for leaf 0 is [b, h, l] (b = leaf 1, h = [2,4),
  // l = [4,7)); the consistency proof from 3 to 7 is [c, d, g, l] (c = leaf 2, d = leaf 3, g = [0,2)).
  EXPECT_EQ(inclusion_ranges(0, 7), (std::vector<Range>{{1, 2}, {2, 4}, {4, 7}}));
  EXPECT_EQ(inclusion_ranges(3, 7), (std::vector<Range>{{2, 3}, {0, 2}, {4, 7}}));
  EXPECT_EQ(inclusion_ranges(4, 7), (std::vector<Range>{{5, 6}, {6, 7}, {0, 4}}));
  EXPECT_EQ(consistency_ranges(3, 7), (std::vector<Range>{{2, 3}, {3, 4}, {0, 2}, {4, 7}}));
  EXPECT_EQ(consistency_ranges(4, 7), (std::vector<Range>{{4, 7}}));
  EXPECT_EQ(consistency_ranges(6, 7), (std::vector<Range>{{4, 6}, {6, 7}, {0, 4}}));
  EXPECT_TRUE(consistency_ranges(7, 7).empty());
}

TEST(MerkleTest, AProofNeedsOnlyLogarithmicallyManyStoredNodes) {
  const std::uint64_t size = 1'000'000;
  std::vector<Range> ranges = inclusion_ranges(123'457, size);
  EXPECT_LE(nodes_for(ranges).size(), 20U * 20U);
  ranges = consistency_ranges(654'321, size);
  EXPECT_LE(nodes_for(ranges).size(), 20U * 20U);
}

TEST(MerkleTest, AssemblingWithoutANodeIsAnError) {
  const StoredTree tree(5);
  NodeHashes missing = tree.nodes;
  missing.erase(NodeId{2, 0});
  EXPECT_FALSE(assemble(inclusion_ranges(4, 5), missing).has_value());
}

}  // namespace
}  // namespace ssad::tlog
