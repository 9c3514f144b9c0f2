#pragma once
// The audit log on PostgreSQL (store/audit_log.hpp), internal to store/postgres/. Appending units of work
// lock the head row from their append to their commit, so that every node appends to one sequence and
// one tree; concurrent appenders wait for each other only for that moment.

#include <memory>
#include <vector>

#include "store/audit_log.hpp"
#include "store/audit_rows.hpp"
#include "store/postgres/postgres_reads.hpp"
#include "store/postgres/pq.hpp"

namespace ssad::store::postgres {

/// The committed log, read through the reader pool.
[[nodiscard]] std::unique_ptr<AuditLogReader> make_audit_log_reader(ReaderPool& pool);

/// Appends and checkpoints in a unit of work's transaction.
class PostgresAuditLogWriter final : public audit_rows::BufferedAuditLogWriter {
 public:
  explicit PostgresAuditLogWriter(Connection& conn) : conn_(&conn) {}

  Result<tlog::NodeHashes> nodes(std::span<const tlog::NodeId> ids) override;
  Result<AuditHead> lock_head() override;
  Result<std::optional<AuditCheckpoint>> latest_checkpoint() override;
  Result<void> add_checkpoint(const AuditCheckpoint& checkpoint) override;

  /// Locks the head and writes the appended entries: called by commit, inside the transaction, last,
  /// so that the head stays locked only until the COMMIT right after.
  [[nodiscard]] Result<void> flush();

 private:
  Connection* conn_;
};

/// Bytes as a bytea parameter in text form ("\x" and hex), and a bytea column's text form read back;
/// nullopt when it is not that form.
[[nodiscard]] std::string bytea_param(std::string_view bytes);
[[nodiscard]] std::optional<std::string> bytea_of(std::string_view text);

}  // namespace ssad::store::postgres
