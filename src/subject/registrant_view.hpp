#pragma once
// What a registrant sees of its own data (issue 15 item 2; docs/subject.md), once a session proved its
// control of the domain (subject/proofs.hpp):
// - every disclosure of its data: through a disclosure request (disclosure/requests.hpp) or an accredited
//   RDAP lookup (recorded in the audit log as rdap.disclose) — when, to which organisation and user group,
//   for which purpose and lawful basis, which fields, whether the policy or a reviewer decided, and how
//   long the recipient may keep them. A request whose requestor asked that the data subject not be told is
//   left out while that is undecided or while an accepted hold lasts; it appears when the hold ends.
// - the GDPR Art. 15 report: the same, with the data held about the registrant, what is published to
//   everyone, the purposes, the source, the retention and the registrant's rights.
//
// "Its data" is the registrant contact's: a field is shown when the contacts holding it when it was
// disclosed were the current registrant (policy::subject_fingerprint()), so that the same person in the
// technical role sees that too, and a new registrant never sees what was disclosed about the last one.
// RDAP disclosures logged before issue 15 carry no such record: they are counted, not shown. An RDAP lookup
// shows once subject.lookup_delay_days have passed (it has no hold to ask for; an investigation is not
// tipped off).
//
// Every view is audited (subject.disclosures, subject.report), in the log the disclosures are in.

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "core/error.hpp"
#include "core/time.hpp"
#include "json/json_writer.hpp"
#include "policy/decision.hpp"
#include "store/store.hpp"
#include "subject/proofs.hpp"

namespace ssad::subject {

/// One disclosure of the registrant's data.
struct DisclosureItem {
  Timestamp when;
  std::string source;        // "request" (a disclosure request) or "rdap" (an accredited lookup)
  std::string request_id;    // source request: its id
  std::string organisation;  // the recipient organisation's name
  std::string group;         // the user group it was accredited in; "" when unaccredited
  std::string purpose;
  std::string lawful_basis;
  std::vector<std::string> fields;         // catalogue keys
  bool automated = true;                   // the policy decided every field; false: a reviewer decided some
  std::string retention;                   // what the policy allows ("30d", "incident+30d"), space-separated
  std::optional<Timestamp> retention_due;  // a request's: when the recipient must have destroyed it
};

struct Disclosures {
  std::string domain;
  std::vector<DisclosureItem> items;  // newest first
  // RDAP disclosures of this domain logged without a record of whose data they were (before issue 15):
  // to the current registrant or to an earlier one; not shown.
  std::size_t unattributed = 0;
  bool truncated = false;  // more than the view holds (kMaxItems); the oldest are left out
};

/// The Art. 15 report.
struct Report {
  Disclosures disclosures;
  Timestamp generated;
  std::string controller;  // the operator's name
  std::string registrar;   // the source of the data: the sponsoring registrar's name
  std::optional<std::int64_t> registrar_iana_id;
  // The registrant contact's data as held: catalogue key and value, in catalogue order.
  std::vector<std::pair<std::string, std::string>> held;
  std::vector<std::string> published;  // of those, the fields shown to everyone (RDAP, WHOIS)
  // The purposes the operator's policy lets accredited groups ask for: group name and purposes.
  std::vector<std::pair<std::string, std::vector<std::string>>> recipients_may_ask;
  std::string policy_fingerprint;
};

class RegistrantView {
 public:
  /// The most disclosures a view holds.
  static constexpr std::size_t kMaxItems = 10000;

  /// References must outlive it. Thread-safe.
  /// `lookup_delay`: an accredited RDAP lookup shows this long after it was made (subject.lookup_delay_days):
  /// it has no confidentiality hold to ask for, and must not tip off the registrant of an investigation in
  /// progress.
  RegistrantView(store::Store& store, const Clock& clock, policy::Settings policy, std::string operator_name,
                 std::chrono::days lookup_delay = std::chrono::days(0));

  /// The disclosures of `session`'s domain's registrant, audited. Errors: forbidden for a session that is
  /// not a registrant's; not_found when the domain is no longer registered here; unavailable.
  [[nodiscard]] Result<Disclosures> disclosures(const Session& session);
  /// The Art. 15 report, audited. Errors: as disclosures().
  [[nodiscard]] Result<Report> report(const Session& session);

 private:
  [[nodiscard]] Result<Disclosures> collect(const std::string& domain,
                                            const model::Registration& registration, Timestamp now);
  [[nodiscard]] Result<void> audit_view(const Session& session, const std::string& action, std::size_t shown,
                                        Timestamp now);

  store::Store& store_;
  const Clock& clock_;
  policy::Settings policy_;
  std::string operator_name_;
  std::chrono::days lookup_delay_;
};

void write_json(json::JsonWriter& out, const Disclosures& disclosures);
void write_json(json::JsonWriter& out, const Report& report);
/// The report as a printable HTML page (every value escaped).
[[nodiscard]] std::string report_html(const Report& report);

}  // namespace ssad::subject
