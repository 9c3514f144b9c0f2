#pragma once
// The disclosure request workflow (issue 13; DESIGN.md C6; docs/requests.md): a requestor files a request
// for fields of one domain; the one decision engine (policy/) answers at once what the operator's policy
// automates, and the rest waits for a reviewer, who claims it, may ask the requestor for more (pausing the
// deadline clock), and decides field by field with a balancing test. The requestor reads what was
// approved live from the current registration while the disclosure is valid, and confirms destruction
// when its retention ends. Every step is one unit of work with its audit entry and the notifications it
// causes (store/notification_outbox.hpp), durable before the answer.
//
// Who may do what (docs/requests.md "Who sees what"):
// - a requestor (a user of a requestor organisation) files requests, and reads, lists, cancels, writes
//   messages on, reads the disclosure of and confirms destruction for its own organisation's requests;
// - the operator's reviewers and administrators list the queue, read any request, claim, ask for
//   information, decide, and accept or refuse confidentiality; auditors read;
// - anyone else is told the request does not exist (not_found): one tenant's ids reveal nothing to another.
//
// Use cases take who is asking (identity::Authenticated) and read the time from the injected clock.

#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "audit/entry.hpp"
#include "core/error.hpp"
#include "core/time.hpp"
#include "disclosure/clock.hpp"
#include "disclosure/statistics.hpp"
#include "disclosure/submission.hpp"
#include "identity/authenticator.hpp"
#include "model/disclosure_request.hpp"
#include "model/registration.hpp"
#include "policy/decision.hpp"
#include "store/group_commit.hpp"
#include "store/store.hpp"

namespace ssad::disclosure {

/// Where notifications go besides the users' email addresses.
struct NotificationSettings {
  bool email = false;       // [smtp] url is set: users are emailed
  std::string webhook_url;  // the operator's webhook; "" = none
  std::string public_url;   // the base of links in messages ("https://ssad.example/"); may be empty
};

struct RequestSettings {
  SubmissionRules submission;
  bool accept_unaccredited = true;       // users of organisations without an accreditation in force may file
  unsigned default_retention_days = 30;  // for a field a rule discloses without saying for how long
  Deadlines deadlines;                   // the calendar and the deadline per priority
  NotificationSettings notifications;
};

/// A request and what to render with it: the current registration and the decision for it — the public
/// view plus the fields the request has disclosed (each withheld field with its reason). The registration
/// is left empty when nothing may be read from it now.
struct RequestView {
  model::DisclosureRequest request;
  std::optional<model::Registration> registration;
  policy::Decision decision;
};

/// A reviewer's decision on one field.
struct FieldRuling {
  std::string key;
  bool disclose = false;
  std::string reason;       // refusal: the taxonomy's spelling (policy::is_refusal_reason)
  std::string explanation;  // for the requestor; required for a refusal (SSAD Rec 5)
};

/// A reviewer's decision on some of a request's fields, with its balancing test (text members of
/// model::BalancingTest; the outcome follows from the rulings).
struct Ruling {
  std::vector<FieldRuling> fields;
  std::string legitimate_interest;
  std::string necessity;
  std::string minimisation;
  std::string risk;
  std::string safeguards;
  // A P1 request: whether its urgent criterion held (false counts as a false P1 claim in abuse
  // monitoring, issue 14); nullopt: not said.
  std::optional<bool> urgent;
};

/// One page of requests and the cursor of the next ("" at the end).
struct RequestPage {
  std::vector<model::DisclosureRequest> items;
  std::string next;
};

class Requests {
 public:
  /// References must outlive it. Thread-safe.
  Requests(store::Store& store, const Clock& clock, policy::Settings policy, RequestSettings settings);

  /// Files a request: the submission is checked (read_submission), the accreditation chosen (the one
  /// named, else the first in force that permits the purpose), the registration read, the policy run over
  /// the fields, and the request stored with its audit entry and notifications. Errors: read_submission's
  /// invalid_input; forbidden for staff, a disabled organisation's user, an accreditation of another
  /// organisation or not in force, and an unaccredited requestor where the operator accepts none;
  /// not_found when the domain is not registered here; unavailable when the store cannot commit.
  [[nodiscard]] Result<RequestView> create(const identity::Authenticated& who, std::string_view body);

  /// A request as `who` may see it; the registration is read (and the read audited) only when
  /// `with_data` and the request has disclosed fields `who` may read now. Errors: not_found (also for
  /// another organisation's request); forbidden when the data is asked for and may not be read now (the
  /// retention has passed, destruction was confirmed, or the accreditation is no longer in force).
  [[nodiscard]] Result<RequestView> read(const identity::Authenticated& who, const std::string& id,
                                         bool with_data);

  /// A page of the requests `who` may see that `filter` selects (a requestor's own organisation only;
  /// the whole queue for staff). Errors: invalid_input for a bad cursor.
  [[nodiscard]] Result<RequestPage> list(const identity::Authenticated& who, store::RequestFilter filter,
                                         const store::Page& page);

  /// The attachment of evidence item `index` (0-based) of a request `who` may see. Errors: not_found.
  [[nodiscard]] Result<model::Attachment> attachment(const identity::Authenticated& who,
                                                     const std::string& id, std::size_t index);

  /// Disclosures whose retention has ended without the requestor confirming destruction, oldest due first
  /// (administrators and auditors; counted against the requestor's accreditation). Errors: forbidden.
  [[nodiscard]] Result<RequestPage> overdue(const identity::Authenticated& who, const store::Page& page);

  /// How many overdue confirmations each accreditation has (requests filed without one count under
  /// ""): what counts against a requestor's accreditation (issue 14's detectors read it too). Errors:
  /// forbidden but for administrators and auditors.
  [[nodiscard]] Result<std::map<std::string, std::size_t>> overdue_by_accreditation(
      const identity::Authenticated& who);

  /// overdue_by_accreditation()'s counts, for abuse monitoring's retention detector (no caller to check).
  [[nodiscard]] Result<std::map<std::string, std::size_t>> overdue_counts();

  /// How many P1 requests `user_id` filed since `since` a reviewer found not urgent (abuse monitoring's
  /// false P1 claims).
  [[nodiscard]] Result<std::uint64_t> false_urgent_claims(const std::string& user_id, Timestamp since);

  /// The requestor withdraws an open request. Errors: not_found; conflict when it is not open.
  [[nodiscard]] Result<model::DisclosureRequest> cancel(const identity::Authenticated& who,
                                                        const std::string& id, const std::string& reason);

  /// A message from the requestor or a reviewer. A requestor's message on a request awaiting information
  /// answers it: the clock runs again. Errors: not_found; conflict on a cancelled request; invalid_input
  /// for an empty or over-long body.
  [[nodiscard]] Result<model::DisclosureRequest> message(const identity::Authenticated& who,
                                                         const std::string& id, const std::string& body);

  /// A reviewer takes an open request (administrators may take it from another reviewer).
  /// Errors: forbidden for non-reviewers; conflict when it is not open or another reviewer holds it.
  [[nodiscard]] Result<model::DisclosureRequest> claim(const identity::Authenticated& who,
                                                       const std::string& id);
  /// The reviewer holding it gives it back to the queue.
  [[nodiscard]] Result<model::DisclosureRequest> release(const identity::Authenticated& who,
                                                         const std::string& id);

  /// The reviewer holding it asks the requestor for more information: the clock pauses until the
  /// requestor answers (message()). Errors: conflict unless the caller holds it and it is in review.
  [[nodiscard]] Result<model::DisclosureRequest> ask_information(const identity::Authenticated& who,
                                                                 const std::string& id,
                                                                 const std::string& question);

  /// The reviewer holding it decides fields under review, with a balancing test. When none is left
  /// under review the request is decided. Errors: invalid_input (a field not under review, a refusal
  /// without a reason from the taxonomy or an explanation, a balancing test member missing); conflict
  /// unless the caller holds it and it is in review.
  [[nodiscard]] Result<model::DisclosureRequest> decide(const identity::Authenticated& who,
                                                        const std::string& id, const Ruling& ruling);

  /// A reviewer or administrator accepts or refuses the request's confidentiality hold. Errors:
  /// conflict when none was requested or it was already answered.
  [[nodiscard]] Result<model::DisclosureRequest> rule_confidentiality(const identity::Authenticated& who,
                                                                      const std::string& id, bool accept,
                                                                      const std::string& note);

  /// The requestor confirms it destroyed what it was given. Errors: conflict when nothing was disclosed
  /// or it was confirmed already.
  [[nodiscard]] Result<model::DisclosureRequest> confirm_destruction(const identity::Authenticated& who,
                                                                     const std::string& id,
                                                                     const std::string& statement);

  /// The transparency statistics of `period` beside the cumulative figures (docs/statistics.md), for
  /// the operator's staff and for requestors (the figures hold no personal data and no organisation's
  /// identity). Reads every request created before the period's end. Errors: forbidden for anyone else.
  [[nodiscard]] Result<Report> statistics(const identity::Authenticated& who, const Period& period);

  /// The watch every node runs: announces approaching deadlines and records breaches (once, across
  /// nodes), as of now. Returns how many requests it changed.
  [[nodiscard]] Result<std::size_t> watch_deadlines();

  [[nodiscard]] const RequestSettings& settings() const { return settings_; }
  /// The time of the injected clock.
  [[nodiscard]] Timestamp now() const { return clock_.now(); }
  [[nodiscard]] const policy::Settings& policy() const { return policy_; }

 private:
  struct Step;
  // Reads the request for update in a unit of work, lets `change` change it (and record what it did),
  // saves it, records the audit entry and notifications, and commits.
  template <class Change>
  Result<model::DisclosureRequest> update(const identity::Authenticated& who, const std::string& id,
                                          Change change);
  // The audit entry and the notifications of `step` on `request`, within `work`.
  Result<void> record(store::UnitOfWork& work, const audit::Actor& actor,
                      const model::DisclosureRequest& request, const Step& step, Timestamp now);
  // What to render for `request` over `registration` at `now`: the public view and the fields it has
  // disclosed and may still be read.
  [[nodiscard]] policy::Decision decision_for(const model::DisclosureRequest& request,
                                              const model::Registration& registration, Timestamp now) const;

  store::Store& store_;
  const Clock& clock_;
  policy::Settings policy_;
  RequestSettings settings_;
  // Filings and delivery reads, the busy steps, share commits (one fsync for many); the reviewers' steps,
  // which read a request for update and may be refused, commit on their own.
  store::GroupCommit committer_;
};

/// The transparency report of `period` over every request in `requests`, the categories those of
/// `rules` (its purposes and groups), as of `now` (docs/statistics.md).
[[nodiscard]] Result<Report> build_report(store::RequestReader& requests, const policy::Rules& rules,
                                          const Period& period, Timestamp now);

/// True when `who` may see `request` (its own organisation's, or any for staff).
[[nodiscard]] bool may_see(const identity::Authenticated& who, const model::DisclosureRequest& request);

}  // namespace ssad::disclosure
