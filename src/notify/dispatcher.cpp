#include "notify/dispatcher.hpp"

#include <algorithm>
#include <limits>
#include <utility>

#include <spdlog/spdlog.h>

namespace ssad::notify {
namespace {

// What is recorded and logged of a failure: its first line, in printable ASCII, at most 500 bytes (an
// error names a server and what went wrong; nothing longer is useful in a list of notifications).
std::string recorded(std::string_view message) {
  constexpr std::size_t kMax = 500;
  std::string out;
  for (const char c : message.substr(0, kMax)) {
    if (c == '\r' || c == '\n') break;
    out += (c >= 0x20 && c < 0x7f) ? c : '?';
  }
  return out;
}

// Names a notification in the log: its id, channel and request, never its destination's path or its text.
std::string described(const store::Notification& n) {
  std::string text = n.id + " (" + std::string(store::to_string(n.channel));
  if (!n.request_id.empty()) text += ", request " + n.request_id;
  return text + ")";
}

}  // namespace

std::optional<Timestamp> RetryPolicy::next_attempt(unsigned attempts, Timestamp now) const {
  if (attempts >= max_attempts) return std::nullopt;
  // The wait grows until it reaches max_delay; once there, multiplying further cannot lower it, and
  // stopping keeps it from overflowing.
  std::chrono::seconds delay = base;
  for (unsigned i = 1; i < attempts && delay < max_delay; ++i) {
    delay = delay.count() > std::numeric_limits<std::int64_t>::max() / std::max(factor, 1U)
                ? max_delay
                : delay * std::max(factor, 1U);
  }
  return now + std::min(delay, max_delay);
}

EmailSender smtp_sender(SmtpSettings smtp) {
  return [smtp = std::move(smtp)](const std::string& to, const std::string& subject, const std::string& text,
                                  Timestamp date, const std::string& message_id) {
    return send_email(smtp, to, subject, text, date, message_id);
  };
}

WebhookSender http_webhook_sender() { return post_webhook; }

Dispatcher::Dispatcher(store::Outbox& outbox, const Clock& clock, EmailSender email, WebhookSender webhook,
                       std::vector<WebhookSettings> webhooks, DispatcherSettings settings)
    : outbox_(outbox),
      clock_(clock),
      email_(std::move(email)),
      webhook_(std::move(webhook)),
      webhooks_(std::move(webhooks)),
      settings_(settings) {}

Dispatcher::~Dispatcher() { stop(); }

Result<Dispatcher::Report> Dispatcher::run_once() {
  Report report;
  // One at a time: a claim's lease then covers one delivery, not a batch of them, however slow each is.
  for (std::size_t i = 0; i < settings_.batch; ++i) {
    SSAD_TRY(claimed, outbox_.claim(clock_.now(), settings_.lease, 1));
    if (claimed.empty()) break;
    deliver(claimed.front(), report);
  }
  return report;
}

Result<void> Dispatcher::send(const store::Notification& n) {
  switch (n.channel) {
    case store::NotificationChannel::email:
      if (!email_) return fail(ErrorCode::unavailable, "email is off (smtp.url is empty)");
      return email_(n.destination, n.subject, n.body, clock_.now(), n.id);
    case store::NotificationChannel::webhook: {
      const auto webhook = std::ranges::find(webhooks_, n.destination, &WebhookSettings::url);
      if (webhook == webhooks_.end()) {
        return fail(ErrorCode::invalid_input, "no webhook with this notification's URL is configured");
      }
      if (!webhook_) return fail(ErrorCode::unavailable, "webhooks are off");
      return webhook_(*webhook, n.id, n.subject, n.body, clock_.now());
    }
  }
  return fail(ErrorCode::internal, "unknown notification channel");
}

void Dispatcher::deliver(const store::Notification& n, Report& report) {
  const auto sent = send(n);
  const Timestamp now = clock_.now();
  if (sent) {
    if (auto recorded_ok = outbox_.delivered(n.id, now); !recorded_ok) {
      spdlog::error("notify: {} was delivered, but recording it failed (it will be delivered again): {}",
                    described(n), recorded_ok.error().message);
      return;
    }
    ++report.delivered;
    return;
  }
  const std::string error = recorded(sent.error().message);
  // What no attempt could change is given up at once; anything else waits as the policy says.
  const std::optional<Timestamp> retry_at = sent.error().code == ErrorCode::invalid_input
                                                ? std::nullopt
                                                : settings_.retry.next_attempt(n.attempts, now);
  if (auto recorded_ok = outbox_.failed(n.id, now, error, retry_at); !recorded_ok) {
    spdlog::error("notify: {} failed ({}), and recording that failed too: {}", described(n), error,
                  recorded_ok.error().message);
    return;
  }
  if (retry_at) {
    ++report.retried;
    spdlog::info("notify: {} attempt {} failed, next at {}: {}", described(n), n.attempts,
                 format_rfc3339(*retry_at), error);
  } else {
    ++report.given_up;
    spdlog::warn("notify: {} given up after {} attempt{}: {}", described(n), n.attempts,
                 n.attempts == 1 ? "" : "s", error);
  }
}

void Dispatcher::start() {
  const std::lock_guard lock(mutex_);
  if (thread_.joinable()) return;
  stopping_ = false;
  thread_ = std::thread([this] { loop(); });
}

void Dispatcher::stop() {
  {
    const std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable() && thread_.get_id() != std::this_thread::get_id()) thread_.join();
}

void Dispatcher::wake() {
  {
    const std::lock_guard lock(mutex_);
    woken_ = true;
  }
  wake_.notify_all();
}

void Dispatcher::loop() {
  std::unique_lock lock(mutex_);
  while (!stopping_) {
    woken_ = false;
    lock.unlock();
    bool full = false;
    if (auto report = run_once(); !report) {
      spdlog::error("notify: cannot claim notifications: {}", report.error().message);
    } else {
      full = report->delivered + report->retried + report->given_up >= settings_.batch;
    }
    lock.lock();
    if (!full) wake_.wait_for(lock, settings_.poll_interval, [this] { return stopping_ || woken_; });
  }
}

}  // namespace ssad::notify
