#include "policy/vocabulary.hpp"

#include <algorithm>
#include <array>

namespace ssad::policy {
namespace {

constexpr std::array kLawfulBases = {LawfulBasis::a, LawfulBasis::b, LawfulBasis::c,
                                     LawfulBasis::d, LawfulBasis::e, LawfulBasis::f};
constexpr std::array<std::string_view, 6> kLawfulBasisNames = {"6(1)(a)", "6(1)(b)", "6(1)(c)",
                                                               "6(1)(d)", "6(1)(e)", "6(1)(f)"};

constexpr std::array<std::string_view, 11> kRfc9560Purposes = {
    "domainNameControl",
    "personalDataProtection",
    "technicalIssueResolution",
    "domainNameCertification",
    "individualInternetUse",
    "businessDomainNamePurchaseOrSale",
    "academicPublicInterestDNSResearch",
    "legalActions",
    "regulatoryAndContractEnforcement",
    "criminalInvestigationAndDNSAbuseMitigation",
    "dnsTransparency",
};

constexpr std::array<std::string_view, 9> kAbuseTypes = {
    "phishing", "malware", "botnet", "spam", "pharming", "ddos", "fraud", "child_abuse_material", "other",
};

struct ReasonText {
  Reason reason;
  std::string_view name;
  std::string_view description;
};

constexpr std::array kReasons = std::to_array<ReasonText>({
    {Reason::none, "none", ""},
    {Reason::personal_data, "personal_data",
     "Personal data, not published without a lawful basis for the requestor"},
    {Reason::no_policy, "no_policy", "Not disclosed: no rule of the server's disclosure policy covers it"},
    {Reason::pending_review, "pending_review",
     "Disclosed only after a reviewer decides on a disclosure request (POST /v1/requests)"},
    {Reason::not_requested, "not_requested", "Not requested"},
    {Reason::not_necessary, "not_necessary", "Not necessary for the stated purpose (data minimisation)"},
    {Reason::purpose_not_permitted, "purpose_not_permitted",
     "The stated purpose is not one the requestor's accreditation permits"},
    {Reason::basis_not_permitted, "basis_not_permitted",
     "The lawful basis is not one the requestor's accreditation permits"},
    {Reason::not_accredited, "not_accredited", "The requestor has no accreditation in force"},
    {Reason::subject_rights_override, "subject_rights_override",
     "The data subject's interests and rights override the requestor's interest"},
    {Reason::legal_restriction, "legal_restriction", "Disclosure is restricted by law or by an order"},
    {Reason::operator_policy, "operator_policy", "Not disclosed under the operator's policy"},
});

const ReasonText& text_of(Reason reason) {
  for (const ReasonText& text : kReasons) {
    if (text.reason == reason) return text;
  }
  return kReasons[2];  // no_policy: unreachable, every reason has a row
}

}  // namespace

std::string_view to_string(LawfulBasis basis) {
  return kLawfulBasisNames.at(static_cast<std::size_t>(basis));
}

std::optional<LawfulBasis> parse_lawful_basis(std::string_view text) {
  for (std::size_t i = 0; i < kLawfulBasisNames.size(); ++i) {
    if (kLawfulBasisNames[i] == text) return kLawfulBases[i];
  }
  return std::nullopt;
}

std::span<const LawfulBasis> all_lawful_bases() { return kLawfulBases; }

std::string_view to_string(Priority priority) {
  switch (priority) {
    case Priority::none:
      return "";
    case Priority::p1:
      return "P1";
    case Priority::p2:
      return "P2";
    case Priority::p3:
      return "P3";
  }
  return "";
}

std::optional<Priority> parse_priority(std::string_view text) {
  if (text == "P1") return Priority::p1;
  if (text == "P2") return Priority::p2;
  if (text == "P3") return Priority::p3;
  return std::nullopt;
}

std::string_view to_string(SubjectKind kind) {
  switch (kind) {
    case SubjectKind::natural:
      return "natural";
    case SubjectKind::legal:
      return "legal";
    case SubjectKind::unknown:
      return "unknown";
    case SubjectKind::privacy_proxy:
      return "privacy_proxy";
  }
  return "unknown";
}

std::optional<SubjectKind> parse_subject_kind(std::string_view text) {
  for (const SubjectKind kind :
       {SubjectKind::natural, SubjectKind::legal, SubjectKind::unknown, SubjectKind::privacy_proxy}) {
    if (to_string(kind) == text) return kind;
  }
  return std::nullopt;
}

std::span<const std::string_view> rfc9560_purposes() { return kRfc9560Purposes; }

bool is_purpose_syntax(std::string_view text) {
  return !text.empty() && text.size() <= 64 && std::all_of(text.begin(), text.end(), [](char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_';
  });
}

std::span<const std::string_view> abuse_types() { return kAbuseTypes; }

bool is_abuse_type(std::string_view text) {
  return std::find(kAbuseTypes.begin(), kAbuseTypes.end(), text) != kAbuseTypes.end();
}

std::string_view to_string(Reason reason) { return text_of(reason).name; }

std::optional<Reason> parse_reason(std::string_view text) {
  for (const ReasonText& row : kReasons) {
    if (row.name == text) return row.reason;
  }
  return std::nullopt;
}

std::string_view describe(Reason reason) { return text_of(reason).description; }

bool is_refusal_reason(Reason reason) {
  switch (reason) {
    case Reason::personal_data:
    case Reason::no_policy:
    case Reason::not_necessary:
    case Reason::subject_rights_override:
    case Reason::legal_restriction:
    case Reason::operator_policy:
      return true;
    default:
      return false;
  }
}

}  // namespace ssad::policy
