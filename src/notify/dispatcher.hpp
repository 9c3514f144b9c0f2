#pragma once
// The dispatcher (issue 13): on each node, takes the notifications the store's outbox holds, delivers
// them (email through SMTP, webhooks) and records each outcome, retrying a failed delivery with
// exponential backoff. The change a notification announces is committed already: a failed delivery is
// retried or, at last, given up and logged, and never undoes it. Delivery is at least once: a node that
// dies mid-delivery leaves its claim to run out, and another node delivers again with the same
// webhook-id and Message-ID, so that receivers can tell.

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "core/error.hpp"
#include "core/time.hpp"
#include "notify/smtp.hpp"
#include "notify/webhook.hpp"
#include "store/notification_outbox.hpp"

namespace ssad::notify {

/// When a failed delivery is tried again.
struct RetryPolicy {
  std::chrono::seconds base{30};         // the wait after the first failed attempt
  unsigned factor = 2;                   // each further failure multiplies the wait
  std::chrono::seconds max_delay{3600};  // but never beyond this
  unsigned max_attempts = 12;            // attempts in all; then the notification is given up

  /// The instant of the next attempt after attempt number `attempts` (from 1) failed at `now`:
  /// now + min(base × factor^(attempts − 1), max_delay); nullopt once `attempts` reached max_attempts.
  [[nodiscard]] std::optional<Timestamp> next_attempt(unsigned attempts, Timestamp now) const;
};

/// Sends one email: its recipient, subject and text, its Date, and the left part of its Message-ID.
/// Errors as send_email()'s: invalid_input is given up at once, anything else retried.
using EmailSender =
    std::function<Result<void>(const std::string& to, const std::string& subject, const std::string& text,
                               Timestamp date, const std::string& message_id)>;
/// Calls one webhook, as post_webhook() does (and with its errors).
using WebhookSender =
    std::function<Result<void>(const WebhookSettings& webhook, const std::string& id, const std::string& type,
                               const std::string& json_body, Timestamp now)>;

/// send_email() through the server of `smtp`.
[[nodiscard]] EmailSender smtp_sender(SmtpSettings smtp);
/// post_webhook().
[[nodiscard]] WebhookSender http_webhook_sender();

struct DispatcherSettings {
  RetryPolicy retry;
  // How long a claimed notification stays this node's: longer than one delivery may take (the senders'
  // timeouts), or another node would deliver it too.
  std::chrono::milliseconds lease{std::chrono::minutes(2)};
  std::size_t batch = 50;                                             // deliveries per run_once() at most
  std::chrono::milliseconds poll_interval{std::chrono::seconds(10)};  // between runs in the background
};

class Dispatcher {
 public:
  /// Delivers what `outbox` holds, at the time of `clock`. `email`: the email sender, or empty when
  /// email is off (an email notification then fails, and is retried, until it is on). `webhooks`: the
  /// webhooks configured; a webhook notification goes to the one whose URL is its destination, signed
  /// with that one's secret (secrets are never stored with the notification). The references must
  /// outlive the dispatcher.
  Dispatcher(store::Outbox& outbox, const Clock& clock, EmailSender email, WebhookSender webhook,
             std::vector<WebhookSettings> webhooks, DispatcherSettings settings = {});
  /// Stops the background thread, if started.
  ~Dispatcher();
  Dispatcher(const Dispatcher&) = delete;
  Dispatcher& operator=(const Dispatcher&) = delete;

  /// What one run did.
  struct Report {
    std::size_t delivered = 0;
    std::size_t retried = 0;   // failed, and due again later
    std::size_t given_up = 0;  // failed for good (invalid, no such webhook, or out of attempts)
    friend bool operator==(const Report&, const Report&) = default;
  };

  /// Claims the notifications due now one at a time (each for `lease`), up to `batch` of them, delivers
  /// each and records its outcome: delivered, or failed and due again as the retry policy says, or given
  /// up (a warning is logged naming the notification and the error, never a message's text or a
  /// secret). Errors: those of the outbox when it cannot claim; a failure to record an outcome is
  /// logged, and the notification is delivered again once its lease has run out.
  [[nodiscard]] Result<Report> run_once();

  /// Runs run_once() on a thread of its own every `poll_interval`, and at once again after a run that
  /// found a full batch. Starting a started dispatcher does nothing.
  void start();
  /// Ends the background thread: at once when it waits, after the delivery in progress otherwise.
  void stop();
  /// Makes the background thread run now rather than at its next interval (a unit of work that
  /// enqueued has committed).
  void wake();

 private:
  // Delivers one claimed notification and records the outcome in `report`.
  void deliver(const store::Notification& notification, Report& report);
  [[nodiscard]] Result<void> send(const store::Notification& notification);
  void loop();

  store::Outbox& outbox_;
  const Clock& clock_;
  EmailSender email_;
  WebhookSender webhook_;
  std::vector<WebhookSettings> webhooks_;
  DispatcherSettings settings_;

  std::mutex mutex_;  // guards the three below
  std::condition_variable wake_;
  bool stopping_ = false;
  bool woken_ = false;
  std::thread thread_;
};

}  // namespace ssad::notify
