#pragma once
// The notification outbox (issue 13 item 9): an email or a webhook call that a change must cause is
// written in the change's own unit of work, so that the change and its announcement commit together — a
// failed delivery never loses the change, and a change never goes unannounced. Senders on any node claim
// due notifications, deliver them, and record the outcome; a notification claimed by a node that then
// died is claimed again once its lease has run out, so every notification is delivered at least once.
//
// Notifications never carry a value of the registration: they name the request and what happened.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/error.hpp"
#include "core/time.hpp"
#include "store/page.hpp"

namespace ssad::store {

enum class NotificationChannel : std::uint8_t { email, webhook };
[[nodiscard]] std::string_view to_string(NotificationChannel channel);  // "email", "webhook"
[[nodiscard]] Result<NotificationChannel> parse_notification_channel(std::string_view text);

struct Notification {
  std::string id;  // "ntf_…", random
  // One notification per event, channel and recipient: enqueueing a second with the same key does
  // nothing (several nodes watching one deadline announce it once).
  std::string dedupe_key;
  NotificationChannel channel = NotificationChannel::email;
  std::string destination;  // an email address, or the webhook's URL
  std::string subject;      // an email's subject; the webhook's event type
  std::string body;         // an email's text; the webhook's JSON
  std::string request_id;   // the request it is about; may be empty
  Timestamp created;
  Timestamp due;  // not attempted before this instant
  unsigned attempts = 0;
  std::optional<Timestamp> delivered;
  std::optional<Timestamp> given_up;  // no further attempt will be made
  std::string last_error;             // of the last failed attempt; never a secret
  friend bool operator==(const Notification&, const Notification&) = default;
};

/// Written within a unit of work.
class OutboxWriter {
 public:
  virtual ~OutboxWriter() = default;
  /// Adds `notification` unless one with its dedupe key exists: true when added. Errors: conflict when
  /// the id exists.
  [[nodiscard]] virtual Result<bool> enqueue(const Notification& notification) = 0;
};

/// Delivery's side: each call is its own short transaction. Thread-safe.
class Outbox {
 public:
  virtual ~Outbox() = default;

  /// Claims up to `limit` notifications due at `now`, neither delivered nor given up, oldest due first:
  /// each claimed one is due again at `now + lease` (so no other sender takes it meanwhile) and its
  /// attempts counted. Two senders never claim the same notification at once.
  [[nodiscard]] virtual Result<std::vector<Notification>> claim(Timestamp now,
                                                                std::chrono::milliseconds lease,
                                                                std::size_t limit) = 0;
  /// Records the delivery of a claimed notification. Errors: not_found.
  [[nodiscard]] virtual Result<void> delivered(const std::string& id, Timestamp now) = 0;
  /// Records a failed attempt: due again at `retry_at`, or given up at `now` when `retry_at` is nullopt.
  /// `error` says what failed, never a secret. Errors: not_found.
  [[nodiscard]] virtual Result<void> failed(const std::string& id, Timestamp now, const std::string& error,
                                            std::optional<Timestamp> retry_at) = 0;

  /// Notifications about one request, or all when `request_id` is empty, in creation order (then id).
  /// `page.after` is the id of the last one of the previous page.
  [[nodiscard]] virtual Result<std::vector<Notification>> list(const std::string& request_id,
                                                               const Page& page) = 0;
  /// How many are waiting (neither delivered nor given up) and how many were given up.
  struct Counts {
    std::size_t waiting = 0;
    std::size_t given_up = 0;
    std::size_t delivered = 0;
  };
  [[nodiscard]] virtual Result<Counts> counts() = 0;
};

}  // namespace ssad::store
