#include "subject/mailer.hpp"

#include <spdlog/spdlog.h>

namespace ssad::subject {
namespace {

// At most this many mails wait for the background thread; beyond it a mail is dropped (and logged): the
// per-domain and per-address limits keep honest use far below it.
constexpr std::size_t kMaxQueued = 1000;

}  // namespace

SmtpMailer::SmtpMailer(notify::SmtpSettings settings, const Clock& clock)
    : settings_(std::move(settings)), clock_(clock), thread_([this] { run(); }) {}

SmtpMailer::~SmtpMailer() {
  {
    const std::scoped_lock lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  thread_.join();
}

Result<void> SmtpMailer::send(const Mail& mail) {
  if (settings_.url.empty()) return fail(ErrorCode::unavailable, "No mail server is configured (smtp.url).");
  return notify::send_email(settings_, mail.to, mail.subject, mail.text, clock_.now(), "", mail.reply_to);
}

void SmtpMailer::send_later(Mail mail) {
  {
    const std::scoped_lock lock(mutex_);
    if (queue_.size() >= kMaxQueued) {
      spdlog::warn("subject mail: {} mails wait already; one dropped", queue_.size());
      return;
    }
    queue_.push_back(std::move(mail));
  }
  wake_.notify_one();
}

void SmtpMailer::run() {
  for (;;) {
    Mail mail;
    {
      std::unique_lock lock(mutex_);
      wake_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
      if (queue_.empty()) return;
      mail = std::move(queue_.front());
      queue_.pop_front();
    }
    if (auto sent = send(mail); !sent) {
      // The error names the server, never the recipient or the text.
      spdlog::warn("subject mail not sent: {}", sent.error().message);
    }
  }
}

}  // namespace ssad::subject
