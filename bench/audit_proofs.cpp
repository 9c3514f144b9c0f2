// Inclusion proofs through the store (issue 11): audit::inclusion_proof() for COUNT random entries of the
// whole committed tree, one thread, after a warm-up over the first tenth of them. Every proof is then
// checked against the root (not timed). Prints p50, p90, p99, max and mean.
//
// Usage: bench_audit_proofs LOCATION [COUNT=100000]

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <string>
#include <vector>

#include "audit/proofs.hpp"
#include "store/open/open_store.hpp"
#include "tlog/merkle.hpp"

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: %s LOCATION [COUNT=100000]\n", argv[0]);
    return 2;
  }
  const std::string location = argv[1];
  const std::size_t count = argc > 2 ? std::strtoull(argv[2], nullptr, 10) : 100000;
  auto store = ssad::store::open_store(location, {.create = false, .migrate = false});
  if (!store) {
    std::fprintf(stderr, "%s\n", store.error().message.c_str());
    return 1;
  }
  ssad::store::AuditLogReader& log = (*store)->audit_log();
  auto head = log.head();
  if (!head || head->size == 0) {
    std::fprintf(stderr, "no audit log to prove from\n");
    return 1;
  }
  const std::uint64_t size = head->size;
  std::mt19937_64 random(std::random_device{}());
  std::uniform_int_distribution<std::uint64_t> pick(0, size - 1);
  std::vector<std::uint64_t> indexes(count);
  for (auto& index : indexes) index = pick(random);

  for (std::size_t i = 0; i < count / 10; ++i) {
    if (!ssad::audit::inclusion_proof(log, indexes[i], size, size)) {
      std::fprintf(stderr, "the warm-up's proof of %llu failed\n",
                   static_cast<unsigned long long>(indexes[i]));
      return 1;
    }
  }

  std::vector<double> micros;
  micros.reserve(count);
  std::vector<std::vector<ssad::tlog::Hash>> proofs;
  proofs.reserve(count);
  for (const std::uint64_t index : indexes) {
    const auto start = std::chrono::steady_clock::now();
    auto proof = ssad::audit::inclusion_proof(log, index, size, size);
    const auto end = std::chrono::steady_clock::now();
    if (!proof) {
      std::fprintf(stderr, "proof of %llu: %s\n", static_cast<unsigned long long>(index),
                   proof.error().message.c_str());
      return 1;
    }
    micros.push_back(std::chrono::duration<double, std::micro>(end - start).count());
    proofs.push_back(std::move(*proof));
  }
  for (std::size_t i = 0; i < count; ++i) {
    auto leaf = log.leaf_hashes(indexes[i], indexes[i] + 1);
    if (!leaf || leaf->size() != 1 ||
        !ssad::tlog::verify_inclusion(leaf->front(), indexes[i], size, proofs[i], head->root)) {
      std::fprintf(stderr, "the proof of %llu does not verify\n",
                   static_cast<unsigned long long>(indexes[i]));
      return 1;
    }
  }
  std::sort(micros.begin(), micros.end());
  auto at = [&](double q) {
    return micros[static_cast<std::size_t>(q * static_cast<double>(micros.size() - 1))];
  };
  double total = 0;
  for (const double m : micros) total += m;
  std::printf(
      "proofs=%zu tree_size=%llu path_length=%zu p50_us=%.1f p90_us=%.1f p99_us=%.1f max_us=%.1f "
      "mean_us=%.1f\n",
      micros.size(), static_cast<unsigned long long>(size), proofs.front().size(), at(0.5), at(0.9), at(0.99),
      micros.back(), total / static_cast<double>(micros.size()));
  return 0;
}
