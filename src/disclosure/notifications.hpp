#pragma once
// The notifications a request's steps cause (issue 13 item 9; docs/notifications.md): who is told what,
// by email and by the operator's webhook. They are written to the outbox in the step's own unit of work
// (store/notification_outbox.hpp), so a step is never lost to a failed delivery, and delivered by
// notify/. A notification names the request, its domain and what happened — never a value of the
// registration; the requestor reads what was disclosed through the API.

#include <string>
#include <string_view>
#include <vector>

#include "core/time.hpp"
#include "model/disclosure_request.hpp"
#include "store/notification_outbox.hpp"

namespace ssad::disclosure {

/// What happened to a request, as a notification announces it.
enum class Event : std::uint8_t {
  submitted,              // to the reviewers: a request waits for review
  acknowledged,           // to the requestor: received (and what was decided at once)
  information_requested,  // to the requestor: a reviewer asks for more
  information_provided,   // to the reviewer holding it: the requestor answered
  message,                // to the other side: a message
  decided,                // to the requestor: every field is decided
  deadline_near,          // to the reviewer holding it, else every reviewer: the deadline approaches
  deadline_breached,      // to the same, and the webhook: the deadline passed undecided
  cancelled,              // to the reviewer holding it: the requestor withdrew it
};
/// "request.submitted", "request.acknowledged", …: the webhook's event type.
[[nodiscard]] std::string_view to_string(Event event);

/// Who is told: email addresses, and whether the operator's webhook is.
struct Audience {
  std::vector<std::string> emails;
  bool webhook = false;
};

/// The notifications announcing `event` on `request` to `audience` at `now`, one per address and one
/// for the webhook (at `webhook_url`, when not empty). Each has a dedupe key made of the request, the
/// event and `occurrence` (the history length for one-off steps, so that a retried step announces once),
/// and a fresh id. `link` is the request's URL for people, or empty.
[[nodiscard]] std::vector<store::Notification> notifications_for(
    Event event, const model::DisclosureRequest& request, const Audience& audience,
    std::string_view webhook_url, std::string_view link, std::size_t occurrence, Timestamp now);

}  // namespace ssad::disclosure
