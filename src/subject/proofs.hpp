#pragma once
// Proof that someone controls a domain's registration (issue 15 item 1; docs/subject.md): a one-time code
// sent to the registrant email on record, or a session its sponsoring registrar issues; and proof that a
// message's sender controls its email address (item 4). A proof grants a short session for that one
// domain (or address), presented as `Authorization: Bearer ssad_sss_…`.
//
// Codes: 8 random digits; only a hash is stored (store/subject_store.hpp); compared in constant time;
// valid `code_minutes`; used once; dead after `code_attempts` wrong codes tried against it; at most
// `challenges_per_hour` sent per domain (or address), across every node. A challenge for a domain that
// is not registered here, or has no registrant email, is stored and counted all the same, without a code:
// the answer, and its speed, say nothing of whether a code went out. Per-address limits are the HTTP
// layer's.
//
// Every step is audited (actor "subject", the session's id; object the domain — never an email address):
// subject.challenge, subject.verify, subject.verify_failed, subject.session (a registrar's),
// subject.sign_out.

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

#include "config/config.hpp"
#include "core/error.hpp"
#include "core/time.hpp"
#include "identity/authenticator.hpp"
#include "store/store.hpp"
#include "subject/mailer.hpp"

namespace ssad::subject {

struct ProofSettings {
  std::chrono::minutes code_lifetime{15};
  unsigned code_attempts = 5;
  unsigned challenges_per_hour = 5;
  std::chrono::minutes session_lifetime{30};
  std::string operator_name = "the registration data operator";
};
[[nodiscard]] ProofSettings proof_settings(const config::SubjectConfig& config);

/// A session as a request presents it.
struct Session {
  std::string id;  // "sss_…"
  store::ProofKind kind = store::ProofKind::registrant;
  std::string target;  // the domain (A-labels), or the sender's email address
  std::string proof;   // "code:<challenge id>" or "registrar:<organisation id>"
  Timestamp expires;
  std::string subject;  // a registrant's: whose registration it proved (policy::subject_fingerprint())
};

/// A session as issued: the token is shown once.
struct Issued {
  std::string token;
  Session session;
};

class Proofs {
 public:
  /// References must outlive it. Thread-safe.
  Proofs(store::Store& store, const Clock& clock, Mailer& mailer, ProofSettings settings);

  /// Sends a code to the registrant email on record of `domain` (in the background). Errors: invalid_input
  /// for a name that is no domain name; too_many_requests when `challenges_per_hour` were asked for the
  /// domain in the last hour (registered or not); unavailable when the store cannot commit.
  [[nodiscard]] Result<void> challenge_domain(std::string_view domain);
  /// Sends a code to `email` (a message's sender). Errors: invalid_input for a malformed address;
  /// otherwise as challenge_domain().
  [[nodiscard]] Result<void> challenge_sender(std::string_view email);

  /// Checks `code` against the open challenges for `target` and, when one matches, uses it and starts a
  /// session. Errors: invalid_input for a malformed target or a code that is not 8 digits;
  /// unauthenticated (one message) when no open challenge matches — the code is wrong, expired, used, or
  /// was never sent — and then the wrong code counts against each open challenge.
  [[nodiscard]] Result<Issued> verify(store::ProofKind kind, std::string_view target, std::string_view code);

  /// A session for `domain`'s registrant, issued to its sponsoring registrar for its customer: `who` must be
  /// a user of the organisation that is the domain's registrar (model::Organisation::registrar_iana_id).
  /// Errors: invalid_input for a malformed name; not_found when the domain is not registered here;
  /// forbidden when `who`'s organisation is not its sponsoring registrar.
  [[nodiscard]] Result<Issued> issue_for_registrar(const identity::Authenticated& who,
                                                   std::string_view domain);

  /// The session of `kind` an `Authorization` header carries. Errors: unauthenticated when there is none,
  /// or it is not such a session's token, unknown, wrong, ended or expired, or a registrant's whose
  /// registration changed hands since (its registrant contacts differ: policy::subject_fingerprint()) —
  /// one message for all.
  [[nodiscard]] Result<Session> session(std::optional<std::string_view> authorization,
                                        store::ProofKind kind) const;

  /// Ends `session` now. Errors: unavailable when the store cannot commit.
  [[nodiscard]] Result<void> sign_out(const Session& session);

 private:
  [[nodiscard]] Result<void> challenge(store::ProofKind kind, const std::string& target,
                                       std::optional<std::string> email, std::string subject);
  [[nodiscard]] Result<Issued> start(store::UnitOfWork& work, store::ProofKind kind,
                                     const std::string& target, std::string proof, std::string subject,
                                     Timestamp now);
  // The registrant fingerprint of `domain` now; "" when it is not registered (or has no registrant).
  [[nodiscard]] Result<std::string> registrant_now(const std::string& domain) const;

  store::Store& store_;
  const Clock& clock_;
  Mailer& mailer_;
  ProofSettings settings_;
};

/// What the audit log and the relay's limits name a sender by: a fingerprint of its address (lower case),
/// never the address.
[[nodiscard]] std::string sender_fingerprint(std::string_view address);

/// The domain name `text` as stored (A-labels, lower case). Errors: invalid_input.
[[nodiscard]] Result<std::string> domain_of(std::string_view text);
/// An email address as a sender's target: lower case, a plain addr-spec of at most 254 bytes. Errors:
/// invalid_input.
[[nodiscard]] Result<std::string> address_of(std::string_view text);

}  // namespace ssad::subject
