#pragma once
// What both backends share to keep the registrant's side (store/subject_store.hpp): the column lists of
// their reads (plain SQL, valid in SQLite and PostgreSQL), the readers of those columns, the checks of what
// is written, the errors' messages, and the base of a unit of work's writer. A `Row` is as in
// store/row_reading.hpp. Internal to store/ backends.
//
// The tables (schema/sqlite/0010_subject.sql, schema/postgres/0008_subject.sql):
//   subject_challenges (id, kind, target, code_hash, created_ms, expires_ms, attempts, used_ms)
//   subject_sessions   (id, kind, target, secret_hash, proof, created_ms, expires_ms, ended_ms, subject)
//   domain_agents      (id, domain, registrant, kind, name, organization, email, phone, designated_ms,
//                       designated_by, state, answer_hash, consented_ms, consent_text, ended_ms,
//                       end_reason, version)
//   contact_relays     (id, domain, sender, recipient_kind, created_ms, bytes)
//
// Messages name rows by their ids (random), never by a target, a domain or a contact detail.

#include <algorithm>
#include <cstdint>
#include <limits>
#include <string>
#include <string_view>

#include "core/error.hpp"
#include "core/time.hpp"
#include "store/row_reading.hpp"
#include "store/subject_store.hpp"

namespace ssad::store::subject_rows {

// The columns each value is read from, in the order its reader reads them. Macros, because each SQL text
// must be one string literal (the backends key their prepared statements by its address).
#define SSAD_CHALLENGE_COLUMNS \
  "id, kind, target, code_hash, created_ms, expires_ms, attempts, used_ms, subject"
#define SSAD_SESSION_COLUMNS "id, kind, target, secret_hash, proof, created_ms, expires_ms, ended_ms, subject"
#define SSAD_AGENT_COLUMNS                                                                         \
  "id, domain, registrant, kind, name, organization, email, phone, designated_ms, designated_by, " \
  "state, answer_hash, consented_ms, consent_text, ended_ms, end_reason, version"
#define SSAD_RELAY_COLUMNS "id, domain, sender, recipient_kind, created_ms, bytes"

/// A count or a size as the database's signed 64-bit integer holds it (none comes near the top).
[[nodiscard]] inline std::int64_t as_integer(std::uint64_t value) {
  return static_cast<std::int64_t>(std::min<std::uint64_t>(value, std::numeric_limits<std::int64_t>::max()));
}

template <class Row>
[[nodiscard]] Result<SubjectChallenge> read_challenge(const Row& r) {
  SubjectChallenge c;
  c.id = r.text(0);
  auto kind = parse_proof_kind(r.text(1));
  if (!kind)
    return fail(ErrorCode::internal, "challenge '" + c.id + "' is stored with an " + kind.error().message);
  c.kind = *kind;
  c.target = r.text(2);
  c.code_hash = r.text(3);
  c.created = from_unix_ms(r.integer(4));
  c.expires = from_unix_ms(r.integer(5));
  c.attempts = static_cast<unsigned>(r.integer(6));
  if (const auto used = r.optional_integer(7)) c.used = from_unix_ms(*used);
  c.subject = r.text(8);
  return c;
}

template <class Row>
[[nodiscard]] Result<SubjectSession> read_session(const Row& r) {
  SubjectSession s;
  s.id = r.text(0);
  auto kind = parse_proof_kind(r.text(1));
  if (!kind)
    return fail(ErrorCode::internal, "session '" + s.id + "' is stored with an " + kind.error().message);
  s.kind = *kind;
  s.target = r.text(2);
  s.secret_hash = r.text(3);
  s.proof = r.text(4);
  s.created = from_unix_ms(r.integer(5));
  s.expires = from_unix_ms(r.integer(6));
  if (const auto ended = r.optional_integer(7)) s.ended = from_unix_ms(*ended);
  s.subject = r.text(8);
  return s;
}

template <class Row>
[[nodiscard]] Result<DomainAgent> read_agent(const Row& r) {
  DomainAgent a;
  a.id = r.text(0);
  a.domain = r.text(1);
  a.registrant = r.text(2);
  a.kind = r.text(3);
  a.name = r.text(4);
  a.organization = r.text(5);
  a.email = r.text(6);
  a.phone = r.text(7);
  a.designated = from_unix_ms(r.integer(8));
  a.designated_by = r.text(9);
  auto state = parse_agent_state(r.text(10));
  if (!state)
    return fail(ErrorCode::internal, "agent '" + a.id + "' is stored with an " + state.error().message);
  a.state = *state;
  a.answer_hash = r.text(11);
  if (const auto consented = r.optional_integer(12)) a.consented = from_unix_ms(*consented);
  a.consent_text = r.text(13);
  if (const auto ended = r.optional_integer(14)) a.ended = from_unix_ms(*ended);
  a.end_reason = r.text(15);
  a.version = static_cast<std::uint64_t>(r.integer(16));
  return a;
}

template <class Row>
[[nodiscard]] ContactRelay read_relay(const Row& r) {
  ContactRelay relay;
  relay.id = r.text(0);
  relay.domain = r.text(1);
  relay.sender = r.text(2);
  relay.recipient_kind = r.text(3);
  relay.created = from_unix_ms(r.integer(4));
  relay.bytes = static_cast<std::uint64_t>(r.integer(5));
  return relay;
}

/// A challenge may be added when it has an id and a target, a code hash that is empty or 64 lower-case
/// hex digits, is unused and has no attempts. Errors: invalid_input.
[[nodiscard]] Result<void> check_challenge(const SubjectChallenge& challenge);
/// A session may be added when it has an id, a target and a proof, a secret hash of 64 lower-case hex
/// digits, and does not expire before it was created. Errors: invalid_input.
[[nodiscard]] Result<void> check_session(const SubjectSession& session);
/// A designation may be added when it has an id, a domain, a name and an email, its kind is "person" or
/// "organisation", and its version is 0. Errors: invalid_input.
[[nodiscard]] Result<void> check_agent(const DomainAgent& agent);
/// A designation may be saved with a kind of "person" or "organisation" (as the table's check demands:
/// on PostgreSQL a refused row would end the unit of work). Errors: invalid_input.
[[nodiscard]] Result<void> check_saved_agent(const DomainAgent& agent);
/// A relay may be recorded when it has an id, a domain and a sender. Errors: invalid_input.
[[nodiscard]] Result<void> check_relay(const ContactRelay& relay);

/// not_found: "challenge 'sch_x' not found" (`what`: "challenge", "session", "agent").
[[nodiscard]] Error not_found(std::string_view what, std::string_view id);
/// conflict: "challenge 'sch_x' exists already" (`what`: "challenge", "session", "agent", "relay").
[[nodiscard]] Error exists_already(std::string_view what, std::string_view id);
/// conflict: the challenge was used already.
[[nodiscard]] Error used_already(std::string_view id);
/// conflict: the session was ended already.
[[nodiscard]] Error ended_already(std::string_view id);
/// conflict: the agent was saved by someone else since `version` was read.
[[nodiscard]] Error saved_since(std::string_view id, std::uint64_t version);
/// conflict: the agent cannot be current, as its domain has another current designation.
[[nodiscard]] Error current_exists(std::string_view id);

/// The writer of a unit of work (store/row_reading.hpp).
using UnitWriter = rows::UnitWriter<SubjectWriter>;

}  // namespace ssad::store::subject_rows
