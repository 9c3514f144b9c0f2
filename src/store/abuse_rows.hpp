#pragma once
// What both backends share to keep abuse monitoring's records (store/abuse_store.hpp): the column lists of
// their reads (plain SQL, valid in SQLite and PostgreSQL), the readers of those columns, the checks of what
// is written, the SQL of a list of cases for a filter (in either backend's placeholders), the errors'
// messages, and the base of a unit of work's writer. A `Row` is as in store/row_reading.hpp. Internal to
// store/ backends.
//
// The tables (schema/sqlite/0009_abuse.sql, schema/postgres/0007_abuse.sql):
//   usage_windows (user_id, org_id, user_group, node, hour_ms, lookups, not_found, filings, malformed,
//                  duplicates, purpose_refusals, sketch, updated_ms)
//   abuse_cases   (id, dedupe_key, opened_ms, detector, action, user_id, org_id, credential_id,
//                  accreditation_id, summary, evidence, state, until_ms, closed_ms, closed_by, close_reason)

#include <cstddef>
#include <cstdint>
#include <limits>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.hpp"
#include "core/time.hpp"
#include "store/abuse_store.hpp"
#include "store/page.hpp"
#include "store/request_rows.hpp"
#include "store/row_reading.hpp"

namespace ssad::store::abuse_rows {

// The columns a UsageRow is read from, in the order read_usage() reads them; the sketch (column 11) is read
// by each backend in its own way (a BLOB, a bytea's text form). Macros, because each SQL text must be one
// string literal (the backends key their prepared statements by its address).
#define SSAD_USAGE_COLUMNS                                                                           \
  "user_id, org_id, user_group, node, hour_ms, lookups, not_found, filings, malformed, duplicates, " \
  "purpose_refusals, sketch, updated_ms"
// The columns an AbuseCase is read from, in the order read_case() reads them.
#define SSAD_CASE_COLUMNS                                                                           \
  "id, dedupe_key, opened_ms, detector, action, user_id, org_id, credential_id, accreditation_id, " \
  "summary, evidence, state, until_ms, closed_ms, closed_by, close_reason"

/// The largest sketch a usage row holds.
inline constexpr std::size_t kMaxSketch = 4096;

/// A count as the database's signed 64-bit integer holds it (no count comes near the top).
[[nodiscard]] inline std::int64_t as_count(std::uint64_t count) {
  return static_cast<std::int64_t>(std::min<std::uint64_t>(count, std::numeric_limits<std::int64_t>::max()));
}

/// `sketch`: column 11's bytes, as the backend reads them.
template <class Row>
[[nodiscard]] UsageRow read_usage(const Row& r, std::string_view sketch) {
  UsageRow u;
  u.user_id = r.text(0);
  u.org_id = r.text(1);
  u.group = r.text(2);
  u.node = r.text(3);
  u.hour = from_unix_ms(r.integer(4));
  u.lookups = static_cast<std::uint64_t>(r.integer(5));
  u.not_found = static_cast<std::uint64_t>(r.integer(6));
  u.filings = static_cast<std::uint64_t>(r.integer(7));
  u.malformed = static_cast<std::uint64_t>(r.integer(8));
  u.duplicates = static_cast<std::uint64_t>(r.integer(9));
  u.purpose_refusals = static_cast<std::uint64_t>(r.integer(10));
  u.sketch = sketch;
  u.updated = from_unix_ms(r.integer(12));
  return u;
}

template <class Row>
[[nodiscard]] Result<AbuseCase> read_case(const Row& r) {
  AbuseCase c;
  c.id = r.text(0);
  c.dedupe_key = r.text(1);
  c.opened = from_unix_ms(r.integer(2));
  c.detector = r.text(3);
  auto action = parse_abuse_action(r.text(4));
  if (!action)
    return fail(ErrorCode::internal, "case '" + c.id + "' is stored with an " + action.error().message);
  c.action = *action;
  c.user_id = r.text(5);
  c.org_id = r.text(6);
  c.credential_id = r.text(7);
  c.accreditation_id = r.text(8);
  c.summary = r.text(9);
  c.evidence = r.text(10);
  auto state = parse_case_state(r.text(11));
  if (!state)
    return fail(ErrorCode::internal, "case '" + c.id + "' is stored with an " + state.error().message);
  c.state = *state;
  if (const auto until = r.optional_integer(12)) c.until = from_unix_ms(*until);
  if (const auto closed = r.optional_integer(13)) c.closed = from_unix_ms(*closed);
  c.closed_by = r.text(14);
  c.close_reason = r.text(15);
  return c;
}

/// Every row has a user id and a node, a whole UTC hour and a sketch of at most kMaxSketch bytes.
/// Errors: invalid_input, naming the first row that has not.
[[nodiscard]] Result<void> check_usage(const std::vector<UsageRow>& rows);

/// `rows` without the rows a later one with the same (user_id, node, hour) replaces, in their order.
[[nodiscard]] std::vector<const UsageRow*> latest_of_each(const std::vector<UsageRow>& rows);

/// A case may be opened when it has an id and a dedupe key (an empty key would make every such case a
/// duplicate of the first) and is open. Errors: invalid_input.
[[nodiscard]] Result<void> check_opened(const AbuseCase& abuse_case);

/// A case is closed as lifted or expired. Errors: invalid_input for open.
[[nodiscard]] Result<void> check_closing(std::string_view id, CaseState state);

/// not_found: "abuse case 'abc_x' not found".
[[nodiscard]] Error not_found(std::string_view id);
/// conflict: "abuse case 'abc_x' exists already".
[[nodiscard]] Error exists_already(std::string_view id);
/// conflict: the case is `state` already, not open.
[[nodiscard]] Error not_open(std::string_view id, std::string_view state);
/// invalid_input: `after` is not the id of a case (a list's cursor).
[[nodiscard]] Error unknown_cursor(std::string_view after);

/// The SELECT of one page of `filter`'s cases (SSAD_CASE_COLUMNS), newest first: (opened_ms, id)
/// descending, after the case whose id is `page.after` (its opened_ms looked up in the same statement).
[[nodiscard]] request_rows::Sql cases_sql(const CaseFilter& filter, const Page& page,
                                          request_rows::Dialect dialect);

/// The writer of a unit of work (store/row_reading.hpp).
using UnitWriter = rows::UnitWriter<AbuseWriter>;

}  // namespace ssad::store::abuse_rows
