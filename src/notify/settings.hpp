#pragma once
// The notification settings of ssad.toml ([smtp], [webhook], [notify]; docs/config.md) as the senders and
// the dispatcher take them, and the dispatcher the composition root starts.

#include <memory>
#include <vector>

#include "config/config.hpp"
#include "core/error.hpp"
#include "core/time.hpp"
#include "notify/dispatcher.hpp"
#include "notify/smtp.hpp"
#include "notify/webhook.hpp"
#include "store/notification_outbox.hpp"

namespace ssad::notify {

/// [smtp] as send_email() takes it. Errors: invalid_input for a starttls value parse_config() would
/// have refused.
[[nodiscard]] Result<SmtpSettings> smtp_settings(const config::SmtpConfig& smtp);

/// The webhooks configured: the operator's [webhook], or none when its url is empty.
[[nodiscard]] std::vector<WebhookSettings> webhook_settings(const config::WebhookConfig& webhook);

/// [notify] as the dispatcher takes it. The lease is at least two minutes, and twice the longest sender
/// timeout, so that a claim outlasts the delivery it covers.
[[nodiscard]] DispatcherSettings dispatcher_settings(const config::Config& config);

/// The dispatcher `config` describes, delivering from `outbox` at the time of `clock` with the real
/// senders (email off when smtp.url is empty). Not started. Errors: as smtp_settings().
[[nodiscard]] Result<std::unique_ptr<Dispatcher>> make_dispatcher(const config::Config& config,
                                                                  store::Outbox& outbox, const Clock& clock);

}  // namespace ssad::notify
