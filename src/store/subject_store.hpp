#pragma once
// The registrant's side (issue 15; docs/subject.md): what the data subject of a registration — and a
// stranger who wants to reach it — leaves in the store.
//
// - Challenges: a one-time code sent by email, to prove control of a domain (to the registrant email on
//   record) or of an email address (a sender of a relayed message). Only a hash of the code is kept. A
//   challenge expires, is used once, and dies after too many wrong codes.
// - Sessions: what a proof grants, for one domain (a registrant) or one email address (a sender), until it
//   expires. Only a hash of the session's secret is kept.
// - Agents: a third party the registrant designated for technical and security issues (seed 000 h), with
//   its contact details and the record of its consent. At most one current (pending or active) per domain.
// - Relays: that a message was relayed to a domain's registrant or agent — by whom, when, how big — never
//   the message itself.
//
// Read through Store::subjects(), written through UnitOfWork::subjects() (store/store.hpp), in the unit of
// work of the audit entry that records the step. Rows holding personal data (a sender's email address, an
// agent's contact) are removed by prune() once they have served.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.hpp"
#include "core/time.hpp"

namespace ssad::store {

/// Whom a challenge or a session is about.
///   registrant  `target` is a domain name (A-labels, lower case): the registrant's control of it
///   sender      `target` is an email address (lower case): a message sender's control of it
enum class ProofKind : std::uint8_t { registrant, sender };
[[nodiscard]] std::string_view to_string(ProofKind kind);  // "registrant", "sender"
[[nodiscard]] Result<ProofKind> parse_proof_kind(std::string_view text);

/// A one-time code sent to prove control.
struct SubjectChallenge {
  std::string id;  // "sch_…", random
  ProofKind kind = ProofKind::registrant;
  std::string target;
  // SHA-256 (64 lower-case hex digits) of the challenge id, a newline and the code; empty when no code was
  // sent (no such domain, no email on record): such a challenge never matches, and counts all the same.
  std::string code_hash;
  Timestamp created;
  Timestamp expires;
  unsigned attempts = 0;          // wrong codes tried against it
  std::optional<Timestamp> used;  // set once a right code was used
  // A registrant's: whose registration the code was sent for (policy::subject_fingerprint() then); a code
  // does not prove control once the registrant changed. "" for a sender's, or when no code was sent.
  std::string subject;
  friend bool operator==(const SubjectChallenge&, const SubjectChallenge&) = default;
};

/// What a proof grants until it expires or is ended.
struct SubjectSession {
  std::string id;  // "sss_…", random; also written in the token, so that it is found without a search
  ProofKind kind = ProofKind::registrant;
  std::string target;
  std::string secret_hash;  // SHA-256 (hex) of the token's secret part
  // How control was proven: "code:<challenge id>" or "registrar:<organisation id>".
  std::string proof;
  Timestamp created;
  Timestamp expires;
  std::optional<Timestamp> ended;  // set when ended early (signed out)
  // A registrant's: whose registration the proof was of (policy::subject_fingerprint() of the registrant
  // contacts then); the session fails once the registrant changes. "" for a sender's.
  std::string subject;
  friend bool operator==(const SubjectSession&, const SubjectSession&) = default;
};

/// Where a designation stands.
///   pending    designated by the registrant; the agent has not yet consented
///   active     the agent consented: its contact is what the policy gives for technical issues
///   withdrawn  the registrant withdrew it
///   declined   the agent declined it, or withdrew its consent
///   replaced   the registrant designated another
///   lapsed     the domain changed hands (another registrant), or the agent never answered in time
enum class AgentState : std::uint8_t { pending, active, withdrawn, declined, replaced, lapsed };
[[nodiscard]] std::string_view to_string(AgentState state);
[[nodiscard]] Result<AgentState> parse_agent_state(std::string_view text);
/// pending and active: the domain's current designation.
[[nodiscard]] bool is_current(AgentState state);

/// A third party designated by a domain's registrant.
struct DomainAgent {
  std::string id;      // "agt_…", random
  std::string domain;  // A-labels, lower case
  // Whose registration it was designated for: the fingerprint of the registrant contact's handle when it
  // was designated (a new registrant is another data subject, whose designation this is not).
  std::string registrant;
  std::string kind;  // "person" or "organisation"
  std::string name;
  std::string organization;
  std::string email;
  std::string phone;  // E.164a ("+CC.NUMBER"); may be empty
  Timestamp designated;
  std::string designated_by;  // the registrant's session id
  AgentState state = AgentState::pending;
  // SHA-256 (hex) of the secret of the link sent to the agent, with which it consents or declines.
  std::string answer_hash;
  std::optional<Timestamp> consented;  // when the agent consented
  std::string consent_text;            // the statement it consented to, as shown to it
  std::optional<Timestamp> ended;      // when it stopped being current
  std::string end_reason;              // for people; never a personal value
  std::uint64_t version = 0;           // the number of times it was saved (optimistic concurrency)
  friend bool operator==(const DomainAgent&, const DomainAgent&) = default;
};

/// That a message was relayed: never its text, its subject or the sender's address.
struct ContactRelay {
  std::string id;      // "rly_…", random
  std::string domain;  // to whose registrant or agent
  std::string
      sender;  // "user:<user id>" (an accredited requestor) or "session:<session id>" (an email check)
  std::string recipient_kind;  // "registrant" or "agent"
  Timestamp created;
  std::uint64_t bytes = 0;  // the size of the message relayed
  friend bool operator==(const ContactRelay&, const ContactRelay&) = default;
};

class SubjectReader {
 public:
  virtual ~SubjectReader() = default;

  /// How many challenges of `kind` for `target` were created at or after `since` (used or not).
  [[nodiscard]] virtual Result<std::size_t> challenges_since(ProofKind kind, const std::string& target,
                                                             Timestamp since) = 0;
  /// The session with `id`, ended or expired as well. Errors: not_found.
  [[nodiscard]] virtual Result<SubjectSession> session(const std::string& id) = 0;
  /// The agent with `id`. Errors: not_found.
  [[nodiscard]] virtual Result<DomainAgent> agent(const std::string& id) = 0;
  /// The domain's current (pending or active) designation, if any.
  [[nodiscard]] virtual Result<std::optional<DomainAgent>> current_agent(const std::string& domain) = 0;
  /// Every designation of the domain, current or not, oldest first (then by id).
  [[nodiscard]] virtual Result<std::vector<DomainAgent>> agents(const std::string& domain) = 0;
  /// How many relays to `domain` were made at or after `since` by senders whose key starts with
  /// `sender_prefix` ("" for every sender; "sender:" for those who proved an email address).
  [[nodiscard]] virtual Result<std::size_t> relays_to_since(const std::string& domain, Timestamp since,
                                                            const std::string& sender_prefix) = 0;
  /// How many relays `sender` made at or after `since`.
  [[nodiscard]] virtual Result<std::size_t> relays_by_since(const std::string& sender, Timestamp since) = 0;
  /// The relays to `domain`, oldest first (then by id), at most `limit`.
  [[nodiscard]] virtual Result<std::vector<ContactRelay>> relays_to(const std::string& domain,
                                                                    std::size_t limit) = 0;
};

/// Writes within a unit of work; nothing is visible until it commits.
class SubjectWriter {
 public:
  virtual ~SubjectWriter() = default;

  /// Stores a new challenge. Errors: conflict when the id exists; invalid_input when it has no id or
  /// target, a code hash that is neither empty nor 64 lower-case hex digits, is used, or has attempts.
  [[nodiscard]] virtual Result<void> add_challenge(const SubjectChallenge& challenge) = 0;
  /// The challenges of `kind` for `target` that are unused and expire after `now`, oldest first (then by
  /// id), read within this unit of work and locked against other units' changes until it ends
  /// (PostgreSQL: the rows are locked; SQLite has one writer), so that one code is used once across
  /// nodes.
  [[nodiscard]] virtual Result<std::vector<SubjectChallenge>> open_challenges(ProofKind kind,
                                                                              const std::string& target,
                                                                              Timestamp now) = 0;
  /// Counts one wrong code against the challenge. Errors: not_found.
  [[nodiscard]] virtual Result<void> count_attempt(const std::string& id) = 0;
  /// Marks the challenge used at `when`. Errors: not_found; conflict when it was used already.
  [[nodiscard]] virtual Result<void> use_challenge(const std::string& id, Timestamp when) = 0;

  /// Stores a new session. Errors: conflict when the id exists; invalid_input when it has no id, target
  /// or proof, a secret hash that is not 64 lower-case hex digits, or expires before it was created.
  [[nodiscard]] virtual Result<void> add_session(const SubjectSession& session) = 0;
  /// Ends the session at `when` (it fails from then on). Errors: not_found; conflict when already ended.
  [[nodiscard]] virtual Result<void> end_session(const std::string& id, Timestamp when) = 0;

  /// Stores a new designation (its version must be 0; it is stored as 1). Errors: conflict when the id
  /// exists, or when it is current and the domain has a current one already; invalid_input when it has
  /// no id, domain, name or email, its kind is neither "person" nor "organisation", or its version is not 0.
  [[nodiscard]] virtual Result<void> add_agent(const DomainAgent& agent) = 0;
  /// Replaces the stored designation with `agent` when the stored version is `agent.version`, and
  /// increments the stored version. The id and domain do not change. Errors: not_found; conflict when the
  /// stored version differs, or when `agent` is current and another designation of the domain is.
  [[nodiscard]] virtual Result<void> save_agent(const DomainAgent& agent) = 0;

  /// Makes every other unit of work that takes the same `key` wait until this one ends, so that a count
  /// read after it (challenges_since(), relays_to_since()) and the row added on its strength are one step
  /// across nodes (PostgreSQL: a transaction-scoped advisory lock; SQLite has one writer already).
  [[nodiscard]] virtual Result<void> lock(const std::string& key) = 0;

  /// Records a relay. Errors: conflict when the id exists; invalid_input when it has no id, domain or
  /// sender.
  [[nodiscard]] virtual Result<void> add_relay(const ContactRelay& relay) = 0;

  /// Removes challenges and sessions that expired before `before`, and relays made before
  /// `relays_before`, and clears the contact details (name, organisation, email, phone) and the consent
  /// statement (which names the agent) of designations that ended before `before` or are still pending
  /// since before `pending_before` (never answered): how many rows changed, all told.
  [[nodiscard]] virtual Result<std::size_t> prune(Timestamp before, Timestamp relays_before,
                                                  Timestamp pending_before) = 0;
};

}  // namespace ssad::store
