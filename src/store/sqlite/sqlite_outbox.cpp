#include "store/sqlite/sqlite_outbox.hpp"

#include <mutex>
#include <optional>
#include <utility>
#include <vector>

#include "store/row_reading.hpp"

namespace ssad::store::sqlite {
namespace {

using outbox_rows::id_taken;
using outbox_rows::not_found;
using outbox_rows::read_notification;

// The dedupe key stored under `id`, or nullopt when no notification has that id.
Result<std::optional<std::string>> dedupe_key_of(Connection& conn, const std::string& id) {
  SSAD_TRY(stmt, conn.statement("SELECT dedupe_key FROM notification WHERE id = ?"));
  stmt->bind(1, id);
  SSAD_TRY(row, stmt->step());
  std::optional<std::string> key;
  if (row) key = std::string(stmt->text(0));
  stmt->reset();
  return key;
}

// The insert skips a notification whose id or dedupe key is taken instead of failing, as on PostgreSQL
// (where a failed statement would end the unit of work's transaction), and the cause is then looked up.
class SqliteOutboxWriter final : public outbox_rows::UnitWriter {
 public:
  explicit SqliteOutboxWriter(Connection& conn) : conn_(&conn) {}

  Result<bool> enqueue(const Notification& n) override {
    SSAD_CHECK(writing());
    SSAD_CHECK(outbox_rows::check_enqueued(n));
    SSAD_TRY(stmt,
             conn_->statement("INSERT INTO notification (" SSAD_NOTIFICATION_COLUMNS
                              ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING"));
    stmt->bind(1, n.id).bind(2, n.dedupe_key).bind(3, to_string(n.channel)).bind(4, n.destination);
    stmt->bind(5, n.subject).bind(6, n.body).bind(7, n.request_id).bind(8, to_unix_ms(n.created));
    stmt->bind(9, to_unix_ms(n.due)).bind(10, std::int64_t{n.attempts}).bind(11, rows::ms(n.delivered));
    stmt->bind(12, rows::ms(n.given_up)).bind(13, n.last_error);
    SSAD_CHECK(stmt->run());
    if (conn_->db().changes() != 0) return true;
    // Skipped: a notification with the same id and another key is a different one (a conflict); else
    // one with the same dedupe key is there already.
    SSAD_TRY(stored, dedupe_key_of(*conn_, n.id));
    if (stored && *stored != n.dedupe_key) return std::unexpected(id_taken(n.id));
    return false;
  }

 private:
  Connection* conn_;
};

class SqliteOutbox final : public Outbox {
 public:
  SqliteOutbox(std::string path, ReaderPool& pool) : path_(std::move(path)), pool_(pool) {}

  Result<std::vector<Notification>> claim(Timestamp now, std::chrono::milliseconds lease,
                                          std::size_t limit) override {
    return writing([&](Connection& conn) -> Result<std::vector<Notification>> {
      // One write transaction: no other sender (another store on the same file, another process) reads
      // the due rows between this one's read and its update.
      SSAD_TRY(txn, Transaction::begin(conn.db()));
      SSAD_TRY(select,
               conn.statement("SELECT " SSAD_NOTIFICATION_COLUMNS
                              " FROM notification WHERE delivered_ms IS NULL AND given_up_ms IS NULL AND "
                              "due_ms <= ? ORDER BY due_ms, id LIMIT ?"));
      select->bind(1, to_unix_ms(now)).bind(2, static_cast<std::int64_t>(limit));
      std::vector<Notification> claimed;
      for (;;) {
        SSAD_TRY(more, select->step());
        if (!more) break;
        SSAD_TRY(n, read_notification(*select));
        claimed.push_back(std::move(n));
      }
      select->reset();
      const Timestamp until = now + lease;
      for (Notification& n : claimed) {
        SSAD_TRY(update,
                 conn.statement("UPDATE notification SET due_ms = ?, attempts = attempts + 1 WHERE id = ?"));
        update->bind(1, to_unix_ms(until)).bind(2, n.id);
        SSAD_CHECK(update->run());
        n.due = until;
        ++n.attempts;
      }
      SSAD_CHECK(txn.commit());
      return claimed;
    });
  }

  Result<void> delivered(const std::string& id, Timestamp now) override {
    return writing([&](Connection& conn) -> Result<void> {
      // A notification given up by one sender and then delivered by another (whose lease had run out)
      // was delivered.
      SSAD_TRY(stmt, conn.statement("UPDATE notification SET delivered_ms = coalesce(delivered_ms, ?), "
                                    "given_up_ms = NULL WHERE id = ?"));
      stmt->bind(1, to_unix_ms(now)).bind(2, id);
      SSAD_CHECK(stmt->run());
      if (conn.db().changes() == 0) return std::unexpected(not_found(id));
      return {};
    });
  }

  Result<void> failed(const std::string& id, Timestamp now, const std::string& error,
                      std::optional<Timestamp> retry_at) override {
    return writing([&](Connection& conn) -> Result<void> {
      // A delivered notification stays delivered, whatever a sender whose lease ran out says later.
      SSAD_TRY(stmt, retry_at ? conn.statement("UPDATE notification SET due_ms = ?, last_error = ? "
                                               "WHERE id = ? AND delivered_ms IS NULL")
                              : conn.statement("UPDATE notification SET given_up_ms = ?, last_error = ? "
                                               "WHERE id = ? AND delivered_ms IS NULL"));
      stmt->bind(1, to_unix_ms(retry_at ? *retry_at : now)).bind(2, error).bind(3, id);
      SSAD_CHECK(stmt->run());
      if (conn.db().changes() != 0) return {};
      SSAD_TRY(stored, dedupe_key_of(conn, id));
      if (!stored) return std::unexpected(not_found(id));
      return {};
    });
  }

  Result<std::vector<Notification>> list(const std::string& request_id, const Page& page) override {
    return pool_.with_connection([&](Connection& c) -> Result<std::vector<Notification>> {
      // The page after `after` continues from that notification's place in creation order.
      Statement* stmt = nullptr;
      if (request_id.empty()) {
        SSAD_TRY(all, page.after.empty()
                          ? c.statement("SELECT " SSAD_NOTIFICATION_COLUMNS
                                        " FROM notification WHERE ?1 = ?1 ORDER BY created_ms, id LIMIT ?2")
                          : c.statement("SELECT " SSAD_NOTIFICATION_COLUMNS
                                        " FROM notification WHERE (created_ms, id) > "
                                        "((SELECT created_ms FROM notification WHERE id = ?1), ?1) "
                                        "ORDER BY created_ms, id LIMIT ?2"));
        stmt = all;
      } else {
        SSAD_TRY(one, page.after.empty()
                          ? c.statement("SELECT " SSAD_NOTIFICATION_COLUMNS
                                        " FROM notification WHERE request_id = ?3 AND ?1 = ?1 "
                                        "ORDER BY created_ms, id LIMIT ?2")
                          : c.statement("SELECT " SSAD_NOTIFICATION_COLUMNS
                                        " FROM notification WHERE request_id = ?3 AND (created_ms, id) > "
                                        "((SELECT created_ms FROM notification WHERE id = ?1), ?1) "
                                        "ORDER BY created_ms, id LIMIT ?2"));
        stmt = one;
        stmt->bind(3, request_id);
      }
      stmt->bind(1, page.after).bind(2, rows::limit_of(page));
      std::vector<Notification> out;
      for (;;) {
        SSAD_TRY(more, stmt->step());
        if (!more) return out;
        SSAD_TRY(n, read_notification(*stmt));
        out.push_back(std::move(n));
      }
    });
  }

  Result<Counts> counts() override {
    return pool_.with_connection([&](Connection& c) -> Result<Counts> {
      SSAD_TRY(stmt,
               c.statement("SELECT count(*) FILTER (WHERE delivered_ms IS NULL AND given_up_ms IS NULL), "
                           "count(*) FILTER (WHERE given_up_ms IS NOT NULL), "
                           "count(*) FILTER (WHERE delivered_ms IS NOT NULL) FROM notification"));
      SSAD_TRY(row, stmt->step());
      if (!row) return fail(ErrorCode::internal, "counting the notifications returned no row");
      return Counts{static_cast<std::size_t>(stmt->integer(0)), static_cast<std::size_t>(stmt->integer(1)),
                    static_cast<std::size_t>(stmt->integer(2))};
    });
  }

 private:
  // Runs `f` on the outbox's write connection, one call at a time, opening the connection when there is
  // none. A connection whose transaction could not be ended is closed, and the next call opens another.
  template <class F>
  auto writing(F&& f) -> decltype(f(std::declval<Connection&>())) {
    const std::lock_guard lock(mutex_);
    if (!conn_) {
      auto db = Database::open(path_, false);
      if (!db) return std::unexpected(db.error());
      conn_ = std::make_unique<Connection>(std::move(*db));
    }
    auto result = f(*conn_);
    conn_->reset_all();
    if (sqlite3_get_autocommit(conn_->db().handle()) == 0) conn_.reset();
    return result;
  }

  std::string path_;
  ReaderPool& pool_;
  std::mutex mutex_;
  std::unique_ptr<Connection> conn_;  // guarded by mutex_
};

}  // namespace

std::unique_ptr<Outbox> make_outbox(std::string path, ReaderPool& pool) {
  return std::make_unique<SqliteOutbox>(std::move(path), pool);
}

std::unique_ptr<outbox_rows::UnitWriter> make_outbox_writer(Connection& conn) {
  return std::make_unique<SqliteOutboxWriter>(conn);
}

}  // namespace ssad::store::sqlite
