#pragma once
// What anyone may read of the audit log (docs/audit.md): leaf hashes and RFC 9162 proofs. They reveal
// hashes only — each entry carries a random nonce, so a leaf hash cannot be matched against a guessed
// entry. Every size given must be within the committed tree.

#include <cstdint>
#include <vector>

#include "core/error.hpp"
#include "store/audit_log.hpp"
#include "tlog/hash.hpp"

namespace ssad::audit {

/// The most leaf hashes or entries one call returns.
inline constexpr std::uint64_t kMaxRange = 1000;

/// The leaf hashes of entries start..end (inclusive, as RFC 6962's get-entries), at most kMaxRange and
/// no further than the tree's last entry. Errors: invalid_input when start > end; not_found when start
/// is beyond the tree.
[[nodiscard]] Result<std::vector<tlog::Hash>> leaf_hashes(store::AuditLogReader& log, std::uint64_t start,
                                                          std::uint64_t end);

/// RFC 9162 §2.1.3.1: the audit path of entry `index` in the tree of `size` entries, within a tree of
/// `committed` entries. Errors: invalid_input when index >= size or size > committed.
[[nodiscard]] Result<std::vector<tlog::Hash>> inclusion_proof(store::AuditNodeReader& log,
                                                              std::uint64_t index, std::uint64_t size,
                                                              std::uint64_t committed);

/// RFC 9162 §2.1.4.1: the consistency proof from the tree of `first` entries to that of `second`.
/// Errors: invalid_input unless 0 < first <= second <= committed.
[[nodiscard]] Result<std::vector<tlog::Hash>> consistency_proof(store::AuditNodeReader& log,
                                                                std::uint64_t first, std::uint64_t second,
                                                                std::uint64_t committed);

/// The root of the tree of `size` entries (size <= committed), from the stored nodes.
[[nodiscard]] Result<tlog::Hash> root_at(store::AuditNodeReader& log, std::uint64_t size,
                                         std::uint64_t committed);

}  // namespace ssad::audit
