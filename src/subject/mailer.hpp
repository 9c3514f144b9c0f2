#pragma once
// How the registrant's side sends email (issue 15; docs/subject.md): one-time codes, agents' invitations
// and relayed messages. These are not written to the notification outbox: a code or a relayed message is
// a secret, or someone's words, that must not be stored (only the fact of sending is, in the audit log).
// A mail lost with a node is asked for again.
//
// send() waits for the server's answer (a relay tells its sender whether the message went); send_later()
// returns at once and a background thread sends (a challenge answers the same, at the same speed, whether
// or not a code went out).

#include <condition_variable>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "core/error.hpp"
#include "core/time.hpp"
#include "notify/smtp.hpp"

namespace ssad::subject {

struct Mail {
  std::string to;
  std::string subject;
  std::string text;
  std::string reply_to;  // "" = none
};

class Mailer {
 public:
  virtual ~Mailer() = default;
  /// Sends `mail` now. Errors: unavailable when no mail server is configured or it refused the mail;
  /// invalid_input for a malformed address (notify::compose_email()).
  [[nodiscard]] virtual Result<void> send(const Mail& mail) = 0;
  /// Queues `mail` for a background thread and returns at once. A failure is logged without the address or
  /// the text, and the mail dropped.
  virtual void send_later(Mail mail) = 0;
};

/// Email through the [smtp] server (notify::send_email()). Thread-safe; the destructor sends what is
/// queued, then stops.
class SmtpMailer final : public Mailer {
 public:
  /// `settings.url` empty: no mail can be sent (send() fails unavailable; send_later() drops and logs).
  SmtpMailer(notify::SmtpSettings settings, const Clock& clock);
  ~SmtpMailer() override;
  SmtpMailer(const SmtpMailer&) = delete;
  SmtpMailer& operator=(const SmtpMailer&) = delete;
  SmtpMailer(SmtpMailer&&) = delete;
  SmtpMailer& operator=(SmtpMailer&&) = delete;

  [[nodiscard]] Result<void> send(const Mail& mail) override;
  void send_later(Mail mail) override;

 private:
  void run();

  notify::SmtpSettings settings_;
  const Clock& clock_;
  std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<Mail> queue_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace ssad::subject
