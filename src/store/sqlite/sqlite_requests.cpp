#include "store/sqlite/sqlite_requests.hpp"

#include <string>
#include <variant>
#include <vector>

#include "store/request_document.hpp"

namespace ssad::store::sqlite {
namespace {

using namespace request_rows;  // NOLINT(google-build-using-namespace): the shared columns and messages

constexpr const char* kRequestSql = "SELECT " SSAD_REQUEST_COLUMNS " FROM disclosure_request WHERE id = ?";

Result<model::DisclosureRequest> read_request(const Statement& s) {
  return from_row(s.text(0), s.text(1), s.integer(2));
}

// The request with `id` on `c`; not_found when there is none.
Result<model::DisclosureRequest> request_on(Connection& c, const std::string& id) {
  SSAD_TRY(stmt, c.statement(kRequestSql));
  stmt->bind(1, id);
  SSAD_TRY(row, stmt->step());
  if (!row) return std::unexpected(not_found(id));
  return read_request(*stmt);
}

// `sql` prepared on `c` with its parameters bound (bound text is not copied: `sql` must outlive the run).
Result<Statement*> bound(Connection& c, const Sql& sql) {
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

class SqliteRequestReader final : public RequestReader {
 public:
  explicit SqliteRequestReader(ReaderPool& pool) : pool_(pool) {}

  Result<model::DisclosureRequest> request(const std::string& id) override {
    return pool_.with_connection([&](Connection& c) { return request_on(c, id); });
  }

  Result<std::vector<model::DisclosureRequest>> requests(const RequestFilter& filter,
                                                         const Page& page) override {
    SSAD_TRY(sql, page_sql(filter, page, Dialect::sqlite));
    return pool_.with_connection([&](Connection& c) -> Result<std::vector<model::DisclosureRequest>> {
      SSAD_TRY(stmt, bound(c, sql));
      std::vector<model::DisclosureRequest> out;
      for (;;) {
        SSAD_TRY(more, stmt->step());
        if (!more) return out;
        SSAD_TRY(request, read_request(*stmt));
        out.push_back(std::move(request));
      }
    });
  }

  Result<std::size_t> count(const RequestFilter& filter) override {
    const Sql sql = count_sql(filter, Dialect::sqlite);
    return pool_.with_connection([&](Connection& c) -> Result<std::size_t> {
      SSAD_TRY(stmt, bound(c, sql));
      SSAD_TRY(row, stmt->step());
      return row ? static_cast<std::size_t>(stmt->integer(0)) : 0;
    });
  }

  // Page by page, each on a connection borrowed for that page only.
  Result<void> for_each(const RequestFilter& filter,
                        const std::function<bool(const model::DisclosureRequest&)>& visit) override {
    return for_each_page(filter, visit, [&](const Page& page) { return requests(filter, page); });
  }

  Result<model::Attachment> attachment(const std::string& request_id, std::size_t index) override {
    return pool_.with_connection([&](Connection& c) -> Result<model::Attachment> {
      SSAD_TRY(stmt, c.statement("SELECT media_type, bytes FROM request_attachment WHERE request_id = ? AND "
                                 "item = ?"));
      stmt->bind(1, request_id).bind(2, static_cast<std::int64_t>(index));
      SSAD_TRY(row, stmt->step());
      if (!row) return std::unexpected(no_attachment(request_id, index));
      return model::Attachment{std::string(stmt->text(0)), std::string(stmt->blob(1))};
    });
  }

 private:
  ReaderPool& pool_;
};

// Statements that could fail on a row (a taken id) skip it instead, and the cause is looked up: the unit
// of work goes on as it would on PostgreSQL, where a failed statement would end the transaction.
class SqliteRequestWriter final : public UnitWriter {
 public:
  explicit SqliteRequestWriter(Connection& conn) : conn_(&conn) {}

  Result<void> add_request(const model::DisclosureRequest& request,
                           const std::vector<std::optional<model::Attachment>>& attachments) override {
    SSAD_CHECK(writing());
    SSAD_CHECK(check_new(request, attachments));
    model::DisclosureRequest stored = request;
    stored.version = 1;
    const std::string document = request_document::encode(stored);  // bound text must outlive the run
    SSAD_TRY(stmt, conn_->statement(
                       "INSERT INTO disclosure_request (id, org_id, user_id, reviewer_id, status, domain, "
                       "purpose, priority, created_ms, deadline_ms, retention_overdue_from_ms, version, "
                       "document) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1, ?) ON CONFLICT DO NOTHING"));
    bind_columns(*stmt, stored);
    stmt->bind(12, document);
    SSAD_CHECK(stmt->run());
    if (conn_->db().changes() == 0) return std::unexpected(exists_already(request.id));
    SSAD_TRY(insert,
             conn_->statement(
                 "INSERT INTO request_attachment (request_id, item, media_type, bytes) VALUES (?, ?, ?, ?)"));
    for (std::size_t i = 0; i < attachments.size(); ++i) {
      const auto& attachment = attachments[i];
      if (!attachment) continue;
      insert->bind(1, request.id).bind(2, static_cast<std::int64_t>(i)).bind(3, attachment->media_type);
      insert->bind_blob(4, attachment->bytes);
      SSAD_CHECK(insert->run());
      insert->reset();
    }
    return {};
  }

  Result<model::DisclosureRequest> request_for_update(const std::string& id) override {
    SSAD_CHECK(writing());
    return request_on(*conn_, id);
  }

  Result<void> save_request(const model::DisclosureRequest& request) override {
    SSAD_CHECK(writing());
    model::DisclosureRequest stored = request;
    ++stored.version;
    const std::string document = request_document::encode(stored);
    SSAD_TRY(stmt,
             conn_->statement(
                 "UPDATE disclosure_request SET org_id = ?2, user_id = ?3, reviewer_id = ?4, status = ?5, "
                 "domain = ?6, purpose = ?7, priority = ?8, created_ms = ?9, deadline_ms = ?10, "
                 "retention_overdue_from_ms = ?11, document = ?12, version = version + 1 "
                 "WHERE id = ?1 AND version = ?13"));
    bind_columns(*stmt, stored);
    stmt->bind(12, document).bind(13, static_cast<std::int64_t>(request.version));
    SSAD_CHECK(stmt->run());
    if (conn_->db().changes() != 0) return {};
    SSAD_TRY(exists, request_exists(request.id));
    if (exists) return std::unexpected(saved_since(request.id, request.version));
    return std::unexpected(not_found(request.id));
  }

 private:
  // Parameters 1 to 11: the id and the columns derived from the request.
  static void bind_columns(Statement& stmt, const model::DisclosureRequest& r) {
    stmt.bind(1, r.id).bind(2, r.org_id).bind(3, r.user_id).bind(4, r.reviewer_id);
    stmt.bind(5, model::to_string(r.status)).bind(6, r.domain).bind(7, r.purpose).bind(8, r.priority);
    stmt.bind(9, to_unix_ms(r.created)).bind(10, deadline_ms(r)).bind(11, retention_overdue_from_ms(r));
  }

  Result<bool> request_exists(const std::string& id) {
    SSAD_TRY(stmt, conn_->statement("SELECT EXISTS (SELECT 1 FROM disclosure_request WHERE id = ?)"));
    stmt->bind(1, id);
    SSAD_TRY(row, stmt->step());
    const bool found = row && stmt->integer(0) != 0;
    stmt->reset();
    return found;
  }

  Connection* conn_;
};

}  // namespace

std::unique_ptr<RequestReader> make_request_reader(ReaderPool& pool) {
  return std::make_unique<SqliteRequestReader>(pool);
}

std::unique_ptr<UnitWriter> make_request_writer(Connection& conn) {
  return std::make_unique<SqliteRequestWriter>(conn);
}

}  // namespace ssad::store::sqlite
