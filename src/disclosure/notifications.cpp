#include "disclosure/notifications.hpp"

#include <array>

#include "identity/credentials.hpp"
#include "json/json_writer.hpp"

namespace ssad::disclosure {
namespace {

constexpr auto kEventNames = std::to_array<std::string_view>(
    {"request.submitted", "request.acknowledged", "request.information_requested",
     "request.information_provided", "request.message", "request.decided", "request.deadline_near",
     "request.deadline_breached", "request.cancelled"});

// The sentence an email opens with.
std::string_view headline(Event event) {
  switch (event) {
    case Event::submitted:
      return "A disclosure request waits for review.";
    case Event::acknowledged:
      return "Your disclosure request was received.";
    case Event::information_requested:
      return "A reviewer asks for more information about your disclosure request; its deadline is paused "
             "until you answer.";
    case Event::information_provided:
      return "The requestor answered your request for information; the deadline runs again.";
    case Event::message:
      return "There is a new message on a disclosure request.";
    case Event::decided:
      return "Your disclosure request is decided.";
    case Event::deadline_near:
      return "The decision deadline of a disclosure request is near.";
    case Event::deadline_breached:
      return "The decision deadline of a disclosure request has passed.";
    case Event::cancelled:
      return "The requestor withdrew a disclosure request.";
  }
  return "A disclosure request changed.";
}

std::string counts_of(const model::DisclosureRequest& request) {
  std::size_t disclosed = 0;
  std::size_t refused = 0;
  std::size_t review = 0;
  for (const auto& field : request.fields) {
    disclosed += field.state == model::FieldState::disclosed ? 1 : 0;
    refused += field.state == model::FieldState::refused ? 1 : 0;
    review += field.state == model::FieldState::review ? 1 : 0;
  }
  return std::to_string(disclosed) + " disclosed, " + std::to_string(refused) + " refused, " +
         std::to_string(review) + " under review";
}

std::string email_text(Event event, const model::DisclosureRequest& request, std::string_view link) {
  std::string text(headline(event));
  text += "\n\nRequest:  " + request.id;
  text += "\nDomain:   " + request.domain;
  text += "\nPriority: " + request.priority;
  text += "\nStatus:   " + std::string(model::to_string(request.status));
  text += "\nFields:   " + counts_of(request);
  if (request.clock.deadline) text += "\nDeadline: " + format_rfc3339(*request.clock.deadline);
  if (!link.empty()) text += "\n\n" + std::string(link);
  text += "\n\nThis message carries no registration data; read the request through the API.\n";
  return text;
}

std::string webhook_json(Event event, const model::DisclosureRequest& request, Timestamp now) {
  json::JsonWriter out;
  out.begin_object();
  out.member("type", to_string(event));
  out.member("time", format_rfc3339(now));
  out.key("data");
  out.begin_object();
  out.member("request", request.id);
  out.member("domain", request.domain);
  out.member("status", model::to_string(request.status));
  out.member("priority", request.priority);
  out.member("organisation", request.org_id);
  if (!request.reviewer_id.empty()) out.member("reviewer", request.reviewer_id);
  if (request.clock.deadline) out.member("deadline", format_rfc3339(*request.clock.deadline));
  out.member("outcome", model::to_string(model::outcome_of(request)));
  out.end_object();
  out.end_object();
  return std::string(out.view());
}

}  // namespace

std::string_view to_string(Event event) { return kEventNames[static_cast<std::size_t>(event)]; }

std::vector<store::Notification> notifications_for(Event event, const model::DisclosureRequest& request,
                                                   const Audience& audience, std::string_view webhook_url,
                                                   std::string_view link, std::size_t occurrence,
                                                   Timestamp now) {
  std::vector<store::Notification> out;
  const std::string key = request.id + "/" + std::string(to_string(event)) + "/" + std::to_string(occurrence);
  auto make = [&](store::NotificationChannel channel, std::string destination) {
    store::Notification n;
    n.id = identity::new_id("ntf");
    n.dedupe_key = key + "/" + std::string(store::to_string(channel)) + "/" + destination;
    n.channel = channel;
    n.destination = std::move(destination);
    n.request_id = request.id;
    n.created = now;
    n.due = now;
    return n;
  };
  for (const std::string& email : audience.emails) {
    if (email.empty()) continue;
    store::Notification n = make(store::NotificationChannel::email, email);
    n.subject = "[OpenSSAD] " + request.id + " (" + request.domain +
                "): " + std::string(to_string(event).substr(std::string_view("request.").size()));
    n.body = email_text(event, request, link);
    out.push_back(std::move(n));
  }
  if (audience.webhook && !webhook_url.empty()) {
    store::Notification n = make(store::NotificationChannel::webhook, std::string(webhook_url));
    n.subject = std::string(to_string(event));
    n.body = webhook_json(event, request, now);
    out.push_back(std::move(n));
  }
  return out;
}

}  // namespace ssad::disclosure
