#include "notify/settings.hpp"

#include <algorithm>

namespace ssad::notify {

Result<SmtpSettings> smtp_settings(const config::SmtpConfig& smtp) {
  SSAD_TRY(starttls, parse_starttls(smtp.starttls));
  SmtpSettings settings;
  settings.url = smtp.url;
  settings.from = smtp.from;
  settings.username = smtp.username;
  settings.password = smtp.password;
  settings.starttls = starttls;
  settings.ca_file = smtp.ca_file;
  settings.timeout = std::chrono::seconds(smtp.timeout_seconds);
  return settings;
}

std::vector<WebhookSettings> webhook_settings(const config::WebhookConfig& webhook) {
  if (webhook.url.empty()) return {};
  return {WebhookSettings{webhook.url, webhook.secret, std::chrono::seconds(webhook.timeout_seconds)}};
}

DispatcherSettings dispatcher_settings(const config::Config& config) {
  DispatcherSettings settings;
  settings.retry.base = std::chrono::seconds(config.notify.retry_base_seconds);
  settings.retry.max_delay = std::chrono::seconds(config.notify.retry_max_seconds);
  settings.retry.max_attempts = config.notify.max_attempts;
  settings.poll_interval = std::chrono::seconds(config.notify.poll_seconds);
  const auto longest =
      std::chrono::seconds(std::max(config.smtp.timeout_seconds, config.webhook.timeout_seconds));
  settings.lease = std::max<std::chrono::milliseconds>(std::chrono::minutes(2), 2 * longest);
  return settings;
}

Result<std::unique_ptr<Dispatcher>> make_dispatcher(const config::Config& config, store::Outbox& outbox,
                                                    const Clock& clock) {
  SSAD_TRY(smtp, smtp_settings(config.smtp));
  EmailSender email = config.smtp.url.empty() ? EmailSender() : smtp_sender(std::move(smtp));
  std::vector<WebhookSettings> webhooks = webhook_settings(config.webhook);
  // Abuse monitoring's alerts go to a webhook of their own (docs/abuse.md), with the same timeout.
  if (!config.abuse.webhook_url.empty()) {
    webhooks.push_back(WebhookSettings{config.abuse.webhook_url, config.abuse.webhook_secret,
                                       std::chrono::seconds(config.webhook.timeout_seconds)});
  }
  return std::make_unique<Dispatcher>(outbox, clock, std::move(email), http_webhook_sender(),
                                      std::move(webhooks), dispatcher_settings(config));
}

}  // namespace ssad::notify
