#pragma once
// Signed checkpoints of the audit log (docs/audit.md): a C2SP tlog-checkpoint — origin, tree size, root —
// as a C2SP signed note with the operator's Ed25519 key. The origin is the key's name. Made on an
// interval (serve) and on demand (`ssad audit checkpoint`); with several nodes, once per interval
// whichever node gets there first: the decision is taken under the log head's lock.

#include <chrono>
#include <mutex>
#include <optional>

#include "core/error.hpp"
#include "core/time.hpp"
#include "store/store.hpp"
#include "tlog/note.hpp"

namespace ssad::audit {

class Checkpointer {
 public:
  /// `interval`: the shortest time between two checkpoints made by sign_if_due().
  Checkpointer(store::Store& store, tlog::SigningKey key, const Clock& clock, std::chrono::seconds interval)
      : store_(store), key_(std::move(key)), clock_(clock), interval_(interval) {}

  /// Signs a checkpoint of the tree as it stands when the newest is older than the interval (or there is
  /// none) and the tree has grown since it. Returns the new checkpoint, or nullopt when none was due.
  /// Before signing, checks that the tree is consistent with the newest checkpoint (RFC 9162 §2.1.4):
  /// a log must never sign a tree that does not extend what it signed before. The tree must also extend
  /// the last checkpoint this Checkpointer signed, which it remembers: deleting rows does not make a
  /// running server sign a tree that contradicts its own checkpoint. Errors: unavailable (store);
  /// internal when the newest stored checkpoint is not one this key signed for the size and root stored
  /// with it, or the stored tree does not extend it or the one this Checkpointer signed last (nothing is
  /// signed), including a tree that has not grown but is smaller or has another root.
  [[nodiscard]] Result<std::optional<store::AuditCheckpoint>> sign_if_due();
  /// The same, ignoring the interval: signs when the tree has grown, else returns the newest checkpoint
  /// (which is then the tree's own: the errors are sign_if_due's).
  [[nodiscard]] Result<store::AuditCheckpoint> sign_now();

  [[nodiscard]] const tlog::SigningKey& key() const { return key_; }

 private:
  Result<std::optional<store::AuditCheckpoint>> sign(bool on_demand);
  std::optional<store::AuditHead> last_signed();

  store::Store& store_;
  tlog::SigningKey key_;
  const Clock& clock_;
  std::chrono::seconds interval_;
  std::mutex mutex_;
  std::optional<store::AuditHead> signed_;  // the size and root of the last checkpoint signed here
};

/// A tree of `size` leaves whose root `root` the store's nodes prove extends the checkpoint `older`
/// (RFC 9162 §2.1.4: a consistency proof from the stored nodes, checked). Errors: internal when not.
[[nodiscard]] Result<void> check_extends(store::AuditNodeReader& log, const store::AuditCheckpoint& older,
                                         std::uint64_t size, const tlog::Hash& root);

}  // namespace ssad::audit
