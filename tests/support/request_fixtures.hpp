#pragma once
// Disclosure requests for tests (model/disclosure_request.hpp): one with nothing optional, and one with every
// member set, its free text awkward to encode, with its evidence's attachments.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "model/disclosure_request.hpp"
#include "support/registration_fixtures.hpp"

namespace ssad::testing {

/// A request with what every request has, and nothing optional.
inline model::DisclosureRequest minimal_request(std::string id) {
  model::DisclosureRequest r;
  r.id = std::move(id);
  r.org_id = "org_cert";
  r.user_id = "usr_analyst";
  r.domain = "example.com";
  r.purpose = "cybersecurity";
  r.lawful_basis = "6(1)(f)";
  r.priority = "P3";
  r.fields = {{.key = "registrant.email", .why = "to contact the holder"}};
  r.clock.running_since = at("2026-03-02T09:00:00Z");
  r.created = at("2026-03-02T09:00:00Z");
  r.updated = at("2026-03-02T09:00:00Z");
  return r;
}

/// Free text that a document must keep byte for byte: JSON's special characters, control characters, a
/// NUL, and characters beyond ASCII.
inline std::string awkward(std::string_view what) {
  return std::string(what) + ": quote \" backslash \\ slash / tab\tline\ncontrol \x01 nul " +
         std::string(1, '\0') + " ünïcødé ✓ 😀 \"{\"not\": [\"json\"]}\"";
}

inline model::RequestActor reviewer(std::string id) { return {"reviewer", std::move(id)}; }

/// A request with every member set, optionals included, each to a value no other member has.
inline model::DisclosureRequest full_request(std::string id) {
  model::DisclosureRequest r;
  r.id = std::move(id);
  r.org_id = "org_cert";
  r.user_id = "usr_analyst";
  r.accreditation_id = "acc_first";
  r.group = "cert";
  r.domain = "xn--bcher-kva.example";
  r.purpose = "incident_response";
  r.lawful_basis = "6(1)(e)";
  r.priority = "P1";
  r.urgent_criterion = model::UrgentCriterion::critical_infrastructure;
  r.urgent_statement = awkward("urgent");
  r.abuse_type = "phishing";
  r.justification = awkward("justification");
  r.terms_version = "2026-01";
  r.fields = {
      {.key = "registrant.email",
       .why = awkward("why"),
       .state = model::FieldState::disclosed,
       .reason = "",
       .explanation = "automated: rule cert-email",
       .rule = "cert-email",
       .decided_by = {"system", ""},
       .decided = at("2026-03-02T09:00:00.001Z"),
       .retention = "incident+30d",
       .subject = std::string(64, 'e')},
      {.key = "registrant.name",
       .why = "to identify the holder",
       .state = model::FieldState::refused,
       .reason = "not_necessary",
       .explanation = awkward("explanation"),
       .rule = "",
       .decided_by = reviewer("usr_reviewer"),
       .decided = at("2026-03-03T10:00:00Z"),
       .retention = ""},
      {.key = "registrant.phone", .why = "to call", .state = model::FieldState::review},
  };
  r.evidence = {
      {.kind = "log_excerpt",
       .description = awkward("log"),
       .sha256 = std::string(64, 'a'),
       .media_type = "text/plain",
       .attachment_size = 5,
       .attachment_sha256 = std::string(64, 'b')},
      {.kind = "report", .description = "the incident report", .sha256 = std::string(64, 'c')},
      {.kind = "screenshot",
       .description = "the phishing page",
       .sha256 = std::string(64, 'd'),
       .media_type = "image/png",
       .attachment_size = 4,
       .attachment_sha256 = std::string(64, 'e')},
  };
  r.confidentiality = {.state = model::ConfidentialityState::accepted,
                       .legal_reference = awkward("legal"),
                       .until = at("2026-09-01T00:00:00Z"),
                       .decided_by = reviewer("usr_reviewer"),
                       .decided = at("2026-03-03T10:00:00Z"),
                       .note = "an ongoing investigation"};
  r.retention = {.days = 30, .incident_end = at("2026-04-01T00:00:00Z")};
  r.policy_fingerprint = "sha256:0123abcd";
  r.status = model::RequestStatus::awaiting_information;
  r.reviewer_id = "usr_reviewer";
  r.clock = {.deadline = at("2026-03-09T09:00:00Z"),
             .paused_since = at("2026-03-04T12:00:00Z"),
             .paused_ms = 3'600'000,
             .business_ms_used = 12'345'678,
             .running_since = at("2026-03-03T10:00:00Z"),
             .warned = at("2026-03-04T09:00:00Z"),
             .breached = at("2026-03-09T09:00:00.999Z")};
  r.created = at("2026-03-02T09:00:00Z");
  r.updated = at("2026-03-04T12:00:00Z");
  r.decided = at("2026-03-05T00:00:00Z");
  r.retention_due = at("2026-05-01T00:00:00Z");
  r.destruction_confirmed = at("2026-05-02T00:00:00Z");
  r.automated = false;
  r.history = {{at("2026-03-02T09:00:00Z"),
                {"requestor", "usr_analyst"},
                "submitted",
                model::RequestStatus::pending,
                ""},
               {at("2026-03-03T10:00:00Z"), reviewer("usr_reviewer"), "claimed",
                model::RequestStatus::in_review, awkward("note")},
               {at("2026-03-04T12:00:00Z"), reviewer("usr_reviewer"), "information_requested",
                model::RequestStatus::awaiting_information, "which campaign?"}};
  r.messages = {{at("2026-03-04T12:00:00Z"), reviewer("usr_reviewer"), awkward("body"), true},
                {at("2026-03-04T13:00:00Z"), {"requestor", "usr_analyst"}, "campaign 42", false}};
  r.balancing_tests = {{.at = at("2026-03-03T10:00:00Z"),
                        .reviewer_id = "usr_reviewer",
                        .fields = {"registrant.name", ""},
                        .legitimate_interest = awkward("interest"),
                        .necessity = "no other means",
                        .minimisation = "the name only",
                        .risk = "low",
                        .safeguards = "kept 30 days",
                        .outcome = "refuse",
                        .reason = "not_necessary"}};
  return r;
}

/// full_request()'s attachments: binary bytes, a NUL and 0xff among them.
inline std::vector<std::optional<model::Attachment>> full_attachments() {
  return {model::Attachment{"text/plain", std::string("a\0b\xff\n", 5)}, std::nullopt,
          model::Attachment{"image/png", "\x89PNG"}};
}

}  // namespace ssad::testing
