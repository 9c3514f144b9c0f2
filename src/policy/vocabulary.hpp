#pragma once
// The words a disclosure policy is written in (docs/policy.md): lawful bases, priorities, the kinds of
// data subject, the RFC 9560 purposes, abuse types, and the taxonomy of reasons a field is not disclosed.
// Each has one spelling, used in policy files, the /v1 API, explanations and the audit log.

#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

namespace ssad::policy {

/// GDPR Art. 6(1) (shared/spec/policy.md §5.1), spelled "6(1)(a)" … "6(1)(f)".
enum class LawfulBasis : std::uint8_t { a, b, c, d, e, f };
[[nodiscard]] std::string_view to_string(LawfulBasis basis);
[[nodiscard]] std::optional<LawfulBasis> parse_lawful_basis(std::string_view text);
/// Every basis, in order.
[[nodiscard]] std::span<const LawfulBasis> all_lawful_bases();

/// SSAD Rec 6 priorities (shared/spec/policy.md §1.6): "P1" urgent, "P2" ICANN administrative
/// proceedings, "P3" everything else; none for what has no priority (an RDAP query).
enum class Priority : std::uint8_t { none, p1, p2, p3 };
[[nodiscard]] std::string_view to_string(Priority priority);  // "", "P1", "P2", "P3"
[[nodiscard]] std::optional<Priority> parse_priority(std::string_view text);

/// Whose data a contact field is: a natural person, a legal person, unknown (treated as natural, and
/// matched as "unknown" only by rules that name it), or a privacy/proxy service standing in for the
/// registrant.
enum class SubjectKind : std::uint8_t { natural, legal, unknown, privacy_proxy };
[[nodiscard]] std::string_view to_string(SubjectKind kind);
[[nodiscard]] std::optional<SubjectKind> parse_subject_kind(std::string_view text);

/// The purposes registered by RFC 9560 §9.3 (IANA "RDAP Query Purpose Values").
[[nodiscard]] std::span<const std::string_view> rfc9560_purposes();
/// True for a well-formed purpose value: 1–64 characters of [A-Za-z_] (RFC 9560 §9.3).
[[nodiscard]] bool is_purpose_syntax(std::string_view text);

/// The kinds of abuse a request may say it investigates (seed 001, XARF's categories in part).
[[nodiscard]] std::span<const std::string_view> abuse_types();
[[nodiscard]] bool is_abuse_type(std::string_view text);

/// Why a field is not disclosed: the taxonomy of docs/policy.md. Every refusal carries one.
enum class Reason : std::uint8_t {
  none,                     // disclosed
  personal_data,            // personal data the public may not see (no lawful basis for the public)
  no_policy,                // no rule covers the field for this request
  pending_review,           // a reviewer decides (Disposition::review)
  not_requested,            // the requestor did not ask for it (data minimisation)
  not_necessary,            // not necessary for the stated purpose (data minimisation)
  purpose_not_permitted,    // the purpose is outside the requestor's accreditation
  basis_not_permitted,      // the lawful basis is not one the requestor may invoke
  not_accredited,           // no accreditation in force
  subject_rights_override,  // the data subject's interests override (balancing test, Art. 6(1)(f))
  legal_restriction,        // the law or a court order forbids disclosure
  operator_policy,          // the operator refuses it as a matter of policy
};
/// "personal_data", "no_policy", …: the spelling in policy files, explanations and logs.
[[nodiscard]] std::string_view to_string(Reason reason);
[[nodiscard]] std::optional<Reason> parse_reason(std::string_view text);
/// One sentence for a person, used as RFC 9537 reason.description. Never a value of the registration.
[[nodiscard]] std::string_view describe(Reason reason);
/// The reasons a policy rule may give for a refusal (not none, pending_review, or the engine's own:
/// not_requested, purpose_not_permitted, basis_not_permitted, not_accredited).
[[nodiscard]] bool is_refusal_reason(Reason reason);

}  // namespace ssad::policy
