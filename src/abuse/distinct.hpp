#pragma once
// Counting distinct things (domain names, client addresses) in little memory, mergeable across hours and
// nodes: a HyperLogLog sketch of 64 one-byte registers (Flajolet et al. 2007; standard error about 13 %,
// with the small-range correction by linear counting, exact enough for thresholds in the thousands).
// Written by hand: no Debian library offers a mergeable cardinality sketch for C++. The hash is fixed
// (FNV-1a with a 64-bit finaliser) so that sketches of different processes merge.

#include <array>
#include <cstdint>
#include <string_view>

namespace ssad::abuse {

/// A stable 64-bit hash of `text`, the same in every process.
[[nodiscard]] std::uint64_t stable_hash(std::string_view text);

class DistinctCounter {
 public:
  static constexpr std::size_t kRegisters = 64;

  /// Counts the thing whose stable_hash() is `hash`.
  void add(std::uint64_t hash);
  /// Counts everything `other` counted.
  void merge(const DistinctCounter& other);
  /// About how many distinct things were added (0 for none).
  [[nodiscard]] double estimate() const;
  [[nodiscard]] bool empty() const;

  /// The registers, for storing a sketch (usage rows).
  [[nodiscard]] const std::array<std::uint8_t, kRegisters>& registers() const { return registers_; }
  /// A sketch from stored registers; a register above 64 reads as 64.
  [[nodiscard]] static DistinctCounter from_registers(const std::array<std::uint8_t, kRegisters>& registers);

 private:
  std::array<std::uint8_t, kRegisters> registers_{};
};

}  // namespace ssad::abuse
