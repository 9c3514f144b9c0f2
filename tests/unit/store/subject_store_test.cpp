// Contract tests for the registrant's side (store/subject_store.hpp): every backend must pass them
// (store_contract.hpp): challenges added, found open, counted, tried and used once (also by two nodes at
// once); sessions added, read and ended once; designated agents, one current per domain (also by two nodes
// at once), saved by version; relays recorded and counted; pruning; units of work that roll back. Then what
// only PostgreSQL shows: a unit of work waiting for another's uncommitted use of a challenge, or
// designation of a domain.

#include "store/subject_store.hpp"

#include <atomic>
#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "store/postgres/postgres_store.hpp"
#include "support/postgres.hpp"
#include "support/registration_fixtures.hpp"
#include "unit/store/store_contract.hpp"

namespace ssad::store {
namespace {

using testing::at;
using Ids = std::vector<std::string>;

// A SHA-256 in the store's spelling: 64 lower-case hex digits, `digit` repeated.
std::string hash_of(char digit) { return std::string(64, digit); }

SubjectChallenge challenge(std::string id, std::string target, const char* created = "2026-03-01T10:00:00Z",
                           const char* expires = "2026-03-01T10:15:00Z") {
  SubjectChallenge c;
  c.id = std::move(id);
  c.kind = ProofKind::registrant;
  c.target = std::move(target);
  c.code_hash = hash_of('c');
  c.created = at(created);
  c.expires = at(expires);
  return c;
}

SubjectSession session(std::string id, const char* created = "2026-03-01T10:00:00Z",
                       const char* expires = "2026-03-01T11:00:00Z") {
  SubjectSession s;
  s.id = std::move(id);
  s.kind = ProofKind::registrant;
  s.target = "example.com";
  s.secret_hash = hash_of('5');
  s.proof = "code:sch_1";
  s.created = at(created);
  s.expires = at(expires);
  return s;
}

DomainAgent agent(std::string id, std::string domain = "example.com", AgentState state = AgentState::pending,
                  const char* designated = "2026-03-01T10:00:00Z") {
  DomainAgent a;
  a.id = std::move(id);
  a.domain = std::move(domain);
  a.registrant = hash_of('f');
  a.kind = "organisation";
  a.name = "Ops Desk";
  a.organization = "Example Hosting Ltd";
  a.email = "ops@hosting.example";
  a.phone = "+44.2071234567";
  a.designated = at(designated);
  a.designated_by = "sss_registrant";
  a.state = state;
  a.answer_hash = hash_of('a');
  return a;
}

ContactRelay relay(std::string id, std::string domain, std::string sender, const char* created) {
  ContactRelay r;
  r.id = std::move(id);
  r.domain = std::move(domain);
  r.sender = std::move(sender);
  r.recipient_kind = "registrant";
  r.created = at(created);
  r.bytes = 1200;
  return r;
}

template <class T>
Ids ids_of(const std::vector<T>& list) {
  Ids ids;
  for (const auto& item : list) ids.push_back(item.id);
  return ids;
}

// `a` as stored at `version` (1 once added, one more per save).
DomainAgent stored(DomainAgent a, std::uint64_t version = 1) {
  a.version = version;
  return a;
}

// The id of the domain's current designation, "" when it has none.
std::string current_of(SubjectReader& reader, const std::string& domain) {
  const auto current = reader.current_agent(domain).value();
  return current ? current->id : "";
}

template <class T>
void expect_error(const Result<T>& result, ErrorCode code, const std::string& mentions = "") {
  ASSERT_FALSE(result.has_value());
  EXPECT_EQ(result.error().code, code) << result.error().message;
  if (!mentions.empty()) {
    EXPECT_NE(result.error().message.find(mentions), std::string::npos) << result.error().message;
  }
}

class SubjectStoreContract : public StoreContract {
 protected:
  SubjectReader& subjects() { return store_->subjects(); }

  // Runs `write` in one unit of work from begin_audit() and commits it.
  template <class Write>
  void committed(Write write) {
    auto work = store_->begin_audit().value();
    write(work->subjects());
    const auto done = work->commit(at("2026-03-01T00:00:00Z"));
    ASSERT_TRUE(done.has_value()) << done.error().message;
  }

  // Runs `write`, a call that must succeed, in a unit of work of its own.
  template <class Write>
  void written(Write write) {
    committed([&](SubjectWriter& w) {
      const auto result = write(w);
      ASSERT_TRUE(result.has_value()) << result.error().message;
    });
  }

  // The open challenges, read in a unit of work that then rolls back.
  std::vector<SubjectChallenge> open(ProofKind kind, const std::string& target,
                                     const char* now = "2026-03-01T10:05:00Z") {
    auto work = store_->begin_audit().value();
    auto found = work->subjects().open_challenges(kind, target, at(now));
    EXPECT_TRUE(found.has_value()) << found.error().message;
    return found.value_or(std::vector<SubjectChallenge>{});
  }
};

TEST_P(SubjectStoreContract, AChallengeReadsBackAsAddedWhileOpenOldestFirstThenById) {
  SubjectChallenge later = challenge("sch_later", "example.com", "2026-03-01T10:01:00Z");
  SubjectChallenge second = challenge("sch_b", "example.com");
  SubjectChallenge first = challenge("sch_a", "example.com");
  first.code_hash.clear();  // no code sent: kept, never matches
  SubjectChallenge sender = challenge("sch_sender", "someone@mail.example");
  sender.kind = ProofKind::sender;
  committed([&](SubjectWriter& w) {
    for (const auto& c : {later, second, first, sender}) ASSERT_TRUE(w.add_challenge(c).has_value()) << c.id;
  });
  EXPECT_EQ(open(ProofKind::registrant, "example.com"), (std::vector{first, second, later}));
  EXPECT_EQ(open(ProofKind::sender, "someone@mail.example"), (std::vector{sender}));
}

TEST_P(SubjectStoreContract, OpenChallengesLeaveOutUsedAndExpiredOnesAndOtherKindsAndTargets) {
  const SubjectChallenge expiring =
      challenge("sch_expiring", "example.com", "2026-03-01T09:50:00Z", "2026-03-01T10:05:00.001Z");
  const SubjectChallenge expired = challenge("sch_expired", "example.com", "2026-03-01T09:50:00Z",
                                             "2026-03-01T10:05:00Z");  // expires at `now`: no longer open
  const SubjectChallenge used = challenge("sch_used", "example.com");
  SubjectChallenge other_kind = challenge("sch_other_kind", "example.com");
  other_kind.kind = ProofKind::sender;
  const SubjectChallenge other_target = challenge("sch_other_target", "example.net");
  committed([&](SubjectWriter& w) {
    for (const auto& c : {expiring, expired, used, other_kind, other_target}) {
      ASSERT_TRUE(w.add_challenge(c).has_value()) << c.id;
    }
    ASSERT_TRUE(w.use_challenge("sch_used", at("2026-03-01T10:01:00Z")).has_value());
  });
  EXPECT_EQ(ids_of(open(ProofKind::registrant, "example.com", "2026-03-01T10:05:00Z")), Ids{"sch_expiring"});
  EXPECT_TRUE(open(ProofKind::registrant, "example.com", "2026-03-01T10:05:00.001Z").empty());
  EXPECT_EQ(ids_of(open(ProofKind::sender, "example.com")), Ids{"sch_other_kind"});
  EXPECT_TRUE(open(ProofKind::registrant, "example.org").empty());
}

TEST_P(SubjectStoreContract, AChallengeIsUsedOnceAndTheSecondUseIsAConflict) {
  written([](SubjectWriter& w) { return w.add_challenge(challenge("sch_1", "example.com")); });
  {
    auto work = store_->begin_audit().value();
    const auto found =
        work->subjects().open_challenges(ProofKind::registrant, "example.com", at("2026-03-01T10:05:00Z"));
    ASSERT_EQ(ids_of(found.value()), Ids{"sch_1"});
    ASSERT_TRUE(work->subjects().use_challenge("sch_1", at("2026-03-01T10:05:00Z")).has_value());
    // Within the same unit of work, and the unit of work goes on.
    expect_error(work->subjects().use_challenge("sch_1", at("2026-03-01T10:05:01Z")), ErrorCode::conflict,
                 "sch_1");
    EXPECT_TRUE(work->subjects()
                    .open_challenges(ProofKind::registrant, "example.com", at("2026-03-01T10:05:00Z"))
                    .value()
                    .empty());
    ASSERT_TRUE(work->commit(at("2026-03-01T10:05:00Z")).has_value());
  }
  EXPECT_TRUE(open(ProofKind::registrant, "example.com").empty());
  auto work = store_->begin_audit().value();
  expect_error(work->subjects().use_challenge("sch_1", at("2026-03-01T10:06:00Z")), ErrorCode::conflict,
               "used already");
  expect_error(work->subjects().use_challenge("sch_missing", at("2026-03-01T10:06:00Z")),
               ErrorCode::not_found, "sch_missing");
}

TEST_P(SubjectStoreContract, WrongCodesAreCountedAgainstTheChallenge) {
  written([](SubjectWriter& w) { return w.add_challenge(challenge("sch_1", "example.com")); });
  written([](SubjectWriter& w) { return w.count_attempt("sch_1"); });
  written([](SubjectWriter& w) { return w.count_attempt("sch_1"); });
  const auto found = open(ProofKind::registrant, "example.com");
  ASSERT_EQ(found.size(), 1U);
  EXPECT_EQ(found[0].attempts, 2U);
  auto work = store_->begin_audit().value();
  expect_error(work->subjects().count_attempt("sch_missing"), ErrorCode::not_found, "sch_missing");
}

TEST_P(SubjectStoreContract, ChallengesSinceCountsUsedExpiredAndUnsentOnesOfOneKindAndTarget) {
  SubjectChallenge unsent = challenge("sch_unsent", "example.com", "2026-03-01T10:02:00Z");
  unsent.code_hash.clear();
  SubjectChallenge sender = challenge("sch_sender", "example.com", "2026-03-01T10:03:00Z");
  sender.kind = ProofKind::sender;
  committed([&](SubjectWriter& w) {
    for (const auto& c :
         {challenge("sch_before", "example.com", "2026-03-01T09:59:59.999Z"),
          challenge("sch_at", "example.com", "2026-03-01T10:00:00Z"),
          challenge("sch_expired", "example.com", "2026-03-01T10:01:00Z", "2026-03-01T10:01:01Z"),
          challenge("sch_used", "example.com", "2026-03-01T10:01:30Z"), unsent, sender,
          challenge("sch_other", "example.net", "2026-03-01T10:04:00Z")}) {
      ASSERT_TRUE(w.add_challenge(c).has_value()) << c.id;
    }
    ASSERT_TRUE(w.use_challenge("sch_used", at("2026-03-01T10:02:00Z")).has_value());
  });
  const Timestamp since = at("2026-03-01T10:00:00Z");
  EXPECT_EQ(subjects().challenges_since(ProofKind::registrant, "example.com", since).value(), 4U);
  EXPECT_EQ(
      subjects().challenges_since(ProofKind::registrant, "example.com", at("2026-03-01T09:00:00Z")).value(),
      5U);
  EXPECT_EQ(subjects().challenges_since(ProofKind::sender, "example.com", since).value(), 1U);
  EXPECT_EQ(subjects().challenges_since(ProofKind::registrant, "example.org", since).value(), 0U);
}

TEST_P(SubjectStoreContract, InvalidChallengesAndTakenIdsAreRefusedAndTheUnitOfWorkGoesOn) {
  const auto with = [](auto change) {
    SubjectChallenge c = challenge("sch_bad", "example.com");
    change(c);
    return c;
  };
  const std::vector<SubjectChallenge> invalid = {
      with([](SubjectChallenge& c) { c.id.clear(); }),
      with([](SubjectChallenge& c) { c.target.clear(); }),
      with([](SubjectChallenge& c) { c.code_hash = std::string(64, 'C'); }),
      with([](SubjectChallenge& c) { c.code_hash = std::string(63, 'c'); }),
      with([](SubjectChallenge& c) { c.code_hash = std::string(63, 'c') + "g"; }),
      with([](SubjectChallenge& c) { c.used = at("2026-03-01T10:00:00Z"); }),
      with([](SubjectChallenge& c) { c.attempts = 1; }),
  };
  written([](SubjectWriter& w) { return w.add_challenge(challenge("sch_1", "example.com")); });
  auto work = store_->begin_audit().value();
  for (const SubjectChallenge& c : invalid)
    expect_error(work->subjects().add_challenge(c), ErrorCode::invalid_input);
  expect_error(work->subjects().add_challenge(challenge("sch_1", "example.net")), ErrorCode::conflict,
               "sch_1");
  ASSERT_TRUE(work->subjects().add_challenge(challenge("sch_2", "example.com")).has_value());
  ASSERT_TRUE(work->commit(at("2026-03-01T10:00:00Z")).has_value());
  EXPECT_EQ(ids_of(open(ProofKind::registrant, "example.com")), (Ids{"sch_1", "sch_2"}));
  EXPECT_TRUE(open(ProofKind::registrant, "example.net").empty());
}

TEST_P(SubjectStoreContract, ASessionReadsBackExactlyAndEndsOnce) {
  SubjectSession sender = session("sss_sender", "2026-03-01T10:00:00.125Z", "2026-03-01T10:30:00Z");
  sender.kind = ProofKind::sender;
  sender.target = "someone@mail.example";
  sender.proof = "code:sch_sender";
  SubjectSession registrar = session("sss_registrar");
  registrar.proof = "registrar:org_registrar";
  registrar.expires = registrar.created;  // expires as it is created: allowed, and useless
  committed([&](SubjectWriter& w) {
    for (const auto& s : {sender, registrar}) ASSERT_TRUE(w.add_session(s).has_value()) << s.id;
  });
  EXPECT_EQ(subjects().session("sss_sender").value(), sender);
  EXPECT_EQ(subjects().session("sss_registrar").value(), registrar);
  expect_error(subjects().session("sss_missing"), ErrorCode::not_found, "sss_missing");

  written([](SubjectWriter& w) { return w.end_session("sss_sender", at("2026-03-01T10:10:00Z")); });
  SubjectSession ended = sender;
  ended.ended = at("2026-03-01T10:10:00Z");
  EXPECT_EQ(subjects().session("sss_sender").value(), ended);
  auto work = store_->begin_audit().value();
  expect_error(work->subjects().end_session("sss_sender", at("2026-03-01T10:11:00Z")), ErrorCode::conflict,
               "ended already");
  expect_error(work->subjects().end_session("sss_missing", at("2026-03-01T10:11:00Z")), ErrorCode::not_found,
               "sss_missing");
  ASSERT_TRUE(work->commit(at("2026-03-01T10:11:00Z")).has_value());
  EXPECT_EQ(subjects().session("sss_sender").value(), ended);
}

TEST_P(SubjectStoreContract, InvalidSessionsAndTakenIdsAreRefused) {
  const auto with = [](auto change) {
    SubjectSession s = session("sss_bad");
    change(s);
    return s;
  };
  const std::vector<SubjectSession> invalid = {
      with([](SubjectSession& s) { s.id.clear(); }),
      with([](SubjectSession& s) { s.target.clear(); }),
      with([](SubjectSession& s) { s.proof.clear(); }),
      with([](SubjectSession& s) { s.secret_hash.clear(); }),
      with([](SubjectSession& s) { s.secret_hash = "5555"; }),
      with([](SubjectSession& s) { s.secret_hash = std::string(64, 'F'); }),
      with([](SubjectSession& s) { s.expires = s.created - std::chrono::milliseconds(1); }),
  };
  written([](SubjectWriter& w) { return w.add_session(session("sss_1")); });
  auto work = store_->begin_audit().value();
  for (const SubjectSession& s : invalid)
    expect_error(work->subjects().add_session(s), ErrorCode::invalid_input);
  SubjectSession again = session("sss_1");
  again.target = "example.net";
  expect_error(work->subjects().add_session(again), ErrorCode::conflict, "sss_1");
  ASSERT_TRUE(work->subjects().add_session(session("sss_2")).has_value());
  ASSERT_TRUE(work->commit(at("2026-03-01T10:00:00Z")).has_value());
  EXPECT_EQ(subjects().session("sss_1").value(), session("sss_1"));
  EXPECT_EQ(subjects().session("sss_2").value(), session("sss_2"));
  expect_error(subjects().session("sss_bad"), ErrorCode::not_found);
}

TEST_P(SubjectStoreContract, AnAgentReadsBackExactlyAsAddedWithVersionOne) {
  DomainAgent person = agent("agt_person", "example.com");
  person.kind = "person";
  person.name = "Zoë “Ops” O'Brien";
  person.organization.clear();
  person.phone.clear();
  DomainAgent ended = agent("agt_old", "example.com", AgentState::declined, "2026-02-01T10:00:00Z");
  ended.ended = at("2026-02-02T10:00:00.5Z");
  ended.end_reason = "the agent declined";
  ended.consent_text = "I agree to be contacted about example.com";
  ended.consented = at("2026-02-01T12:00:00Z");
  committed([&](SubjectWriter& w) {
    for (const auto& a : {person, ended}) ASSERT_TRUE(w.add_agent(a).has_value()) << a.id;
  });
  EXPECT_EQ(subjects().agent("agt_person").value(), stored(person));
  EXPECT_EQ(subjects().agent("agt_old").value(), stored(ended));
  EXPECT_EQ(subjects().current_agent("example.com").value(), std::optional(stored(person)));
  EXPECT_EQ(subjects().agents("example.com").value(), (std::vector{stored(ended), stored(person)}));
  EXPECT_EQ(subjects().current_agent("example.net").value(), std::nullopt);
  EXPECT_TRUE(subjects().agents("example.net").value().empty());
  expect_error(subjects().agent("agt_missing"), ErrorCode::not_found, "agt_missing");
}

TEST_P(SubjectStoreContract, ADomainHasOneCurrentAgentAndASecondIsAConflictUntilTheFirstEnds) {
  written([](SubjectWriter& w) { return w.add_agent(agent("agt_1")); });
  {
    auto work = store_->begin_audit().value();
    const auto second = work->subjects().add_agent(agent("agt_2", "example.com", AgentState::active));
    expect_error(second, ErrorCode::conflict, "agt_2");
    EXPECT_EQ(second.error().message.find("example.com"), std::string::npos) << second.error().message;
    // An ended designation is no current one; another domain has its own; the unit of work goes on.
    ASSERT_TRUE(
        work->subjects().add_agent(agent("agt_withdrawn", "example.com", AgentState::withdrawn)).has_value());
    ASSERT_TRUE(work->subjects().add_agent(agent("agt_net", "example.net")).has_value());
    expect_error(work->subjects().add_agent(agent("agt_net_2", "example.net")), ErrorCode::conflict);
    ASSERT_TRUE(work->commit(at("2026-03-01T10:00:00Z")).has_value());
  }
  EXPECT_EQ(ids_of(subjects().agents("example.com").value()), (Ids{"agt_1", "agt_withdrawn"}));
  EXPECT_EQ(current_of(subjects(), "example.net"), "agt_net");

  // The registrant withdraws the first, then designates another.
  DomainAgent withdrawn = stored(agent("agt_1"));
  withdrawn.state = AgentState::withdrawn;
  withdrawn.ended = at("2026-03-02T10:00:00Z");
  withdrawn.end_reason = "withdrawn by the registrant";
  written([&](SubjectWriter& w) { return w.save_agent(withdrawn); });
  EXPECT_EQ(subjects().current_agent("example.com").value(), std::nullopt);
  written([](SubjectWriter& w) {
    return w.add_agent(agent("agt_2", "example.com", AgentState::pending, "2026-03-02T10:00:00Z"));
  });
  EXPECT_EQ(current_of(subjects(), "example.com"), "agt_2");
  EXPECT_EQ(subjects().agent("agt_1").value(), stored(withdrawn, 2));

  // Made current again while another is: a conflict.
  DomainAgent again = stored(withdrawn, 2);
  again.state = AgentState::pending;
  auto work = store_->begin_audit().value();
  expect_error(work->subjects().save_agent(again), ErrorCode::conflict, "agt_1");
  ASSERT_TRUE(work->commit(at("2026-03-02T11:00:00Z")).has_value());
  EXPECT_EQ(subjects().agent("agt_1").value(), stored(withdrawn, 2));
}

TEST_P(SubjectStoreContract, ReplacingTheCurrentAgentInOneUnitOfWorkMakesTheNewOneCurrent) {
  written([](SubjectWriter& w) { return w.add_agent(agent("agt_1", "example.com", AgentState::active)); });
  DomainAgent replaced = stored(agent("agt_1", "example.com", AgentState::active));
  replaced.state = AgentState::replaced;
  replaced.ended = at("2026-03-02T10:00:00Z");
  committed([&](SubjectWriter& w) {
    ASSERT_TRUE(w.save_agent(replaced).has_value());
    ASSERT_TRUE(
        w.add_agent(agent("agt_2", "example.com", AgentState::pending, "2026-03-02T10:00:00Z")).has_value());
  });
  EXPECT_EQ(current_of(subjects(), "example.com"), "agt_2");
  EXPECT_EQ(subjects().agent("agt_1").value().state, AgentState::replaced);
}

TEST_P(SubjectStoreContract, SavingAnAgentNeedsTheStoredVersionAndKeepsItsIdAndDomain) {
  written([](SubjectWriter& w) { return w.add_agent(agent("agt_1")); });
  // The agent consents.
  DomainAgent active = stored(agent("agt_1"));
  active.state = AgentState::active;
  active.consented = at("2026-03-01T12:00:00Z");
  active.consent_text = "I agree to be the technical contact";
  active.answer_hash.clear();
  written([&](SubjectWriter& w) { return w.save_agent(active); });
  EXPECT_EQ(subjects().agent("agt_1").value(), stored(active, 2));

  auto work = store_->begin_audit().value();
  // Read at version 1, saved since: refused.
  DomainAgent stale = stored(agent("agt_1"));
  stale.phone = "+1.5555550100";
  expect_error(work->subjects().save_agent(stale), ErrorCode::conflict, "version 1");
  expect_error(work->subjects().save_agent(stored(agent("agt_missing"))), ErrorCode::not_found,
               "agt_missing");
  DomainAgent bad_kind = stored(active, 2);
  bad_kind.kind = "robot";
  expect_error(work->subjects().save_agent(bad_kind), ErrorCode::invalid_input);
  // Another domain given: the domain stays.
  DomainAgent moved = stored(active, 2);
  moved.domain = "example.net";
  moved.phone = "+1.5555550100";
  ASSERT_TRUE(work->subjects().save_agent(moved).has_value());
  ASSERT_TRUE(work->commit(at("2026-03-01T13:00:00Z")).has_value());
  DomainAgent kept = stored(active, 3);
  kept.phone = "+1.5555550100";
  EXPECT_EQ(subjects().agent("agt_1").value(), kept);
  EXPECT_EQ(subjects().current_agent("example.com").value(), std::optional(kept));
  EXPECT_EQ(subjects().current_agent("example.net").value(), std::nullopt);
}

TEST_P(SubjectStoreContract, InvalidAgentsAndTakenIdsAreRefused) {
  const auto with = [](auto change) {
    DomainAgent a = agent("agt_bad", "example.org");
    change(a);
    return a;
  };
  const std::vector<DomainAgent> invalid = {
      with([](DomainAgent& a) { a.id.clear(); }),     with([](DomainAgent& a) { a.domain.clear(); }),
      with([](DomainAgent& a) { a.name.clear(); }),   with([](DomainAgent& a) { a.email.clear(); }),
      with([](DomainAgent& a) { a.kind = "robot"; }), with([](DomainAgent& a) { a.kind.clear(); }),
      with([](DomainAgent& a) { a.version = 1; }),
  };
  written([](SubjectWriter& w) { return w.add_agent(agent("agt_1", "example.com", AgentState::withdrawn)); });
  auto work = store_->begin_audit().value();
  for (const DomainAgent& a : invalid) expect_error(work->subjects().add_agent(a), ErrorCode::invalid_input);
  expect_error(work->subjects().add_agent(agent("agt_1", "example.net")), ErrorCode::conflict,
               "exists already");
  ASSERT_TRUE(work->subjects().add_agent(agent("agt_2", "example.org")).has_value());
  ASSERT_TRUE(work->commit(at("2026-03-01T10:00:00Z")).has_value());
  EXPECT_EQ(current_of(subjects(), "example.org"), "agt_2");
  EXPECT_EQ(subjects().current_agent("example.net").value(), std::nullopt);
}

TEST_P(SubjectStoreContract, RelaysAreCountedPerDomainAndPerSenderAndListedOldestFirst) {
  ContactRelay big = relay("rly_big", "example.com", "session:sss_1", "2026-03-01T10:00:00Z");
  big.bytes = std::uint64_t{1} << 40U;
  big.recipient_kind = "agent";
  committed([&](SubjectWriter& w) {
    for (const auto& r : {relay("rly_before", "example.com", "user:usr_a", "2026-03-01T09:59:59.999Z"),
                          relay("rly_b", "example.com", "user:usr_a", "2026-03-01T10:30:00Z"),
                          relay("rly_a", "example.com", "user:usr_b", "2026-03-01T10:30:00Z"), big,
                          relay("rly_other", "example.net", "user:usr_a", "2026-03-01T10:40:00Z")}) {
      ASSERT_TRUE(w.add_relay(r).has_value()) << r.id;
    }
  });
  const Timestamp since = at("2026-03-01T10:00:00Z");
  EXPECT_EQ(subjects().relays_to_since("example.com", since, "").value(), 3U);
  EXPECT_EQ(subjects().relays_to_since("example.com", at("2026-03-01T00:00:00Z"), "").value(), 4U);
  EXPECT_EQ(subjects().relays_to_since("example.org", since, "").value(), 0U);
  // Counted by the kind of sender: the key's prefix, taken literally (no pattern characters).
  EXPECT_EQ(subjects().relays_to_since("example.com", since, "session:").value(), 1U);
  EXPECT_EQ(subjects().relays_to_since("example.com", since, "user:").value(), 2U);
  EXPECT_EQ(subjects().relays_to_since("example.com", since, "user%").value(), 0U);
  EXPECT_EQ(subjects().relays_to_since("example.com", since, "_ser:").value(), 0U);
  EXPECT_EQ(subjects().relays_by_since("user:usr_a", since).value(), 2U);
  EXPECT_EQ(subjects().relays_by_since("user:usr_a", at("2026-03-01T10:30:00.001Z")).value(), 1U);
  EXPECT_EQ(subjects().relays_by_since("session:sss_1", since).value(), 1U);
  EXPECT_EQ(subjects().relays_by_since("user:usr_none", since).value(), 0U);

  const auto all = subjects().relays_to("example.com", 10).value();
  EXPECT_EQ(ids_of(all), (Ids{"rly_before", "rly_big", "rly_a", "rly_b"}));
  EXPECT_EQ(all[1], big);
  EXPECT_EQ(ids_of(subjects().relays_to("example.com", 2).value()), (Ids{"rly_before", "rly_big"}));
  EXPECT_TRUE(subjects().relays_to("example.com", 0).value().empty());

  auto work = store_->begin_audit().value();
  expect_error(
      work->subjects().add_relay(relay("rly_a", "example.org", "user:usr_c", "2026-03-01T11:00:00Z")),
      ErrorCode::conflict, "rly_a");
  expect_error(work->subjects().add_relay(relay("", "example.org", "user:usr_c", "2026-03-01T11:00:00Z")),
               ErrorCode::invalid_input);
  expect_error(work->subjects().add_relay(relay("rly_c", "", "user:usr_c", "2026-03-01T11:00:00Z")),
               ErrorCode::invalid_input);
  expect_error(work->subjects().add_relay(relay("rly_d", "example.org", "", "2026-03-01T11:00:00Z")),
               ErrorCode::invalid_input);
  ASSERT_TRUE(work->subjects()
                  .add_relay(relay("rly_e", "example.org", "user:usr_c", "2026-03-01T11:00:00Z"))
                  .has_value());
  ASSERT_TRUE(work->commit(at("2026-03-01T11:00:00Z")).has_value());
  EXPECT_EQ(ids_of(subjects().relays_to("example.org", 10).value()), Ids{"rly_e"});
}

TEST_P(SubjectStoreContract, PruningRemovesExpiredRowsAndOldRelaysAndBlanksTheContactOfEndedAgents) {
  DomainAgent ended_long_ago = agent("agt_old", "example.com", AgentState::withdrawn, "2026-01-01T00:00:00Z");
  ended_long_ago.ended = at("2026-01-15T00:00:00Z");
  ended_long_ago.end_reason = "withdrawn by the registrant";
  DomainAgent ended_lately = agent("agt_late", "example.com", AgentState::declined, "2026-02-01T00:00:00Z");
  ended_lately.ended = at("2026-03-01T00:00:00Z");  // at `before`: kept
  const DomainAgent current = agent("agt_current", "example.com", AgentState::active, "2026-02-20T00:00:00Z");
  // Never answered: cleared once pending since before `pending_before`; a later invitation is kept.
  const DomainAgent unanswered =
      agent("agt_unanswered", "example.org", AgentState::pending, "2026-02-01T00:00:00Z");
  const DomainAgent invited =
      agent("agt_invited", "example.net", AgentState::pending, "2026-02-10T00:00:00Z");
  committed([&](SubjectWriter& w) {
    ASSERT_TRUE(w.add_challenge(challenge("sch_expired", "example.com", "2026-02-28T10:00:00Z",
                                          "2026-02-28T23:59:59.999Z"))
                    .has_value());
    ASSERT_TRUE(
        w.add_challenge(challenge("sch_live", "example.com", "2026-02-28T23:50:00Z", "2026-03-01T00:00:00Z"))
            .has_value());
    ASSERT_TRUE(
        w.add_session(session("sss_expired", "2026-02-28T10:00:00Z", "2026-02-28T11:00:00Z")).has_value());
    ASSERT_TRUE(
        w.add_session(session("sss_live", "2026-02-28T23:30:00Z", "2026-03-01T00:30:00Z")).has_value());
    ASSERT_TRUE(
        w.add_relay(relay("rly_old", "example.com", "user:usr_a", "2026-01-31T23:59:59Z")).has_value());
    ASSERT_TRUE(
        w.add_relay(relay("rly_new", "example.com", "user:usr_a", "2026-02-01T00:00:00Z")).has_value());
    for (const auto& a : {ended_long_ago, ended_lately, current, unanswered, invited})
      ASSERT_TRUE(w.add_agent(a).has_value()) << a.id;
  });

  std::size_t pruned = 0;
  committed([&](SubjectWriter& w) {
    pruned =
        w.prune(at("2026-03-01T00:00:00Z"), at("2026-02-01T00:00:00Z"), at("2026-02-10T00:00:00Z")).value();
  });
  // A challenge, a session, a relay, two designations.
  EXPECT_EQ(pruned, 5U);
  EXPECT_EQ(ids_of(open(ProofKind::registrant, "example.com", "2026-02-28T23:55:00Z")), Ids{"sch_live"});
  EXPECT_EQ(
      subjects().challenges_since(ProofKind::registrant, "example.com", at("2026-01-01T00:00:00Z")).value(),
      1U);
  expect_error(subjects().session("sss_expired"), ErrorCode::not_found);
  EXPECT_EQ(subjects().session("sss_live").value(),
            session("sss_live", "2026-02-28T23:30:00Z", "2026-03-01T00:30:00Z"));
  EXPECT_EQ(ids_of(subjects().relays_to("example.com", 10).value()), Ids{"rly_new"});
  DomainAgent blanked = stored(ended_long_ago);
  blanked.name.clear();
  blanked.organization.clear();
  blanked.email.clear();
  blanked.phone.clear();
  blanked.consent_text.clear();
  EXPECT_EQ(subjects().agent("agt_old").value(), blanked);
  DomainAgent forgotten = stored(unanswered);
  forgotten.name.clear();
  forgotten.organization.clear();
  forgotten.email.clear();
  forgotten.phone.clear();
  forgotten.consent_text.clear();
  EXPECT_EQ(subjects().agent("agt_unanswered").value(), forgotten);
  EXPECT_EQ(subjects().agent("agt_invited").value(), stored(invited));
  EXPECT_EQ(subjects().agent("agt_late").value(), stored(ended_lately));
  EXPECT_EQ(subjects().agent("agt_current").value(), stored(current));

  committed([&](SubjectWriter& w) {
    pruned =
        w.prune(at("2026-03-01T00:00:00Z"), at("2026-02-01T00:00:00Z"), at("2026-02-10T00:00:00Z")).value();
  });
  EXPECT_EQ(pruned, 0U);
}

TEST_P(SubjectStoreContract, NothingIsVisibleBeforeCommitNorAfterARollback) {
  const auto nothing_visible = [&] {
    EXPECT_EQ(
        subjects().challenges_since(ProofKind::registrant, "example.com", at("2026-01-01T00:00:00Z")).value(),
        0U);
    expect_error(subjects().session("sss_1"), ErrorCode::not_found);
    expect_error(subjects().agent("agt_1"), ErrorCode::not_found);
    EXPECT_EQ(subjects().current_agent("example.com").value(), std::nullopt);
    EXPECT_EQ(subjects().relays_to_since("example.com", at("2026-01-01T00:00:00Z"), "").value(), 0U);
    EXPECT_EQ(subjects().relays_by_since("user:usr_a", at("2026-01-01T00:00:00Z")).value(), 0U);
  };
  {
    auto work = store_->begin().value();
    SubjectWriter& w = work->subjects();
    ASSERT_TRUE(w.add_challenge(challenge("sch_1", "example.com")).has_value());
    ASSERT_TRUE(w.add_session(session("sss_1")).has_value());
    ASSERT_TRUE(w.add_agent(agent("agt_1")).has_value());
    ASSERT_TRUE(w.add_relay(relay("rly_1", "example.com", "user:usr_a", "2026-03-01T10:00:00Z")).has_value());
    nothing_visible();
  }  // destroyed without commit
  nothing_visible();
  EXPECT_TRUE(open(ProofKind::registrant, "example.com").empty());
  // The rolled back designation leaves the domain free.
  written([](SubjectWriter& w) { return w.add_agent(agent("agt_2")); });
  EXPECT_EQ(current_of(subjects(), "example.com"), "agt_2");

  // A rolled back use leaves the challenge open, and a rolled back end the session going.
  written([](SubjectWriter& w) { return w.add_challenge(challenge("sch_2", "example.com")); });
  written([](SubjectWriter& w) { return w.add_session(session("sss_2")); });
  {
    auto work = store_->begin_audit().value();
    ASSERT_TRUE(work->subjects().use_challenge("sch_2", at("2026-03-01T10:01:00Z")).has_value());
    ASSERT_TRUE(work->subjects().end_session("sss_2", at("2026-03-01T10:01:00Z")).has_value());
  }
  EXPECT_EQ(ids_of(open(ProofKind::registrant, "example.com")), Ids{"sch_2"});
  EXPECT_EQ(subjects().session("sss_2").value().ended, std::nullopt);
}

TEST_P(SubjectStoreContract, AStepCommitsWithItsAuditEntryAndDoesNotChangeTheRegistrationData) {
  auto work = store_->begin_audit().value();
  ASSERT_TRUE(work->subjects().add_agent(agent("agt_1")).has_value());
  AuditRecord entry;
  entry.time = at("2026-03-01T10:00:00Z");
  entry.actor_kind = "subject";
  entry.actor_id = "sss_registrant";
  entry.action = "subject.agent.designate";
  entry.object_kind = "agent";
  entry.object_id = "agt_1";
  entry.encoding = "designate agt_1";
  ASSERT_TRUE(work->audit_log().append(entry).has_value());
  const auto done = work->commit(at("2026-03-01T10:00:00Z"));
  ASSERT_TRUE(done.has_value()) << done.error().message;
  EXPECT_EQ(subjects().agent("agt_1").value(), stored(agent("agt_1")));
  EXPECT_EQ(store_->audit_log().head().value().size, 1U);
  EXPECT_FALSE(reader().data_updated().value().has_value());
}

TEST_P(SubjectStoreContract, WritesAfterCommitFail) {
  auto work = store_->begin().value();
  ASSERT_TRUE(work->commit(at("2026-03-01T00:00:00Z")).has_value());
  SubjectWriter& w = work->subjects();
  const Timestamp now = at("2026-03-01T10:00:00Z");
  EXPECT_EQ(w.add_challenge(challenge("sch_1", "example.com")).error().code, ErrorCode::internal);
  EXPECT_EQ(w.open_challenges(ProofKind::registrant, "example.com", now).error().code, ErrorCode::internal);
  EXPECT_EQ(w.count_attempt("sch_1").error().code, ErrorCode::internal);
  EXPECT_EQ(w.use_challenge("sch_1", now).error().code, ErrorCode::internal);
  EXPECT_EQ(w.add_session(session("sss_1")).error().code, ErrorCode::internal);
  EXPECT_EQ(w.end_session("sss_1", now).error().code, ErrorCode::internal);
  EXPECT_EQ(w.add_agent(agent("agt_1")).error().code, ErrorCode::internal);
  EXPECT_EQ(w.save_agent(stored(agent("agt_1"))).error().code, ErrorCode::internal);
  EXPECT_EQ(w.add_relay(relay("rly_1", "example.com", "user:usr_a", "2026-03-01T10:00:00Z")).error().code,
            ErrorCode::internal);
  EXPECT_EQ(w.prune(now, now, now).error().code, ErrorCode::internal);
  expect_error(subjects().agent("agt_1"), ErrorCode::not_found);
  expect_error(subjects().session("sss_1"), ErrorCode::not_found);
}

// Two nodes (two stores on one database) check codes against one challenge at once, each in its own unit
// of work: it is used once. SQLite runs the units of work one after the other; on PostgreSQL the open
// challenges are locked by the first to read them, and the others find them used once it commits.
TEST_P(SubjectStoreContract, UnitsOfWorkOnTwoNodesUsingOneChallengeAtOnceUseItOnce) {
  written([](SubjectWriter& w) { return w.add_challenge(challenge("sch_1", "example.com")); });
  auto other = GetParam().open(place_);
  constexpr int kChecks = 8;
  std::atomic<int> used = 0;
  std::atomic<int> found_none = 0;
  std::atomic<int> failed = 0;
  std::atomic<bool> go = false;
  std::vector<std::thread> checks;
  for (int i = 0; i < kChecks; ++i) {
    Store& store = i % 2 == 0 ? *store_ : *other;
    checks.emplace_back([&] {
      while (!go.load()) std::this_thread::yield();
      auto work = store.begin_audit();
      if (!work) {
        ++failed;
        return;
      }
      const auto found = (*work)->subjects().open_challenges(ProofKind::registrant, "example.com",
                                                             at("2026-03-01T10:05:00Z"));
      if (!found) {
        ++failed;
        return;
      }
      if (found->empty()) {
        ++found_none;
        return;
      }
      const auto use = (*work)->subjects().use_challenge(found->front().id, at("2026-03-01T10:05:00Z"));
      if (!use || !(*work)->commit(at("2026-03-01T10:05:00Z"))) {
        ++failed;
        return;
      }
      ++used;
    });
  }
  go = true;
  for (auto& check : checks) check.join();
  EXPECT_EQ(failed.load(), 0);
  EXPECT_EQ(used.load(), 1);
  EXPECT_EQ(found_none.load(), kChecks - 1);
  EXPECT_TRUE(open(ProofKind::registrant, "example.com").empty());
}

// Two nodes designating an agent for one domain at once: one designation is stored, the others are
// conflicts.
TEST_P(SubjectStoreContract, DesignationsOfOneDomainOnTwoNodesAtOnceStoreOne) {
  auto other = GetParam().open(place_);
  constexpr int kDesignations = 8;
  std::atomic<int> added = 0;
  std::atomic<int> conflicts = 0;
  std::atomic<int> failed = 0;
  std::atomic<bool> go = false;
  std::vector<std::thread> designations;
  for (int i = 0; i < kDesignations; ++i) {
    Store& store = i % 2 == 0 ? *store_ : *other;
    designations.emplace_back([&, i] {
      while (!go.load()) std::this_thread::yield();
      auto work = store.begin_audit();
      if (!work) {
        ++failed;
        return;
      }
      const auto result = (*work)->subjects().add_agent(agent("agt_" + std::to_string(i)));
      if (!result && result.error().code == ErrorCode::conflict) {
        ++conflicts;
        return;
      }
      if (!result || !(*work)->commit(at("2026-03-01T10:00:00Z"))) {
        ++failed;
        return;
      }
      ++added;
    });
  }
  go = true;
  for (auto& designation : designations) designation.join();
  EXPECT_EQ(failed.load(), 0);
  EXPECT_EQ(added.load(), 1);
  EXPECT_EQ(conflicts.load(), kDesignations - 1);
  EXPECT_EQ(subjects().agents("example.com").value().size(), 1U);
  EXPECT_TRUE(subjects().current_agent("example.com").value().has_value());
}

INSTANTIATE_TEST_SUITE_P(Backends, SubjectStoreContract, ::testing::ValuesIn(backends()), backend_name);

// Polls the server until a statement starting with `query` waits for a lock (a bounded poll: no event
// announces a lock wait).
bool waits_for_lock(const ssad::testing::PostgresSchema& schema, const std::string& query) {
  for (int i = 0; i < 1000; ++i) {
    if (ssad::testing::PostgresSchema::query_value(
            schema.admin_url(),
            "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query LIKE '" + query +
                "%'") != "0") {
      return true;
    }
  }
  return false;
}

// On PostgreSQL the open challenges a unit of work read stay locked until it ends: another reading them
// waits, then finds the one the first used no longer open.
TEST(SubjectStorePostgresTest, OpenChallengesWaitForAnotherUnitOfWorkThenLeaveOutWhatItUsed) {
  const ssad::testing::PostgresSchema schema;
  auto store = postgres::open_postgres_store(schema.url()).value();
  auto node = postgres::open_postgres_store(schema.url()).value();
  const Timestamp now = at("2026-03-01T10:05:00Z");
  {
    auto work = store->begin_audit().value();
    ASSERT_TRUE(work->subjects().add_challenge(challenge("sch_1", "example.com")).has_value());
    ASSERT_TRUE(work->subjects()
                    .add_challenge(challenge("sch_2", "example.com", "2026-03-01T10:01:00Z"))
                    .has_value());
    ASSERT_TRUE(work->commit(now).has_value());
  }
  auto first = store->begin_audit().value();
  ASSERT_EQ(ids_of(first->subjects().open_challenges(ProofKind::registrant, "example.com", now).value()),
            (Ids{"sch_1", "sch_2"}));
  ASSERT_TRUE(first->subjects().use_challenge("sch_1", now).has_value());
  Result<std::vector<SubjectChallenge>> seen = std::vector<SubjectChallenge>{};
  std::thread second([&] {
    auto work = node->begin_audit().value();
    seen = work->subjects().open_challenges(ProofKind::registrant, "example.com", now);
  });
  EXPECT_TRUE(waits_for_lock(schema, "SELECT id, kind, target, code_hash"));
  ASSERT_TRUE(first->commit(now).has_value());
  second.join();
  ASSERT_TRUE(seen.has_value()) << seen.error().message;
  EXPECT_EQ(ids_of(*seen), Ids{"sch_2"});
}

// On PostgreSQL a designation made current again waits for another unit of work's uncommitted current
// designation of the domain, which the check before it could not see; once that one commits, the save is
// a conflict, and the unit of work goes on: what else it wrote commits.
TEST(SubjectStorePostgresTest,
     ASaveWaitingForAnUncommittedCurrentDesignationIsAConflictAndTheUnitOfWorkGoesOn) {
  const ssad::testing::PostgresSchema schema;
  auto store = postgres::open_postgres_store(schema.url()).value();
  auto node = postgres::open_postgres_store(schema.url()).value();
  const Timestamp now = at("2026-03-01T10:00:00Z");
  {
    auto work = store->begin_audit().value();
    ASSERT_TRUE(
        work->subjects().add_agent(agent("agt_old", "example.com", AgentState::withdrawn)).has_value());
    ASSERT_TRUE(work->commit(now).has_value());
  }
  auto first = store->begin_audit().value();
  ASSERT_TRUE(first->subjects().add_agent(agent("agt_new")).has_value());
  Result<void> saved;
  Result<void> committed;
  std::thread second([&] {
    auto work = node->begin_audit().value();
    const DomainAgent again = stored(agent("agt_old", "example.com", AgentState::pending));
    saved = work->subjects().save_agent(again);
    if (!work->subjects().add_relay(relay("rly_1", "example.com", "user:usr_a", "2026-03-01T10:00:00Z")))
      return;
    committed = work->commit(now);
  });
  EXPECT_TRUE(waits_for_lock(schema, "UPDATE domain_agents"));
  ASSERT_TRUE(first->commit(now).has_value());
  second.join();
  expect_error(saved, ErrorCode::conflict, "agt_old");
  ASSERT_TRUE(committed.has_value()) << committed.error().message;
  EXPECT_EQ(store->subjects().relays_to_since("example.com", now, "").value(), 1U);
  EXPECT_EQ(current_of(store->subjects(), "example.com"), "agt_new");
  EXPECT_EQ(store->subjects().agent("agt_old").value(),
            stored(agent("agt_old", "example.com", AgentState::withdrawn)));
}

}  // namespace
}  // namespace ssad::store
