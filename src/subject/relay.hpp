#pragma once
// Contact without disclosure (issue 15 item 4; docs/subject.md; shared/spec/policy.md §1.20): a message
// from an identified sender — an accredited requestor, or anyone who proved control of its email address
// (subject/proofs.hpp, a sender's session) — relayed by email to a domain's registrant, or to its agent
// (subject/agents.hpp), without telling the sender their address. The sender's address is the relayed
// mail's Reply-To: the recipient chooses whether to answer, and so whether to reveal its own.
//
// Limits: the text is at most `max_bytes`; `per_domain_per_day` messages to one domain and
// `per_sender_per_day` from one sender in 24 hours, across nodes (the relay records count). The HTTP layer
// adds its per-address budget and abuse monitoring for requestors.
//
// What is kept: a relay record (who, to which domain, to whom, when, how big) and the audit entry
// `contact.relay`; never the subject, the text or an address. A message the mail server refuses is
// audited as `contact.relay_failed` and counts all the same.

#include <string>
#include <string_view>

#include "audit/entry.hpp"
#include "config/config.hpp"
#include "core/error.hpp"
#include "core/time.hpp"
#include "store/store.hpp"
#include "subject/agents.hpp"
#include "subject/mailer.hpp"

namespace ssad::subject {

struct RelaySettings {
  std::size_t max_bytes = 8192;
  unsigned per_domain_per_day = 10;
  unsigned per_sender_per_day = 20;
  std::string operator_name = "the registration data operator";
};
[[nodiscard]] RelaySettings relay_settings(const config::SubjectConfig& config);

/// The relay's key of a sender who proved `address` (lower case): "sender:" and its fingerprint.
[[nodiscard]] std::string sender_key(std::string_view address);

/// The key prefix of senders who proved an email address (sender_key()).
inline constexpr std::string_view kEmailChecked = "sender:";

/// Who sends.
struct RelaySender {
  // "user:<user id>" (an accredited requestor) or sender_key() of the address an email check proved: the
  // relay record's and the limits' key, the same for every session of one address.
  std::string id;
  std::string email;  // the Reply-To
  audit::Actor actor;
  std::string organisation;  // an accredited requestor's organisation name; "" for an email check
};

struct RelayMessage {
  std::string subject;
  std::string text;
  std::string to;  // "registrant", "agent", or "" (the agent when one is in force, else the registrant)
};

struct Relayed {
  std::string id;         // "rly_…"
  std::string recipient;  // "registrant" or "agent"
};

class Relay {
 public:
  /// References must outlive it. Thread-safe.
  Relay(store::Store& store, const Clock& clock, Mailer& mailer, Agents& agents, RelaySettings settings);

  /// Relays `message` to `domain`'s registrant or agent. Errors: invalid_input naming each member at
  /// fault (an empty or over-long subject or text, control characters, an unknown `to`); not_found when
  /// the domain is not registered here; conflict when the recipient asked for has no email on record (no
  /// agent in force, say); too_many_requests over a daily limit; unavailable when the mail server refused
  /// it (audited) or the store cannot commit.
  [[nodiscard]] Result<Relayed> relay(const RelaySender& sender, std::string_view domain,
                                      const RelayMessage& message);

 private:
  store::Store& store_;
  const Clock& clock_;
  Mailer& mailer_;
  Agents& agents_;
  RelaySettings settings_;
};

}  // namespace ssad::subject
