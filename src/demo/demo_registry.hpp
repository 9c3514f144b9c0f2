#pragma once
// A deterministic synthetic registry for demos, tests and benchmarks (`ssad demo`). The same options
// always give byte-identical deposits, and domain i is the same whatever the total count.
//
// Besides a realistic mix (natural and legal persons, privacy/proxy services, IDNs, DNSSEC, EPP
// statuses, several registrars and hosting providers), the first domains carry patterns that later
// features look for; demo_patterns() names them so tests can find them.

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "core/error.hpp"
#include "core/time.hpp"

namespace ssad::demo {

struct DemoOptions {
  std::int64_t domains = 10000;   // how many domains the registry holds
  std::uint64_t seed = 20260101;  // changes every random choice
  std::string tld = "example";    // the registry's TLD (RFC 2606 reserves .example)
  std::string deposit_id;         // the escrow deposit id; empty: "demo-<domains>-<seed>"
  Timestamp watermark = Timestamp(std::chrono::milliseconds(1767225600000));  // 2026-01-01T00:00:00Z
};

/// The special patterns in a demo registry (each list empty when `domains` is too small to hold it).
struct DemoPatterns {
  std::string cluster_email;                     // registrant email shared by a cluster of domains
  std::vector<std::string> cluster_nameservers;  // the nameservers the cluster shares
  std::vector<std::string> cluster_domains;
  std::vector<std::string> phone_country_mismatch;  // phone country code differs from address country
  std::vector<std::string> malformed_postal_code;
  std::vector<std::string> email_domain_missing;  // registrant email at a domain that does not exist
  std::vector<std::string> lookalikes;            // recently registered look-alikes of well-known names
};

[[nodiscard]] DemoPatterns demo_patterns(const DemoOptions& options);

/// Writes the demo registry as an RFC 9022 FULL deposit into `directory`; returns the deposit XML path.
/// Errors: unavailable when the directory cannot be written; invalid_input for a bad option.
[[nodiscard]] Result<std::filesystem::path> write_demo_deposit(const DemoOptions& options,
                                                               const std::filesystem::path& directory);

}  // namespace ssad::demo
