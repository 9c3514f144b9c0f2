#pragma once
// Realistic audit entries for the audit log benchmarks (bench/audit.sh): a requestor served three contact
// fields of a domain over RDAP, with a purpose, a lawful basis and a commitment to the values served — the
// entry every disclosure writes. Encoded, each is 220-230 bytes.

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "audit/log.hpp"

namespace ssad::bench {

/// The n-th disclosure at `time`: requestor r-(n mod 500), domain d(n mod 1,000,000)-example.com, values
/// that differ per n (so that every commitment differs).
inline audit::Entry disclosure(std::uint64_t n, Timestamp time, std::vector<audit::ServedValue>& served) {
  audit::Entry entry;
  entry.time = time;
  entry.actor = {"requestor", "r-" + std::to_string(10000 + n % 500)};
  entry.action = "rdap.disclose";
  entry.object = {"domain", "d" + std::to_string(n % 1000000) + "-example.com"};
  entry.purpose = "network_attack";
  entry.lawful_basis = "6(1)(f)";
  entry.detail = {{"channel", "rdap"}, {"request", "q-" + std::to_string(n)}};
  served = {{"registrant.email", "holder" + std::to_string(n) + "@example.net"},
            {"registrant.name", "Holder " + std::to_string(n)},
            {"tech.email", "hostmaster@example.net"}};
  return entry;
}

}  // namespace ssad::bench
