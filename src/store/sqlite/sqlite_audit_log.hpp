#pragma once
// The audit log on SQLite (store/audit_log.hpp), internal to store/sqlite/.

#include <memory>
#include <vector>

#include "store/audit_log.hpp"
#include "store/audit_rows.hpp"
#include "store/sqlite/connection.hpp"

namespace ssad::store::sqlite {

/// The committed log, read through the reader pool.
[[nodiscard]] std::unique_ptr<AuditLogReader> make_audit_log_reader(ReaderPool& pool);

/// Appends and checkpoints in a unit of work's transaction. SQLite's unit of work holds the only write
/// transaction, so the head needs no lock of its own.
class SqliteAuditLogWriter final : public audit_rows::BufferedAuditLogWriter {
 public:
  explicit SqliteAuditLogWriter(Connection& conn) : conn_(&conn) {}

  Result<tlog::NodeHashes> nodes(std::span<const tlog::NodeId> ids) override;
  Result<AuditHead> lock_head() override;
  Result<std::optional<AuditCheckpoint>> latest_checkpoint() override;
  Result<void> add_checkpoint(const AuditCheckpoint& checkpoint) override;

  /// Writes the appended entries: called by commit, inside the transaction, last.
  [[nodiscard]] Result<void> flush();

 private:
  Connection* conn_;
};

}  // namespace ssad::store::sqlite
