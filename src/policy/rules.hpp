#pragma once
// The operator's disclosure policy as written in its file (TOML; docs/policy.md is the reference, and
// src/policy/default_policy.toml the default that ships in the binary): the user groups and what they may
// invoke by default, the operator's own purposes, a few switches, and the rules. A rule names the
// requests it applies to (purpose, lawful basis, user group, accrediting authority, accreditation status,
// data-subject kind, consent, priority, abuse type) and the fields it decides (catalogue keys, with
// wildcards: "tech.*", "*.email", "*"), and decides them: disclose, review, or refuse with a reason from
// the taxonomy (policy/vocabulary.hpp).
//
// Rules are read top to bottom and the first rule that applies to a request and names a field decides
// that field (first match; docs/policy.md says why). The engine (policy/decision.hpp) applies them.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "catalog/field_set.hpp"
#include "core/error.hpp"
#include "policy/vocabulary.hpp"

namespace ssad::policy {

/// A user group (seed 000 a, 001 a): who its members are and what they may invoke unless their
/// accreditation says otherwise.
struct Group {
  std::string id;  // "network_operator"
  std::string name;
  std::vector<std::string> purposes;
  std::vector<LawfulBasis> lawful_bases;
};

/// A purpose of the operator's own, beside RFC 9560's registered ones.
struct PurposeDefinition {
  std::string id;  // RFC 9560 §9.3 syntax
  std::string description;
};

enum class Outcome : std::uint8_t { disclose, review, refuse };
[[nodiscard]] std::string_view to_string(Outcome outcome);  // "disclose", "review", "refuse"

/// The state of a requestor's accreditation a rule may match: the stored statuses as in force at the
/// time of the request, and none for a requestor without one.
enum class AccreditationState : std::uint8_t { active, suspended, revoked, expired, none };
[[nodiscard]] std::string_view to_string(AccreditationState state);

/// How long a requestor may keep what a rule disclosed: `days` after the disclosure, or after the end of
/// the incident it was disclosed for ("incident+30d": seed 000 p, the attack plus 30 days).
struct Retention {
  unsigned days = 0;
  bool after_incident = false;
  friend bool operator==(const Retention&, const Retention&) = default;
};
/// "30d", "incident+30d".
[[nodiscard]] std::string to_string(const Retention& retention);
/// Reads "30d" / "incident+30d" (1 to 3660 days); nullopt for anything else.
[[nodiscard]] std::optional<Retention> parse_retention(std::string_view text);

struct Rule {
  std::string id;
  std::string description;
  unsigned line = 0;  // where the rule starts in its file
  // Conditions; an empty list matches anything.
  std::vector<std::string> purposes;
  std::vector<LawfulBasis> lawful_bases;
  std::vector<std::string> groups;
  std::vector<std::string> authorities;
  std::vector<AccreditationState> accreditation{AccreditationState::active};  // default: in force
  std::vector<SubjectKind> subjects;  // of the contact holding the field; fields without one never match
  std::optional<bool> consent;        // the contact consented to publish the field's element
  // The registrant designated an agent for technical and security issues, in force now (issue 15;
  // docs/subject.md): true, only with one; false, only without.
  std::optional<bool> agent;
  std::vector<Priority> priorities;
  std::vector<std::string> abuse_types;
  // Fields it decides, and the patterns they came from.
  catalog::FieldSet fields;
  std::vector<std::string> field_patterns;
  // When true the rule applies only to a request that asks for no non-public field outside `fields`
  // (SSAD Rec 9.4: "the city field only").
  bool only_these_fields = false;
  Outcome outcome = Outcome::refuse;
  Reason reason = Reason::operator_policy;  // refuse: its reason; review: pending_review; disclose: none
  std::optional<Retention> retention;       // disclose: how long the requestor may keep it
};

struct Switches {
  // The name, email, phone and fax of the person at a legal person are personal data unless consented;
  // true publishes them as the organisation's own.
  bool publish_legal_person_contacts = false;
  // The basis an RDAP query is judged under: RFC 9560 carries a purpose, not a basis.
  LawfulBasis rdap_lawful_basis = LawfulBasis::f;
};

class Rules {
 public:
  /// Parses a policy file. `source` names it in errors. Errors: invalid_input whose message lists every
  /// problem found, one per line, as "SOURCE:LINE: what is wrong and what is expected".
  [[nodiscard]] static Result<Rules> parse(std::string_view text, std::string_view source);
  /// The default policy that ships with the binary (default_policy.toml).
  [[nodiscard]] static const Rules& builtin();
  /// The default policy's text, for `ssad policy show-default` and the documentation test.
  [[nodiscard]] static std::string_view builtin_text();

  [[nodiscard]] const std::vector<Group>& groups() const { return groups_; }
  [[nodiscard]] const Group* group(std::string_view id) const;
  [[nodiscard]] const std::vector<PurposeDefinition>& own_purposes() const { return purposes_; }
  /// True for an RFC 9560 purpose or one of the operator's own.
  [[nodiscard]] bool knows_purpose(std::string_view purpose) const;
  [[nodiscard]] const std::vector<Rule>& rules() const { return rules_; }
  [[nodiscard]] const Rule* rule(std::string_view id) const;
  [[nodiscard]] const Switches& switches() const { return switches_; }
  /// The SHA-256 (hex) of the file's text: which policy decided, for the audit log.
  [[nodiscard]] const std::string& fingerprint() const { return fingerprint_; }

 private:
  std::vector<Group> groups_;
  std::vector<PurposeDefinition> purposes_;
  std::vector<Rule> rules_;
  Switches switches_;
  std::string fingerprint_;
};

}  // namespace ssad::policy
