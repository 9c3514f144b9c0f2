#include "store/postgres/postgres_outbox.hpp"

#include <algorithm>
#include <string>
#include <utility>
#include <vector>

#include "store/row_reading.hpp"

namespace ssad::store::postgres {
namespace {

using outbox_rows::id_taken;
using outbox_rows::not_found;
using outbox_rows::read_notification;

Result<std::vector<Notification>> notifications_of(const Rows& rows) {
  std::vector<Notification> out;
  out.reserve(static_cast<std::size_t>(rows.size()));
  for (int i = 0; i < rows.size(); ++i) {
    SSAD_TRY(n, read_notification(Row{rows, i}));
    out.push_back(std::move(n));
  }
  return out;
}

// The insert skips a notification whose id or dedupe key is taken instead of failing (a failed statement
// would end the unit of work's transaction), and the cause is then looked up. A dedupe key another unit of
// work has enqueued and not yet committed waits for it: ON CONFLICT DO NOTHING skips the row once that
// one commits, and inserts it when it rolls back, so two nodes announcing one event announce it once.
class PostgresOutboxWriter final : public outbox_rows::UnitWriter {
 public:
  explicit PostgresOutboxWriter(Connection& conn) : conn_(conn) {}

  Result<bool> enqueue(const Notification& n) override {
    SSAD_CHECK(writing());
    SSAD_CHECK(outbox_rows::check_enqueued(n));
    SSAD_TRY(inserted,
             conn_.query("INSERT INTO notification (" SSAD_NOTIFICATION_COLUMNS
                         ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) "
                         "ON CONFLICT DO NOTHING",
                         {n.id, n.dedupe_key, to_string(n.channel), n.destination, n.subject, n.body,
                          n.request_id, to_unix_ms(n.created), to_unix_ms(n.due), std::int64_t{n.attempts},
                          rows::ms(n.delivered), rows::ms(n.given_up), n.last_error}));
    if (inserted.affected() != 0) return true;
    // Skipped: a notification with the same id and another key is a different one (a conflict); else
    // one with the same dedupe key is there already.
    SSAD_TRY(stored, conn_.query("SELECT dedupe_key FROM notification WHERE id = $1", {n.id}));
    if (!stored.empty() && stored.text(0, 0) != n.dedupe_key) return std::unexpected(id_taken(n.id));
    return false;
  }

 private:
  Connection& conn_;
};

class PostgresOutbox final : public Outbox {
 public:
  explicit PostgresOutbox(ReaderPool& primary) : pool_(primary) {}

  // One statement: the due rows are locked as they are chosen, and rows another sender holds locked are
  // skipped rather than waited for, so two senders never claim the same notification and neither waits.
  // The CTE is materialised, so that the rows are chosen (and locked) once.
  Result<std::vector<Notification>> claim(Timestamp now, std::chrono::milliseconds lease,
                                          std::size_t limit) override {
    return pool_.with_connection([&](Connection& c) -> Result<std::vector<Notification>> {
      SSAD_TRY(rows,
               c.query("WITH claimed AS MATERIALIZED (SELECT id AS claimed_id, due_ms AS was_due "
                       "FROM notification WHERE delivered_ms IS NULL AND given_up_ms IS NULL AND "
                       "due_ms <= $1::bigint ORDER BY due_ms, id LIMIT $3::bigint FOR UPDATE SKIP LOCKED) "
                       "UPDATE notification SET due_ms = $2::bigint, attempts = attempts + 1 FROM claimed "
                       "WHERE id = claimed_id RETURNING " SSAD_NOTIFICATION_COLUMNS ", was_due",
                       {to_unix_ms(now), to_unix_ms(now + lease), static_cast<std::int64_t>(limit)}));
      SSAD_TRY(claimed, notifications_of(rows));
      // RETURNING comes in no particular order: oldest due first, as chosen.
      std::vector<std::pair<std::int64_t, std::size_t>> order;
      order.reserve(claimed.size());
      for (int i = 0; i < rows.size(); ++i) {
        order.emplace_back(rows.integer(i, 13), static_cast<std::size_t>(i));
      }
      std::ranges::sort(order, [&](const auto& a, const auto& b) {
        return a.first != b.first ? a.first < b.first : claimed[a.second].id < claimed[b.second].id;
      });
      std::vector<Notification> out;
      out.reserve(claimed.size());
      for (const auto& [was_due, index] : order) out.push_back(std::move(claimed[index]));
      return out;
    });
  }

  Result<void> delivered(const std::string& id, Timestamp now) override {
    return pool_.with_connection([&](Connection& c) -> Result<void> {
      // A notification given up by one sender and then delivered by another (whose lease had run out)
      // was delivered.
      SSAD_TRY(updated, c.query("UPDATE notification SET delivered_ms = coalesce(delivered_ms, $2::bigint), "
                                "given_up_ms = NULL WHERE id = $1",
                                {id, to_unix_ms(now)}));
      if (updated.affected() == 0) return std::unexpected(not_found(id));
      return {};
    });
  }

  Result<void> failed(const std::string& id, Timestamp now, const std::string& error,
                      std::optional<Timestamp> retry_at) override {
    return pool_.with_connection([&](Connection& c) -> Result<void> {
      // A delivered notification stays delivered, whatever a sender whose lease ran out says later.
      auto updated = retry_at ? c.query(
                                    "UPDATE notification SET due_ms = $2::bigint, last_error = $3 "
                                    "WHERE id = $1 AND delivered_ms IS NULL",
                                    {id, to_unix_ms(*retry_at), error})
                              : c.query(
                                    "UPDATE notification SET given_up_ms = $2::bigint, last_error = $3 "
                                    "WHERE id = $1 AND delivered_ms IS NULL",
                                    {id, to_unix_ms(now), error});
      if (!updated) return std::unexpected(updated.error());
      if (updated->affected() != 0) return {};
      SSAD_TRY(found, c.query("SELECT 1 FROM notification WHERE id = $1", {id}));
      if (found.empty()) return std::unexpected(not_found(id));
      return {};
    });
  }

  Result<std::vector<Notification>> list(const std::string& request_id, const Page& page) override {
    return pool_.with_connection([&](Connection& c) -> Result<std::vector<Notification>> {
      const std::int64_t limit = rows::limit_of(page);
      // The page after `after` continues from that notification's place in creation order.
      Result<Rows> rows =
          request_id.empty()
              ? (page.after.empty() ? c.query("SELECT " SSAD_NOTIFICATION_COLUMNS
                                              " FROM notification ORDER BY created_ms, id LIMIT $1",
                                              {limit})
                                    : c.query("SELECT " SSAD_NOTIFICATION_COLUMNS
                                              " FROM notification WHERE (created_ms, id) > "
                                              "((SELECT created_ms FROM notification WHERE id = $1), $1) "
                                              "ORDER BY created_ms, id LIMIT $2",
                                              {page.after, limit}))
              : (page.after.empty()
                     ? c.query("SELECT " SSAD_NOTIFICATION_COLUMNS
                               " FROM notification WHERE request_id = $1 ORDER BY created_ms, id LIMIT $2",
                               {request_id, limit})
                     : c.query("SELECT " SSAD_NOTIFICATION_COLUMNS
                               " FROM notification WHERE request_id = $1 AND (created_ms, id) > "
                               "((SELECT created_ms FROM notification WHERE id = $2), $2) "
                               "ORDER BY created_ms, id LIMIT $3",
                               {request_id, page.after, limit}));
      if (!rows) return std::unexpected(rows.error());
      return notifications_of(*rows);
    });
  }

  Result<Counts> counts() override {
    return pool_.with_connection([&](Connection& c) -> Result<Counts> {
      SSAD_TRY(rows, c.query("SELECT count(*) FILTER (WHERE delivered_ms IS NULL AND given_up_ms IS NULL), "
                             "count(*) FILTER (WHERE given_up_ms IS NOT NULL), "
                             "count(*) FILTER (WHERE delivered_ms IS NOT NULL) FROM notification"));
      return Counts{static_cast<std::size_t>(rows.integer(0, 0)),
                    static_cast<std::size_t>(rows.integer(0, 1)),
                    static_cast<std::size_t>(rows.integer(0, 2))};
    });
  }

 private:
  ReaderPool& pool_;
};

}  // namespace

std::unique_ptr<Outbox> make_outbox(ReaderPool& primary) { return std::make_unique<PostgresOutbox>(primary); }

std::unique_ptr<outbox_rows::UnitWriter> make_outbox_writer(Connection& conn) {
  return std::make_unique<PostgresOutboxWriter>(conn);
}

}  // namespace ssad::store::postgres
