#include "policy/explanation_json.hpp"

namespace ssad::policy {

void write_json(json::JsonWriter& out, const Explanation& explanation, const identity::Caller& caller,
                const Ask& ask, std::string_view domain) {
  out.begin_object();
  out.member("domain", domain);
  out.key("requestor");
  if (const identity::Requestor* requestor = caller.requestor()) {
    out.begin_object();
    if (!requestor->user.id.empty()) out.member("user", requestor->user.id);
    if (!requestor->organisation.id.empty()) out.member("organisation", requestor->organisation.id);
    out.member("accreditation", to_string(explanation.accreditation));
    if (requestor->accreditation) {
      if (!requestor->accreditation->id.empty()) out.member("accreditation_id", requestor->accreditation->id);
      out.member("group", requestor->accreditation->group);
      out.member("authority", requestor->accreditation->authority);
    }
    out.key("permitted_purposes");
    out.begin_array();
    for (const std::string& purpose : explanation.permitted_purposes) out.string(purpose);
    out.end_array();
    out.key("permitted_lawful_bases");
    out.begin_array();
    for (const LawfulBasis basis : explanation.permitted_bases) out.string(to_string(basis));
    out.end_array();
    out.end_object();
    out.member("purpose", caller.purpose());
    out.member("lawful_basis", to_string(explanation.lawful_basis));
  } else {
    out.null();
  }
  if (ask.priority != Priority::none) out.member("priority", to_string(ask.priority));
  if (!ask.abuse_type.empty()) out.member("abuse_type", ask.abuse_type);
  out.key("fields");
  out.begin_array();
  for (const catalog::Field& field : catalog::all_fields()) {
    const FieldDecision& decision = explanation.decision[field];
    out.begin_object();
    out.member("field", field.key);
    out.member("outcome", to_string(decision.disposition));
    if (decision.disposition != Disposition::disclose) out.member("reason", to_string(decision.reason));
    out.member("rule", decision.rule);
    out.key("trace");
    out.begin_array();
    if (catalog::index_of(field) < explanation.traces.size()) {
      for (const RuleTrace& step : explanation.traces[catalog::index_of(field)]) {
        out.begin_object();
        out.member("rule", step.rule);
        out.member("note", step.note);
        out.end_object();
      }
    }
    out.end_array();
    out.end_object();
  }
  out.end_array();
  out.end_object();
}

}  // namespace ssad::policy
