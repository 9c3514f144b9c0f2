#pragma once
// What both backends share to keep disclosure requests (store/request_store.hpp): the columns derived from
// a request for lists to filter and sort on, the check of a new request's attachments, cursors, the SQL
// of a list or a count for a filter (in either backend's placeholders), reading a whole filter's requests
// page by page, the errors' messages, and the base of a unit of work's writer. The request itself is
// stored as one document (store/request_document.hpp). Internal to store/ backends.
//
// The tables (schema/sqlite/0007_requests.sql, schema/postgres/0005_requests.sql):
//   disclosure_request (id, org_id, user_id, reviewer_id, status, domain, purpose, priority, created_ms,
//                       deadline_ms, retention_overdue_from_ms, version, document)
//   request_attachment (request_id, item, media_type, bytes)

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "core/error.hpp"
#include "model/disclosure_request.hpp"
#include "store/page.hpp"
#include "store/request_store.hpp"
#include "store/row_reading.hpp"

namespace ssad::store::request_rows {

// The columns a read of whole requests selects, in this order: the id (for messages), the document and
// the stored version (which wins over the document's own: a save increments it in SQL).
#define SSAD_REQUEST_COLUMNS "id, document, version"

/// The deadline column: the decision clock's deadline, NULL when there is none.
[[nodiscard]] std::optional<std::int64_t> deadline_ms(const model::DisclosureRequest& request);
/// The column that finds overdue retention: when the disclosed fields are due for destruction, while some
/// field is disclosed and the requestor has not confirmed the destruction; else NULL.
[[nodiscard]] std::optional<std::int64_t> retention_overdue_from_ms(const model::DisclosureRequest& request);

/// A new request's version (0) and attachments (one entry per evidence item, present exactly for the items
/// that name a media type, of that type and of the size the item gives). Errors: invalid_input.
[[nodiscard]] Result<void> check_new(const model::DisclosureRequest& request,
                                     const std::vector<std::optional<model::Attachment>>& attachments);

/// not_found: "request 'req_x' not found".
[[nodiscard]] Error not_found(std::string_view id);
/// conflict: "request 'req_x' exists already".
[[nodiscard]] Error exists_already(std::string_view id);
/// conflict: the stored request is not at `version` any more.
[[nodiscard]] Error saved_since(std::string_view id, std::uint64_t version);
/// not_found: "request 'req_x' has no attachment 3".
[[nodiscard]] Error no_attachment(std::string_view id, std::size_t index);

/// A row read back: its version from the column, the rest from the document. Errors: internal when the
/// document does not decode (naming `id`, the row's).
[[nodiscard]] Result<model::DisclosureRequest> from_row(std::string_view id, std::string_view document,
                                                        std::int64_t version);

/// Where a list resumes: after the row with this key in the cursor's order.
struct Cursor {
  RequestFilter::Order order = RequestFilter::Order::newest_first;
  std::optional<std::int64_t> ms;  // created_ms (newest_first), or deadline_ms (deadline_first; none: NULL)
  std::string id;
};

/// The cursor `after` is (cursor_of()'s text), or nullopt for "" (the first page). Errors: invalid_input
/// when it is not one, or one of another order than `order`.
[[nodiscard]] Result<std::optional<Cursor>> parse_cursor(std::string_view after, RequestFilter::Order order);

/// One parameter of a built statement.
using Value = std::variant<std::string, std::int64_t>;

/// A statement built for a filter: its text and its parameters in order.
struct Sql {
  std::string text;
  std::vector<Value> params;
};

/// How a backend spells parameters: SQLite "?1", PostgreSQL "$1::bigint" (typed, as PostgreSQL cannot
/// always infer a type from the context).
enum class Dialect : std::uint8_t { sqlite, postgres };

/// A statement's text and parameters, built together: each parameter's placeholder is written where it is
/// used (the lists of the request and abuse stores).
class Builder {
 public:
  explicit Builder(Dialect dialect) : dialect_(dialect) {}

  std::string text(std::string value) { return param(std::move(value), "::text"); }
  std::string integer(std::int64_t value) { return param(value, "::bigint"); }

  void where(const std::string& condition) {
    conditions_ += conditions_.empty() ? " WHERE " : " AND ";
    conditions_ += condition;
  }

  Sql finish(std::string_view head, std::string_view tail) {
    return Sql{std::string(head) + conditions_ + std::string(tail), std::move(params_)};
  }

 private:
  std::string param(Value value, std::string_view cast) {
    params_.push_back(std::move(value));
    const std::string number = std::to_string(params_.size());
    return dialect_ == Dialect::sqlite ? "?" + number : "$" + number + std::string(cast);
  }

  Dialect dialect_;
  std::vector<Value> params_;
  std::string conditions_;
};

/// The SELECT of one page of `filter`'s requests (SSAD_REQUEST_COLUMNS), in its order. Errors:
/// invalid_input for a bad cursor.
[[nodiscard]] Result<Sql> page_sql(const RequestFilter& filter, const Page& page, Dialect dialect);
/// The SELECT count(*) of `filter`'s requests.
[[nodiscard]] Sql count_sql(const RequestFilter& filter, Dialect dialect);

/// How many requests for_each() reads per page.
inline constexpr std::size_t kVisitPage = 100;

/// RequestReader::for_each over `read_page` (a backend's requests()): pages of kVisitPage requests, each
/// read and handed back before `visit` sees its requests, so that no connection (nor snapshot) is held
/// while the caller works. Each page reads what is committed when it is read: a request whose sort key
/// changes meanwhile (a deadline, in deadline_first order) may be seen twice or not at all.
[[nodiscard]] Result<void> for_each_page(
    const RequestFilter& filter, const std::function<bool(const model::DisclosureRequest&)>& visit,
    const std::function<Result<std::vector<model::DisclosureRequest>>(const Page&)>& read_page);

/// The writer of a unit of work (store/row_reading.hpp).
using UnitWriter = rows::UnitWriter<RequestWriter>;

}  // namespace ssad::store::request_rows
