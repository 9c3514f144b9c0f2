#include "subject/agents.hpp"

#include <algorithm>
#include <regex>
#include <utility>

#include <openssl/crypto.h>

#include "audit/log.hpp"
#include "catalog/catalog.hpp"
#include "core/text_check.hpp"
#include "identity/credentials.hpp"
#include "policy/values.hpp"
#include "tlog/hash.hpp"

namespace ssad::subject {
namespace {

constexpr std::string_view kAnswerKind = "agt";
constexpr std::size_t kMaxText = 200;
// Designations a domain may make in 24 hours: each emails an invitation to an address of the registrant's
// choice, so this bounds what a registrant can send through the operator.
constexpr std::ptrdiff_t kDesignationsPerDay = 3;
constexpr std::string_view kNoDesignation = "The token is no current designation's.";

std::string registrant_of(const model::Registration& registration) {
  return policy::subject_fingerprint(catalog::Role::registrant, registration);
}

// A pending designation past its answer time lapsed; stored or not.
store::AgentState state_at(const store::DomainAgent& agent, Timestamp now, std::chrono::days within) {
  if (agent.state == store::AgentState::pending && agent.designated + within <= now) {
    return store::AgentState::lapsed;
  }
  return agent.state;
}

Result<void> record(store::UnitOfWork& work, Timestamp now, audit::Actor actor, std::string action,
                    const store::DomainAgent& agent, std::string reason = {}) {
  audit::Entry entry;
  entry.time = now;
  entry.actor = std::move(actor);
  entry.action = std::move(action);
  entry.object = {"agent", agent.id};
  entry.detail = {
      {"domain", agent.domain}, {"kind", agent.kind}, {"state", std::string(to_string(agent.state))}};
  if (!reason.empty()) entry.detail.emplace_back("reason", std::move(reason));
  return audit::record(work, std::move(entry));
}

Result<NewAgent> checked(NewAgent in) {
  std::vector<MemberProblem> problems;
  const auto text = [&](const std::string& value, const char* pointer, bool required) {
    if (value.empty()) {
      if (required) problems.push_back({pointer, "Required."});
      return;
    }
    if (value.size() > kMaxText || !check_text_value(value)) {
      problems.push_back({pointer, "Must be 1 to 200 characters of text, without control characters."});
    }
  };
  if (in.kind != "person" && in.kind != "organisation") {
    problems.push_back({"/kind", "Must be person or organisation."});
  }
  text(in.name, "/name", true);
  text(in.organization, "/organization", in.kind == "organisation");
  if (auto address = address_of(in.email); address) {
    in.email = std::move(*address);
  } else {
    problems.push_back({"/email", "Must be a plain email address (local@domain)."});
  }
  static const std::regex phone_pattern(R"(^\+[0-9]{1,3}\.[0-9]{4,14}$)");  // E.164a, as EPP writes it
  if (!in.phone.empty() && !std::regex_match(in.phone, phone_pattern)) {
    problems.push_back({"/phone", "Must be E.164a: +CC.NUMBER (+32.21234567)."});
  }
  if (!problems.empty()) {
    Error error{ErrorCode::invalid_input, "The designation is not complete or not valid.",
                std::move(problems)};
    return std::unexpected(std::move(error));
  }
  return in;
}

std::string invitation(const store::DomainAgent& agent, const AgentSettings& settings,
                       const std::string& token) {
  std::string text = "The registrant of " + agent.domain +
                     " named you as its agent for technical and security "
                     "issues with " +
                     settings.operator_name + ".\n\nIf you agree, this is what you consent to:\n\n" +
                     agent.consent_text + "\n\nTo answer, send this token";
  text += settings.public_url.empty() ? "" : " to " + settings.public_url + "v1/subject/agent/answer";
  text +=
      " with \"consent\": true to agree or false to decline, within " +
      std::to_string(settings.answer_within.count()) + " days:\n\n" + token +
      "\n\nYou can decline later with the same token. If you do not know the registrant, decline or ignore "
      "this email.\n";
  return text;
}

}  // namespace

AgentSettings agent_settings(const config::Config& config) {
  AgentSettings s;
  s.answer_within = std::chrono::days(config.subject.agent_answer_days);
  s.operator_name = config.subject.operator_name;
  s.public_url = config.requests.public_url;
  return s;
}

std::string consent_statement(const store::DomainAgent& agent, std::string_view operator_name) {
  return "I, " + agent.name + (agent.organization.empty() ? "" : " (" + agent.organization + ")") +
         ", agree to act for the registrant of " + agent.domain +
         " on technical and security issues, and that " + std::string(operator_name) +
         " gives my name, organisation, email and phone to accredited network operators, security providers "
         "and CERTs who ask for them to resolve a technical issue or a network attack involving the domain, "
         "in place of the registrant's own. I can withdraw this at any time.";
}

Agents::Agents(store::Store& store, const Clock& clock, Mailer& mailer, AgentSettings settings)
    : store_(store), clock_(clock), mailer_(mailer), settings_(std::move(settings)) {}

Result<store::DomainAgent> Agents::designate(const Session& session, const NewAgent& in) {
  if (session.kind != store::ProofKind::registrant) {
    return fail(ErrorCode::forbidden, "Only a registrant's session designates an agent.");
  }
  SSAD_TRY(agent_in, checked(in));
  SSAD_TRY(registration, store_.registrations().find_registration(session.target));
  const Timestamp now = clock_.now();
  // The invitation's token names the designation: its id is the token's.
  identity::SecretCredential answer = identity::make_secret_credential(kAnswerKind);
  store::DomainAgent agent;
  agent.id = answer.id;
  agent.domain = session.target;
  agent.registrant = registrant_of(registration);
  agent.kind = agent_in.kind;
  agent.name = agent_in.name;
  agent.organization = agent_in.organization;
  agent.email = agent_in.email;
  agent.phone = agent_in.phone;
  agent.designated = now;
  agent.designated_by = session.id;
  agent.consent_text = consent_statement(agent, settings_.operator_name);
  agent.answer_hash = tlog::hex(answer.secret_hash);

  SSAD_TRY(work, store_.begin_audit());
  // Each designation emails its agent: a few a day per domain, counted under the domain's lock.
  SSAD_CHECK(work->subjects().lock("agent:" + session.target));
  SSAD_TRY(history, store_.subjects().agents(session.target));
  const auto today = std::ranges::count_if(
      history, [&](const store::DomainAgent& a) { return a.designated > now - std::chrono::hours(24); });
  if (today >= kDesignationsPerDay) {
    return fail(ErrorCode::too_many_requests,
                "The domain's agent was designated as often as it may be in a day.");
  }
  SSAD_TRY(current, store_.subjects().current_agent(session.target));
  if (current) {
    store::DomainAgent replaced = *current;
    const bool same_registrant = replaced.registrant == agent.registrant;
    replaced.state = same_registrant ? store::AgentState::replaced : store::AgentState::lapsed;
    replaced.ended = now;
    replaced.end_reason =
        same_registrant ? "The registrant designated another agent." : "The domain's registrant changed.";
    SSAD_CHECK(work->subjects().save_agent(replaced));
    SSAD_CHECK(record(*work, now, {"subject", session.id}, "subject.agent_replace", replaced));
  }
  SSAD_CHECK(work->subjects().add_agent(agent));
  SSAD_CHECK(record(*work, now, {"subject", session.id}, "subject.agent_designate", agent));
  SSAD_CHECK(work->commit(now));
  agent.version = 1;
  mailer_.send_later(Mail{agent.email, "You were named agent for " + agent.domain,
                          invitation(agent, settings_, answer.text), ""});
  // The registrant on record is told too: a designation it did not make (a session taken over, a code
  // read in its mailbox by someone else) does not go unnoticed.
  for (const auto& [role, contact] : registration.contacts) {
    if (role != model::ContactRole::registrant || contact.email.empty()) continue;
    mailer_.send_later(
        Mail{contact.email, "An agent was named for " + agent.domain,
             "An agent for technical and security issues was named for " + agent.domain + " with " +
                 settings_.operator_name + ": " + agent.name +
                 (agent.organization.empty() ? "" : " (" + agent.organization + ")") + ", " + agent.email +
                 ".\n\nOnce it consents, its contact is given to network operators, security "
                 "providers and CERTs in place of yours. If you did not name it, prove control of "
                 "the domain again and withdraw it (DELETE /v1/subject/agent).\n",
             ""});
    break;
  }
  OPENSSL_cleanse(answer.text.data(), answer.text.size());
  return agent;
}

Result<std::vector<store::DomainAgent>> Agents::list(const Session& session) {
  if (session.kind != store::ProofKind::registrant) {
    return fail(ErrorCode::forbidden, "Only a registrant's session reads its agents.");
  }
  SSAD_TRY(registration, store_.registrations().find_registration(session.target));
  SSAD_TRY(all, store_.subjects().agents(session.target));
  const std::string registrant = registrant_of(registration);
  std::vector<store::DomainAgent> mine;
  for (store::DomainAgent& agent : all) {
    if (agent.registrant == registrant) mine.push_back(std::move(agent));
  }
  std::ranges::reverse(mine);
  return mine;
}

Result<store::DomainAgent> Agents::withdraw(const Session& session) {
  if (session.kind != store::ProofKind::registrant) {
    return fail(ErrorCode::forbidden, "Only a registrant's session withdraws its agent.");
  }
  const Timestamp now = clock_.now();
  SSAD_TRY(registration, store_.registrations().find_registration(session.target));
  SSAD_TRY(work, store_.begin_audit());
  SSAD_TRY(current, store_.subjects().current_agent(session.target));
  if (!current || current->registrant != registrant_of(registration)) {
    return fail(ErrorCode::not_found, "The domain has no agent designated by its registrant.");
  }
  store::DomainAgent agent = *current;
  agent.state = store::AgentState::withdrawn;
  agent.ended = now;
  agent.end_reason = "The registrant withdrew the designation.";
  SSAD_CHECK(work->subjects().save_agent(agent));
  SSAD_CHECK(record(*work, now, {"subject", session.id}, "subject.agent_withdraw", agent));
  SSAD_CHECK(work->commit(now));
  ++agent.version;
  return agent;
}

Result<store::DomainAgent> Agents::answer(std::string_view token, bool consent) {
  const auto refused = [] { return fail(ErrorCode::unauthenticated, std::string(kNoDesignation)); };
  const auto presented = identity::parse_secret_credential(token, kAnswerKind);
  if (!presented) return refused();
  const std::string hash = tlog::hex(presented->secret_hash);
  const Timestamp now = clock_.now();
  SSAD_TRY(work, store_.begin_audit());
  auto found = store_.subjects().agent(presented->id);
  if (!found) {
    if (found.error().code == ErrorCode::not_found) return refused();
    return std::unexpected(found.error());
  }
  store::DomainAgent agent = std::move(*found);
  const bool right = hash.size() == agent.answer_hash.size() &&
                     CRYPTO_memcmp(hash.data(), agent.answer_hash.data(), hash.size()) == 0;
  if (!right || !store::is_current(agent.state)) return refused();
  if (consent) {
    if (state_at(agent, now, settings_.answer_within) == store::AgentState::lapsed) {
      return fail(ErrorCode::conflict,
                  "The designation lapsed unanswered; the registrant may designate you again.");
    }
    if (agent.state == store::AgentState::active) return agent;  // consented already
    agent.state = store::AgentState::active;
    agent.consented = now;
  } else {
    agent.state = store::AgentState::declined;
    agent.ended = now;
    agent.end_reason = "The agent declined.";
  }
  SSAD_CHECK(work->subjects().save_agent(agent));
  SSAD_CHECK(record(*work, now, {"agent", agent.id}, consent ? "agent.consent" : "agent.decline", agent));
  SSAD_CHECK(work->commit(now));
  ++agent.version;
  return agent;
}

Result<std::optional<store::DomainAgent>> Agents::in_force(const model::Registration& registration) {
  SSAD_TRY(current, store_.subjects().current_agent(registration.domain.name.ldh));
  if (!current || current->state != store::AgentState::active ||
      current->registrant != registrant_of(registration)) {
    return std::optional<store::DomainAgent>();
  }
  return current;
}

void write_json(json::JsonWriter& out, const store::DomainAgent& agent, Timestamp now,
                std::chrono::days answer_within) {
  out.begin_object();
  out.member("id", agent.id);
  out.member("domain", agent.domain);
  out.member("kind", agent.kind);
  out.member("name", agent.name);
  if (!agent.organization.empty()) out.member("organization", agent.organization);
  out.member("email", agent.email);
  if (!agent.phone.empty()) out.member("phone", agent.phone);
  out.member("state", to_string(state_at(agent, now, answer_within)));
  out.member("designated", format_rfc3339(agent.designated));
  if (agent.consented) out.member("consented", format_rfc3339(*agent.consented));
  out.member("consent_statement", agent.consent_text);
  if (agent.ended) out.member("ended", format_rfc3339(*agent.ended));
  if (!agent.end_reason.empty()) out.member("end_reason", agent.end_reason);
  out.end_object();
}

}  // namespace ssad::subject
