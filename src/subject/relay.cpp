#include "subject/relay.hpp"

#include <utility>

#include "audit/log.hpp"
#include "core/utf8.hpp"
#include "identity/credentials.hpp"
#include "subject/proofs.hpp"

namespace ssad::subject {
namespace {

constexpr std::size_t kMaxSubject = 200;

// Text a person wrote: UTF-8, and no control characters but line ends and tabs in the message.
bool clean(std::string_view text, bool lines) {
  if (!is_utf8(text)) return false;
  for (const char c : text) {
    const auto u = static_cast<unsigned char>(c);
    if (u == 0x7f) return false;
    if (u < 0x20 && !(lines && (c == '\n' || c == '\r' || c == '\t'))) return false;
  }
  return true;
}

Result<void> check(const RelayMessage& message, std::size_t max_bytes) {
  std::vector<MemberProblem> problems;
  if (message.subject.empty() || message.subject.size() > kMaxSubject || !clean(message.subject, false)) {
    problems.push_back({"/subject", "Must be 1 to 200 bytes of text on one line."});
  }
  if (message.text.empty() || message.text.size() > max_bytes || !clean(message.text, true)) {
    problems.push_back({"/message", "Must be 1 to " + std::to_string(max_bytes) +
                                        " bytes of UTF-8 text, without control characters but line ends."});
  }
  if (!message.to.empty() && message.to != "registrant" && message.to != "agent") {
    problems.push_back({"/to", "Must be registrant or agent."});
  }
  if (problems.empty()) return {};
  return std::unexpected(
      Error{ErrorCode::invalid_input, "The message cannot be relayed.", std::move(problems)});
}

Result<void> record(store::UnitOfWork& work, Timestamp now, const RelaySender& sender, std::string action,
                    const std::string& domain, const store::ContactRelay& relay) {
  audit::Entry entry;
  entry.time = now;
  entry.actor = sender.actor;
  entry.action = std::move(action);
  entry.object = {"domain", domain};
  entry.detail = {
      {"relay", relay.id}, {"recipient", relay.recipient_kind}, {"bytes", std::to_string(relay.bytes)}};
  return audit::record(work, std::move(entry));
}

}  // namespace

RelaySettings relay_settings(const config::SubjectConfig& config) {
  RelaySettings s;
  s.max_bytes = config.relay_max_bytes;
  s.per_domain_per_day = config.relays_per_domain_per_day;
  s.per_sender_per_day = config.relays_per_sender_per_day;
  s.operator_name = config.operator_name;
  return s;
}

std::string sender_key(std::string_view address) {
  return std::string(kEmailChecked) + sender_fingerprint(address);
}

Relay::Relay(store::Store& store, const Clock& clock, Mailer& mailer, Agents& agents, RelaySettings settings)
    : store_(store), clock_(clock), mailer_(mailer), agents_(agents), settings_(std::move(settings)) {}

Result<Relayed> Relay::relay(const RelaySender& sender, std::string_view domain,
                             const RelayMessage& message) {
  SSAD_CHECK(check(message, settings_.max_bytes));
  SSAD_TRY(name, domain_of(domain));
  SSAD_TRY(registration, store_.registrations().find_registration(name));
  SSAD_TRY(agent, agents_.in_force(registration));
  const Timestamp now = clock_.now();
  const Timestamp day_ago = now - std::chrono::hours(24);
  SSAD_TRY(work, store_.begin_audit());
  // The limits first, counted under locks of the domain's and the sender's (taken in that order by every
  // relay), so that nodes relaying at once cannot each pass them, and so that a sender over its limit
  // learns nothing of the recipient. The daily limit per domain is for senders who only proved an email
  // address: a crowd of those cannot keep accredited requestors from reaching the registrant.
  SSAD_CHECK(work->subjects().lock("relay-domain:" + name));
  SSAD_CHECK(work->subjects().lock("relay-sender:" + sender.id));
  SSAD_TRY(by_sender, store_.subjects().relays_by_since(sender.id, day_ago));
  if (by_sender >= settings_.per_sender_per_day) {
    return fail(ErrorCode::too_many_requests,
                "You have relayed as many messages as one sender may in a day.");
  }
  if (sender.id.starts_with(kEmailChecked)) {
    SSAD_TRY(to_domain, store_.subjects().relays_to_since(name, day_ago, std::string(kEmailChecked)));
    if (to_domain >= settings_.per_domain_per_day) {
      return fail(ErrorCode::too_many_requests,
                  "This domain has received as many relayed messages from email-checked senders as it takes "
                  "in a day; please try again later.");
    }
  }
  std::string to;
  std::string recipient;
  if (message.to != "registrant" && agent) {
    to = agent->email;
    recipient = "agent";
  } else if (message.to != "agent") {
    for (const auto& [role, contact] : registration.contacts) {
      if (role == model::ContactRole::registrant && !contact.email.empty()) {
        to = contact.email;
        break;
      }
    }
    recipient = "registrant";
  }
  if (to.empty()) {
    return fail(ErrorCode::conflict, "The recipient asked for cannot be written to through this relay.");
  }
  const store::ContactRelay relay{identity::new_id("rly"), name, sender.id, recipient, now,
                                  message.text.size()};
  {
    SSAD_CHECK(work->subjects().add_relay(relay));
    SSAD_CHECK(record(*work, now, sender, "contact.relay", name, relay));
    SSAD_CHECK(work->commit(now));
  }
  const std::string who = sender.organisation.empty()
                              ? "a sender who confirmed the address " + sender.email
                              : sender.organisation + " (" + sender.email + "), an accredited requestor";
  std::string text = "This message about " + name + " comes from " + who + ", through " +
                     settings_.operator_name +
                     ". Your address was not shown to the sender; if you reply, it will be.\n"
                     "---\n\n" +
                     message.text + "\n";
  auto sent = mailer_.send(Mail{to, "[" + name + "] " + message.subject, std::move(text), sender.email});
  if (!sent) {
    SSAD_TRY(failed, store_.begin_audit());
    SSAD_CHECK(record(*failed, clock_.now(), sender, "contact.relay_failed", name, relay));
    SSAD_CHECK(failed->commit(clock_.now()));
    if (sent.error().code == ErrorCode::invalid_input) return std::unexpected(sent.error());
    return fail(ErrorCode::unavailable,
                "The message could not be handed to the mail server; please try again later.");
  }
  return Relayed{relay.id, recipient};
}

}  // namespace ssad::subject
