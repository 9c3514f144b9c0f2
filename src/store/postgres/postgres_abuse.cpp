#include "store/postgres/postgres_abuse.hpp"

#include <string>
#include <variant>
#include <vector>

#include "store/postgres/postgres_audit_log.hpp"
#include "store/row_reading.hpp"

namespace ssad::store::postgres {
namespace {

using namespace abuse_rows;  // NOLINT(google-build-using-namespace): the shared columns and messages

Result<std::vector<UsageRow>> usage_rows(const Rows& rows) {
  std::vector<UsageRow> out;
  out.reserve(static_cast<std::size_t>(rows.size()));
  for (int i = 0; i < rows.size(); ++i) {
    const Row row{rows, i};
    auto sketch = bytea_of(row.text(11));
    if (!sketch) {
      return fail(ErrorCode::internal, "usage row of user '" + std::string(row.text(0)) +
                                           "': the stored sketch does not read back");
    }
    out.push_back(read_usage(row, *sketch));
  }
  return out;
}

Result<std::vector<AbuseCase>> cases_of(const Rows& rows) {
  std::vector<AbuseCase> out;
  out.reserve(static_cast<std::size_t>(rows.size()));
  for (int i = 0; i < rows.size(); ++i) {
    SSAD_TRY(c, read_case(Row{rows, i}));
    out.push_back(std::move(c));
  }
  return out;
}

Result<Rows> run(Connection& c, const request_rows::Sql& sql) {
  std::vector<Param> params;
  params.reserve(sql.params.size());
  for (const request_rows::Value& value : sql.params) {
    if (const auto* text = std::get_if<std::string>(&value)) {
      params.emplace_back(*text);
    } else {
      params.emplace_back(std::get<std::int64_t>(value));
    }
  }
  return c.query_built(sql.text, params);
}

constexpr const char* kCaseSql = "SELECT " SSAD_CASE_COLUMNS " FROM abuse_cases WHERE id = $1";

class PostgresAbuseReader final : public AbuseReader {
 public:
  explicit PostgresAbuseReader(ReaderPool& pool) : pool_(pool) {}

  Result<std::vector<UsageRow>> usage_updated_since(Timestamp since, const std::string& except_node,
                                                    std::size_t limit) override {
    SSAD_TRY(rows, pool_.with_connection([&](Connection& c) {
      return c.query("SELECT " SSAD_USAGE_COLUMNS
                     " FROM usage_windows WHERE updated_ms >= $1 AND node <> $2 "
                     "ORDER BY updated_ms, user_id, node, hour_ms LIMIT $3",
                     {to_unix_ms(since), except_node, rows::limit_of(Page{"", limit})});
    }));
    return usage_rows(rows);
  }

  Result<std::vector<UsageRow>> usage_updated_after(const UsageRow& last, const std::string& except_node,
                                                    std::size_t limit) override {
    SSAD_TRY(rows, pool_.with_connection([&](Connection& c) {
      return c.query("SELECT " SSAD_USAGE_COLUMNS
                     " FROM usage_windows WHERE (updated_ms, user_id, node, hour_ms) > "
                     "($1::bigint, $2::text, $3::text, $4::bigint) AND node <> $5 "
                     "ORDER BY updated_ms, user_id, node, hour_ms LIMIT $6",
                     {to_unix_ms(last.updated), last.user_id, last.node, to_unix_ms(last.hour), except_node,
                      rows::limit_of(Page{"", limit})});
    }));
    return usage_rows(rows);
  }

  // The group is that of the user's latest row in the span: the latest hour, then the latest write. One
  // pass over the span's rows: a subquery per user (as on SQLite) got a plan that scanned the span's hours
  // once per user, 2.5 s for 10,000 users where this takes tens of ms.
  Result<std::vector<UsageVolume>> usage_volumes(Timestamp from, Timestamp until) override {
    SSAD_TRY(rows, pool_.with_connection([&](Connection& c) {
      return c.query(
          "SELECT user_id, sum(lookups + filings), count(DISTINCT hour_ms), "
          "(array_agg(user_group ORDER BY hour_ms DESC, updated_ms DESC, node DESC))[1] "
          "FROM usage_windows WHERE hour_ms >= $1 AND hour_ms < $2 GROUP BY user_id ORDER BY user_id",
          {to_unix_ms(from), to_unix_ms(until)});
    }));
    std::vector<UsageVolume> out;
    out.reserve(static_cast<std::size_t>(rows.size()));
    for (int i = 0; i < rows.size(); ++i) {
      out.push_back(UsageVolume{std::string(rows.text(i, 0)), std::string(rows.text(i, 3)),
                                static_cast<std::uint64_t>(rows.integer(i, 1)),
                                static_cast<std::uint64_t>(rows.integer(i, 2))});
    }
    return out;
  }

  Result<AbuseCase> abuse_case(const std::string& id) override {
    SSAD_TRY(rows, pool_.with_connection([&](Connection& c) { return c.query(kCaseSql, {id}); }));
    if (rows.empty()) return std::unexpected(not_found(id));
    return read_case(Row{rows, 0});
  }

  Result<std::vector<AbuseCase>> cases(const CaseFilter& filter, const Page& page) override {
    const request_rows::Sql sql = cases_sql(filter, page, request_rows::Dialect::postgres);
    return pool_.with_connection([&](Connection& c) -> Result<std::vector<AbuseCase>> {
      SSAD_TRY(rows, run(c, sql));
      SSAD_TRY(out, cases_of(rows));
      if (out.empty() && !page.after.empty()) {
        SSAD_TRY(cursor, c.query("SELECT 1 FROM abuse_cases WHERE id = $1", {page.after}));
        if (cursor.empty()) return std::unexpected(unknown_cursor(page.after));
      }
      return out;
    });
  }

 private:
  ReaderPool& pool_;
};

// Appends `value` to a PostgreSQL array literal being built ("{" first), quoted and escaped.
void add_element(std::string& array, std::string_view value) {
  if (array.size() > 1) array += ',';
  array += '"';
  for (const char c : value) {
    if (c == '"' || c == '\\') array += '\\';
    array += c;
  }
  array += '"';
}

// Statements that could fail on a row (a taken id) skip it instead, and the cause is looked up: a failed
// statement would end the unit of work's transaction (its COMMIT would roll everything back).
//
// An open case's dedupe key that another unit of work (on any node) has inserted and not yet committed
// waits for it at the partial unique index: ON CONFLICT DO NOTHING then skips the row once that one
// commits, and inserts it when it rolls back, so that two nodes seeing the same evidence open one case.
class PostgresAbuseWriter final : public UnitWriter {
 public:
  explicit PostgresAbuseWriter(Connection& conn) : conn_(conn) {}

  // Rows go in batches, each one statement from arrays (one round trip per batch): a node writes the rows
  // of every requestor it served every few seconds. A statement may not change one row twice, so only the
  // last of rows with one key is sent.
  Result<void> put_usage(const std::vector<UsageRow>& rows) override {
    SSAD_CHECK(writing());
    SSAD_CHECK(check_usage(rows));
    const std::vector<const UsageRow*> latest = latest_of_each(rows);
    for (std::size_t start = 0; start < latest.size(); start += kBatch) {
      std::vector<std::string> columns(13, "{");
      for (std::size_t i = start; i < std::min(latest.size(), start + kBatch); ++i) {
        const UsageRow& u = *latest[i];
        add_element(columns[0], u.user_id);
        add_element(columns[1], u.org_id);
        add_element(columns[2], u.group);
        add_element(columns[3], u.node);
        add_element(columns[4], std::to_string(to_unix_ms(u.hour)));
        add_element(columns[5], std::to_string(as_count(u.lookups)));
        add_element(columns[6], std::to_string(as_count(u.not_found)));
        add_element(columns[7], std::to_string(as_count(u.filings)));
        add_element(columns[8], std::to_string(as_count(u.malformed)));
        add_element(columns[9], std::to_string(as_count(u.duplicates)));
        add_element(columns[10], std::to_string(as_count(u.purpose_refusals)));
        add_element(columns[11], bytea_param(u.sketch));
        add_element(columns[12], std::to_string(to_unix_ms(u.updated)));
      }
      for (auto& column : columns) column += '}';
      SSAD_CHECK(conn_.query(
          "INSERT INTO usage_windows (" SSAD_USAGE_COLUMNS
          ") SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::bigint[], "
          "$6::bigint[], "
          "$7::bigint[], $8::bigint[], $9::bigint[], $10::bigint[], $11::bigint[], $12::bytea[], "
          "$13::bigint[]) "
          "ON CONFLICT (user_id, node, hour_ms) DO UPDATE SET org_id = excluded.org_id, "
          "user_group = excluded.user_group, lookups = excluded.lookups, not_found = excluded.not_found, "
          "filings = excluded.filings, malformed = excluded.malformed, duplicates = excluded.duplicates, "
          "purpose_refusals = excluded.purpose_refusals, sketch = excluded.sketch, "
          "updated_ms = excluded.updated_ms",
          {columns[0], columns[1], columns[2], columns[3], columns[4], columns[5], columns[6], columns[7],
           columns[8], columns[9], columns[10], columns[11], columns[12]}));
    }
    return {};
  }

  Result<std::size_t> prune_usage(Timestamp before) override {
    SSAD_CHECK(writing());
    SSAD_TRY(deleted, conn_.query("DELETE FROM usage_windows WHERE hour_ms < $1", {to_unix_ms(before)}));
    return static_cast<std::size_t>(deleted.affected());
  }

  Result<bool> open_case(const AbuseCase& c) override {
    SSAD_CHECK(writing());
    SSAD_CHECK(check_opened(c));
    SSAD_TRY(
        inserted,
        conn_.query("INSERT INTO abuse_cases (" SSAD_CASE_COLUMNS
                    ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, "
                    "$16) ON CONFLICT DO NOTHING",
                    {c.id, c.dedupe_key, to_unix_ms(c.opened), c.detector, to_string(c.action), c.user_id,
                     c.org_id, c.credential_id, c.accreditation_id, c.summary, c.evidence, to_string(c.state),
                     rows::ms(c.until), rows::ms(c.closed), c.closed_by, c.close_reason}));
    if (inserted.affected() != 0) return true;
    // Skipped: a taken id is a conflict; else an open case has the key.
    SSAD_TRY(taken, conn_.query("SELECT 1 FROM abuse_cases WHERE id = $1", {c.id}));
    if (!taken.empty()) return std::unexpected(exists_already(c.id));
    return false;
  }

  // An update waits for another unit of work that changed the row, then finds the state that one left.
  Result<void> close_case(const std::string& id, CaseState state, Timestamp when, const std::string& by,
                          const std::string& reason) override {
    SSAD_CHECK(writing());
    SSAD_CHECK(check_closing(id, state));
    SSAD_TRY(updated, conn_.query("UPDATE abuse_cases SET state = $2, closed_ms = $3, closed_by = $4, "
                                  "close_reason = $5 WHERE id = $1 AND state = 'open'",
                                  {id, to_string(state), to_unix_ms(when), by, reason}));
    if (updated.affected() != 0) return {};
    SSAD_TRY(stored, conn_.query("SELECT state FROM abuse_cases WHERE id = $1", {id}));
    if (stored.empty()) return std::unexpected(not_found(id));
    return std::unexpected(not_open(id, stored.text(0, 0)));
  }

 private:
  static constexpr std::size_t kBatch = 500;  // rows per statement: a few MiB at most with full sketches
  Connection& conn_;
};

}  // namespace

std::unique_ptr<AbuseReader> make_abuse_reader(ReaderPool& pool) {
  return std::make_unique<PostgresAbuseReader>(pool);
}

std::unique_ptr<UnitWriter> make_abuse_writer(Connection& conn) {
  return std::make_unique<PostgresAbuseWriter>(conn);
}

}  // namespace ssad::store::postgres
