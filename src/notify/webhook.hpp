#pragma once
// Signed webhooks (issue 13), as Standard Webhooks (standardwebhooks.com) defines them, so that a
// receiver can check that a call comes from this server and is not replayed: docs/notifications.md says
// how to verify one.

#include <chrono>
#include <string>
#include <string_view>

#include "core/error.hpp"
#include "core/time.hpp"

namespace ssad::notify {

struct WebhookSettings {
  std::string url;     // https:// (http:// only to a loopback host); called as given, never redirected
  std::string secret;  // signs each call; "whsec_" + base64 is decoded to its bytes, anything else used as is
  std::chrono::seconds timeout{10};  // for the whole call
};

/// The key `secret` stands for: the bytes of "whsec_BASE64" (Standard Webhooks' form), or the secret's
/// own bytes.
[[nodiscard]] std::string webhook_key(std::string_view secret);

/// The value of the webhook-signature header: "v1," + base64(HMAC-SHA256(key, id "." timestamp "." body)),
/// `key` as webhook_key() gives it and `timestamp` the Unix seconds of the webhook-timestamp header.
[[nodiscard]] std::string webhook_signature(std::string_view key, std::string_view id, std::int64_t timestamp,
                                            std::string_view body);

/// POSTs `json_body` (the event, a JSON object, sent byte for byte as given) to the settings' URL as
/// application/json with the headers webhook-id (`id`: the same for each attempt of one notification,
/// so that a receiver can tell a repeat), webhook-timestamp (`now` in Unix seconds) and
/// webhook-signature. `type` is the event's type ("request.decided"), which failures name. Delivered
/// when the receiver answers 2xx; certificates are verified. Errors: invalid_input for what no attempt
/// could change (a URL that is not https://, or http:// to a host off loopback; no secret; an id with
/// characters a header cannot carry; a type that is not one line; a body that is not a JSON object in
/// UTF-8); unavailable when the receiver cannot be reached or answers anything but 2xx (a redirect
/// included). Messages name the receiver's host and port, never its path or query (which may hold a
/// token).
[[nodiscard]] Result<void> post_webhook(const WebhookSettings& settings, const std::string& id,
                                        const std::string& type, const std::string& json_body, Timestamp now);

}  // namespace ssad::notify
