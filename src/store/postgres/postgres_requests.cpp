#include "store/postgres/postgres_requests.hpp"

#include <string>
#include <variant>
#include <vector>

#include "store/postgres/postgres_audit_log.hpp"
#include "store/request_document.hpp"

namespace ssad::store::postgres {
namespace {

using namespace request_rows;  // NOLINT(google-build-using-namespace): the shared columns and messages

Result<model::DisclosureRequest> read_request(const Rows& rows, int row) {
  return from_row(rows.text(row, 0), rows.text(row, 1), rows.integer(row, 2));
}

// The one request `sql` finds for `id`; not_found when none.
Result<model::DisclosureRequest> one(Connection& c, const char* sql, const std::string& id) {
  SSAD_TRY(rows, c.query(sql, {id}));
  if (rows.empty()) return std::unexpected(not_found(id));
  return read_request(rows, 0);
}

Result<Rows> run(Connection& c, const Sql& sql) {
  std::vector<Param> params;
  params.reserve(sql.params.size());
  for (const Value& value : sql.params) {
    if (const auto* text = std::get_if<std::string>(&value)) {
      params.emplace_back(*text);
    } else {
      params.emplace_back(std::get<std::int64_t>(value));
    }
  }
  return c.query_built(sql.text, params);
}

class PostgresRequestReader final : public RequestReader {
 public:
  explicit PostgresRequestReader(ReaderPool& pool) : pool_(pool) {}

  Result<model::DisclosureRequest> request(const std::string& id) override {
    return pool_.with_connection([&](Connection& c) {
      return one(c, "SELECT " SSAD_REQUEST_COLUMNS " FROM disclosure_request WHERE id = $1", id);
    });
  }

  Result<std::vector<model::DisclosureRequest>> requests(const RequestFilter& filter,
                                                         const Page& page) override {
    SSAD_TRY(sql, page_sql(filter, page, Dialect::postgres));
    SSAD_TRY(rows, pool_.with_connection([&](Connection& c) { return run(c, sql); }));
    std::vector<model::DisclosureRequest> out;
    out.reserve(static_cast<std::size_t>(rows.size()));
    for (int i = 0; i < rows.size(); ++i) {
      SSAD_TRY(request, read_request(rows, i));
      out.push_back(std::move(request));
    }
    return out;
  }

  Result<std::size_t> count(const RequestFilter& filter) override {
    const Sql sql = count_sql(filter, Dialect::postgres);
    SSAD_TRY(rows, pool_.with_connection([&](Connection& c) { return run(c, sql); }));
    return static_cast<std::size_t>(rows.integer(0, 0));
  }

  Result<void> for_each(const RequestFilter& filter,
                        const std::function<bool(const model::DisclosureRequest&)>& visit) override {
    return for_each_page(filter, visit, [&](const Page& page) { return requests(filter, page); });
  }

  Result<model::Attachment> attachment(const std::string& request_id, std::size_t index) override {
    SSAD_TRY(rows, pool_.with_connection([&](Connection& c) {
      return c.query("SELECT media_type, bytes FROM request_attachment WHERE request_id = $1 AND item = $2",
                     {request_id, static_cast<std::int64_t>(index)});
    }));
    if (rows.empty()) return std::unexpected(no_attachment(request_id, index));
    auto bytes = bytea_of(rows.text(0, 1));
    if (!bytes) {
      return fail(ErrorCode::internal, "request '" + request_id + "': attachment " + std::to_string(index) +
                                           " does not read back");
    }
    return model::Attachment{std::string(rows.text(0, 0)), std::move(*bytes)};
  }

 private:
  ReaderPool& pool_;
};

// Statements that could fail on a row (a taken id) skip it instead, and the cause is looked up: a failed
// statement would end the unit of work's transaction (its COMMIT would roll everything back). A taken id
// waits for the unit of work that holds it: ON CONFLICT DO NOTHING skips the row once that one commits.
// A save waits for a unit of work that locked or changed the row; it then finds the version that one left.
class PostgresRequestWriter final : public UnitWriter {
 public:
  explicit PostgresRequestWriter(Connection& conn) : conn_(conn) {}

  Result<void> add_request(const model::DisclosureRequest& request,
                           const std::vector<std::optional<model::Attachment>>& attachments) override {
    SSAD_CHECK(writing());
    SSAD_CHECK(check_new(request, attachments));
    model::DisclosureRequest stored = request;
    stored.version = 1;
    std::vector<Param> params = columns(stored);
    params.emplace_back(request_document::encode(stored));
    SSAD_TRY(inserted,
             conn_.query("INSERT INTO disclosure_request (id, org_id, user_id, reviewer_id, status, domain, "
                         "purpose, priority, created_ms, deadline_ms, retention_overdue_from_ms, version, "
                         "document) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, 1, $12) "
                         "ON CONFLICT DO NOTHING",
                         params));
    if (inserted.affected() == 0) return std::unexpected(exists_already(request.id));
    for (std::size_t i = 0; i < attachments.size(); ++i) {
      const auto& attachment = attachments[i];
      if (!attachment) continue;
      SSAD_CHECK(conn_.query(
          "INSERT INTO request_attachment (request_id, item, media_type, bytes) VALUES ($1, $2, $3, $4)",
          {request.id, static_cast<std::int64_t>(i), attachment->media_type,
           bytea_param(attachment->bytes)}));
    }
    return {};
  }

  Result<model::DisclosureRequest> request_for_update(const std::string& id) override {
    SSAD_CHECK(writing());
    return one(conn_, "SELECT " SSAD_REQUEST_COLUMNS " FROM disclosure_request WHERE id = $1 FOR UPDATE", id);
  }

  Result<void> save_request(const model::DisclosureRequest& request) override {
    SSAD_CHECK(writing());
    model::DisclosureRequest stored = request;
    ++stored.version;
    std::vector<Param> params = columns(stored);
    params.emplace_back(request_document::encode(stored));
    params.emplace_back(static_cast<std::int64_t>(request.version));
    SSAD_TRY(updated,
             conn_.query("UPDATE disclosure_request SET org_id = $2, user_id = $3, reviewer_id = $4, "
                         "status = $5, domain = $6, purpose = $7, priority = $8, created_ms = $9, "
                         "deadline_ms = $10, retention_overdue_from_ms = $11, document = $12, "
                         "version = version + 1 WHERE id = $1 AND version = $13",
                         params));
    if (updated.affected() != 0) return {};
    SSAD_TRY(exists,
             conn_.query("SELECT EXISTS (SELECT 1 FROM disclosure_request WHERE id = $1)", {request.id}));
    if (!exists.empty() && exists.boolean(0, 0))
      return std::unexpected(saved_since(request.id, request.version));
    return std::unexpected(not_found(request.id));
  }

 private:
  // Parameters $1 to $11: the id and the columns derived from the request.
  static std::vector<Param> columns(const model::DisclosureRequest& r) {
    std::vector<Param> params;
    params.reserve(13);
    params.emplace_back(r.id);
    params.emplace_back(r.org_id);
    params.emplace_back(r.user_id);
    params.emplace_back(r.reviewer_id);
    params.emplace_back(std::string(model::to_string(r.status)));
    params.emplace_back(r.domain);
    params.emplace_back(r.purpose);
    params.emplace_back(r.priority);
    params.emplace_back(to_unix_ms(r.created));
    params.emplace_back(deadline_ms(r));
    params.emplace_back(retention_overdue_from_ms(r));
    return params;
  }

  Connection& conn_;
};

}  // namespace

std::unique_ptr<RequestReader> make_request_reader(ReaderPool& pool) {
  return std::make_unique<PostgresRequestReader>(pool);
}

std::unique_ptr<UnitWriter> make_request_writer(Connection& conn) {
  return std::make_unique<PostgresRequestWriter>(conn);
}

}  // namespace ssad::store::postgres
