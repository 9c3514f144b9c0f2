#include "disclosure/request_json.hpp"

#include <string>

namespace ssad::disclosure {
namespace {

void instant(json::JsonWriter& out, std::string_view name, const std::optional<Timestamp>& when) {
  if (when) out.member(name, format_rfc3339(*when));
}

// Staff see who did what; a requestor sees the kind of actor ("reviewer"), and its own ids.
void actor(json::JsonWriter& out, std::string_view name, const model::RequestActor& who, bool for_staff) {
  if (who.kind.empty()) return;
  out.key(name);
  out.begin_object();
  out.member("kind", who.kind);
  if (!who.id.empty() && (for_staff || who.kind == "requestor")) out.member("id", who.id);
  out.end_object();
}

void fields(json::JsonWriter& out, const model::DisclosureRequest& request, bool for_staff) {
  out.key("fields");
  out.begin_array();
  for (const auto& field : request.fields) {
    out.begin_object();
    out.member("key", field.key);
    out.member("why", field.why);
    out.member("state", model::to_string(field.state));
    if (!field.reason.empty()) out.member("reason", field.reason);
    if (!field.explanation.empty()) out.member("explanation", field.explanation);
    if (!field.rule.empty()) out.member("rule", field.rule);
    actor(out, "decided_by", field.decided_by, for_staff);
    instant(out, "decided", field.decided);
    if (!field.retention.empty()) out.member("retention", field.retention);
    out.end_object();
  }
  out.end_array();
}

void common(json::JsonWriter& out, const model::DisclosureRequest& request, bool for_staff, Timestamp now) {
  out.member("id", request.id);
  out.member("status", model::to_string(request.status));
  out.member("outcome", model::to_string(model::outcome_of(request)));
  out.member("domain", request.domain);
  out.member("purpose", request.purpose);
  out.member("lawful_basis", request.lawful_basis);
  out.member("priority", request.priority);
  if (request.urgent_criterion) {
    out.key("urgent");
    out.begin_object();
    out.member("criterion", model::to_string(*request.urgent_criterion));
    out.member("statement", request.urgent_statement);
    if (request.urgent_upheld) out.key("upheld").boolean(*request.urgent_upheld);
    out.end_object();
  }
  if (!request.abuse_type.empty()) out.member("abuse_type", request.abuse_type);
  out.member("organisation", request.org_id);
  out.member("user", request.user_id);
  if (!request.accreditation_id.empty()) {
    out.member("accreditation", request.accreditation_id);
    out.member("group", request.group);
  }
  out.key("automated");
  out.boolean(request.automated);
  out.member("created", format_rfc3339(request.created));
  out.member("updated", format_rfc3339(request.updated));
  instant(out, "decided", request.decided);
  if (for_staff && !request.reviewer_id.empty()) out.member("reviewer", request.reviewer_id);
  out.key("deadline");
  out.begin_object();
  instant(out, "due", request.clock.deadline);
  instant(out, "paused_since", request.clock.paused_since);
  instant(out, "warned", request.clock.warned);
  instant(out, "breached", request.clock.breached);
  out.end_object();
  fields(out, request, for_staff);
  out.key("retention");
  out.begin_object();
  out.key("days");
  out.integer(request.retention.days);
  instant(out, "incident_end", request.retention.incident_end);
  instant(out, "due", request.retention_due);
  instant(out, "destruction_confirmed", request.destruction_confirmed);
  out.end_object();
  if (request.confidentiality.state != model::ConfidentialityState::none) {
    out.key("confidentiality");
    out.begin_object();
    out.member("state", model::to_string(request.confidentiality.state));
    out.member("legal_reference", request.confidentiality.legal_reference);
    instant(out, "until", request.confidentiality.until);
    actor(out, "decided_by", request.confidentiality.decided_by, for_staff);
    instant(out, "decided", request.confidentiality.decided);
    if (!request.confidentiality.note.empty()) out.member("note", request.confidentiality.note);
    // An accepted hold lasts until `until`: the data subject is then told (its view shows the disclosure).
    out.key("in_force");
    out.boolean(request.confidentiality.state == model::ConfidentialityState::accepted &&
                request.confidentiality.until && now < *request.confidentiality.until);
    out.end_object();
  }
}

}  // namespace

void write_summary_json(json::JsonWriter& out, const model::DisclosureRequest& request, bool for_staff,
                        Timestamp now) {
  out.begin_object();
  common(out, request, for_staff, now);
  out.end_object();
}

void write_json(json::JsonWriter& out, const model::DisclosureRequest& request, bool for_staff,
                Timestamp now) {
  out.begin_object();
  common(out, request, for_staff, now);
  out.member("justification", request.justification);
  out.member("terms_version", request.terms_version);
  out.member("policy", request.policy_fingerprint);
  out.key("evidence");
  out.begin_array();
  for (const auto& item : request.evidence) {
    out.begin_object();
    out.member("kind", item.kind);
    out.member("description", item.description);
    out.member("sha256", item.sha256);
    if (!item.media_type.empty()) {
      out.key("attachment");
      out.begin_object();
      out.member("media_type", item.media_type);
      out.key("size");
      out.integer(static_cast<std::int64_t>(item.attachment_size));
      out.member("sha256", item.attachment_sha256);
      out.end_object();
    }
    out.end_object();
  }
  out.end_array();
  out.key("balancing_tests");
  out.begin_array();
  for (const auto& test : request.balancing_tests) {
    out.begin_object();
    out.member("at", format_rfc3339(test.at));
    if (for_staff) out.member("reviewer", test.reviewer_id);
    out.key("fields");
    out.begin_array();
    for (const auto& key : test.fields) out.string(key);
    out.end_array();
    out.member("legitimate_interest", test.legitimate_interest);
    out.member("necessity", test.necessity);
    out.member("minimisation", test.minimisation);
    out.member("risk", test.risk);
    out.member("safeguards", test.safeguards);
    out.member("outcome", test.outcome);
    out.end_object();
  }
  out.end_array();
  out.key("messages");
  out.begin_array();
  for (const auto& message : request.messages) {
    out.begin_object();
    out.member("at", format_rfc3339(message.at));
    actor(out, "author", message.author, for_staff);
    out.member("body", message.body);
    out.key("asks_information");
    out.boolean(message.asks_information);
    out.end_object();
  }
  out.end_array();
  out.key("history");
  out.begin_array();
  for (const auto& event : request.history) {
    out.begin_object();
    out.member("at", format_rfc3339(event.at));
    actor(out, "actor", event.actor, for_staff);
    out.member("event", event.kind);
    out.member("status", model::to_string(event.status));
    out.member("note", event.note);
    out.end_object();
  }
  out.end_array();
  out.end_object();
}

}  // namespace ssad::disclosure
