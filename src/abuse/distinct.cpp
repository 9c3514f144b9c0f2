#include "abuse/distinct.hpp"

#include <algorithm>
#include <bit>
#include <cmath>

namespace ssad::abuse {

std::uint64_t stable_hash(std::string_view text) {
  std::uint64_t hash = 0xcbf29ce484222325ULL;  // FNV-1a offset basis
  for (const char c : text) {
    hash ^= static_cast<unsigned char>(c);
    hash *= 0x100000001b3ULL;  // FNV prime
  }
  // FNV-1a's low bits mix poorly for short inputs; splitmix64's finaliser spreads every bit.
  hash ^= hash >> 30U;
  hash *= 0xbf58476d1ce4e5b9ULL;
  hash ^= hash >> 27U;
  hash *= 0x94d049bb133111ebULL;
  hash ^= hash >> 31U;
  return hash;
}

void DistinctCounter::add(std::uint64_t hash) {
  const std::size_t index = hash & (kRegisters - 1);  // the low 6 bits choose the register
  const std::uint64_t rest = hash >> 6U;              // 58 bits left for the rank
  const auto rank = static_cast<std::uint8_t>(rest == 0 ? 59 : std::countr_zero(rest) + 1);
  registers_[index] = std::max(registers_[index], rank);
}

void DistinctCounter::merge(const DistinctCounter& other) {
  for (std::size_t i = 0; i < kRegisters; ++i) registers_[i] = std::max(registers_[i], other.registers_[i]);
}

bool DistinctCounter::empty() const {
  return std::all_of(registers_.begin(), registers_.end(), [](std::uint8_t r) { return r == 0; });
}

double DistinctCounter::estimate() const {
  constexpr double kM = kRegisters;
  constexpr double kAlpha = 0.709;  // the bias correction for 64 registers
  double sum = 0;
  std::size_t zeros = 0;
  for (const std::uint8_t r : registers_) {
    sum += std::ldexp(1.0, -static_cast<int>(r));
    if (r == 0) ++zeros;
  }
  const double raw = kAlpha * kM * kM / sum;
  // Few things counted: linear counting over the empty registers is the better estimate.
  if (raw <= 2.5 * kM && zeros > 0) return kM * std::log(kM / static_cast<double>(zeros));
  return raw;
}

DistinctCounter DistinctCounter::from_registers(const std::array<std::uint8_t, kRegisters>& registers) {
  DistinctCounter counter;
  for (std::size_t i = 0; i < kRegisters; ++i)
    counter.registers_[i] = std::min<std::uint8_t>(registers[i], 64);
  return counter;
}

}  // namespace ssad::abuse
