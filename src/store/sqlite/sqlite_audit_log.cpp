#include "store/sqlite/sqlite_audit_log.hpp"

#include <algorithm>

#include "store/audit_rows.hpp"

namespace ssad::store::sqlite {
namespace {

constexpr const char* kHeadSql = "SELECT size, frontier FROM audit_head WHERE id = 1";
constexpr const char* kLatestCheckpointSql =
    "SELECT size, root, signed_ms, note FROM audit_checkpoint ORDER BY size DESC LIMIT 1";
#define SSAD_AUDIT_RECORD_COLUMNS \
  "seq, time_ms, actor_kind, actor_id, action, object_kind, object_id, encoding"

AuditRecord read_record(const Statement& s) {
  AuditRecord r;
  r.seq = static_cast<std::uint64_t>(s.integer(0));
  r.time = from_unix_ms(s.integer(1));
  r.actor_kind = s.text(2);
  r.actor_id = s.text(3);
  r.action = s.text(4);
  r.object_kind = s.text(5);
  r.object_id = s.text(6);
  r.encoding = s.blob(7);
  return r;
}

// A checkpoint's row (size, root, signed_ms, note). A damaged root reads as zeros: the verifier reports
// it as not matching the tree.
AuditCheckpoint read_checkpoint(const Statement& s) {
  AuditCheckpoint out;
  out.size = static_cast<std::uint64_t>(s.integer(0));
  out.root = audit_rows::hash_of(s.blob(1)).value_or(tlog::Hash{});
  out.signed_at = from_unix_ms(s.integer(2));
  out.note = s.text(3);
  return out;
}

Result<AuditHead> read_head(Connection& c) {
  SSAD_TRY(stmt, c.statement(kHeadSql));
  SSAD_TRY(row, stmt->step());
  if (!row) return fail(ErrorCode::internal, "the audit log has no head row");
  const auto size = static_cast<std::uint64_t>(stmt->integer(0));
  auto frontier = tlog::Frontier::from_bytes(size, stmt->blob(1));
  if (!frontier)
    return fail(ErrorCode::internal, "the audit log's stored head is damaged: " + frontier.error().message);
  return AuditHead{size, frontier->root()};
}

Result<std::optional<AuditCheckpoint>> read_latest_checkpoint(Connection& c) {
  SSAD_TRY(stmt, c.statement(kLatestCheckpointSql));
  SSAD_TRY(row, stmt->step());
  if (!row) return std::optional<AuditCheckpoint>();
  return std::optional<AuditCheckpoint>(read_checkpoint(*stmt));
}

std::int64_t as_int(std::uint64_t value) { return static_cast<std::int64_t>(value); }

Result<void> scan_in(Connection& c, std::uint64_t begin,
                     const std::function<Result<void>(const AuditScanStart&)>& start,
                     const std::function<Result<void>(const AuditRow&)>& each) {
  AuditScanStart head;
  {
    SSAD_TRY(stmt, c.statement(kHeadSql));
    SSAD_TRY(row, stmt->step());
    if (!row) return fail(ErrorCode::internal, "the audit log has no head row");
    head.size = static_cast<std::uint64_t>(stmt->integer(0));
    head.frontier = stmt->blob(1);
  }
  {
    SSAD_TRY(stmt, c.statement("SELECT size, root, signed_ms, note FROM audit_checkpoint ORDER BY size"));
    for (;;) {
      SSAD_TRY(more, stmt->step());
      if (!more) break;
      head.checkpoints.push_back(read_checkpoint(*stmt));
    }
  }
  SSAD_CHECK(start(head));
  SSAD_TRY(stmt,
           c.statement("SELECT e." SSAD_AUDIT_RECORD_COLUMNS ", e.leaf_hash, e.nodes, s.salt, "
                       "typeof(e.time_ms) = 'integer' AND typeof(e.actor_kind) = 'text' AND "
                       "typeof(e.actor_id) = 'text' AND typeof(e.action) = 'text' AND "
                       "typeof(e.object_kind) = 'text' AND typeof(e.object_id) = 'text' FROM audit_entry e "
                       "LEFT JOIN audit_values_salt s ON s.seq = e.seq WHERE e.seq >= ? ORDER BY e.seq"));
  stmt->bind(1, static_cast<std::int64_t>(begin));
  AuditRow row;
  for (;;) {
    SSAD_TRY(more, stmt->step());
    if (!more) return {};
    row.record = read_record(*stmt);
    row.record.values_salt = stmt->blob(10);
    row.copies_typed = stmt->integer(11) == 1;
    audit_rows::read_hashes(stmt->blob(8), stmt->blob(9), row);
    SSAD_CHECK(each(row));
  }
}

Result<tlog::NodeHashes> nodes_on(Connection& c, std::span<const tlog::NodeId> ids) {
  SSAD_TRY(stmt, c.statement("SELECT leaf_hash, nodes FROM audit_entry WHERE seq = ?"));
  tlog::NodeHashes out;
  // One lookup per row holding a node: a proof needs a few dozen, each a B-tree probe of microseconds.
  for (const tlog::NodeId& id : ids) {
    stmt->reset();
    stmt->bind(1, as_int(audit_rows::row_of(id)));
    SSAD_TRY(row, stmt->step());
    if (!row)
      return fail(ErrorCode::not_found, "the audit tree has no node " + std::to_string(id.index) +
                                            " at level " + std::to_string(id.level) + " yet");
    const auto hash = audit_rows::node_in_row(id, stmt->blob(0), stmt->blob(1));
    if (!hash)
      return fail(ErrorCode::not_found, "the audit tree has no node " + std::to_string(id.index) +
                                            " at level " + std::to_string(id.level));
    out.emplace(id, *hash);
  }
  return out;
}

class SqliteAuditLogReader final : public AuditLogReader {
 public:
  explicit SqliteAuditLogReader(ReaderPool& pool) : pool_(pool) {}

  Result<AuditHead> head() override {
    return pool_.with_connection([](Connection& c) { return read_head(c); });
  }

  Result<std::vector<tlog::Hash>> leaf_hashes(std::uint64_t begin, std::uint64_t end) override {
    return pool_.with_connection([&](Connection& c) -> Result<std::vector<tlog::Hash>> {
      SSAD_TRY(stmt,
               c.statement("SELECT seq, leaf_hash FROM audit_entry WHERE seq >= ? AND seq < ? ORDER BY seq"));
      stmt->bind(1, as_int(begin)).bind(2, as_int(end));
      std::vector<tlog::Hash> out;
      for (;;) {
        SSAD_TRY(more, stmt->step());
        if (!more) return out;
        const auto hash = audit_rows::hash_of(stmt->blob(1));
        if (!hash)
          return fail(ErrorCode::internal, "audit entry " + std::to_string(stmt->integer(0)) + " is damaged");
        out.push_back(*hash);
      }
    });
  }

  Result<tlog::NodeHashes> nodes(std::span<const tlog::NodeId> ids) override {
    return pool_.with_connection([&](Connection& c) { return nodes_on(c, ids); });
  }

  Result<std::vector<AuditRecord>> entries(std::uint64_t begin, std::uint64_t end) override {
    return pool_.with_connection([&](Connection& c) -> Result<std::vector<AuditRecord>> {
      SSAD_TRY(stmt, c.statement("SELECT " SSAD_AUDIT_RECORD_COLUMNS
                                 " FROM audit_entry WHERE seq >= ? AND seq < ? ORDER BY seq"));
      stmt->bind(1, as_int(begin)).bind(2, as_int(end));
      std::vector<AuditRecord> out;
      for (;;) {
        SSAD_TRY(more, stmt->step());
        if (!more) return out;
        out.push_back(read_record(*stmt));
      }
    });
  }

  Result<std::vector<AuditRecord>> find(const AuditFilter& filter, std::optional<std::uint64_t> after,
                                        std::size_t limit) override {
    return pool_.with_connection([&](Connection& c) -> Result<std::vector<AuditRecord>> {
      // One statement for every filter: a member without a value matches everything. SQLite's planner
      // picks the index of the most selective member given.
      SSAD_TRY(stmt, c.statement("SELECT " SSAD_AUDIT_RECORD_COLUMNS " FROM audit_entry WHERE seq > ?1 "
                                 "AND (?2 IS NULL OR actor_kind = ?2) AND (?3 IS NULL OR actor_id = ?3) "
                                 "AND (?4 IS NULL OR action = ?4) AND (?5 IS NULL OR object_kind = ?5) "
                                 "AND (?6 IS NULL OR object_id = ?6) AND (?7 IS NULL OR time_ms >= ?7) "
                                 "AND (?8 IS NULL OR time_ms < ?8) ORDER BY seq LIMIT ?9"));
      stmt->bind(1, after ? as_int(*after) : std::int64_t{-1});
      int index = 2;
      for (const auto* member :
           {&filter.actor_kind, &filter.actor_id, &filter.action, &filter.object_kind, &filter.object_id}) {
        if (member->has_value()) {
          stmt->bind(index, std::string_view(**member));
        } else {
          stmt->bind_null(index);
        }
        ++index;
      }
      stmt->bind(7, filter.from ? std::optional<std::int64_t>(to_unix_ms(*filter.from)) : std::nullopt);
      stmt->bind(8, filter.to ? std::optional<std::int64_t>(to_unix_ms(*filter.to)) : std::nullopt);
      stmt->bind(9, static_cast<std::int64_t>(std::min<std::size_t>(limit, INT64_MAX)));
      std::vector<AuditRecord> out;
      for (;;) {
        SSAD_TRY(more, stmt->step());
        if (!more) return out;
        out.push_back(read_record(*stmt));
      }
    });
  }

  Result<void> scan(std::uint64_t begin, const std::function<Result<void>(const AuditScanStart&)>& start,
                    const std::function<Result<void>(const AuditRow&)>& each) override {
    return pool_.with_connection([&](Connection& c) -> Result<void> {
      // One read transaction: the head, the checkpoints and the rows are one snapshot.
      SSAD_CHECK(c.db().exec("BEGIN"));
      auto scanned = scan_in(c, begin, start, each);
      c.reset_all();
      (void)c.db().exec("COMMIT");  // NOLINT(bugprone-unused-return-value): a read transaction; ends anyway
      return scanned;
    });
  }

  Result<std::optional<AuditCheckpoint>> latest_checkpoint() override {
    return pool_.with_connection([](Connection& c) { return read_latest_checkpoint(c); });
  }

  Result<std::vector<AuditCheckpoint>> checkpoints(std::optional<std::uint64_t> after,
                                                   std::size_t limit) override {
    return pool_.with_connection([&](Connection& c) -> Result<std::vector<AuditCheckpoint>> {
      SSAD_TRY(stmt, c.statement("SELECT size, root, signed_ms, note FROM audit_checkpoint WHERE size > ? "
                                 "ORDER BY size LIMIT ?"));
      stmt->bind(1, after ? as_int(*after) : std::int64_t{-1});
      stmt->bind(2, static_cast<std::int64_t>(std::min<std::size_t>(limit, INT64_MAX)));
      std::vector<AuditCheckpoint> out;
      for (;;) {
        SSAD_TRY(more, stmt->step());
        if (!more) return out;
        out.push_back(read_checkpoint(*stmt));
      }
    });
  }

 private:
  ReaderPool& pool_;
};

}  // namespace

std::unique_ptr<AuditLogReader> make_audit_log_reader(ReaderPool& pool) {
  return std::make_unique<SqliteAuditLogReader>(pool);
}

Result<tlog::NodeHashes> SqliteAuditLogWriter::nodes(std::span<const tlog::NodeId> ids) {
  return nodes_on(*conn_, ids);
}

Result<AuditHead> SqliteAuditLogWriter::lock_head() {
  SSAD_CHECK(start_locking());
  return read_head(*conn_);
}

Result<std::optional<AuditCheckpoint>> SqliteAuditLogWriter::latest_checkpoint() {
  return read_latest_checkpoint(*conn_);
}

Result<void> SqliteAuditLogWriter::add_checkpoint(const AuditCheckpoint& checkpoint) {
  SSAD_CHECK(usable());
  SSAD_TRY(stmt, conn_->statement(
                     "INSERT INTO audit_checkpoint (size, root, signed_ms, note) VALUES (?, ?, ?, ?)"));
  stmt->bind(1, as_int(checkpoint.size))
      .bind_blob(2, tlog::bytes_of(checkpoint.root))
      .bind(3, to_unix_ms(checkpoint.signed_at))
      .bind(4, checkpoint.note);
  if (auto ok = stmt->run(); !ok) {
    if (ok.error().code == ErrorCode::conflict) {
      return fail(ErrorCode::conflict,
                  "a checkpoint of size " + std::to_string(checkpoint.size) + " exists already");
    }
    return ok;
  }
  return {};
}

Result<void> SqliteAuditLogWriter::flush() {
  if (pending().empty()) return {};
  SSAD_TRY(head, conn_->statement(kHeadSql));
  SSAD_TRY(found, head->step());
  if (!found) return fail(ErrorCode::internal, "the audit log has no head row");
  const auto size = static_cast<std::uint64_t>(head->integer(0));
  SSAD_TRY(appended, audit_rows::append(size, head->blob(1), pending()));
  head->reset();
  SSAD_TRY(insert, conn_->statement("INSERT INTO audit_entry (seq, time_ms, actor_kind, actor_id, action, "
                                    "object_kind, object_id, encoding, leaf_hash, nodes) "
                                    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"));
  for (std::size_t i = 0; i < pending().size(); ++i) {
    const AuditRecord& r = pending()[i];
    const audit_rows::AppendRow& row = appended.rows[i];
    insert->reset();
    insert->bind(1, as_int(row.seq))
        .bind(2, to_unix_ms(r.time))
        .bind(3, r.actor_kind)
        .bind(4, r.actor_id)
        .bind(5, r.action)
        .bind(6, r.object_kind)
        .bind(7, r.object_id)
        .bind_blob(8, r.encoding)
        .bind_blob(9, tlog::bytes_of(row.leaf))
        .bind_blob(10, row.nodes);
    SSAD_CHECK(insert->run());
    if (!r.values_salt.empty()) {
      SSAD_TRY(salt, conn_->statement("INSERT INTO audit_values_salt (seq, salt) VALUES (?, ?)"));
      salt->bind(1, as_int(row.seq)).bind_blob(2, r.values_salt);
      SSAD_CHECK(salt->run());
    }
  }
  SSAD_TRY(update, conn_->statement("UPDATE audit_head SET size = ?, frontier = ? WHERE id = 1"));
  update->bind(1, as_int(size + pending().size())).bind_blob(2, appended.frontier);
  SSAD_CHECK(update->run());
  flushed(size);
  return {};
}

}  // namespace ssad::store::sqlite
