#include "abuse/enforcement.hpp"

#include <utility>

#include <spdlog/spdlog.h>

#include "audit/log.hpp"
#include "core/text_check.hpp"
#include "identity/credentials.hpp"
#include "json/json_writer.hpp"

namespace ssad::abuse {
namespace {

constexpr auto kQuietAfterLift = std::chrono::hours(1);  // the same finding is not opened again so soon
constexpr std::size_t kMaxEvidenceBytes = 4000;          // an audit detail value holds 4096 at most
constexpr std::size_t kMaxReasonBytes = 500;             // a lift's reason, as the directory's reasons

// A token's credential is "token:" and its user's id (http/monitoring.hpp); an API key's is its id.
bool is_token(const std::string& credential_id) { return credential_id.starts_with("token:"); }

std::string suspension_reason(const std::string& case_id) { return "abuse case " + case_id; }

audit::Object object_of(const store::AbuseCase& c) {
  switch (c.action) {
    case store::AbuseAction::suspend_accreditation:
      return {"accreditation", c.accreditation_id};
    case store::AbuseAction::suspend_credential:
    case store::AbuseAction::throttle:
      if (!c.credential_id.empty()) return {"credential", c.credential_id};
      break;
    case store::AbuseAction::flag:
      break;
  }
  if (!c.user_id.empty()) return {"user", c.user_id};
  if (!c.accreditation_id.empty()) return {"accreditation", c.accreditation_id};
  return {"organisation", c.org_id};
}

std::string alert_json(std::string_view type, const store::AbuseCase& c, Timestamp now) {
  json::JsonWriter out(1024);
  out.begin_object();
  out.member("type", type);
  out.member("time", format_rfc3339(now));
  out.key("data");
  out.begin_object();
  out.member("case", c.id);
  out.member("detector", c.detector);
  out.member("action", to_string(c.action));
  out.member("state", to_string(c.state));
  if (!c.org_id.empty()) out.member("organisation", c.org_id);
  if (!c.user_id.empty()) out.member("user", c.user_id);
  if (!c.credential_id.empty()) out.member("credential", c.credential_id);
  if (!c.accreditation_id.empty()) out.member("accreditation", c.accreditation_id);
  out.member("summary", c.summary);
  if (c.until) out.member("until", format_rfc3339(*c.until));
  out.end_object();
  out.end_object();
  return std::string(out.view());
}

store::Notification alert(std::string_view type, const store::AbuseCase& c, const std::string& url,
                          Timestamp now) {
  store::Notification n;
  n.id = identity::new_id("ntf");
  n.dedupe_key = c.id + "/" + std::string(type);
  n.channel = store::NotificationChannel::webhook;
  n.destination = url;
  n.subject = std::string(type);
  n.body = alert_json(type, c, now);
  n.created = now;
  n.due = now;
  return n;
}

audit::Entry entry_for(std::string action, const store::AbuseCase& c, const audit::Actor& actor,
                       Timestamp now) {
  audit::Entry entry;
  entry.time = now;
  entry.actor = actor;
  entry.action = std::move(action);
  entry.object = object_of(c);
  entry.detail.emplace_back("case", c.id);
  entry.detail.emplace_back("detector", c.detector);
  entry.detail.emplace_back("kind", std::string(to_string(c.action)));
  return entry;
}

}  // namespace

audit::Actor monitor_actor() { return {"system", "abuse-monitor"}; }

Enforcement::Enforcement(store::Store& store, const Clock& clock, EnforcementSettings settings)
    : store_(store), clock_(clock), settings_(std::move(settings)) {}

Result<std::optional<store::AbuseCase>> Enforcement::open(store::AbuseCase abuse_case) {
  SSAD_TRY(opened, open_one(std::move(abuse_case)));
  if (!opened || opened->action != store::AbuseAction::suspend_credential || settings_.escalate_after == 0 ||
      opened->accreditation_id.empty()) {
    return opened;
  }
  // Escalation: several of one organisation's credentials suspended within the window suspend the
  // accreditation.
  const Timestamp now = clock_.now();
  store::CaseFilter filter;
  filter.org_id = opened->org_id;
  filter.actions = {store::AbuseAction::suspend_credential};
  // A suspension an administrator lifted (a false positive) does not count towards the escalation.
  filter.states = {store::CaseState::open};
  filter.opened_from = now - std::chrono::days(settings_.escalation_days);
  store::Page page;
  page.limit = 1000;
  SSAD_TRY(recent, store_.abuse().cases(filter, page));
  // Credentials, not cases: one key suspended by two detectors is one credential.
  std::vector<std::string> credentials;
  credentials.reserve(recent.size());
  for (const store::AbuseCase& c : recent) credentials.push_back(c.credential_id);
  std::sort(credentials.begin(), credentials.end());
  credentials.erase(std::unique(credentials.begin(), credentials.end()), credentials.end());
  if (credentials.size() < settings_.escalate_after) return opened;
  json::JsonWriter e(256);
  e.begin_object();
  e.key("credentials_suspended").unsigned_integer(credentials.size());
  e.key("threshold").unsigned_integer(settings_.escalate_after);
  e.key("window_days").unsigned_integer(settings_.escalation_days);
  e.member("last_case", opened->id);
  e.end_object();
  store::AbuseCase escalation;
  escalation.detector = "escalation";
  escalation.action = store::AbuseAction::suspend_accreditation;
  escalation.dedupe_key = "escalation:suspend_accreditation:" + opened->accreditation_id;
  escalation.user_id = opened->user_id;
  escalation.org_id = opened->org_id;
  escalation.accreditation_id = opened->accreditation_id;
  escalation.summary = std::to_string(credentials.size()) +
                       " credentials of the organisation suspended within " +
                       std::to_string(settings_.escalation_days) + " days";
  escalation.evidence = std::string(e.view());
  auto escalated = open_one(std::move(escalation));
  if (!escalated)
    spdlog::error("abuse: the escalation of case {} failed ({})", opened->id, escalated.error().message);
  return opened;
}

Result<std::optional<store::AbuseCase>> Enforcement::open_one(store::AbuseCase c) {
  const Timestamp now = clock_.now();
  // Nothing to suspend: the administrators are told instead.
  if ((c.action == store::AbuseAction::suspend_credential &&
       (c.credential_id.empty() || c.user_id.empty())) ||
      (c.action == store::AbuseAction::suspend_accreditation && c.accreditation_id.empty())) {
    c.action = store::AbuseAction::flag;
    c.dedupe_key += ":flag";
  }
  if (c.evidence.size() > kMaxEvidenceBytes) c.evidence = "{\"truncated\":true}";
  // An administrator who just lifted the same finding is not overruled at once by the same evidence.
  {
    store::CaseFilter filter;
    filter.user_id = c.user_id;
    filter.org_id = c.org_id;
    filter.detector = c.detector;
    filter.states = {store::CaseState::lifted};
    filter.opened_from = now - std::chrono::days(30);
    store::Page page;
    page.limit = 20;
    SSAD_TRY(lifted, store_.abuse().cases(filter, page));
    for (const store::AbuseCase& old : lifted) {
      if (old.dedupe_key == c.dedupe_key && old.closed && *old.closed > now - kQuietAfterLift) {
        return std::optional<store::AbuseCase>();
      }
    }
  }
  c.id = identity::new_id("case");
  c.opened = now;
  c.state = store::CaseState::open;
  c.closed.reset();
  c.closed_by.clear();
  c.close_reason.clear();

  SSAD_TRY(work, store_.begin_audit());
  SSAD_TRY(added, work->abuse().open_case(c));
  if (!added) return std::optional<store::AbuseCase>();
  store::RequestorWriter& directory = work->requestors();
  switch (c.action) {
    case store::AbuseAction::suspend_credential:
      if (is_token(c.credential_id)) {
        SSAD_CHECK(directory.set_tokens_suspension(c.user_id, now));
      } else {
        SSAD_CHECK(directory.set_api_key_suspension(c.credential_id, now, suspension_reason(c.id)));
      }
      break;
    case store::AbuseAction::suspend_accreditation: {
      SSAD_TRY(accreditation, store_.requestors().accreditation(c.accreditation_id));
      // One suspended already (by an administrator, or revoked) keeps its status and its reason: lifting
      // this case must not undo what someone else did.
      if (accreditation.status == model::AccreditationStatus::active) {
        SSAD_CHECK(directory.set_accreditation_status(
            c.accreditation_id, model::AccreditationStatus::suspended, suspension_reason(c.id), now));
      }
      break;
    }
    case store::AbuseAction::flag:
    case store::AbuseAction::throttle:
      break;
  }
  audit::Entry entry = entry_for("abuse." + std::string(to_string(c.action)), c, monitor_actor(), now);
  entry.detail.emplace_back("evidence", c.evidence);
  if (!c.user_id.empty()) entry.detail.emplace_back("user", c.user_id);
  if (!c.org_id.empty()) entry.detail.emplace_back("organisation", c.org_id);
  if (c.until) entry.detail.emplace_back("until", format_rfc3339(*c.until));
  SSAD_CHECK(audit::record(*work, std::move(entry)));
  if (!settings_.webhook_url.empty()) {
    SSAD_TRY(queued, work->outbox().enqueue(alert("abuse.case_opened", c, settings_.webhook_url, now)));
    (void)queued;
  }
  SSAD_CHECK(work->commit(now));
  spdlog::warn("abuse: case {} opened by the {} detector: {} (user {}, organisation {}): {}", c.id,
               c.detector, to_string(c.action), c.user_id.empty() ? "-" : c.user_id,
               c.org_id.empty() ? "-" : c.org_id, c.summary);
  return std::optional<store::AbuseCase>(std::move(c));
}

Result<store::AbuseCase> Enforcement::lift(const audit::Actor& by, const std::string& id,
                                           const std::string& reason) {
  if (reason.empty()) return fail(ErrorCode::invalid_input, "a reason is required to lift a case");
  // The same bounds as every other reason an administrator gives (identity/directory.cpp), checked
  // before the audit entry would refuse it with a message about its detail.
  if (reason.size() > kMaxReasonBytes) {
    return fail(ErrorCode::invalid_input,
                "reason is longer than " + std::to_string(kMaxReasonBytes) + " bytes");
  }
  if (auto checked = check_text_value(reason); !checked) {
    return std::unexpected(with_context(checked.error(), "reason: "));
  }
  const Timestamp now = clock_.now();
  SSAD_TRY(c, store_.abuse().abuse_case(id));
  if (c.state != store::CaseState::open) {
    return fail(ErrorCode::conflict, "case " + id + " is " + std::string(to_string(c.state)));
  }
  // Another open case that suspends the same credential keeps it suspended.
  bool still_suspended = false;
  if (c.action == store::AbuseAction::suspend_credential) {
    store::CaseFilter filter;
    filter.user_id = c.user_id;
    filter.actions = {store::AbuseAction::suspend_credential};
    filter.states = {store::CaseState::open};
    store::Page page;
    page.limit = 100;
    SSAD_TRY(open, store_.abuse().cases(filter, page));
    still_suspended = std::any_of(open.begin(), open.end(), [&](const store::AbuseCase& other) {
      return other.id != c.id && other.credential_id == c.credential_id;
    });
  }
  SSAD_TRY(work, store_.begin_audit());
  const std::string by_text = by.kind + ":" + by.id;
  SSAD_CHECK(work->abuse().close_case(id, store::CaseState::lifted, now, by_text, reason));
  store::RequestorWriter& directory = work->requestors();
  if (c.action == store::AbuseAction::suspend_credential && !still_suspended) {
    if (is_token(c.credential_id)) {
      SSAD_CHECK(directory.set_tokens_suspension(c.user_id, std::nullopt));
    } else {
      SSAD_CHECK(directory.set_api_key_suspension(c.credential_id, std::nullopt, ""));
    }
  }
  if (c.action == store::AbuseAction::suspend_accreditation) {
    SSAD_TRY(accreditation, store_.requestors().accreditation(c.accreditation_id));
    if (accreditation.status == model::AccreditationStatus::suspended &&
        accreditation.status_reason == suspension_reason(c.id)) {
      SSAD_CHECK(directory.set_accreditation_status(c.accreditation_id, model::AccreditationStatus::active,
                                                    "lifted: " + suspension_reason(c.id), now));
    }
  }
  c.state = store::CaseState::lifted;
  c.closed = now;
  c.closed_by = by_text;
  c.close_reason = reason;
  audit::Entry entry = entry_for("abuse.lift", c, by, now);
  entry.detail.emplace_back("reason", reason);
  SSAD_CHECK(audit::record(*work, std::move(entry)));
  if (!settings_.webhook_url.empty()) {
    SSAD_TRY(queued, work->outbox().enqueue(alert("abuse.case_lifted", c, settings_.webhook_url, now)));
    (void)queued;
  }
  SSAD_CHECK(work->commit(now));
  spdlog::warn("abuse: case {} ({} by the {} detector) lifted by {}", c.id, to_string(c.action), c.detector,
               by_text);
  return c;
}

Result<std::size_t> Enforcement::expire_throttles() {
  const Timestamp now = clock_.now();
  store::CaseFilter filter;
  filter.actions = {store::AbuseAction::throttle};
  filter.states = {store::CaseState::open};
  store::Page page;
  page.limit = 500;
  std::vector<store::AbuseCase> due;
  for (;;) {
    SSAD_TRY(cases, store_.abuse().cases(filter, page));
    for (const store::AbuseCase& c : cases) {
      if (c.until && *c.until <= now) due.push_back(c);
    }
    if (cases.size() < page.limit) break;
    page.after = cases.back().id;
  }
  std::size_t closed = 0;
  for (store::AbuseCase& c : due) {
    SSAD_TRY(work, store_.begin_audit());
    auto closing =
        work->abuse().close_case(c.id, store::CaseState::expired, now, "", "the throttle's time ran out");
    if (!closing) {
      if (closing.error().code == ErrorCode::conflict) continue;  // another node closed it first
      return std::unexpected(closing.error());
    }
    c.state = store::CaseState::expired;
    c.closed = now;
    audit::Entry entry = entry_for("abuse.expire", c, monitor_actor(), now);
    SSAD_CHECK(audit::record(*work, std::move(entry)));
    SSAD_CHECK(work->commit(now));
    ++closed;
  }
  return closed;
}

}  // namespace ssad::abuse
