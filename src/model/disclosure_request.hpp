#pragma once
// A disclosure request (issue 13; DESIGN.md C6, §3.3; shared/spec/policy.md §1.3–1.13): a requestor asks
// for named fields of one domain's current registration, for a purpose and under a lawful basis, and the
// operator answers field by field — at once where its policy automates the answer, after a reviewer's
// balancing test where it does not. Plain values: no storage, no checks (disclosure/ validates and
// decides).
//
// A request holds the decision — which fields, for whom, why, until when — and never a value of the
// registration: a requestor reads what was approved live from the current data (DESIGN.md §3.3).
//
// Words the policy owns (lawful bases "6(1)(f)", priorities "P1", purposes, reasons "not_necessary") are
// kept in their one spelling (policy/vocabulary.hpp), which disclosure/ checks on the way in. Ids are
// random ("req_…") and never reused. Times are UTC milliseconds.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.hpp"
#include "core/time.hpp"

namespace ssad::model {

/// Where a request stands.
///   pending               some field waits for a reviewer; nobody has claimed it
///   in_review             a reviewer has claimed it
///   awaiting_information  a reviewer asked the requestor for more; the deadline clock is paused
///   decided               every field is decided (at once, by the policy, or by a reviewer)
///   cancelled             the requestor withdrew it before it was decided
enum class RequestStatus : std::uint8_t { pending, in_review, awaiting_information, decided, cancelled };
[[nodiscard]] std::string_view to_string(RequestStatus status);
[[nodiscard]] Result<RequestStatus> parse_request_status(std::string_view text);
/// True for pending, in_review and awaiting_information: a reviewer still has work on it.
[[nodiscard]] bool is_open(RequestStatus status);

/// What became of one requested field.
///   review     waits for a reviewer
///   disclosed  approved: the requestor may read it live while the disclosure is valid
///   refused    not disclosed, for `reason`
enum class FieldState : std::uint8_t { review, disclosed, refused };
[[nodiscard]] std::string_view to_string(FieldState state);
[[nodiscard]] Result<FieldState> parse_field_state(std::string_view text);

/// The criteria that make a request urgent (SSAD Rec 6, Priority 1; shared/spec/policy.md §1.6).
enum class UrgentCriterion : std::uint8_t {
  threat_to_life,
  serious_bodily_injury,
  critical_infrastructure,
  child_exploitation,
};
[[nodiscard]] std::string_view to_string(UrgentCriterion criterion);
[[nodiscard]] Result<UrgentCriterion> parse_urgent_criterion(std::string_view text);

/// What the operator made of a request that the data subject not be told (seed 001 h).
enum class ConfidentialityState : std::uint8_t { none, requested, accepted, refused };
[[nodiscard]] std::string_view to_string(ConfidentialityState state);
[[nodiscard]] Result<ConfidentialityState> parse_confidentiality_state(std::string_view text);

/// Who did something to a request: "requestor", "reviewer" (any staff user), or "system" (the policy,
/// the deadline watch) — the audit log's actor kinds.
struct RequestActor {
  std::string kind;
  std::string id;  // the user's id; empty for the system
  friend bool operator==(const RequestActor&, const RequestActor&) = default;
};

/// One field the requestor asks for, and what became of it.
struct RequestedField {
  std::string key;  // catalogue key ("registrant.email")
  std::string why;  // the requestor's reason for needing it (data minimisation, Rec 3 e)
  FieldState state = FieldState::review;
  std::string reason;       // refused: the taxonomy's spelling ("not_necessary"); else empty
  std::string explanation;  // for the requestor: why it was decided so (never a value)
  std::string rule;         // the policy rule that decided; empty when a reviewer did or none has yet
  RequestActor decided_by;  // empty kind while in review
  std::optional<Timestamp> decided;
  std::string retention;  // disclosed: what the policy allows ("30d", "incident+30d"); else empty
                          // Whose data the field was asked about (policy::subject_record()): a fingerprint
                          // (SHA-256, hex) of the
  // handles of the contacts holding it when the request was filed, then (since issue 15) a space and a
  // fingerprint of those contacts' names, organisations and emails; empty for a field no contact held. A
  // disclosure is read only while the same contacts hold it (a new registrant is another data subject);
  // the data subject sees it only while the same person does.
  std::string subject;
  friend bool operator==(const RequestedField&, const RequestedField&) = default;
};

/// One item of evidence. The requestor keeps what it describes and gives its SHA-256, so that an auditor
/// can later match it; a small attachment may come along (kept apart: store::RequestReader::attachment).
struct Evidence {
  std::string kind;         // "log_excerpt", "screenshot", "report", "court_order", "other", …
  std::string description;  // what it shows
  std::string sha256;       // 64 lower-case hex digits: the hash of what the requestor holds
  std::string media_type;   // of the attachment; empty when there is none
  std::uint64_t attachment_size = 0;
  std::string attachment_sha256;  // of the attachment's bytes; empty when there is none
  friend bool operator==(const Evidence&, const Evidence&) = default;
};

/// An attachment's bytes and their media type.
struct Attachment {
  std::string media_type;
  std::string bytes;
  friend bool operator==(const Attachment&, const Attachment&) = default;
};

/// A request that the data subject not be told of the disclosure, with its legal reference and end, and
/// the operator's answer.
struct Confidentiality {
  ConfidentialityState state = ConfidentialityState::none;
  std::string legal_reference;     // the law or order invoked
  std::optional<Timestamp> until;  // when the hold ends
  RequestActor decided_by;         // who accepted or refused it
  std::optional<Timestamp> decided;
  std::string note;  // why it was accepted or refused
  friend bool operator==(const Confidentiality&, const Confidentiality&) = default;
};

/// How long the requestor asks to keep what it is given: `days` after the disclosure, or after the end of
/// the incident it expects (seed 000 p: the attack plus 30 days).
struct RetentionAsk {
  unsigned days = 0;
  std::optional<Timestamp> incident_end;  // set: `days` count from here
  friend bool operator==(const RetentionAsk&, const RetentionAsk&) = default;
};

/// One step in a request's status history.
struct RequestEvent {
  Timestamp at;
  RequestActor actor;
  std::string kind;  // "submitted", "claimed", "information_requested", "field_decided", … (docs/requests.md)
  RequestStatus status = RequestStatus::pending;  // the status after the step
  std::string note;                               // what a person reads: never a value of the registration
  friend bool operator==(const RequestEvent&, const RequestEvent&) = default;
};

/// A message between the requestor and the operator's reviewers.
struct RequestMessage {
  Timestamp at;
  RequestActor author;
  std::string body;
  bool asks_information = false;  // a reviewer's request for more information (pauses the clock)
  friend bool operator==(const RequestMessage&, const RequestMessage&) = default;
};

/// A reviewer's balancing test under Art. 6(1)(f) (shared/spec/policy.md §5.2) for some of the fields.
struct BalancingTest {
  Timestamp at;
  std::string reviewer_id;
  std::vector<std::string> fields;  // the catalogue keys it decided
  std::string legitimate_interest;  // the interest, and whether it is lawful, clear, real and present
  std::string necessity;            // why no less intrusive means would do
  std::string minimisation;         // why these fields and no others
  std::string risk;                 // the risk to the data subject, its rights and expectations
  std::string safeguards;           // what limits the harm
  std::string outcome;              // "disclose" or "refuse"
  std::string reason;               // refuse: the taxonomy's reason; else empty
  friend bool operator==(const BalancingTest&, const BalancingTest&) = default;
};

/// The decision clock (disclosure/deadlines.hpp computes it): the deadline, in business time of the
/// operator's calendar, and its pauses while the requestor is asked for information.
struct DecisionClock {
  std::optional<Timestamp> deadline;      // when the fields under review must be decided; nullopt: none
  std::optional<Timestamp> paused_since;  // set while paused
  std::int64_t paused_ms = 0;             // total of the finished pauses
  std::int64_t business_ms_used = 0;      // business time consumed before running_since
  Timestamp running_since;                // when the clock last started or resumed
  std::optional<Timestamp> warned;        // when the approaching deadline was announced
  std::optional<Timestamp> breached;      // when the deadline passed undecided (set once)
  friend bool operator==(const DecisionClock&, const DecisionClock&) = default;
};

struct DisclosureRequest {
  std::string id;  // "req_…"
  // Who asks: the user, its organisation, and the accreditation and user group it asked under (both
  // empty for an unaccredited requestor, whose requests are never decided automatically).
  std::string org_id;
  std::string user_id;
  std::string accreditation_id;
  std::string group;
  // What it asks.
  std::string domain;        // the domain name, as the registration holds it (A-labels)
  std::string purpose;       // an RFC 9560 purpose or one of the operator's
  std::string lawful_basis;  // "6(1)(a)" … "6(1)(f)"
  std::string priority;      // "P1", "P2", "P3"
  std::optional<UrgentCriterion> urgent_criterion;  // P1 only
  std::string urgent_statement;                     // P1 only: why the criterion holds
  // P1 only, once a reviewer said so: whether the urgent criterion held. false is a false P1 claim, which
  // abuse monitoring counts (issue 14).
  std::optional<bool> urgent_upheld;
  std::string abuse_type;     // "phishing", …; empty when not said
  std::string justification;  // the rationale: why, and why necessary
  std::string terms_version;  // the terms of use accepted with it
  std::vector<RequestedField> fields;
  std::vector<Evidence> evidence;
  Confidentiality confidentiality;
  RetentionAsk retention;
  std::string policy_fingerprint;  // the rules in force when the policy decided (policy::fingerprint)

  // Where it stands.
  RequestStatus status = RequestStatus::pending;
  std::string reviewer_id;  // the reviewer who claimed it; empty when nobody has
  DecisionClock clock;
  Timestamp created;  // received; acknowledged in the same answer
  Timestamp updated;
  std::optional<Timestamp> decided;  // when the last field was decided
  // Delivery and retention: the approved fields may be read until `retention_due` (the shortest the
  // policy and the requestor allow); the requestor then confirms it destroyed what it read.
  std::optional<Timestamp> retention_due;
  std::optional<Timestamp> destruction_confirmed;
  bool automated = true;  // every field decided by the policy, none by a reviewer (Art. 22 / 15(1)(h))

  std::vector<RequestEvent> history;
  std::vector<RequestMessage> messages;
  std::vector<BalancingTest> balancing_tests;

  // Optimistic concurrency: the number of times the stored request was saved. store::RequestWriter's
  // save_request() refuses a request whose version is not the stored one.
  std::uint64_t version = 0;

  friend bool operator==(const DisclosureRequest&, const DisclosureRequest&) = default;
};

/// What a decided request came to: every requested field disclosed (approved), some (partly_approved),
/// none (refused); none while open; cancelled.
enum class RequestOutcome : std::uint8_t { none, approved, partly_approved, refused, cancelled };
[[nodiscard]] std::string_view to_string(RequestOutcome outcome);
[[nodiscard]] RequestOutcome outcome_of(const DisclosureRequest& request);

}  // namespace ssad::model
