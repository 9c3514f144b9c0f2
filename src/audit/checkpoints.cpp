#include "audit/checkpoints.hpp"

#include "audit/proofs.hpp"

namespace ssad::audit {

Result<void> check_extends(store::AuditNodeReader& log, const store::AuditCheckpoint& older,
                           std::uint64_t size, const tlog::Hash& root) {
  if (older.size > size) {
    return fail(ErrorCode::internal, "the audit log has " + std::to_string(size) +
                                         " entries, fewer than its checkpoint of size " +
                                         std::to_string(older.size));
  }
  SSAD_TRY(proof, consistency_proof(log, older.size, size, size));
  if (!tlog::verify_consistency(older.size, size, older.root, root, proof)) {
    return fail(ErrorCode::internal, "the audit log's tree of " + std::to_string(size) +
                                         " entries does not extend its checkpoint of size " +
                                         std::to_string(older.size));
  }
  return {};
}

namespace {

// The newest stored checkpoint is what the next one must extend, so it must be one this key signed, for
// the size and root stored with it: anyone who can write the database can add a row, and a row with the
// size and root of a rewritten tree would otherwise have the key sign that tree as its extension.
Result<void> check_signed(const store::AuditCheckpoint& checkpoint, const tlog::SigningKey& key) {
  const std::string name = "the audit log's newest checkpoint (size " + std::to_string(checkpoint.size) + ")";
  auto text = tlog::open_note(checkpoint.note, tlog::verifier_of(key));
  if (!text) {
    return fail(ErrorCode::internal, name +
                                         " is not signed by this key, so nothing is signed over it (run "
                                         "`ssad audit verify`): " +
                                         text.error().message);
  }
  auto parsed = tlog::parse_checkpoint(*text);
  if (!parsed || parsed->origin != key.name || parsed->size != checkpoint.size ||
      parsed->root != checkpoint.root) {
    return fail(ErrorCode::internal,
                name +
                    ": its signed note does not state the origin, size and root stored with it (run "
                    "`ssad audit verify`)");
  }
  return {};
}

}  // namespace

Result<std::optional<store::AuditCheckpoint>> Checkpointer::sign_if_due() { return sign(false); }

Result<store::AuditCheckpoint> Checkpointer::sign_now() {
  SSAD_TRY(signed_one, sign(true));
  if (signed_one) return *signed_one;
  SSAD_TRY(latest, store_.audit_log().latest_checkpoint());
  if (!latest) return fail(ErrorCode::not_found, "the audit log is empty: there is nothing to sign");
  return *latest;
}

Result<std::optional<store::AuditCheckpoint>> Checkpointer::sign(bool on_demand) {
  SSAD_TRY(work, store_.begin_audit());
  // Under the head's lock: no entry is appended and no other node signs until this commits.
  SSAD_TRY(head, work->audit_log().lock_head());
  SSAD_TRY(latest, work->audit_log().latest_checkpoint());
  if (latest) SSAD_CHECK(check_signed(*latest, key_));
  // The tree must also extend the checkpoint this Checkpointer signed last, whose row may be gone: a
  // smaller tree, or another root at its size, is refused at once; an extension is proved before signing.
  const std::optional<store::AuditHead> own = last_signed();
  if (own && (own->size > head.size || (own->size == head.size && own->root != head.root))) {
    return fail(ErrorCode::internal, "the audit log's tree of " + std::to_string(head.size) +
                                         " entries is not the one this process signed at size " +
                                         std::to_string(own->size) + ", nor an extension of it");
  }
  const Timestamp now = clock_.now();
  if (latest && latest->size >= head.size) {
    // Nothing new to sign, provided the tree is still the one signed. A smaller tree, or another root at
    // the same size, means the log was changed behind the store's back: "nothing due", or handing out the
    // checkpoint of a tree that is gone, would hide it until the log grows past it again.
    if (latest->size == head.size && latest->root == head.root)
      return std::optional<store::AuditCheckpoint>();
    return fail(ErrorCode::internal, "the audit log's tree of " + std::to_string(head.size) +
                                         " entries is not the one its checkpoint of size " +
                                         std::to_string(latest->size) + " signed, nor an extension of it");
  }
  if (head.size == 0) return std::optional<store::AuditCheckpoint>();
  if (!on_demand && latest && now - latest->signed_at < interval_)
    return std::optional<store::AuditCheckpoint>();
  if (latest) SSAD_CHECK(check_extends(work->audit_log(), *latest, head.size, head.root));
  if (own && own->size < head.size && !(latest && latest->size == own->size && latest->root == own->root)) {
    SSAD_CHECK(check_extends(work->audit_log(), {own->size, own->root, {}, {}}, head.size, head.root));
  }
  const std::string text = tlog::checkpoint_text({key_.name, head.size, head.root});
  SSAD_TRY(note, tlog::sign_note(text, key_));
  store::AuditCheckpoint checkpoint{head.size, head.root, now, std::move(note)};
  SSAD_CHECK(work->audit_log().add_checkpoint(checkpoint));
  SSAD_CHECK(work->commit(now));
  {
    const std::lock_guard lock(mutex_);
    if (!signed_ || signed_->size < head.size) signed_ = head;
  }
  return std::optional<store::AuditCheckpoint>(std::move(checkpoint));
}

std::optional<store::AuditHead> Checkpointer::last_signed() {
  const std::lock_guard lock(mutex_);
  return signed_;
}

}  // namespace ssad::audit
