#pragma once
// `ssad audit verify` (docs/audit.md): recomputes the tree over the whole stored log and checks it
// against everything stored and signed. Reports the first problem, naming the entry or checkpoint.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/error.hpp"
#include "store/audit_log.hpp"
#include "tlog/note.hpp"

namespace ssad::audit {

struct VerifyOptions {
  /// The verifier key: every stored checkpoint's signature is checked with it. Without one, stored
  /// checkpoints are a problem (nothing can vouch for them).
  std::optional<tlog::VerifierKey> key;
  /// Checkpoints held outside the log (a requestor's, an auditor's), as signed notes: each must be
  /// signed by `key` and match the tree the log gives at its size.
  std::vector<std::string> held_checkpoints;
  /// The first entry to recompute (`--from`): the tree of the entries before it is taken from the stored
  /// nodes that cover them, unchecked, and checkpoints (stored or held) smaller than it are checked by
  /// their signature and a consistency proof only. 0: the whole log.
  std::uint64_t from = 0;
};

struct VerifyReport {
  std::uint64_t entries = 0;      // entries read and checked
  std::uint64_t checkpoints = 0;  // stored checkpoints checked
  std::uint64_t held = 0;         // held checkpoints checked
  tlog::Hash root{};              // the recomputed root of every entry read
  /// The first problem found, naming the entry or the checkpoint; nullopt when the log verifies.
  std::optional<std::string> problem;
};

/// Verifies the log, reading one snapshot of it:
/// - the entries are numbered 0, 1, 2 … without a gap, each decodes as a canonical entry, and the copies
///   of its fields kept for filtering agree with it and are stored as their columns' types;
/// - each entry's stored leaf hash is the hash of its encoding, and the stored nodes are the ones the
///   entries give (so proofs served from them are right);
/// - the stored head (size and right edge) is the one the entries give;
/// - every stored checkpoint is signed by `key`, states the size and root stored with it, and its root
///   is the root the entries give at its size; each is consistent with the next (RFC 9162 §2.1.4, a
///   proof from the stored nodes, checked);
/// - every held checkpoint likewise.
/// Errors: unavailable when the store cannot be read (a problem in the log is a report, not an error).
[[nodiscard]] Result<VerifyReport> verify(store::AuditLogReader& log, const VerifyOptions& options);

}  // namespace ssad::audit
