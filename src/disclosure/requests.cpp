#include "disclosure/requests.hpp"

#include <algorithm>
#include <chrono>
#include <utility>

#include "audit/log.hpp"
#include "catalog/catalog.hpp"
#include "core/text_check.hpp"
#include "disclosure/agent.hpp"
#include "disclosure/notifications.hpp"
#include "identity/administration.hpp"
#include "identity/credentials.hpp"
#include "policy/values.hpp"
#include "policy/vocabulary.hpp"
#include "tlog/hash.hpp"

namespace ssad::disclosure {
namespace {

using model::DisclosureRequest;
using model::FieldState;
using model::RequestStatus;

// The rule a request's own decision names for a field a reviewer approved (the renderer's decision).
constexpr std::string_view kReviewedRule = "disclosure-request";
constexpr std::size_t kMaxMessage = 8000;
constexpr std::size_t kMaxMessages = 200;
// The bytes all of a request's messages may hold: a request is stored and read whole.
constexpr std::size_t kMaxMessageBytes = std::size_t{64} * 1024;
constexpr unsigned kStaffReaders = model::kRoleReviewer | model::kRoleAdministrator | model::kRoleAuditor;
constexpr unsigned kDeciders = model::kRoleReviewer | model::kRoleAdministrator;

Error not_found_error() { return Error{ErrorCode::not_found, "No request with that id."}; }

bool is_requestor(const identity::Authenticated& who) {
  return who.organisation.kind == model::OrganisationKind::requestor &&
         (who.user.roles & model::kRoleRequestor) != 0;
}

audit::Actor actor(const identity::Authenticated& who) {
  return identity::actor_of(who.user, who.organisation);
}

model::RequestActor request_actor(const identity::Authenticated& who) {
  return {is_requestor(who) ? "requestor" : "reviewer", who.user.id};
}

// The reasons the policy gives for what it leaves to a person in a request (docs/requests.md): a field no
// rule covers, and what an accreditation does not cover, are reviewed — the accreditation gates what is
// automated, not what may be asked.
bool goes_to_review(const policy::FieldDecision& decided) {
  if (decided.disposition == policy::Disposition::review) return true;
  if (decided.disposition != policy::Disposition::withhold) return false;
  switch (decided.reason) {
    case policy::Reason::no_policy:
    case policy::Reason::not_accredited:
    case policy::Reason::purpose_not_permitted:
    case policy::Reason::basis_not_permitted:
    case policy::Reason::pending_review:
      return true;
    default:
      return false;
  }
}

// When the requestor must have destroyed a field it was given: the shorter of what the policy allows and
// what it asked for, counted from the field's decision (or, for "incident+Nd", from the end of the
// incident it stated, else the decision). nullopt for fields not disclosed or public.
std::optional<Timestamp> field_due(const model::RequestedField& field, const model::RetentionAsk& ask) {
  if (field.state != FieldState::disclosed || field.retention.empty() || !field.decided) return std::nullopt;
  const auto allowed = policy::parse_retention(field.retention);
  if (!allowed) return std::nullopt;
  const Timestamp decided = *field.decided;
  const Timestamp incident_end = ask.incident_end ? std::max(*ask.incident_end, decided) : decided;
  const Timestamp allowed_due =
      (allowed->after_incident ? incident_end : decided) + std::chrono::days(allowed->days);
  const Timestamp asked_due = (ask.incident_end ? incident_end : decided) + std::chrono::days(ask.days);
  return std::min(allowed_due, asked_due);
}

// Whose data `field` is in `registration` (policy::subject_fingerprint()).
std::string subject_of(const catalog::Field& field, const model::Registration& registration) {
  return policy::subject_record(field.role, registration);
}

// The request's retention: when its last disclosed field must be destroyed.
std::optional<Timestamp> retention_due(const DisclosureRequest& request) {
  std::optional<Timestamp> due;
  for (const auto& field : request.fields) {
    if (auto d = field_due(field, request.retention)) due = due ? std::max(*due, *d) : *d;
  }
  return due;
}

// The accreditation a request is filed under, as in force now.
struct Chosen {
  std::optional<model::Accreditation> accreditation;
};

bool permits_purpose(const model::Accreditation& accreditation, std::string_view purpose,
                     const policy::Rules& rules) {
  if (!accreditation.purposes.empty())
    return std::ranges::find(accreditation.purposes, purpose) != accreditation.purposes.end();
  for (const auto& group : rules.groups()) {
    if (group.id == accreditation.group)
      return std::ranges::find(group.purposes, purpose) != group.purposes.end();
  }
  return false;
}

Result<Chosen> choose_accreditation(const identity::Authenticated& who, const Submission& submission,
                                    const policy::Rules& rules, bool accept_unaccredited) {
  using model::AccreditationStatus;
  if (!submission.accreditation_id.empty()) {
    const auto found =
        std::ranges::find(who.accreditations, submission.accreditation_id, &model::Accreditation::id);
    if (found == who.accreditations.end()) {
      return fail(ErrorCode::forbidden, "That accreditation is not one of your organisation's.");
    }
    if (found->status != AccreditationStatus::active) {
      return fail(ErrorCode::forbidden, "That accreditation is " +
                                            std::string(model::to_string(found->status)) +
                                            ": file under another, or without one.");
    }
    return Chosen{*found};
  }
  const model::Accreditation* first_active = nullptr;
  bool held_back = false;  // suspended or revoked: the organisation may not file until reinstated
  for (const auto& accreditation : who.accreditations) {
    if (accreditation.status == AccreditationStatus::active) {
      if (permits_purpose(accreditation, submission.purpose, rules)) return Chosen{accreditation};
      if (first_active == nullptr) first_active = &accreditation;
    } else if (accreditation.status != AccreditationStatus::expired) {
      held_back = true;
    }
  }
  if (first_active != nullptr) return Chosen{*first_active};
  if (held_back) {
    return fail(ErrorCode::forbidden,
                "Your organisation's accreditation is suspended or revoked: it may not file requests.");
  }
  if (!accept_unaccredited) {
    return fail(ErrorCode::forbidden, "This operator accepts requests from accredited organisations only.");
  }
  return Chosen{};
}

identity::Caller caller_of(const identity::Authenticated& who,
                           const std::optional<model::Accreditation>& accreditation,
                           const std::string& purpose) {
  identity::Requestor requestor;
  requestor.user = who.user;
  requestor.organisation = who.organisation;
  requestor.accreditation = accreditation;
  requestor.credential = who.credential;
  requestor.credential_id = who.credential_id;
  requestor.token_purposes = who.token_purposes;
  requestor.token_dnt_allowed = who.token_dnt_allowed;
  return identity::Caller::requestor(std::move(requestor), purpose);
}

std::string join(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& item : items) out += (out.empty() ? "" : " ") + item;
  return out;
}

std::string field_summary(const DisclosureRequest& request) {
  std::size_t counts[3] = {0, 0, 0};
  for (const auto& field : request.fields) ++counts[static_cast<std::size_t>(field.state)];
  return "disclosed=" + std::to_string(counts[1]) + " refused=" + std::to_string(counts[2]) +
         " review=" + std::to_string(counts[0]);
}

void add_event(DisclosureRequest& request, Timestamp now, model::RequestActor actor, std::string kind,
               std::string note) {
  model::RequestEvent event;
  event.at = now;
  event.actor = std::move(actor);
  event.kind = std::move(kind);
  event.status = request.status;
  event.note = std::move(note);
  request.history.push_back(std::move(event));
  request.updated = now;
}

bool has_review(const DisclosureRequest& request) {
  return std::ranges::any_of(request.fields, [](const auto& f) { return f.state == FieldState::review; });
}

// The values of the disclosed, non-public fields of `request` in `registration` that `decision` serves
// (what the audit log commits to).
std::vector<audit::ServedValue> served_values(const DisclosureRequest& request,
                                              const model::Registration& registration,
                                              const policy::Decision& decision) {
  std::vector<audit::ServedValue> values;
  for (const auto& field : request.fields) {
    if (field.state != FieldState::disclosed || policy::is_public_rule(field.rule)) continue;
    const catalog::Field* f = catalog::find_field(field.key);
    if (f == nullptr || !decision.discloses(*f)) continue;
    for (std::string& value : policy::served_values(*f, registration))
      values.emplace_back(field.key, std::move(value));
  }
  return values;
}

}  // namespace

bool may_see(const identity::Authenticated& who, const model::DisclosureRequest& request) {
  if (identity::is_staff(who, kStaffReaders)) return true;
  return is_requestor(who) && request.org_id == who.organisation.id;
}

/// What one step did, for its audit entry and notifications.
struct Requests::Step {
  std::string action;  // "request.claim", …
  std::vector<std::pair<std::string, std::string>> detail;
  std::vector<std::pair<Event, Audience>> announce;
  std::vector<audit::ServedValue> served;
};

Requests::Requests(store::Store& store, const Clock& clock, policy::Settings policy, RequestSettings settings)
    : store_(store),
      clock_(clock),
      policy_(std::move(policy)),
      settings_(std::move(settings)),
      committer_(store) {}

namespace {

// The reviewers to tell of a request: the one holding it, else every reviewer of the operator.
Audience reviewers_of(store::RequestorReader& directory, const DisclosureRequest& request, bool email) {
  Audience audience;
  audience.webhook = true;
  if (!email) return audience;
  if (!request.reviewer_id.empty()) {
    if (auto user = directory.user(request.reviewer_id); user && !user->disabled)
      audience.emails.push_back(user->email);
    return audience;
  }
  store::Page page;
  page.limit = 500;
  for (;;) {
    auto users = directory.users("", page);
    if (!users || users->empty()) break;
    for (const auto& user : *users) {
      if (user.disabled || (user.roles & model::kRoleReviewer) == 0) continue;
      auto org = directory.organisation(user.org_id);
      if (org && org->kind == model::OrganisationKind::operator_staff) audience.emails.push_back(user.email);
    }
    if (users->size() < page.limit) break;
    page.after = users->back().id;
  }
  return audience;
}

Audience requestor_of(store::RequestorReader& directory, const DisclosureRequest& request, bool email) {
  Audience audience;
  if (!email) return audience;
  if (auto user = directory.user(request.user_id); user && !user->disabled)
    audience.emails.push_back(user->email);
  return audience;
}

}  // namespace

Result<RequestView> Requests::create(const identity::Authenticated& who, std::string_view body) {
  const Timestamp now = clock_.now();
  if (!is_requestor(who))
    return fail(ErrorCode::forbidden, "Only a requestor organisation's users file requests.");
  SSAD_TRY(submission, read_submission(body, settings_.submission, policy_.policy(), now));
  SSAD_TRY(chosen, choose_accreditation(who, submission, policy_.policy(), settings_.accept_unaccredited));
  auto registration = store_.registrations().find_registration(submission.domain);
  if (!registration) {
    if (registration.error().code == ErrorCode::not_found) {
      Error error{ErrorCode::not_found, "No domain of that name is registered here."};
      error.problems.push_back(
          {"/domain", "Not registered here: ask the registry or registrar that holds it."});
      return std::unexpected(std::move(error));
    }
    return std::unexpected(registration.error());
  }
  SSAD_CHECK(add_agent(store_.subjects(), *registration));

  DisclosureRequest request;
  request.id = identity::new_id("req");
  request.org_id = who.organisation.id;
  request.user_id = who.user.id;
  if (chosen.accreditation) {
    request.accreditation_id = chosen.accreditation->id;
    request.group = chosen.accreditation->group;
  }
  request.domain = submission.domain;
  request.purpose = submission.purpose;
  request.lawful_basis = submission.lawful_basis;
  request.priority = submission.priority;
  request.urgent_criterion = submission.urgent_criterion;
  request.urgent_statement = submission.urgent_statement;
  request.abuse_type = submission.abuse_type;
  request.justification = submission.justification;
  request.terms_version = submission.terms_version;
  request.retention = submission.retention;
  if (submission.confidentiality) request.confidentiality = *submission.confidentiality;
  request.policy_fingerprint = std::string(policy_.policy().fingerprint());
  request.created = now;
  request.updated = now;
  std::vector<std::optional<model::Attachment>> attachments;
  for (auto& item : submission.evidence) {
    request.evidence.push_back(item.evidence);
    attachments.push_back(std::move(item.attachment));
  }

  // The one decision engine, over the fields asked for.
  policy::Ask ask;
  ask.lawful_basis = policy::parse_lawful_basis(request.lawful_basis);
  ask.priority = policy::parse_priority(request.priority).value_or(policy::Priority::p3);
  ask.abuse_type = request.abuse_type;
  catalog::FieldSet requested;
  for (const auto& field : submission.fields) requested.insert(*catalog::find_field(field.key));
  ask.requested = requested;
  const identity::Caller caller = caller_of(who, chosen.accreditation, request.purpose);
  const policy::Decision decision = policy::decide(caller, *registration, policy_, ask);
  for (model::RequestedField field : submission.fields) {
    const policy::FieldDecision& decided = decision[*catalog::find_field(field.key)];
    field.subject = subject_of(*catalog::find_field(field.key), *registration);
    field.rule = std::string(decided.rule);
    // An unaccredited requestor's request is never automated (docs/requests.md), whatever rules the
    // policy has for unaccredited callers (accreditation = ["none"], for authorised RDAP).
    const bool unaccredited_disclosure = !chosen.accreditation &&
                                         decided.disposition == policy::Disposition::disclose &&
                                         !decided.rule.empty() && !policy::is_public_rule(decided.rule);
    if (unaccredited_disclosure) {
      field.state = FieldState::review;
      field.explanation = "A reviewer decides every field an unaccredited requestor asks for.";
      // No rule decided a field of a contact role nobody holds (policy/decision.cpp): it has no value, so
      // there is nothing for a reviewer to weigh, although the engine withholds it as no_policy.
    } else if (!decided.rule.empty() && goes_to_review(decided)) {
      field.state = FieldState::review;
      field.explanation =
          decided.reason == policy::Reason::pending_review || decided.reason == policy::Reason::no_policy
              ? "A reviewer decides this field."
              : "A reviewer decides this field. " + std::string(policy::describe(decided.reason)) + ".";
    } else if (decided.disposition == policy::Disposition::disclose || decided.rule.empty()) {
      field.state = FieldState::disclosed;
      field.decided_by = {"system", ""};
      field.decided = now;
      if (decided.rule.empty()) {
        field.explanation = "The registration holds no value for this field: there is nothing to withhold.";
      } else if (policy::is_public_rule(decided.rule)) {
        field.explanation = "Public data.";
      } else {
        const policy::Rule* rule = policy_.policy().rule(decided.rule);
        field.retention = policy::to_string(rule != nullptr && rule->retention
                                                ? *rule->retention
                                                : policy::Retention{settings_.default_retention_days, false});
        field.explanation = "Disclosed by the operator's policy (rule " + field.rule + ").";
      }
    } else {
      field.state = FieldState::refused;
      field.reason = std::string(policy::to_string(decided.reason));
      field.decided_by = {"system", ""};
      field.decided = now;
      field.explanation = std::string(policy::describe(decided.reason));
      if (const policy::Rule* rule = policy_.policy().rule(decided.rule);
          rule != nullptr && !rule->description.empty()) {
        field.explanation += " (" + rule->description + ")";
      }
      field.explanation += ".";
    }
    request.fields.push_back(std::move(field));
  }
  request.status = RequestStatus::pending;
  add_event(request, now, request_actor(who), "submitted", "Received and acknowledged.");
  request.automated = !has_review(request);
  request.status = request.automated ? RequestStatus::decided : RequestStatus::pending;
  if (request.automated) request.decided = now;
  request.retention_due = retention_due(request);
  if (request.automated) {
    add_event(request, now, {"system", ""}, "decided",
              "Decided by the operator's policy: " + field_summary(request) + ".");
  } else {
    settings_.deadlines.start(request.clock, request.priority, request.created);
    add_event(request, now, {"system", ""}, "queued",
              "Decided by the operator's policy as far as it goes (" + field_summary(request) +
                  "); the rest waits for a reviewer.");
  }

  RequestView view;
  view.decision = decision_for(request, *registration, now);
  Step step;
  step.action = "request.create";
  step.served = served_values(request, *registration, view.decision);
  step.detail = {{"domain", request.domain},
                 {"priority", request.priority},
                 {"requested", join([&] {
                    std::vector<std::string> keys;
                    keys.reserve(request.fields.size());
                    for (const auto& f : request.fields) keys.push_back(f.key);
                    std::ranges::sort(keys);
                    return keys;
                  }())},
                 {"outcome", field_summary(request)},
                 {"automated", request.automated ? "true" : "false"},
                 {"policy", request.policy_fingerprint}};
  if (!request.accreditation_id.empty()) {
    step.detail.emplace_back("accreditation", request.accreditation_id);
    step.detail.emplace_back("group", request.group);
  }
  if (request.confidentiality.state == model::ConfidentialityState::requested) {
    step.detail.emplace_back("confidentiality", "requested");
  }
  step.announce.emplace_back(Event::acknowledged,
                             requestor_of(store_.requestors(), request, settings_.notifications.email));
  if (!request.automated) {
    step.announce.emplace_back(Event::submitted,
                               reviewers_of(store_.requestors(), request, settings_.notifications.email));
  } else {
    Audience hook;
    hook.webhook = true;
    step.announce.emplace_back(Event::decided, hook);
  }
  // Durable before the answer, in a commit shared with concurrent callers' (store/group_commit.hpp).
  const auto file = [&](store::UnitOfWork& work) -> Result<void> {
    SSAD_CHECK(work.requests().add_request(request, attachments));
    return record(work, actor(who), request, step, now);
  };
  SSAD_CHECK(committer_.run(file, now));
  request.version = 1;
  view.request = std::move(request);
  view.registration = std::move(*registration);
  return view;
}

Result<void> Requests::record(store::UnitOfWork& work, const audit::Actor& who,
                              const DisclosureRequest& request, const Step& step, Timestamp now) {
  audit::Entry entry;
  entry.time = now;
  entry.actor = who;
  entry.action = step.action;
  entry.object = {"request", request.id};
  entry.purpose = request.purpose;
  entry.lawful_basis = request.lawful_basis;
  entry.detail = step.detail;
  entry.detail.emplace_back("organisation", request.org_id);
  entry.detail.emplace_back("status", std::string(model::to_string(request.status)));
  entry.nonce = audit::random_nonce();
  SSAD_CHECK(audit::record(work, std::move(entry), step.served));
  const std::string link = settings_.notifications.public_url.empty()
                               ? ""
                               : settings_.notifications.public_url + "v1/requests/" + request.id;
  for (const auto& [event, audience] : step.announce) {
    for (const auto& notification :
         notifications_for(event, request, audience, settings_.notifications.webhook_url, link,
                           request.history.size(), now)) {
      SSAD_TRY(added, work.outbox().enqueue(notification));
      (void)added;  // false: announced already (another node watched the same deadline)
    }
  }
  return {};
}

policy::Decision Requests::decision_for(const DisclosureRequest& request,
                                        const model::Registration& registration, Timestamp now) const {
  policy::Decision decision = policy::decide(identity::Caller::anonymous(), registration, policy_);
  const bool destroyed = request.destruction_confirmed.has_value();
  for (const auto& field : request.fields) {
    const catalog::Field* f = catalog::find_field(field.key);
    if (f == nullptr || decision.discloses(*f)) continue;
    policy::FieldDecision decided;
    switch (field.state) {
      case FieldState::disclosed: {
        // Without a retention the field was public, or had no value, when decided: nothing was granted,
        // and it shows only as the public view shows it now (a consent withdrawn since, a contact added
        // to a role nobody held, must not be served).
        if (field.retention.empty()) continue;
        const auto due = field_due(field, request.retention);
        // Another person holds the field now — another contact (the domain changed hands), or the same
        // contact with another name, organisation or email (ICANN's Change of Registrant; issue 15): another
        // data subject, whom nobody weighed this disclosure for. The data subject's own view
        // (subject/registrant_view.hpp) applies the same test, so what is served and what is shown agree.
        const bool same_subject =
            field.subject.empty() || policy::same_person(field.subject, f->role, registration);
        if (destroyed || (due && *due <= now) || !same_subject) {
          decided = {policy::Disposition::withhold, policy::Reason::personal_data, policy::Notice::redacted,
                     kReviewedRule};
        } else {
          decided = {policy::Disposition::disclose, policy::Reason::none, policy::Notice::redacted,
                     kReviewedRule};
          decision.include_contact(f->role);
        }
        break;
      }
      case FieldState::refused:
        decided = {policy::Disposition::withhold,
                   policy::parse_reason(field.reason).value_or(policy::Reason::operator_policy),
                   policy::Notice::redacted, kReviewedRule};
        break;
      case FieldState::review:
        decided = {policy::Disposition::withhold, policy::Reason::pending_review, policy::Notice::redacted,
                   kReviewedRule};
        break;
    }
    decision.set(*f, decided);
  }
  decision.lawful_basis = policy::parse_lawful_basis(request.lawful_basis);
  return decision;
}

template <class Change>
Result<DisclosureRequest> Requests::update(const identity::Authenticated& who, const std::string& id,
                                           Change change) {
  const Timestamp now = clock_.now();
  SSAD_TRY(work, store_.begin_audit());
  auto request = work->requests().request_for_update(id);
  if (!request) {
    if (request.error().code == ErrorCode::not_found) return std::unexpected(not_found_error());
    return std::unexpected(request.error());
  }
  if (!may_see(who, *request)) return std::unexpected(not_found_error());
  Step step;
  SSAD_CHECK(change(*request, step, now));
  SSAD_CHECK(work->requests().save_request(*request));
  SSAD_CHECK(record(*work, actor(who), *request, step, now));
  SSAD_CHECK(work->commit(now));
  ++request->version;
  return std::move(*request);
}

Result<RequestView> Requests::read(const identity::Authenticated& who, const std::string& id,
                                   bool with_data) {
  auto request = store_.requests().request(id);
  if (!request) {
    if (request.error().code == ErrorCode::not_found) return std::unexpected(not_found_error());
    return std::unexpected(request.error());
  }
  if (!may_see(who, *request)) return std::unexpected(not_found_error());
  RequestView view;
  view.request = std::move(*request);
  if (!with_data) return view;
  const DisclosureRequest& r = view.request;
  const Timestamp now = clock_.now();
  if (!is_requestor(who)) {
    return fail(ErrorCode::forbidden, "Only the requestor reads what a request disclosed.");
  }
  const bool any = std::ranges::any_of(r.fields, [](const auto& f) {
    return f.state == FieldState::disclosed && !policy::is_public_rule(f.rule) && !f.retention.empty();
  });
  if (!any) return fail(ErrorCode::forbidden, "This request has disclosed no non-public field.");
  if (r.destruction_confirmed) {
    return fail(ErrorCode::forbidden,
                "You confirmed the destruction of what this request disclosed: it is closed.");
  }
  if (r.retention_due && *r.retention_due <= now) {
    return fail(ErrorCode::forbidden,
                "The retention of this disclosure has ended: it may no longer be read.");
  }
  if (!r.accreditation_id.empty()) {
    const auto found = std::ranges::find(who.accreditations, r.accreditation_id, &model::Accreditation::id);
    if (found == who.accreditations.end() || found->status != model::AccreditationStatus::active) {
      return fail(
          ErrorCode::forbidden,
          "The accreditation this request was filed under is no longer in force: it may not be read.");
    }
  }
  auto registration = store_.registrations().find_registration(r.domain);
  if (!registration) {
    if (registration.error().code == ErrorCode::not_found) {
      return fail(ErrorCode::not_found, "The domain is no longer registered here: there is nothing to read.");
    }
    return std::unexpected(registration.error());
  }
  SSAD_CHECK(add_agent(store_.subjects(), *registration));
  view.decision = decision_for(r, *registration, now);
  Step step;
  step.action = "request.read";
  step.served = served_values(r, *registration, view.decision);
  step.detail = {{"domain", r.domain}};
  if (!r.accreditation_id.empty()) step.detail.emplace_back("accreditation", r.accreditation_id);
  SSAD_CHECK(
      committer_.run([&](store::UnitOfWork& work) { return record(work, actor(who), r, step, now); }, now));
  view.registration = std::move(*registration);
  return view;
}

Result<RequestPage> Requests::list(const identity::Authenticated& who, store::RequestFilter filter,
                                   const store::Page& page) {
  if (is_requestor(who)) {
    filter.org_id = who.organisation.id;
  } else if (!identity::is_staff(who, kStaffReaders)) {
    return fail(ErrorCode::forbidden, "Only requestors and the operator's staff list requests.");
  }
  SSAD_TRY(items, store_.requests().requests(filter, page));
  RequestPage out;
  if (items.size() == page.limit && !items.empty()) out.next = store::cursor_of(items.back(), filter.order);
  out.items = std::move(items);
  return out;
}

Result<model::Attachment> Requests::attachment(const identity::Authenticated& who, const std::string& id,
                                               std::size_t index) {
  auto request = store_.requests().request(id);
  if (!request || !may_see(who, *request)) {
    if (request || request.error().code == ErrorCode::not_found) return std::unexpected(not_found_error());
    return std::unexpected(request.error());
  }
  auto attachment = store_.requests().attachment(id, index);
  if (!attachment && attachment.error().code == ErrorCode::not_found) {
    return fail(ErrorCode::not_found, "That evidence item has no attachment.");
  }
  return attachment;
}

Result<RequestPage> Requests::overdue(const identity::Authenticated& who, const store::Page& page) {
  if (!identity::is_staff(who, model::kRoleAdministrator | model::kRoleAuditor)) {
    return fail(ErrorCode::forbidden, "Only administrators and auditors list overdue retention.");
  }
  store::RequestFilter filter;
  filter.retention_overdue_at = clock_.now();
  return list(who, filter, page);
}

Result<std::map<std::string, std::size_t>> Requests::overdue_by_accreditation(
    const identity::Authenticated& who) {
  if (!identity::is_staff(who, model::kRoleAdministrator | model::kRoleAuditor)) {
    return fail(ErrorCode::forbidden, "Only administrators and auditors list overdue retention.");
  }
  return overdue_counts();
}

Result<std::map<std::string, std::size_t>> Requests::overdue_counts() {
  store::RequestFilter filter;
  filter.retention_overdue_at = clock_.now();
  std::map<std::string, std::size_t> counts;
  SSAD_CHECK(store_.requests().for_each(filter, [&](const DisclosureRequest& request) {
    ++counts[request.accreditation_id];
    return true;
  }));
  return counts;
}

Result<std::uint64_t> Requests::false_urgent_claims(const std::string& user_id, Timestamp since) {
  store::RequestFilter filter;
  filter.user_id = user_id;
  filter.priority = "P1";
  filter.created_from = since;
  std::uint64_t count = 0;
  SSAD_CHECK(store_.requests().for_each(filter, [&](const DisclosureRequest& request) {
    if (request.urgent_upheld == false) ++count;
    return true;
  }));
  return count;
}

Result<DisclosureRequest> Requests::cancel(const identity::Authenticated& who, const std::string& id,
                                           const std::string& reason) {
  if (!is_requestor(who)) return fail(ErrorCode::forbidden, "Only the requestor withdraws its request.");
  if (auto ok = check_text_value(reason); !ok || reason.size() > kMaxMessage) {
    return fail(ErrorCode::invalid_input, "The reason must be one line of at most 8000 bytes.");
  }
  return update(who, id, [&](DisclosureRequest& request, Step& step, Timestamp now) -> Result<void> {
    if (!model::is_open(request.status)) {
      return fail(ErrorCode::conflict, "Only an open request can be withdrawn; this one is " +
                                           std::string(model::to_string(request.status)) + ".");
    }
    request.status = RequestStatus::cancelled;
    settings_.deadlines.stop(request.clock, now);
    add_event(request, now, request_actor(who), "cancelled",
              reason.empty() ? "Withdrawn." : "Withdrawn: " + reason);
    step.action = "request.cancel";
    step.announce.emplace_back(Event::cancelled,
                               reviewers_of(store_.requestors(), request, settings_.notifications.email));
    return {};
  });
}

Result<DisclosureRequest> Requests::message(const identity::Authenticated& who, const std::string& id,
                                            const std::string& body) {
  const bool requestor = is_requestor(who);
  if (!requestor && !identity::is_staff(who, kDeciders)) {
    return fail(ErrorCode::forbidden, "Only the requestor and the operator's reviewers write messages.");
  }
  if (body.empty() || body.size() > kMaxMessage) {
    return fail(ErrorCode::invalid_input, "A message is 1 to 8000 bytes of text.");
  }
  std::string checked = body;
  std::ranges::replace_if(checked, [](char c) { return c == '\n' || c == '\t'; }, ' ');
  if (auto ok = check_text_value(checked); !ok) {
    return fail(ErrorCode::invalid_input, "The message " + ok.error().message + ".");
  }
  return update(who, id, [&](DisclosureRequest& request, Step& step, Timestamp now) -> Result<void> {
    if (request.status == RequestStatus::cancelled) {
      return fail(ErrorCode::conflict, "The request was withdrawn: it takes no more messages.");
    }
    std::size_t held = 0;
    for (const auto& m : request.messages) held += m.body.size();
    if (request.messages.size() >= kMaxMessages || held + body.size() > kMaxMessageBytes) {
      return fail(ErrorCode::conflict, "The request holds the most messages it may; file a new request.");
    }
    model::RequestMessage message;
    message.at = now;
    message.author = request_actor(who);
    message.body = body;
    request.messages.push_back(std::move(message));
    step.action = "request.message";
    if (requestor && request.status == RequestStatus::awaiting_information) {
      request.status = request.reviewer_id.empty() ? RequestStatus::pending : RequestStatus::in_review;
      settings_.deadlines.resume(request.clock, request.priority, request.created, now);
      add_event(request, now, request_actor(who), "information_provided",
                "The requestor answered; the deadline runs again.");
      step.action = "request.information_provided";
      step.announce.emplace_back(Event::information_provided,
                                 reviewers_of(store_.requestors(), request, settings_.notifications.email));
    } else {
      add_event(request, now, request_actor(who), "message", "A message was written.");
      // A requestor's message on a request nobody holds goes to the webhook (the queue), not to every
      // reviewer's mailbox: one requestor must not be able to mail the whole staff at will.
      Audience audience = !requestor
                              ? requestor_of(store_.requestors(), request, settings_.notifications.email)
                          : request.reviewer_id.empty()
                              ? Audience{{}, true}
                              : reviewers_of(store_.requestors(), request, settings_.notifications.email);
      step.announce.emplace_back(Event::message, std::move(audience));
    }
    return {};
  });
}

Result<DisclosureRequest> Requests::claim(const identity::Authenticated& who, const std::string& id) {
  if (!identity::is_staff(who, kDeciders))
    return fail(ErrorCode::forbidden, "Only reviewers claim requests.");
  const bool administrator = identity::is_staff(who, model::kRoleAdministrator);
  return update(who, id, [&](DisclosureRequest& request, Step& step, Timestamp now) -> Result<void> {
    if (!model::is_open(request.status)) {
      return fail(ErrorCode::conflict, "The request is " + std::string(model::to_string(request.status)) +
                                           ": there is nothing to review.");
    }
    if (request.reviewer_id == who.user.id)
      return fail(ErrorCode::conflict, "You hold this request already.");
    if (!request.reviewer_id.empty() && !administrator) {
      return fail(ErrorCode::conflict, "Another reviewer holds this request.");
    }
    const std::string previous = request.reviewer_id;
    request.reviewer_id = who.user.id;
    if (request.status == RequestStatus::pending) request.status = RequestStatus::in_review;
    // The note is shown to the requestor, who never learns which of the staff handled its request
    // (request_json.cpp): the reviewer taken over from is named in the audit entry's detail only.
    add_event(request, now, request_actor(who), "claimed",
              previous.empty() ? "Claimed for review." : "Taken over from another reviewer.");
    step.action = "request.claim";
    if (!previous.empty()) step.detail.emplace_back("previous_reviewer", previous);
    return {};
  });
}

Result<DisclosureRequest> Requests::release(const identity::Authenticated& who, const std::string& id) {
  if (!identity::is_staff(who, kDeciders))
    return fail(ErrorCode::forbidden, "Only reviewers release requests.");
  const bool administrator = identity::is_staff(who, model::kRoleAdministrator);
  return update(who, id, [&](DisclosureRequest& request, Step& step, Timestamp now) -> Result<void> {
    if (request.reviewer_id.empty() || (request.reviewer_id != who.user.id && !administrator)) {
      return fail(ErrorCode::conflict, "You do not hold this request.");
    }
    request.reviewer_id.clear();
    if (request.status == RequestStatus::in_review) request.status = RequestStatus::pending;
    add_event(request, now, request_actor(who), "released", "Back in the queue.");
    step.action = "request.release";
    return {};
  });
}

Result<DisclosureRequest> Requests::ask_information(const identity::Authenticated& who, const std::string& id,
                                                    const std::string& question) {
  if (!identity::is_staff(who, kDeciders))
    return fail(ErrorCode::forbidden, "Only reviewers ask for information.");
  if (question.size() < 5 || question.size() > kMaxMessage) {
    return fail(ErrorCode::invalid_input, "Say what you need to know: 5 to 8000 bytes.");
  }
  std::string checked = question;
  std::ranges::replace_if(checked, [](char c) { return c == '\n' || c == '\t'; }, ' ');
  if (auto ok = check_text_value(checked); !ok) {
    return fail(ErrorCode::invalid_input, "The question " + ok.error().message + ".");
  }
  return update(who, id, [&](DisclosureRequest& request, Step& step, Timestamp now) -> Result<void> {
    if (request.reviewer_id != who.user.id || request.status != RequestStatus::in_review) {
      return fail(ErrorCode::conflict, "Claim the request first; it must be in review.");
    }
    request.status = RequestStatus::awaiting_information;
    settings_.deadlines.pause(request.clock, now);
    model::RequestMessage message;
    message.at = now;
    message.author = request_actor(who);
    message.body = question;
    message.asks_information = true;
    request.messages.push_back(std::move(message));
    add_event(request, now, request_actor(who), "information_requested",
              "A reviewer asked for more information; the deadline is paused until the requestor answers.");
    step.action = "request.information_requested";
    step.announce.emplace_back(Event::information_requested,
                               requestor_of(store_.requestors(), request, settings_.notifications.email));
    return {};
  });
}

Result<DisclosureRequest> Requests::decide(const identity::Authenticated& who, const std::string& id,
                                           const Ruling& ruling) {
  if (!identity::is_staff(who, kDeciders))
    return fail(ErrorCode::forbidden, "Only reviewers decide requests.");
  // The balancing test (shared/spec/policy.md §5.2): every member said, as a reviewer would write it.
  Error problems{ErrorCode::invalid_input, "The decision is incomplete (see errors)."};
  const std::pair<std::string_view, const std::string*> members[] = {
      {"legitimate_interest", &ruling.legitimate_interest},
      {"necessity", &ruling.necessity},
      {"minimisation", &ruling.minimisation},
      {"risk", &ruling.risk},
      {"safeguards", &ruling.safeguards}};
  for (const auto& [name, text] : members) {
    std::string checked = *text;
    std::ranges::replace_if(checked, [](char c) { return c == '\n' || c == '\t'; }, ' ');
    if (text->size() < 5 || text->size() > kMaxMessage || !check_text_value(checked)) {
      problems.problems.push_back(
          {"/balancing_test/" + std::string(name),
           "Required: the balancing test's " + std::string(name) + ", 5 to 8000 bytes of text."});
    }
  }
  if (ruling.fields.empty()) problems.problems.push_back({"/fields", "Decide at least one field."});
  for (std::size_t i = 0; i < ruling.fields.size(); ++i) {
    const FieldRuling& field = ruling.fields[i];
    const std::string at = "/fields/" + std::to_string(i);
    if (field.disclose) continue;
    const auto reason = policy::parse_reason(field.reason);
    if (!reason || !policy::is_refusal_reason(*reason)) {
      problems.problems.push_back({at + "/reason",
                                   "A refusal needs a reason: not_necessary, "
                                   "subject_rights_override, legal_restriction, operator_policy, "
                                   "personal_data or no_policy."});
    }
    std::string checked = field.explanation;
    std::ranges::replace_if(checked, [](char c) { return c == '\n' || c == '\t'; }, ' ');
    if (field.explanation.size() < 5 || field.explanation.size() > kMaxMessage ||
        !check_text_value(checked)) {
      problems.problems.push_back(
          {at + "/explanation", "A refusal needs an explanation the requestor can understand (SSAD Rec 5)."});
    }
  }
  if (!problems.problems.empty()) return std::unexpected(std::move(problems));
  return update(who, id, [&](DisclosureRequest& request, Step& step, Timestamp now) -> Result<void> {
    // The reviewer holding a request awaiting information may decide it all the same (a requestor that
    // never answers cannot hold it open): the clock runs again first.
    if (request.reviewer_id == who.user.id && request.status == RequestStatus::awaiting_information) {
      request.status = RequestStatus::in_review;
      settings_.deadlines.resume(request.clock, request.priority, request.created, now);
    }
    if (request.reviewer_id != who.user.id || request.status != RequestStatus::in_review) {
      return fail(ErrorCode::conflict, "Claim the request first; it must be in review.");
    }
    Error wrong{ErrorCode::invalid_input, "The decision names fields it cannot decide (see errors)."};
    if (ruling.urgent) {
      if (request.priority != "P1") {
        wrong.problems.push_back({"/urgent", "Only a P1 request's urgency is ruled on."});
      } else {
        request.urgent_upheld = ruling.urgent;
      }
    }
    std::vector<std::string> keys;
    for (std::size_t i = 0; i < ruling.fields.size(); ++i) {
      const FieldRuling& ruled = ruling.fields[i];
      auto found = std::ranges::find(request.fields, ruled.key, &model::RequestedField::key);
      if (found == request.fields.end() || found->state != FieldState::review ||
          std::ranges::find(keys, ruled.key) != keys.end()) {
        wrong.problems.push_back({"/fields/" + std::to_string(i) + "/key",
                                  "Not a field of this request waiting for review (or named twice)."});
        continue;
      }
      keys.push_back(ruled.key);
      found->decided_by = request_actor(who);
      found->decided = now;
      found->rule.clear();
      if (ruled.disclose) {
        found->state = FieldState::disclosed;
        found->retention = policy::to_string(policy::Retention{settings_.default_retention_days, false});
        found->explanation = "Disclosed by a reviewer after a balancing test.";
      } else {
        found->state = FieldState::refused;
        found->reason = ruled.reason;
        found->explanation = ruled.explanation;
      }
    }
    if (!wrong.problems.empty()) return std::unexpected(std::move(wrong));
    const auto disclosed = std::ranges::count_if(ruling.fields, &FieldRuling::disclose);
    model::BalancingTest test;
    test.at = now;
    test.reviewer_id = who.user.id;
    test.fields = keys;
    test.legitimate_interest = ruling.legitimate_interest;
    test.necessity = ruling.necessity;
    test.minimisation = ruling.minimisation;
    test.risk = ruling.risk;
    test.safeguards = ruling.safeguards;
    test.outcome = disclosed == 0                                                ? "refuse"
                   : static_cast<std::size_t>(disclosed) == ruling.fields.size() ? "disclose"
                                                                                 : "partial";
    request.balancing_tests.push_back(std::move(test));
    request.automated = false;
    step.action = "request.decide";
    std::ranges::sort(keys);
    step.detail = {{"decided", join(keys)}, {"disclosed", std::to_string(disclosed)}};
    if (ruling.urgent) step.detail.emplace_back("urgent_upheld", *ruling.urgent ? "true" : "false");
    if (!has_review(request)) {
      request.status = RequestStatus::decided;
      request.decided = now;
      settings_.deadlines.stop(request.clock, now);
      add_event(request, now, request_actor(who), "decided", "Decided: " + field_summary(request) + ".");
      step.announce.emplace_back(Event::decided,
                                 requestor_of(store_.requestors(), request, settings_.notifications.email));
      step.announce.back().second.webhook = true;
    } else {
      add_event(request, now, request_actor(who), "field_decided",
                "Some fields decided: " + field_summary(request) + ".");
    }
    request.retention_due = retention_due(request);
    return {};
  });
}

Result<DisclosureRequest> Requests::rule_confidentiality(const identity::Authenticated& who,
                                                         const std::string& id, bool accept,
                                                         const std::string& note) {
  if (!identity::is_staff(who, kDeciders)) {
    return fail(ErrorCode::forbidden, "Only reviewers and administrators answer confidentiality requests.");
  }
  if (note.size() < 5 || note.size() > kMaxMessage || !check_text_value(note)) {
    return fail(ErrorCode::invalid_input, "Say why, in one line of 5 to 8000 bytes.");
  }
  return update(who, id, [&](DisclosureRequest& request, Step& step, Timestamp now) -> Result<void> {
    if (request.confidentiality.state != model::ConfidentialityState::requested) {
      return fail(ErrorCode::conflict, "There is no confidentiality request waiting for an answer.");
    }
    request.confidentiality.state =
        accept ? model::ConfidentialityState::accepted : model::ConfidentialityState::refused;
    request.confidentiality.decided_by = request_actor(who);
    request.confidentiality.decided = now;
    request.confidentiality.note = note;
    add_event(request, now, request_actor(who),
              accept ? "confidentiality_accepted" : "confidentiality_refused",
              accept ? "The data subject will not be told of this disclosure until the hold ends."
                     : "The confidentiality request was refused.");
    step.action = "request.confidentiality";
    step.detail = {{"confidentiality", accept ? "accepted" : "refused"}};
    step.announce.emplace_back(Event::message,
                               requestor_of(store_.requestors(), request, settings_.notifications.email));
    return {};
  });
}

Result<DisclosureRequest> Requests::confirm_destruction(const identity::Authenticated& who,
                                                        const std::string& id, const std::string& statement) {
  if (!is_requestor(who)) return fail(ErrorCode::forbidden, "Only the requestor confirms destruction.");
  if (statement.size() > kMaxMessage || !check_text_value(statement)) {
    return fail(ErrorCode::invalid_input, "The statement is one line of at most 8000 bytes.");
  }
  return update(who, id, [&](DisclosureRequest& request, Step& step, Timestamp now) -> Result<void> {
    if (!request.retention_due) {
      return fail(ErrorCode::conflict, "This request disclosed nothing that must be destroyed.");
    }
    if (request.destruction_confirmed) return fail(ErrorCode::conflict, "Destruction was confirmed already.");
    request.destruction_confirmed = now;
    const bool late = now > *request.retention_due;
    add_event(
        request, now, request_actor(who), "destruction_confirmed",
        std::string(late ? "Destruction confirmed after the retention ended" : "Destruction confirmed") +
            (statement.empty() ? "." : ": " + statement));
    step.action = "request.destruction_confirmed";
    step.detail = {{"retention_due", format_rfc3339(*request.retention_due)},
                   {"late", late ? "true" : "false"}};
    return {};
  });
}

Result<Report> build_report(store::RequestReader& requests, const policy::Rules& rules, const Period& period,
                            Timestamp now) {
  StatisticsCategories categories = StatisticsCategories::defaults();
  for (const std::string_view purpose : policy::rfc9560_purposes()) categories.purposes.emplace_back(purpose);
  for (const auto& own : rules.own_purposes()) categories.purposes.push_back(own.id);
  for (const auto& group : rules.groups()) categories.groups.push_back(group.id);
  ReportBuilder builder(period, categories);
  store::RequestFilter filter;
  filter.created_before = period.until;
  SSAD_CHECK(requests.for_each(filter, [&](const DisclosureRequest& request) {
    builder.add(request);
    return true;
  }));
  return builder.finish(now);
}

Result<Report> Requests::statistics(const identity::Authenticated& who, const Period& period) {
  if (!is_requestor(who) && !identity::is_staff(who, kStaffReaders)) {
    return fail(ErrorCode::forbidden, "Only requestors and the operator's staff read the statistics.");
  }
  if (period.until <= period.from)
    return fail(ErrorCode::invalid_input, "The period must end after it begins.");
  return build_report(store_.requests(), policy_.policy(), period, clock_.now());
}

Result<std::size_t> Requests::watch_deadlines() {
  const Timestamp now = clock_.now();
  store::RequestFilter filter;
  filter.statuses = {RequestStatus::pending, RequestStatus::in_review};
  filter.order = store::RequestFilter::Order::deadline_first;
  std::vector<std::pair<std::string, Standing>> due;
  SSAD_CHECK(store_.requests().for_each(filter, [&](const DisclosureRequest& request) {
    const Standing standing = settings_.deadlines.standing(request.clock, now);
    if ((standing == Standing::near && !request.clock.warned) ||
        (standing == Standing::breached && !request.clock.breached)) {
      due.emplace_back(request.id, standing);
    }
    return true;
  }));
  std::size_t changed = 0;
  for (const auto& [id, standing] : due) {
    SSAD_TRY(work, store_.begin_audit());
    auto request = work->requests().request_for_update(id);
    if (!request) continue;
    const Standing now_standing = settings_.deadlines.standing(request->clock, now);
    Step step;
    if (now_standing == Standing::breached && !request->clock.breached) {
      request->clock.breached = now;
      add_event(*request, now, {"system", ""}, "deadline_breached",
                "The decision deadline passed undecided.");
      step.action = "request.deadline_breached";
      step.announce.emplace_back(Event::deadline_breached,
                                 reviewers_of(store_.requestors(), *request, settings_.notifications.email));
    } else if (now_standing == Standing::near && !request->clock.warned) {
      request->clock.warned = now;
      add_event(*request, now, {"system", ""}, "deadline_near", "The decision deadline is near.");
      step.action = "request.deadline_near";
      step.announce.emplace_back(Event::deadline_near,
                                 reviewers_of(store_.requestors(), *request, settings_.notifications.email));
    } else {
      continue;
    }
    if (const auto& deadline = request->clock.deadline)
      step.detail.emplace_back("deadline", format_rfc3339(*deadline));
    SSAD_CHECK(work->requests().save_request(*request));
    SSAD_CHECK(record(*work, audit::Actor{"system", "deadline-watch"}, *request, step, now));
    SSAD_CHECK(work->commit(now));
    ++changed;
  }
  return changed;
}

}  // namespace ssad::disclosure
