#include "store/request_rows.hpp"

#include <algorithm>
#include <charconv>
#include <utility>

#include "store/request_document.hpp"

namespace ssad::store::request_rows {
namespace {

using Order = RequestFilter::Order;

// The filter's conditions; an empty member sets none.
void add_conditions(const RequestFilter& f, Builder& b) {
  const auto equal = [&](const char* column, const std::string& value) {
    if (!value.empty()) b.where(std::string(column) + " = " + b.text(value));
  };
  equal("org_id", f.org_id);
  equal("user_id", f.user_id);
  equal("reviewer_id", f.reviewer_id);
  if (!f.statuses.empty()) {
    std::string in = "status IN (";
    for (std::size_t i = 0; i < f.statuses.size(); ++i) {
      if (i != 0) in += ", ";
      in += b.text(std::string(model::to_string(f.statuses[i])));
    }
    b.where(in + ")");
  }
  equal("domain", f.domain);
  equal("purpose", f.purpose);
  equal("priority", f.priority);
  if (f.created_from) b.where("created_ms >= " + b.integer(to_unix_ms(*f.created_from)));
  if (f.created_before) b.where("created_ms < " + b.integer(to_unix_ms(*f.created_before)));
  if (f.deadline_before) b.where("deadline_ms < " + b.integer(to_unix_ms(*f.deadline_before)));
  if (f.retention_overdue_at) {
    b.where("retention_overdue_from_ms < " + b.integer(to_unix_ms(*f.retention_overdue_at)));
  }
}

Error bad_cursor(std::string_view why) {
  return Error{ErrorCode::invalid_input, "not a cursor of this list (" + std::string(why) + ")"};
}

std::optional<std::int64_t> number_of(std::string_view text) {
  std::int64_t value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || text.empty()) return std::nullopt;
  return value;
}

}  // namespace

std::optional<std::int64_t> deadline_ms(const model::DisclosureRequest& request) {
  if (!request.clock.deadline) return std::nullopt;
  return to_unix_ms(*request.clock.deadline);
}

std::optional<std::int64_t> retention_overdue_from_ms(const model::DisclosureRequest& request) {
  const bool disclosed = std::ranges::any_of(
      request.fields, [](const model::RequestedField& f) { return f.state == model::FieldState::disclosed; });
  if (!disclosed || !request.retention_due || request.destruction_confirmed) return std::nullopt;
  return to_unix_ms(*request.retention_due);
}

Result<void> check_new(const model::DisclosureRequest& request,
                       const std::vector<std::optional<model::Attachment>>& attachments) {
  const std::string named = "request '" + request.id + "'";
  if (request.version != 0) {
    return fail(ErrorCode::invalid_input,
                named + ": a new request has version 0, not " + std::to_string(request.version));
  }
  if (attachments.size() != request.evidence.size()) {
    return fail(ErrorCode::invalid_input, named + ": " + std::to_string(attachments.size()) +
                                              " attachments for " + std::to_string(request.evidence.size()) +
                                              " items of evidence");
  }
  for (std::size_t i = 0; i < attachments.size(); ++i) {
    const model::Evidence& item = request.evidence[i];
    const auto& attachment = attachments[i];
    const std::string which = named + ": evidence " + std::to_string(i);
    if (attachment.has_value() == item.media_type.empty()) {
      return fail(ErrorCode::invalid_input,
                  which + (attachment ? " names no media type but has an attachment"
                                      : " names a media type but has no attachment"));
    }
    if (attachment && attachment->media_type != item.media_type) {
      return fail(ErrorCode::invalid_input, which + ": the attachment is not of the media type it names");
    }
    if (attachment && attachment->bytes.size() != item.attachment_size) {
      return fail(ErrorCode::invalid_input, which + ": the attachment is " +
                                                std::to_string(attachment->bytes.size()) + " bytes, not " +
                                                std::to_string(item.attachment_size));
    }
  }
  return {};
}

Error not_found(std::string_view id) {
  return Error{ErrorCode::not_found, "request '" + std::string(id) + "' not found"};
}

Error exists_already(std::string_view id) {
  return Error{ErrorCode::conflict, "request '" + std::string(id) + "' exists already"};
}

Error saved_since(std::string_view id, std::uint64_t version) {
  return Error{ErrorCode::conflict, "request '" + std::string(id) +
                                        "' was saved by someone else since version " +
                                        std::to_string(version) + " was read"};
}

Error no_attachment(std::string_view id, std::size_t index) {
  return Error{ErrorCode::not_found,
               "request '" + std::string(id) + "' has no attachment " + std::to_string(index)};
}

Result<model::DisclosureRequest> from_row(std::string_view id, std::string_view document,
                                          std::int64_t version) {
  auto request = request_document::decode(document);
  const std::string named = "request '" + std::string(id) + "'";
  if (!request && request.error().message.find(named) == std::string::npos) {
    return std::unexpected(with_context(request.error(), named));
  }
  if (!request) return request;
  request->version = static_cast<std::uint64_t>(version);
  return request;
}

Result<std::optional<Cursor>> parse_cursor(std::string_view after, Order order) {
  if (after.empty()) return std::optional<Cursor>();
  const std::size_t first = after.find('.');
  const std::size_t second = first == std::string_view::npos ? first : after.find('.', first + 1);
  if (second == std::string_view::npos || second + 1 == after.size()) {
    return std::unexpected(bad_cursor("malformed"));
  }
  const std::string_view kind = after.substr(0, first);
  const std::string_view key = after.substr(first + 1, second - first - 1);
  Cursor cursor;
  cursor.id = after.substr(second + 1);
  if (kind == "n") {
    cursor.order = Order::newest_first;
    cursor.ms = number_of(key);
    if (!cursor.ms) return std::unexpected(bad_cursor("malformed"));
  } else if (kind == "d") {
    cursor.order = Order::deadline_first;
    if (key != "-") {
      cursor.ms = number_of(key);
      if (!cursor.ms) return std::unexpected(bad_cursor("malformed"));
    }
  } else {
    return std::unexpected(bad_cursor("malformed"));
  }
  if (cursor.order != order) return std::unexpected(bad_cursor("made for another order"));
  return std::optional<Cursor>(std::move(cursor));
}

// newest_first: (created_ms DESC, id DESC). deadline_first: (deadline_ms ASC NULLS LAST, id ASC), where a
// row without a deadline comes after every row with one; after one without, only rows without one and a
// greater id remain.
Result<Sql> page_sql(const RequestFilter& filter, const Page& page, Dialect dialect) {
  SSAD_TRY(cursor, parse_cursor(page.after, filter.order));
  Builder b(dialect);
  add_conditions(filter, b);
  const char* order_by = nullptr;
  if (filter.order == Order::newest_first) {
    if (cursor && cursor->ms)
      b.where("(created_ms, id) < (" + b.integer(*cursor->ms) + ", " + b.text(cursor->id) + ")");
    order_by = " ORDER BY created_ms DESC, id DESC";
  } else {
    if (cursor && cursor->ms) {
      b.where("((deadline_ms, id) > (" + b.integer(*cursor->ms) + ", " + b.text(cursor->id) +
              ") OR deadline_ms IS NULL)");
    } else if (cursor) {
      b.where("(deadline_ms IS NULL AND id > " + b.text(cursor->id) + ")");
    }
    order_by = " ORDER BY deadline_ms ASC NULLS LAST, id ASC";
  }
  const auto limit = static_cast<std::int64_t>(std::min<std::size_t>(page.limit, 10000));
  const std::string tail = std::string(order_by) + " LIMIT " + b.integer(limit);
  return b.finish("SELECT " SSAD_REQUEST_COLUMNS " FROM disclosure_request", tail);
}

Sql count_sql(const RequestFilter& filter, Dialect dialect) {
  Builder b(dialect);
  add_conditions(filter, b);
  return b.finish("SELECT count(*) FROM disclosure_request", "");
}

Result<void> for_each_page(
    const RequestFilter& filter, const std::function<bool(const model::DisclosureRequest&)>& visit,
    const std::function<Result<std::vector<model::DisclosureRequest>>(const Page&)>& read_page) {
  Page page{.after = "", .limit = kVisitPage};
  for (;;) {
    SSAD_TRY(requests, read_page(page));
    for (const model::DisclosureRequest& request : requests) {
      if (!visit(request)) return {};
    }
    if (requests.size() < kVisitPage) return {};
    page.after = cursor_of(requests.back(), filter.order);
  }
}

}  // namespace ssad::store::request_rows
