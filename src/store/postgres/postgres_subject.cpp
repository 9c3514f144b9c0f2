#include "store/postgres/postgres_subject.hpp"

#include <optional>
#include <string>
#include <vector>

#include "store/row_reading.hpp"

namespace ssad::store::postgres {
namespace {

using namespace subject_rows;  // NOLINT(google-build-using-namespace): the shared columns and messages

// Every row of `rows`, read by `read` (which returns a Result).
template <class Read>
auto all_rows(const Rows& rows, Read read)
    -> Result<std::vector<typename decltype(read(Row{rows, 0}))::value_type>> {
  std::vector<typename decltype(read(Row{rows, 0}))::value_type> out;
  out.reserve(static_cast<std::size_t>(rows.size()));
  for (int i = 0; i < rows.size(); ++i) {
    SSAD_TRY(value, read(Row{rows, i}));
    out.push_back(std::move(value));
  }
  return out;
}

std::size_t count_of(const Rows& rows) {
  return rows.empty() ? 0 : static_cast<std::size_t>(rows.integer(0, 0));
}

class PostgresSubjectReader final : public SubjectReader {
 public:
  explicit PostgresSubjectReader(ReaderPool& pool) : pool_(pool) {}

  Result<std::size_t> challenges_since(ProofKind kind, const std::string& target, Timestamp since) override {
    SSAD_TRY(rows, pool_.with_connection([&](Connection& c) {
      return c.query(
          "SELECT count(*) FROM subject_challenges WHERE kind = $1 AND target = $2 AND created_ms >= $3",
          {to_string(kind), target, to_unix_ms(since)});
    }));
    return count_of(rows);
  }

  Result<SubjectSession> session(const std::string& id) override {
    SSAD_TRY(rows, pool_.with_connection([&](Connection& c) {
      return c.query("SELECT " SSAD_SESSION_COLUMNS " FROM subject_sessions WHERE id = $1", {id});
    }));
    if (rows.empty()) return std::unexpected(not_found("session", id));
    return read_session(Row{rows, 0});
  }

  Result<DomainAgent> agent(const std::string& id) override {
    SSAD_TRY(rows, pool_.with_connection([&](Connection& c) {
      return c.query("SELECT " SSAD_AGENT_COLUMNS " FROM domain_agents WHERE id = $1", {id});
    }));
    if (rows.empty()) return std::unexpected(not_found("agent", id));
    return read_agent(Row{rows, 0});
  }

  Result<std::optional<DomainAgent>> current_agent(const std::string& domain) override {
    SSAD_TRY(rows, pool_.with_connection([&](Connection& c) {
      return c.query("SELECT " SSAD_AGENT_COLUMNS
                     " FROM domain_agents WHERE domain = $1 AND state IN ('pending', 'active')",
                     {domain});
    }));
    if (rows.empty()) return std::optional<DomainAgent>();
    SSAD_TRY(found, read_agent(Row{rows, 0}));
    return std::optional<DomainAgent>(std::move(found));
  }

  Result<std::vector<DomainAgent>> agents(const std::string& domain) override {
    SSAD_TRY(rows, pool_.with_connection([&](Connection& c) {
      return c.query("SELECT " SSAD_AGENT_COLUMNS
                     " FROM domain_agents WHERE domain = $1 ORDER BY designated_ms, id",
                     {domain});
    }));
    return all_rows(rows, [](const Row& r) { return read_agent(r); });
  }

  Result<std::size_t> relays_to_since(const std::string& domain, Timestamp since,
                                      const std::string& sender_prefix) override {
    SSAD_TRY(rows, pool_.with_connection([&](Connection& c) {
      return c.query(
          "SELECT count(*) FROM contact_relays WHERE domain = $1 AND created_ms >= $2 "
          "AND starts_with(sender, $3)",
          {domain, to_unix_ms(since), sender_prefix});
    }));
    return count_of(rows);
  }

  Result<std::size_t> relays_by_since(const std::string& sender, Timestamp since) override {
    SSAD_TRY(rows, pool_.with_connection([&](Connection& c) {
      return c.query("SELECT count(*) FROM contact_relays WHERE sender = $1 AND created_ms >= $2",
                     {sender, to_unix_ms(since)});
    }));
    return count_of(rows);
  }

  Result<std::vector<ContactRelay>> relays_to(const std::string& domain, std::size_t limit) override {
    SSAD_TRY(rows, pool_.with_connection([&](Connection& c) {
      return c.query("SELECT " SSAD_RELAY_COLUMNS
                     " FROM contact_relays WHERE domain = $1 ORDER BY created_ms, id LIMIT $2",
                     {domain, rows::limit_of(Page{"", limit})});
    }));
    return all_rows(rows, [](const Row& r) -> Result<ContactRelay> { return read_relay(r); });
  }

 private:
  ReaderPool& pool_;
};

// Statements that could fail on a row (a taken id) skip it instead, and the cause is looked up: a failed
// statement would end the unit of work's transaction (its COMMIT would roll everything back).
//
// A domain's current designation that another unit of work (on any node) has inserted and not yet
// committed makes an insert of another wait for it at the partial unique index: ON CONFLICT DO NOTHING
// then skips the row once that one commits (conflict), and inserts it when it rolls back.
class PostgresSubjectWriter final : public UnitWriter {
 public:
  explicit PostgresSubjectWriter(Connection& conn) : conn_(conn) {}

  Result<void> add_challenge(const SubjectChallenge& c) override {
    SSAD_CHECK(writing());
    SSAD_CHECK(check_challenge(c));
    SSAD_TRY(inserted, conn_.query("INSERT INTO subject_challenges (" SSAD_CHALLENGE_COLUMNS
                                   ") VALUES ($1, $2, $3, $4, $5, $6, 0, NULL, $7) ON CONFLICT DO NOTHING",
                                   {c.id, to_string(c.kind), c.target, c.code_hash, to_unix_ms(c.created),
                                    to_unix_ms(c.expires), c.subject}));
    if (inserted.affected() == 0) return std::unexpected(exists_already("challenge", c.id));
    return {};
  }

  // The rows stay locked until this unit of work ends: another that reads them waits, then finds them as
  // this one left them (a challenge used here is no longer open there).
  Result<std::vector<SubjectChallenge>> open_challenges(ProofKind kind, const std::string& target,
                                                        Timestamp now) override {
    SSAD_CHECK(writing());
    SSAD_TRY(rows, conn_.query("SELECT " SSAD_CHALLENGE_COLUMNS
                               " FROM subject_challenges WHERE kind = $1 AND target = $2 AND "
                               "used_ms IS NULL AND expires_ms > $3 ORDER BY created_ms, id FOR UPDATE",
                               {to_string(kind), target, to_unix_ms(now)}));
    return all_rows(rows, [](const Row& r) { return read_challenge(r); });
  }

  Result<void> count_attempt(const std::string& id) override {
    SSAD_CHECK(writing());
    SSAD_TRY(updated,
             conn_.query("UPDATE subject_challenges SET attempts = attempts + 1 WHERE id = $1", {id}));
    if (updated.affected() == 0) return std::unexpected(not_found("challenge", id));
    return {};
  }

  // An update waits for another unit of work that changed the row, then finds it as that one left it.
  Result<void> use_challenge(const std::string& id, Timestamp when) override {
    SSAD_CHECK(writing());
    SSAD_TRY(updated,
             conn_.query("UPDATE subject_challenges SET used_ms = $2 WHERE id = $1 AND used_ms IS NULL",
                         {id, to_unix_ms(when)}));
    if (updated.affected() != 0) return {};
    SSAD_TRY(exists, conn_.query("SELECT 1 FROM subject_challenges WHERE id = $1", {id}));
    if (!exists.empty()) return std::unexpected(used_already(id));
    return std::unexpected(not_found("challenge", id));
  }

  Result<void> add_session(const SubjectSession& s) override {
    SSAD_CHECK(writing());
    SSAD_CHECK(check_session(s));
    SSAD_TRY(inserted,
             conn_.query("INSERT INTO subject_sessions (" SSAD_SESSION_COLUMNS
                         ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT DO NOTHING",
                         {s.id, to_string(s.kind), s.target, s.secret_hash, s.proof, to_unix_ms(s.created),
                          to_unix_ms(s.expires), rows::ms(s.ended), s.subject}));
    if (inserted.affected() == 0) return std::unexpected(exists_already("session", s.id));
    return {};
  }

  Result<void> end_session(const std::string& id, Timestamp when) override {
    SSAD_CHECK(writing());
    SSAD_TRY(updated,
             conn_.query("UPDATE subject_sessions SET ended_ms = $2 WHERE id = $1 AND ended_ms IS NULL",
                         {id, to_unix_ms(when)}));
    if (updated.affected() != 0) return {};
    SSAD_TRY(exists, conn_.query("SELECT 1 FROM subject_sessions WHERE id = $1", {id}));
    if (!exists.empty()) return std::unexpected(ended_already(id));
    return std::unexpected(not_found("session", id));
  }

  Result<void> add_agent(const DomainAgent& a) override {
    SSAD_CHECK(writing());
    SSAD_CHECK(check_agent(a));
    std::vector<Param> params = agent_params(a);
    SSAD_TRY(inserted, conn_.query("INSERT INTO domain_agents (" SSAD_AGENT_COLUMNS
                                   ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, "
                                   "$15, $16, 1) ON CONFLICT DO NOTHING",
                                   params));
    if (inserted.affected() != 0) return {};
    // Skipped: a taken id, or else the domain's current designation.
    SSAD_TRY(taken, conn_.query("SELECT 1 FROM domain_agents WHERE id = $1", {a.id}));
    if (!taken.empty()) return std::unexpected(exists_already("agent", a.id));
    return std::unexpected(current_exists(a.id));
  }

  // The stored row is locked first, so that its version cannot change before the update. A designation
  // made current is checked against the domain's current ones (locked too: one being ended by another
  // unit of work is waited for, then found ended). What the check cannot see — another unit of work's
  // current designation of the domain, inserted and not yet committed — makes the update wait for it at the
  // unique index and fail once it commits: the update runs within a savepoint, so that the failure is a
  // conflict and the unit of work goes on.
  Result<void> save_agent(const DomainAgent& a) override {
    SSAD_CHECK(writing());
    SSAD_CHECK(check_saved_agent(a));
    SSAD_TRY(stored,
             conn_.query("SELECT version, domain FROM domain_agents WHERE id = $1 FOR UPDATE", {a.id}));
    if (stored.empty()) return std::unexpected(not_found("agent", a.id));
    if (static_cast<std::uint64_t>(stored.integer(0, 0)) != a.version) {
      return std::unexpected(saved_since(a.id, a.version));
    }
    std::vector<Param> params = agent_params(a, false);
    params.emplace_back(as_integer(a.version));
    if (!is_current(a.state)) return update_agent(params);

    SSAD_TRY(other, conn_.query("SELECT 1 FROM domain_agents WHERE domain = $1 AND id <> $2 AND "
                                "state IN ('pending', 'active') FOR UPDATE",
                                {stored.text(0, 1), a.id}));
    if (!other.empty()) return std::unexpected(current_exists(a.id));
    SSAD_CHECK(conn_.exec("SAVEPOINT ssad_save_agent"));
    auto updated = update_agent(params);
    if (!updated && updated.error().code == ErrorCode::conflict) {
      SSAD_CHECK(conn_.exec("ROLLBACK TO SAVEPOINT ssad_save_agent"));
      return std::unexpected(current_exists(a.id));
    }
    SSAD_CHECK(updated);
    SSAD_CHECK(conn_.exec("RELEASE SAVEPOINT ssad_save_agent"));
    return {};
  }

  Result<void> lock(const std::string& key) override {
    SSAD_CHECK(writing());
    SSAD_TRY(locked, conn_.query("SELECT pg_advisory_xact_lock(hashtextextended($1, 0))", {key}));
    (void)locked;
    return {};
  }

  Result<void> add_relay(const ContactRelay& r) override {
    SSAD_CHECK(writing());
    SSAD_CHECK(check_relay(r));
    SSAD_TRY(inserted, conn_.query("INSERT INTO contact_relays (" SSAD_RELAY_COLUMNS
                                   ") VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING",
                                   {r.id, r.domain, r.sender, r.recipient_kind, to_unix_ms(r.created),
                                    as_integer(r.bytes)}));
    if (inserted.affected() == 0) return std::unexpected(exists_already("relay", r.id));
    return {};
  }

  Result<std::size_t> prune(Timestamp before, Timestamp relays_before, Timestamp pending_before) override {
    SSAD_CHECK(writing());
    std::size_t changed = 0;
    const auto run = [&](const char* sql, Timestamp when) -> Result<void> {
      SSAD_TRY(done, conn_.query(sql, {to_unix_ms(when)}));
      changed += static_cast<std::size_t>(done.affected());
      return {};
    };
    SSAD_CHECK(run("DELETE FROM subject_challenges WHERE expires_ms < $1", before));
    SSAD_CHECK(run("DELETE FROM subject_sessions WHERE expires_ms < $1", before));
    SSAD_CHECK(run("DELETE FROM contact_relays WHERE created_ms < $1", relays_before));
    // Only designations with something left to clear count, so that a second pruning changes nothing. An
    // invitation nobody answered goes too: its addressee may never have heard of the registrant.
    SSAD_TRY(done,
             conn_.query(
                 "UPDATE domain_agents SET name = '', organization = '', email = '', phone = '', "
                 "consent_text = '' WHERE (ended_ms < $1 OR (state = 'pending' AND designated_ms < $2)) "
                 "AND (name <> '' OR organization <> '' OR email <> '' OR phone <> '' OR consent_text <> '')",
                 {to_unix_ms(before), to_unix_ms(pending_before)}));
    changed += static_cast<std::size_t>(done.affected());
    return changed;
  }

 private:
  // Every column but the version, in SSAD_AGENT_COLUMNS' order ($1 to $16); without the domain, which an
  // update does not change, $1 to $15.
  static std::vector<Param> agent_params(const DomainAgent& a, bool with_domain = true) {
    std::vector<Param> params;
    params.reserve(17);
    params.emplace_back(a.id);
    if (with_domain) params.emplace_back(a.domain);
    params.emplace_back(a.registrant);
    params.emplace_back(a.kind);
    params.emplace_back(a.name);
    params.emplace_back(a.organization);
    params.emplace_back(a.email);
    params.emplace_back(a.phone);
    params.emplace_back(to_unix_ms(a.designated));
    params.emplace_back(a.designated_by);
    params.emplace_back(std::string(to_string(a.state)));
    params.emplace_back(a.answer_hash);
    params.emplace_back(rows::ms(a.consented));
    params.emplace_back(a.consent_text);
    params.emplace_back(rows::ms(a.ended));
    params.emplace_back(a.end_reason);
    return params;
  }

  // `params`: agent_params() without the domain, and the version read ($16).
  Result<void> update_agent(const std::vector<Param>& params) {
    SSAD_CHECK(
        conn_.query("UPDATE domain_agents SET registrant = $2, kind = $3, name = $4, organization = $5, "
                    "email = $6, phone = $7, designated_ms = $8, designated_by = $9, state = $10, "
                    "answer_hash = $11, consented_ms = $12, consent_text = $13, ended_ms = $14, "
                    "end_reason = $15, version = version + 1 WHERE id = $1 AND version = $16",
                    params));
    return {};
  }

  Connection& conn_;
};

}  // namespace

std::unique_ptr<SubjectReader> make_subject_reader(ReaderPool& pool) {
  return std::make_unique<PostgresSubjectReader>(pool);
}

std::unique_ptr<UnitWriter> make_subject_writer(Connection& conn) {
  return std::make_unique<PostgresSubjectWriter>(conn);
}

}  // namespace ssad::store::postgres
