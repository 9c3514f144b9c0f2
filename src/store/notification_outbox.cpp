#include "store/notification_outbox.hpp"

namespace ssad::store {

std::string_view to_string(NotificationChannel channel) {
  switch (channel) {
    case NotificationChannel::email:
      return "email";
    case NotificationChannel::webhook:
      return "webhook";
  }
  return "email";
}

Result<NotificationChannel> parse_notification_channel(std::string_view text) {
  if (text == "email") return NotificationChannel::email;
  if (text == "webhook") return NotificationChannel::webhook;
  return fail(ErrorCode::invalid_input,
              "unknown notification channel '" + std::string(text) + "' (expected email or webhook)");
}

}  // namespace ssad::store
