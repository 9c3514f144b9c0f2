#pragma once
// What a requestor submits to file a disclosure request (issue 13 items 1–2; SSAD Rec 3, shared/spec/
// policy.md §1.3 and §6.1), read from the JSON body of POST /v1/requests, and the completeness check that
// keeps an incomplete request from ever reaching a reviewer: every member at fault is named at once, with
// an RFC 6901 pointer and what to do about it (RDRS refused most of its requests for incompleteness,
// shared/spec/policy.md §2.4–2.5).
//
// The body (docs/requests.md has it member by member):
//   {"domain": "example.com", "purpose": "criminalInvestigation", "lawful_basis": "6(1)(f)",
//    "priority": "P3", "urgent": {"criterion": "threat_to_life", "statement": "…"},   (P1 only)
//    "abuse_type": "phishing", "justification": "…",
//    "fields": [{"key": "registrant.email", "why": "…"}],
//    "evidence": [{"kind": "log_excerpt", "description": "…", "sha256": "…",
//                  "attachment": {"media_type": "text/plain", "content": "<base64>"}}],
//    "terms": {"version": "2026-01", "good_faith": true, "lawful_processing": true},
//    "confidentiality": {"legal_reference": "…", "until": "2027-06-30T00:00:00Z"},
//    "retention": {"days": 30, "incident_end": "2026-12-20T00:00:00Z"},
//    "accreditation": "acc_…"}

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.hpp"
#include "core/time.hpp"
#include "model/disclosure_request.hpp"
#include "policy/rules.hpp"

namespace ssad::disclosure {

/// The kinds of evidence a request may carry.
[[nodiscard]] std::span<const std::string_view> evidence_kinds();

/// What the operator accepts; from the [requests] section of the configuration.
struct SubmissionRules {
  std::string terms_version = "1";  // the terms of use a request must accept, by version
  std::size_t attachment_max_bytes = std::size_t{32} * 1024;
  std::vector<std::string> attachment_types{"text/plain", "application/pdf",  "image/png",
                                            "image/jpeg", "application/json", "message/rfc822"};
  std::size_t max_evidence = 10;
  unsigned max_retention_days = 365;           // the longest retention a request may ask for
  std::size_t max_confidentiality_days = 730;  // the latest end a confidentiality hold may ask for
};

/// One evidence item as submitted, its attachment decoded.
struct EvidenceItem {
  model::Evidence evidence;
  std::optional<model::Attachment> attachment;
};

/// A complete submission: every member present and well-formed (values in their one spelling, the
/// domain normalised to A-labels).
struct Submission {
  std::string domain;
  std::string purpose;
  std::string lawful_basis;
  std::string priority;
  std::optional<model::UrgentCriterion> urgent_criterion;
  std::string urgent_statement;
  std::string abuse_type;
  std::string justification;
  std::string terms_version;
  std::vector<model::RequestedField> fields;  // key and why; in the order asked
  std::vector<EvidenceItem> evidence;
  std::optional<model::Confidentiality> confidentiality;  // state requested, reference and end
  model::RetentionAsk retention;
  std::string accreditation_id;  // empty: the server chooses
};

/// Reads and checks a submission at `now` against `rules` and the policy in force (purposes, abuse
/// types). Errors: invalid_input whose `problems` name every member at fault (not the first alone): a
/// body that is not a JSON object, unknown members, wrong types, missing members, and values out of
/// their range (an unknown purpose or field key, a P1 without an urgent criterion and statement, a terms
/// version other than the one in force, an attachment too large or of a type not allowed, …). Problem
/// details never repeat a value.
[[nodiscard]] Result<Submission> read_submission(std::string_view body, const SubmissionRules& rules,
                                                 const policy::Rules& policy, Timestamp now);

}  // namespace ssad::disclosure
