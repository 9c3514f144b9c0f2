#pragma once
// The one decision engine (DESIGN.md §3.2): for a caller, what it asks and a registration, a decision for
// every catalogue field — disclose, withhold (with a reason from the taxonomy, policy/vocabulary.hpp) or
// send to review — plus the ids of the rules that decided. Every front door renders from a Decision:
// public RDAP and WHOIS are the anonymous caller's decision, authorised RDAP and disclosure requests the
// decision for their requestor. Renderers never judge a field themselves: they show what is disclosed,
// write each withheld field's reason (RFC 9537 `reason` in RDAP), and leave out what the decision leaves
// out — a whole contact included.
//
// How a field is decided (docs/policy.md):
// 1. What the public sees is disclosed to everyone: public_always fields (rule public-element); a legal
//    person's organisation-level data (legal-person); what the contact consented to publish
//    (registrant-consent); with the switch publish_legal_person_contacts, the person at a legal person
//    (legal-person-contacts). A role with several contacts shows a field only if all of them may.
// 2. A field of a contact role nobody holds has no value: withheld, no rule.
// 3. The public: every other field withheld as personal data (personal-data-withheld).
// 4. A requestor: a field it did not ask for is withheld (not-requested); with its accreditation in force,
//    a purpose or lawful basis the accreditation does not permit withholds every field
//    (accreditation-purposes, accreditation-bases); otherwise the policy's rules, top to bottom, and the
//    first that applies and names the field decides it; a field none decides is withheld, not_accredited
//    when the accreditation is not in force (accreditation-not-in-force), else no_policy (no-policy).
// Nothing is disclosed by omission.

#include <array>
#include <bitset>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "catalog/catalog.hpp"
#include "catalog/field_set.hpp"
#include "identity/caller.hpp"
#include "model/operator.hpp"
#include "model/registration.hpp"
#include "policy/rules.hpp"
#include "policy/vocabulary.hpp"

namespace ssad::policy {

enum class Disposition : std::uint8_t { disclose, withhold, review };
[[nodiscard]] std::string_view to_string(Disposition disposition);  // "disclose", "withhold", "review"

/// Where a format needs a line for a withheld value (gTLD WHOIS): plain redaction, or a pointer to the
/// registrar of record (a registry's answer for contact emails).
enum class Notice : std::uint8_t { redacted, ask_registrar };

/// The ids of the engine's own rules. Stable: explanations and the audit log name them. The policy
/// file's rules have the ids written there.
namespace rule {
inline constexpr std::string_view kNone = "";
inline constexpr std::string_view kPublicElement = "public-element";  // published to everyone
inline constexpr std::string_view kLegalPerson = "legal-person";      // a legal person's own data
inline constexpr std::string_view kLegalPersonContacts = "legal-person-contacts";  // the switch
inline constexpr std::string_view kConsent = "registrant-consent";  // the contact consented to publish it
inline constexpr std::string_view kPersonalData = "personal-data-withheld";
inline constexpr std::string_view kNotRequested = "not-requested";
inline constexpr std::string_view kAccreditationPurposes = "accreditation-purposes";
inline constexpr std::string_view kAccreditationBases = "accreditation-bases";
inline constexpr std::string_view kAccreditationNotInForce = "accreditation-not-in-force";
inline constexpr std::string_view kNoPolicy = "no-policy";
}  // namespace rule

/// True for the rules that publish a field to everyone (public-element, legal-person,
/// legal-person-contacts, registrant-consent): what they disclose is no disclosure to a requestor.
[[nodiscard]] bool is_public_rule(std::string_view rule);

struct FieldDecision {
  Disposition disposition = Disposition::withhold;
  Reason reason = Reason::no_policy;
  Notice notice = Notice::redacted;
  std::string_view rule = rule::kNone;  // the rule that decided; kNone when none did
};

class Decision {
 public:
  /// Every field withheld for Reason::no_policy, every contact shown.
  Decision() = default;

  [[nodiscard]] const FieldDecision& operator[](const catalog::Field& field) const {
    return fields_[catalog::index_of(field)];
  }
  [[nodiscard]] bool discloses(const catalog::Field& field) const {
    return (*this)[field].disposition == Disposition::disclose;
  }
  void set(const catalog::Field& field, FieldDecision decision) {
    fields_[catalog::index_of(field)] = decision;
  }

  /// True when the contact in `role` is left out whole (the public sees nothing of it); the renderer
  /// then writes one redaction for the whole contact, with the reason of the contact's fields.
  [[nodiscard]] bool omits_contact(catalog::Role role) const {
    return omitted_.test(static_cast<std::size_t>(role));
  }
  void omit_contact(catalog::Role role) { omitted_.set(static_cast<std::size_t>(role)); }
  /// Shows the contact in `role` again (a decision made for a disclosure request that approves its fields).
  void include_contact(catalog::Role role) { omitted_.reset(static_cast<std::size_t>(role)); }

  /// The disclosed fields.
  [[nodiscard]] catalog::FieldSet disclosed() const;
  /// The ids of the rules that decided, each once, in catalogue order.
  [[nodiscard]] std::vector<std::string_view> rules() const;

  /// The lawful basis the decision was made under; nullopt for the public.
  std::optional<LawfulBasis> lawful_basis;

 private:
  std::array<FieldDecision, catalog::FieldSet::kCapacity> fields_{};
  std::bitset<8> omitted_;
};

/// What the decision engine knows about the operator and its policy.
struct Settings {
  model::Operator role = model::Operator::registry;
  // The policy in force; nullptr: the built-in default (Rules::builtin()).
  std::shared_ptr<const Rules> rules;

  [[nodiscard]] const Rules& policy() const { return rules ? *rules : Rules::builtin(); }
};

/// What a requestor asks, beyond who it is and its purpose (identity::Caller).
struct Ask {
  std::optional<LawfulBasis> lawful_basis;  // nullopt: the policy's rdap_lawful_basis
  Priority priority = Priority::none;
  std::string abuse_type;                      // "phishing", …; empty when not said
  std::optional<catalog::FieldSet> requested;  // nullopt: every field (an RDAP query)
};

/// A fingerprint of the rules in force: the SHA-256 (hex) of the operator's role, each catalogue field's
/// key, personal-data flag and default visibility, and the policy file's own fingerprint. It changes when
/// the rules do; the audit log records it at start-up.
[[nodiscard]] std::string fingerprint(const Settings& settings);

/// The decision for `caller` asking `ask` about `registration` (see the header comment).
[[nodiscard]] Decision decide(const identity::Caller& caller, const model::Registration& registration,
                              const Settings& settings, const Ask& ask = {});

/// Why one rule did or did not decide a field.
struct RuleTrace {
  std::string rule;  // a policy rule's id, or one of the engine's (rule::k…)
  std::string note;  // "decided", or the first condition that did not hold ("purpose is not …")
};

/// A decision with the reasoning behind each field, for `ssad policy explain` and /v1/policy/explain.
struct Explanation {
  Decision decision;
  LawfulBasis lawful_basis = LawfulBasis::f;
  AccreditationState accreditation = AccreditationState::none;
  std::vector<std::string> permitted_purposes;  // of the requestor's accreditation (or its group)
  std::vector<LawfulBasis> permitted_bases;
  // One list per catalogue field, in catalogue order: the rules read for it, the last one decided.
  std::vector<std::vector<RuleTrace>> traces;
};

/// decide(), with every field's reasoning.
[[nodiscard]] Explanation explain(const identity::Caller& caller, const model::Registration& registration,
                                  const Settings& settings, const Ask& ask = {});

/// The catalogue role of a contact role (the same four contacts).
[[nodiscard]] catalog::Role catalog_role(model::ContactRole role);

/// The state of a requestor's accreditation as a rule matches it.
[[nodiscard]] AccreditationState accreditation_state(const identity::Caller& caller);

}  // namespace ssad::policy
