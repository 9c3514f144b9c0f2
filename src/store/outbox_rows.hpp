#pragma once
// What both backends share to keep the notification outbox (store/notification_outbox.hpp): the column
// list of its reads (plain SQL, valid in SQLite and PostgreSQL), the reader of those columns, the check
// of a notification before it is enqueued, and the base of a unit of work's writer. A `Row` is as in
// store/row_reading.hpp. Internal to store/ backends.

#include <string>
#include <string_view>

#include "core/error.hpp"
#include "core/time.hpp"
#include "store/notification_outbox.hpp"
#include "store/row_reading.hpp"

namespace ssad::store::outbox_rows {

// The columns a Notification is read from, in the order read_notification() reads them. A macro, because
// each SQL text must be one string literal (the backends key their prepared statements by its address).
#define SSAD_NOTIFICATION_COLUMNS                                                                   \
  "id, dedupe_key, channel, destination, subject, body, request_id, created_ms, due_ms, attempts, " \
  "delivered_ms, given_up_ms, last_error"

template <class Row>
[[nodiscard]] Result<Notification> read_notification(const Row& r) {
  Notification n;
  n.id = r.text(0);
  n.dedupe_key = r.text(1);
  auto channel = parse_notification_channel(r.text(2));
  if (!channel) {
    return fail(ErrorCode::internal,
                "notification '" + n.id + "' is stored with an " + channel.error().message);
  }
  n.channel = *channel;
  n.destination = r.text(3);
  n.subject = r.text(4);
  n.body = r.text(5);
  n.request_id = r.text(6);
  n.created = from_unix_ms(r.integer(7));
  n.due = from_unix_ms(r.integer(8));
  n.attempts = static_cast<unsigned>(r.integer(9));
  if (const auto delivered = r.optional_integer(10)) n.delivered = from_unix_ms(*delivered);
  if (const auto given_up = r.optional_integer(11)) n.given_up = from_unix_ms(*given_up);
  n.last_error = r.text(12);
  return n;
}

/// A notification may be enqueued when it has an id, a dedupe key and a destination: an empty dedupe key
/// would make every such notification a duplicate of the first. What the destination and the texts hold
/// is the sender's to check (an address a mail server would refuse is a failed delivery, not a failed
/// change). Errors: invalid_input.
[[nodiscard]] inline Result<void> check_enqueued(const Notification& n) {
  if (n.id.empty()) return fail(ErrorCode::invalid_input, "a notification needs an id");
  if (n.dedupe_key.empty()) {
    return fail(ErrorCode::invalid_input, "notification '" + n.id + "' needs a dedupe key");
  }
  if (n.destination.empty()) {
    return fail(ErrorCode::invalid_input, "notification '" + n.id + "' needs a destination");
  }
  return {};
}

/// not_found: "notification 'ntf_x' not found".
[[nodiscard]] inline Error not_found(std::string_view id) {
  return Error{ErrorCode::not_found, "notification '" + std::string(id) + "' not found"};
}

/// conflict: another notification has the id.
[[nodiscard]] inline Error id_taken(std::string_view id) {
  return Error{ErrorCode::conflict, "notification '" + std::string(id) + "' exists already"};
}

/// The writer of a unit of work (store/row_reading.hpp).
using UnitWriter = rows::UnitWriter<OutboxWriter>;

}  // namespace ssad::store::outbox_rows
