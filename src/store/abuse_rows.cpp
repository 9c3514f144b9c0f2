#include "store/abuse_rows.hpp"

#include <algorithm>
#include <set>
#include <tuple>
#include <utility>

namespace ssad::store::abuse_rows {
namespace {

using request_rows::Builder;
using request_rows::Dialect;
using request_rows::Sql;
using request_rows::Value;

constexpr std::int64_t kHourMs = 3'600'000;

// "column IN (…)" of `values` spelled by `name`.
template <class T>
std::string any_of(Builder& b, const char* column, const std::vector<T>& values) {
  std::string in = std::string(column) + " IN (";
  for (std::size_t i = 0; i < values.size(); ++i) {
    if (i != 0) in += ", ";
    in += b.text(std::string(to_string(values[i])));
  }
  return in + ")";
}

std::string row_name(const UsageRow& row) {
  return "usage row (" + row.user_id + ", " + row.node + ", " + std::to_string(to_unix_ms(row.hour)) + ")";
}

}  // namespace

Result<void> check_usage(const std::vector<UsageRow>& rows) {
  for (const UsageRow& row : rows) {
    if (row.user_id.empty() || row.node.empty()) {
      return fail(ErrorCode::invalid_input, row_name(row) + ": a usage row needs a user id and a node");
    }
    if (to_unix_ms(row.hour) % kHourMs != 0) {
      return fail(ErrorCode::invalid_input, row_name(row) + ": the hour is not the start of a UTC hour");
    }
    if (row.sketch.size() > kMaxSketch) {
      return fail(ErrorCode::invalid_input, row_name(row) + ": the sketch is " +
                                                std::to_string(row.sketch.size()) + " bytes, more than " +
                                                std::to_string(kMaxSketch));
    }
  }
  return {};
}

std::vector<const UsageRow*> latest_of_each(const std::vector<UsageRow>& rows) {
  // From the last row back: the first seen of each key is the one that stays.
  std::set<std::tuple<std::string_view, std::string_view, std::int64_t>> seen;
  std::vector<const UsageRow*> kept;
  for (auto it = rows.rbegin(); it != rows.rend(); ++it) {
    if (seen.emplace(it->user_id, it->node, to_unix_ms(it->hour)).second) kept.push_back(&*it);
  }
  std::ranges::reverse(kept);
  return kept;
}

Result<void> check_opened(const AbuseCase& c) {
  if (c.id.empty()) return fail(ErrorCode::invalid_input, "an abuse case needs an id");
  if (c.dedupe_key.empty()) {
    return fail(ErrorCode::invalid_input, "abuse case '" + c.id + "' needs a dedupe key");
  }
  if (c.state != CaseState::open || c.closed) {
    return fail(ErrorCode::invalid_input, "abuse case '" + c.id + "' is opened open, not " +
                                              std::string(to_string(c.state)) +
                                              (c.closed ? " and closed" : ""));
  }
  return {};
}

Result<void> check_closing(std::string_view id, CaseState state) {
  if (state == CaseState::open) {
    return fail(ErrorCode::invalid_input,
                "abuse case '" + std::string(id) + "' is closed as lifted or expired, not open");
  }
  return {};
}

Error not_found(std::string_view id) {
  return Error{ErrorCode::not_found, "abuse case '" + std::string(id) + "' not found"};
}

Error exists_already(std::string_view id) {
  return Error{ErrorCode::conflict, "abuse case '" + std::string(id) + "' exists already"};
}

Error not_open(std::string_view id, std::string_view state) {
  return Error{ErrorCode::conflict,
               "abuse case '" + std::string(id) + "' is " + std::string(state) + " already, not open"};
}

Error unknown_cursor(std::string_view after) {
  return Error{ErrorCode::invalid_input,
               "not a cursor of this list (no abuse case '" + std::string(after) + "')"};
}

Sql cases_sql(const CaseFilter& filter, const Page& page, Dialect dialect) {
  Builder b(dialect);
  const auto equal = [&](const char* column, const std::string& value) {
    if (!value.empty()) b.where(std::string(column) + " = " + b.text(value));
  };
  equal("user_id", filter.user_id);
  equal("org_id", filter.org_id);
  equal("detector", filter.detector);
  if (!filter.actions.empty()) b.where(any_of(b, "action", filter.actions));
  if (!filter.states.empty()) b.where(any_of(b, "state", filter.states));
  if (filter.opened_from) b.where("opened_ms >= " + b.integer(to_unix_ms(*filter.opened_from)));
  if (!page.after.empty()) {
    // An id that is no case's makes the subquery NULL and the page empty; the backend then tells why.
    const std::string after = b.text(page.after);
    b.where("(opened_ms, id) < ((SELECT opened_ms FROM abuse_cases WHERE id = " + after + "), " + after +
            ")");
  }
  const std::string tail = " ORDER BY opened_ms DESC, id DESC LIMIT " +
                           b.integer(static_cast<std::int64_t>(std::min<std::size_t>(page.limit, 10000)));
  return b.finish("SELECT " SSAD_CASE_COLUMNS " FROM abuse_cases", tail);
}

}  // namespace ssad::store::abuse_rows
