#pragma once
// The one decision engine (DESIGN.md §3.2): for a caller and a registration, a decision for every
// catalogue field — disclose, withhold (with a reason from a small taxonomy) or send to review — plus
// the ids of the rules that decided. Every front door renders from a Decision: public RDAP and WHOIS
// are the anonymous caller's decision, and authorised RDAP and disclosure requests (later issues) the
// decision for their caller. Renderers never judge a field themselves: they show what is disclosed,
// write each withheld field's reason (RFC 9537 `reason` in RDAP), and leave out what the decision
// leaves out — a whole contact included.
//
// Nothing is disclosed by omission: a field no rule covers stays withheld (Reason::no_rule).

#include <array>
#include <bitset>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "catalog/catalog.hpp"
#include "catalog/field_set.hpp"
#include "identity/caller.hpp"
#include "model/operator.hpp"
#include "model/registration.hpp"

namespace ssad::policy {

enum class Disposition : std::uint8_t { disclose, withhold, review };

/// Why a field is not disclosed.
enum class Reason : std::uint8_t {
  none,            // disclosed
  personal_data,   // personal data (a natural person's, or a person of unknown type) the caller has no
                   // lawful basis for
  no_rule,         // no rule covers the field
  pending_review,  // a reviewer decides (Disposition::review)
};

/// "personal_data", "no_rule", ...: the spelling in explanations and logs.
[[nodiscard]] std::string_view to_string(Reason reason);
/// One sentence for a person, used as RFC 9537 reason.description. Never a value of the registration.
[[nodiscard]] std::string_view describe(Reason reason);

/// Where a format needs a line for a withheld value (gTLD WHOIS): plain redaction, or a pointer to the
/// registrar of record (a registry's answer for contact emails).
enum class Notice : std::uint8_t { redacted, ask_registrar };

/// The ids of the built-in rules. Stable: explanations and the audit log name them.
namespace rule {
inline constexpr std::string_view kNone = "";
inline constexpr std::string_view kPublicElement = "public-element";  // published to everyone
inline constexpr std::string_view kLegalPerson = "legal-person";      // a legal person's data is not personal
inline constexpr std::string_view kConsent = "registrant-consent";    // the contact consented to publish it
inline constexpr std::string_view kPersonalData = "personal-data-withheld";
}  // namespace rule

struct FieldDecision {
  Disposition disposition = Disposition::withhold;
  Reason reason = Reason::no_rule;
  Notice notice = Notice::redacted;
  std::string_view rule = rule::kNone;  // the rule that decided; kNone when none did
};

class Decision {
 public:
  /// Every field withheld for Reason::no_rule, every contact shown.
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

  /// The disclosed fields.
  [[nodiscard]] catalog::FieldSet disclosed() const;
  /// The ids of the rules that decided, each once, in catalogue order.
  [[nodiscard]] std::vector<std::string_view> rules() const;

 private:
  std::array<FieldDecision, catalog::FieldSet::kCapacity> fields_{};
  std::bitset<8> omitted_;
};

/// What the decision engine knows about the operator.
struct Settings {
  model::Operator role = model::Operator::registry;
};

/// A fingerprint of the rules in force: the SHA-256 (hex) of their text — the operator's role, then each
/// catalogue field's key, personal-data flag and default visibility, one per line. It changes when the
/// rules do; the audit log records it at start-up.
[[nodiscard]] std::string fingerprint(const Settings& settings);

/// The decision for `caller` about `registration`. For the anonymous caller:
/// - public_always fields: disclosed (rule public-element);
/// - other contact fields: disclosed when every contact holding that role is a legal person (legal-person)
///   or consented to publish the element (registrant-consent) — a role with several contacts shows a
///   field only if all may show it; otherwise withheld as personal data (personal-data-withheld). An
///   unknown person type counts as natural: when in doubt, withhold;
/// - fields of a role nobody holds: withheld, no rule (there is no value);
/// - the admin, tech and billing contacts are left out whole when none of their fields is disclosed;
///   the registrant never is (2024 profile);
/// - a registry points withheld contact emails to the registrar of record (Notice::ask_registrar).
[[nodiscard]] Decision decide(const identity::Caller& caller, const model::Registration& registration,
                              const Settings& settings);

/// The catalogue role of a contact role (the same four contacts).
[[nodiscard]] catalog::Role catalog_role(model::ContactRole role);

}  // namespace ssad::policy
