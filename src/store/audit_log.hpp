#pragma once
// The audit log's storage (DESIGN.md §3.4, docs/audit.md): an append-only list of entries, each the
// canonical bytes audit/ encodes, with the RFC 9162 Merkle tree over them kept as it grows, and the
// signed checkpoints. The store gives each entry its sequence number (its leaf index) when the unit of
// work that appends it commits, so that one sequence and one tree hold across every node of a store.
// Read through Store::audit_log(), written through UnitOfWork::audit_log() (store/store.hpp).
//
// Besides the entry, the store keeps apart from the tree:
// - copies of the encoded actor, action, object and time, for filtering (readers that must trust them
//   decode the encoding instead);
// - the salt of the entry's commitment to the values it served, so that a leaked entry cannot be used
//   to test a guessed value; it is not part of the entry and can be deleted without touching the tree.

#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "core/error.hpp"
#include "core/time.hpp"
#include "tlog/merkle.hpp"

namespace ssad::store {

/// One entry as the store keeps it.
struct AuditRecord {
  std::uint64_t seq = 0;  // the leaf index; given by the store when the appending unit of work commits
  Timestamp time;
  std::string actor_kind, actor_id, action, object_kind, object_id;
  std::string encoding;     // the canonical bytes the tree hashes (audit/entry.hpp)
  std::string values_salt;  // empty when the entry commits to no values
  friend bool operator==(const AuditRecord&, const AuditRecord&) = default;
};

/// A signed checkpoint (a C2SP signed note over the tree's size and root).
struct AuditCheckpoint {
  std::uint64_t size = 0;
  tlog::Hash root{};
  Timestamp signed_at;
  std::string note;  // the signed note, exactly as served
  friend bool operator==(const AuditCheckpoint&, const AuditCheckpoint&) = default;
};

/// The tree as it stands: how many entries, and its root.
struct AuditHead {
  std::uint64_t size = 0;
  tlog::Hash root{};
  friend bool operator==(const AuditHead&, const AuditHead&) = default;
};

/// Which entries to list: every member that holds a value must match; time in [from, to).
struct AuditFilter {
  std::optional<std::string> actor_kind, actor_id, action, object_kind, object_id;
  std::optional<Timestamp> from, to;
};

/// What `audit verify` reads before the rows, in the same snapshot: the head and every checkpoint.
struct AuditScanStart {
  std::uint64_t size = 0;
  std::string frontier;                      // the stored right edge, as stored (Frontier::to_bytes)
  std::vector<AuditCheckpoint> checkpoints;  // by size
};

/// One entry's row as `audit verify` reads it: the entry, the leaf hash and the hashes of the perfect
/// nodes the entry completed (levels 1 and up), as stored, so that a verifier can check them.
struct AuditRow {
  AuditRecord record;
  tlog::Hash leaf_hash{};
  std::vector<tlog::Hash> nodes;
  /// Whether the record's copies for filtering are stored as their columns' types (text, and an integer
  /// time). SQLite keeps any value in any column: an id stored as a BLOB reads back as the same bytes,
  /// yet no filter on the text matches it, which would hide the entry from a filtered export.
  bool copies_typed = true;
};

/// The stored hashes of the tree's perfect nodes: what proofs are made of. Readers read the committed
/// tree; a unit of work reads it on its own connection (the primary, under its lock).
class AuditNodeReader {
 public:
  virtual ~AuditNodeReader() = default;
  /// The hashes of the given perfect nodes. Errors: not_found when one is not complete yet.
  [[nodiscard]] virtual Result<tlog::NodeHashes> nodes(std::span<const tlog::NodeId> ids) = 0;
};

class AuditLogReader : public AuditNodeReader {
 public:
  /// The committed tree's size and root.
  [[nodiscard]] virtual Result<AuditHead> head() = 0;
  /// The leaf hashes of entries [begin, end), in order; fewer when the log is shorter.
  [[nodiscard]] virtual Result<std::vector<tlog::Hash>> leaf_hashes(std::uint64_t begin,
                                                                    std::uint64_t end) = 0;
  /// The entries [begin, end), in order; fewer when the log is shorter.
  [[nodiscard]] virtual Result<std::vector<AuditRecord>> entries(std::uint64_t begin, std::uint64_t end) = 0;
  /// Up to `limit` entries after `after` (every entry when nullopt) that match `filter`, in order.
  [[nodiscard]] virtual Result<std::vector<AuditRecord>> find(const AuditFilter& filter,
                                                              std::optional<std::uint64_t> after,
                                                              std::size_t limit) = 0;
  /// For verification, all in one snapshot: the head and the checkpoints to `start`, then every stored
  /// row from `begin` on, by sequence number, to `each` (rows beyond the head too). Stops at the first
  /// error either returns. The rows are read in batches: memory does not grow with the log.
  [[nodiscard]] virtual Result<void> scan(std::uint64_t begin,
                                          const std::function<Result<void>(const AuditScanStart&)>& start,
                                          const std::function<Result<void>(const AuditRow&)>& each) = 0;

  /// The newest checkpoint, if any.
  [[nodiscard]] virtual Result<std::optional<AuditCheckpoint>> latest_checkpoint() = 0;
  /// Up to `limit` checkpoints of sizes above `after`, by size.
  [[nodiscard]] virtual Result<std::vector<AuditCheckpoint>> checkpoints(std::optional<std::uint64_t> after,
                                                                         std::size_t limit) = 0;
};

/// Appends and checkpoints within a unit of work; nothing is visible until it commits.
class AuditLogWriter : public AuditNodeReader {
 public:
  /// Appends `record` (its seq is ignored) when the unit of work commits, after the entries appended
  /// before it in the same unit. Entries of units of work committing at once, on any node, are ordered
  /// by their commits.
  [[nodiscard]] virtual Result<void> append(AuditRecord record) = 0;
  /// After commit: the sequence number of the first entry this unit of work appended (the others follow
  /// it in order); nullopt before, or when it appended none.
  [[nodiscard]] virtual std::optional<std::uint64_t> first_appended() const = 0;

  /// The committed tree's head, locked until this unit of work ends: no entry is appended and no
  /// checkpoint added meanwhile, on any node. For signing a checkpoint; a unit of work that also
  /// appends may not call it.
  [[nodiscard]] virtual Result<AuditHead> lock_head() = 0;
  /// The newest checkpoint, read under the lock of lock_head().
  [[nodiscard]] virtual Result<std::optional<AuditCheckpoint>> latest_checkpoint() = 0;
  /// Stores a checkpoint. Errors: conflict when one of that size exists already.
  [[nodiscard]] virtual Result<void> add_checkpoint(const AuditCheckpoint& checkpoint) = 0;
};

}  // namespace ssad::store
