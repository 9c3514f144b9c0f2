#include "abuse/cases.hpp"

#include "identity/administration.hpp"

namespace ssad::abuse {
namespace {

constexpr unsigned kReaders = model::kRoleAdministrator | model::kRoleAuditor;

Error not_allowed() {
  return Error{ErrorCode::forbidden, "Only the operator's administrators and auditors see abuse cases."};
}

template <typename T, typename Parse>
Result<std::vector<T>> list_of(std::string_view text, Parse parse, std::string_view what) {
  std::vector<T> out;
  while (!text.empty()) {
    const std::size_t comma = text.find(',');
    const std::string_view item = text.substr(0, comma);
    auto parsed = parse(item);
    if (!parsed)
      return fail(ErrorCode::invalid_input,
                  std::string(what) + ": unknown value \"" + std::string(item) + "\"");
    out.push_back(*parsed);
    if (comma == std::string_view::npos) break;
    text.remove_prefix(comma + 1);
  }
  return out;
}

}  // namespace

Cases::Cases(store::Store& store, Enforcement& enforcement, Monitor* monitor)
    : store_(store), enforcement_(enforcement), monitor_(monitor) {}

Result<CasePage> Cases::list(const identity::Authenticated& who, const store::CaseFilter& filter,
                             const store::Page& page) const {
  if (!identity::is_staff(who, kReaders)) return std::unexpected(not_allowed());
  SSAD_TRY(items, store_.abuse().cases(filter, page));
  CasePage out;
  if (items.size() == page.limit && !items.empty()) out.next = items.back().id;
  out.items = std::move(items);
  return out;
}

Result<store::AbuseCase> Cases::get(const identity::Authenticated& who, const std::string& id) const {
  if (!identity::is_staff(who, kReaders)) return std::unexpected(not_allowed());
  return store_.abuse().abuse_case(id);
}

Result<store::AbuseCase> Cases::lift(const identity::Authenticated& who, const std::string& id,
                                     const std::string& reason) {
  if (!identity::is_staff(who, model::kRoleAdministrator)) {
    return fail(ErrorCode::forbidden, "Only the operator's administrators lift abuse cases.");
  }
  return lift_as(identity::actor_of(who.user, who.organisation), id, reason);
}

Result<store::AbuseCase> Cases::lift_as(const audit::Actor& actor, const std::string& id,
                                        const std::string& reason) {
  SSAD_TRY(lifted, enforcement_.lift(actor, id, reason));
  if (monitor_ != nullptr) monitor_->lifted(lifted);
  return lifted;
}

void write_json(json::JsonWriter& out, const store::AbuseCase& c) {
  out.begin_object();
  out.member("id", c.id);
  out.member("detector", c.detector);
  out.member("action", to_string(c.action));
  out.member("state", to_string(c.state));
  out.member("opened", format_rfc3339(c.opened));
  if (!c.org_id.empty()) out.member("organisation", c.org_id);
  if (!c.user_id.empty()) out.member("user", c.user_id);
  if (!c.credential_id.empty()) out.member("credential", c.credential_id);
  if (!c.accreditation_id.empty()) out.member("accreditation", c.accreditation_id);
  out.member("summary", c.summary);
  out.key("evidence");
  if (c.evidence.empty()) {
    out.empty_object();
  } else {
    out.raw(c.evidence);  // written by the detectors as a JSON object
  }
  if (c.until) out.member("until", format_rfc3339(*c.until));
  if (c.closed) {
    out.member("closed", format_rfc3339(*c.closed));
    if (!c.closed_by.empty()) out.member("closed_by", c.closed_by);
    out.member("close_reason", c.close_reason);
  }
  out.end_object();
}

Result<store::CaseFilter> case_filter(const std::string& states, const std::string& actions,
                                      const std::string& detector, const std::string& org_id,
                                      const std::string& user_id) {
  store::CaseFilter filter;
  SSAD_TRY(parsed_states, list_of<store::CaseState>(states, store::parse_case_state, "state"));
  SSAD_TRY(parsed_actions, list_of<store::AbuseAction>(actions, store::parse_abuse_action, "action"));
  filter.states = std::move(parsed_states);
  filter.actions = std::move(parsed_actions);
  filter.detector = detector;
  filter.org_id = org_id;
  filter.user_id = user_id;
  return filter;
}

}  // namespace ssad::abuse
