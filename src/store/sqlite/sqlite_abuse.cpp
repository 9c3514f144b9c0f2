#include "store/sqlite/sqlite_abuse.hpp"

#include <string>
#include <variant>
#include <vector>

#include "store/row_reading.hpp"

namespace ssad::store::sqlite {
namespace {

using namespace abuse_rows;  // NOLINT(google-build-using-namespace): the shared columns and messages

UsageRow read_usage_row(const Statement& s) { return read_usage(s, s.blob(11)); }

Result<std::vector<UsageRow>> usage_rows(Statement& stmt) {
  return all_rows(stmt, [](const Statement& s) -> Result<UsageRow> { return read_usage_row(s); });
}

// The case with `id` on `c`, or nullopt.
Result<std::optional<AbuseCase>> case_on(Connection& c, const std::string& id) {
  SSAD_TRY(stmt, c.statement("SELECT " SSAD_CASE_COLUMNS " FROM abuse_cases WHERE id = ?"));
  stmt->bind(1, id);
  SSAD_TRY(row, stmt->step());
  if (!row) return std::optional<AbuseCase>();
  SSAD_TRY(found, read_case(*stmt));
  stmt->reset();
  return std::optional<AbuseCase>(std::move(found));
}

// `sql` prepared on `c` with its parameters bound (bound text is not copied: `sql` must outlive the run).
Result<Statement*> bound(Connection& c, const request_rows::Sql& sql) {
  SSAD_TRY(stmt, c.built_statement(sql.text));
  for (std::size_t i = 0; i < sql.params.size(); ++i) {
    const int index = static_cast<int>(i) + 1;
    if (const auto* text = std::get_if<std::string>(&sql.params[i])) {
      stmt->bind(index, std::string_view(*text));
    } else {
      stmt->bind(index, std::get<std::int64_t>(sql.params[i]));
    }
  }
  return stmt;
}

class SqliteAbuseReader final : public AbuseReader {
 public:
  explicit SqliteAbuseReader(ReaderPool& pool) : pool_(pool) {}

  Result<std::vector<UsageRow>> usage_updated_since(Timestamp since, const std::string& except_node,
                                                    std::size_t limit) override {
    return pool_.with_connection([&](Connection& c) -> Result<std::vector<UsageRow>> {
      SSAD_TRY(stmt, c.statement("SELECT " SSAD_USAGE_COLUMNS
                                 " FROM usage_windows WHERE updated_ms >= ? AND node <> ? "
                                 "ORDER BY updated_ms, user_id, node, hour_ms LIMIT ?"));
      stmt->bind(1, to_unix_ms(since)).bind(2, except_node).bind(3, rows::limit_of(Page{"", limit}));
      return usage_rows(*stmt);
    });
  }

  Result<std::vector<UsageRow>> usage_updated_after(const UsageRow& last, const std::string& except_node,
                                                    std::size_t limit) override {
    return pool_.with_connection([&](Connection& c) -> Result<std::vector<UsageRow>> {
      SSAD_TRY(stmt,
               c.statement("SELECT " SSAD_USAGE_COLUMNS
                           " FROM usage_windows WHERE (updated_ms, user_id, node, hour_ms) > (?, ?, ?, ?) "
                           "AND node <> ? ORDER BY updated_ms, user_id, node, hour_ms LIMIT ?"));
      stmt->bind(1, to_unix_ms(last.updated)).bind(2, last.user_id).bind(3, last.node);
      stmt->bind(4, to_unix_ms(last.hour)).bind(5, except_node).bind(6, rows::limit_of(Page{"", limit}));
      return usage_rows(*stmt);
    });
  }

  // The group is that of the user's latest row in the span: the latest hour, then the latest write.
  Result<std::vector<UsageVolume>> usage_volumes(Timestamp from, Timestamp until) override {
    return pool_.with_connection([&](Connection& c) -> Result<std::vector<UsageVolume>> {
      SSAD_TRY(stmt, c.statement(
                         "SELECT u.user_id, sum(u.lookups + u.filings), count(DISTINCT u.hour_ms), "
                         "(SELECT l.user_group FROM usage_windows l WHERE l.user_id = u.user_id AND "
                         "l.hour_ms >= ?1 AND l.hour_ms < ?2 ORDER BY l.hour_ms DESC, l.updated_ms DESC, "
                         "l.node DESC LIMIT 1) FROM usage_windows u WHERE u.hour_ms >= ?1 AND u.hour_ms < ?2 "
                         "GROUP BY u.user_id ORDER BY u.user_id"));
      stmt->bind(1, to_unix_ms(from)).bind(2, to_unix_ms(until));
      return all_rows(*stmt, [](const Statement& s) -> Result<UsageVolume> {
        return UsageVolume{std::string(s.text(0)), std::string(s.text(3)),
                           static_cast<std::uint64_t>(s.integer(1)),
                           static_cast<std::uint64_t>(s.integer(2))};
      });
    });
  }

  Result<AbuseCase> abuse_case(const std::string& id) override {
    return pool_.with_connection([&](Connection& c) -> Result<AbuseCase> {
      SSAD_TRY(found, case_on(c, id));
      if (!found) return std::unexpected(not_found(id));
      return std::move(*found);
    });
  }

  Result<std::vector<AbuseCase>> cases(const CaseFilter& filter, const Page& page) override {
    const request_rows::Sql sql = cases_sql(filter, page, request_rows::Dialect::sqlite);
    return pool_.with_connection([&](Connection& c) -> Result<std::vector<AbuseCase>> {
      SSAD_TRY(stmt, bound(c, sql));
      SSAD_TRY(out, all_rows(*stmt, [](const Statement& s) { return read_case(s); }));
      if (out.empty() && !page.after.empty()) {
        SSAD_TRY(cursor, case_on(c, page.after));
        if (!cursor) return std::unexpected(unknown_cursor(page.after));
      }
      return out;
    });
  }

 private:
  ReaderPool& pool_;
};

// Statements that could fail on a row (a taken id) skip it instead, and the cause is looked up: the unit
// of work goes on as it would on PostgreSQL, where a failed statement would end the transaction.
class SqliteAbuseWriter final : public UnitWriter {
 public:
  explicit SqliteAbuseWriter(Connection& conn) : conn_(&conn) {}

  Result<void> put_usage(const std::vector<UsageRow>& rows) override {
    SSAD_CHECK(writing());
    SSAD_CHECK(check_usage(rows));
    SSAD_TRY(stmt,
             conn_->statement(
                 "INSERT INTO usage_windows (" SSAD_USAGE_COLUMNS
                 ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (user_id, node, hour_ms) DO "
                 "UPDATE SET org_id = excluded.org_id, user_group = excluded.user_group, "
                 "lookups = excluded.lookups, not_found = excluded.not_found, filings = excluded.filings, "
                 "malformed = excluded.malformed, duplicates = excluded.duplicates, "
                 "purpose_refusals = excluded.purpose_refusals, sketch = excluded.sketch, "
                 "updated_ms = excluded.updated_ms"));
    for (const UsageRow& u : rows) {
      stmt->bind(1, u.user_id).bind(2, u.org_id).bind(3, u.group).bind(4, u.node).bind(5, to_unix_ms(u.hour));
      stmt->bind(6, as_count(u.lookups)).bind(7, as_count(u.not_found)).bind(8, as_count(u.filings));
      stmt->bind(9, as_count(u.malformed))
          .bind(10, as_count(u.duplicates))
          .bind(11, as_count(u.purpose_refusals));
      stmt->bind_blob(12, u.sketch).bind(13, to_unix_ms(u.updated));
      SSAD_CHECK(stmt->run());
      stmt->reset();
    }
    return {};
  }

  Result<std::size_t> prune_usage(Timestamp before) override {
    SSAD_CHECK(writing());
    SSAD_TRY(stmt, conn_->statement("DELETE FROM usage_windows WHERE hour_ms < ?"));
    stmt->bind(1, to_unix_ms(before));
    SSAD_CHECK(stmt->run());
    return static_cast<std::size_t>(conn_->db().changes());
  }

  // Skipped when the id or an open case's dedupe key is taken: a taken id is a conflict, a taken key is
  // the answer (false).
  Result<bool> open_case(const AbuseCase& c) override {
    SSAD_CHECK(writing());
    SSAD_CHECK(check_opened(c));
    SSAD_TRY(stmt, conn_->statement("INSERT INTO abuse_cases (" SSAD_CASE_COLUMNS
                                    ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
                                    "ON CONFLICT DO NOTHING"));
    stmt->bind(1, c.id).bind(2, c.dedupe_key).bind(3, to_unix_ms(c.opened)).bind(4, c.detector);
    stmt->bind(5, to_string(c.action)).bind(6, c.user_id).bind(7, c.org_id).bind(8, c.credential_id);
    stmt->bind(9, c.accreditation_id).bind(10, c.summary).bind(11, c.evidence).bind(12, to_string(c.state));
    stmt->bind(13, rows::ms(c.until))
        .bind(14, rows::ms(c.closed))
        .bind(15, c.closed_by)
        .bind(16, c.close_reason);
    SSAD_CHECK(stmt->run());
    if (conn_->db().changes() != 0) return true;
    SSAD_TRY(taken, case_on(*conn_, c.id));
    if (taken) return std::unexpected(exists_already(c.id));
    return false;
  }

  Result<void> close_case(const std::string& id, CaseState state, Timestamp when, const std::string& by,
                          const std::string& reason) override {
    SSAD_CHECK(writing());
    SSAD_CHECK(check_closing(id, state));
    SSAD_TRY(stmt, conn_->statement("UPDATE abuse_cases SET state = ?, closed_ms = ?, closed_by = ?, "
                                    "close_reason = ? WHERE id = ? AND state = 'open'"));
    stmt->bind(1, to_string(state)).bind(2, to_unix_ms(when)).bind(3, by).bind(4, reason).bind(5, id);
    SSAD_CHECK(stmt->run());
    if (conn_->db().changes() != 0) return {};
    SSAD_TRY(stored, case_on(*conn_, id));
    if (!stored) return std::unexpected(not_found(id));
    return std::unexpected(not_open(id, to_string(stored->state)));
  }

 private:
  Connection* conn_;
};

}  // namespace

std::unique_ptr<AbuseReader> make_abuse_reader(ReaderPool& pool) {
  return std::make_unique<SqliteAbuseReader>(pool);
}

std::unique_ptr<UnitWriter> make_abuse_writer(Connection& conn) {
  return std::make_unique<SqliteAbuseWriter>(conn);
}

}  // namespace ssad::store::sqlite
