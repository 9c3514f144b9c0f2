#include "store/sqlite/sqlite_subject.hpp"

#include <optional>
#include <string>
#include <vector>

#include "store/row_reading.hpp"

namespace ssad::store::sqlite {
namespace {

using namespace subject_rows;  // NOLINT(google-build-using-namespace): the shared columns and messages

// The one number a statement returns (a count).
Result<std::size_t> count_of(Statement& stmt) {
  SSAD_TRY(row, stmt.step());
  const std::size_t count = row ? static_cast<std::size_t>(stmt.integer(0)) : 0;
  stmt.reset();
  return count;
}

// Whether `stmt` returns a row.
Result<bool> any_row(Statement& stmt) {
  SSAD_TRY(row, stmt.step());
  stmt.reset();
  return row;
}

Result<std::optional<DomainAgent>> agent_on(Connection& c, const std::string& id) {
  SSAD_TRY(stmt, c.statement("SELECT " SSAD_AGENT_COLUMNS " FROM domain_agents WHERE id = ?"));
  stmt->bind(1, id);
  SSAD_TRY(row, stmt->step());
  if (!row) return std::optional<DomainAgent>();
  SSAD_TRY(found, read_agent(*stmt));
  stmt->reset();
  return std::optional<DomainAgent>(std::move(found));
}

class SqliteSubjectReader final : public SubjectReader {
 public:
  explicit SqliteSubjectReader(ReaderPool& pool) : pool_(pool) {}

  Result<std::size_t> challenges_since(ProofKind kind, const std::string& target, Timestamp since) override {
    return pool_.with_connection([&](Connection& c) -> Result<std::size_t> {
      SSAD_TRY(stmt, c.statement("SELECT count(*) FROM subject_challenges WHERE kind = ? AND target = ? AND "
                                 "created_ms >= ?"));
      stmt->bind(1, to_string(kind)).bind(2, target).bind(3, to_unix_ms(since));
      return count_of(*stmt);
    });
  }

  Result<SubjectSession> session(const std::string& id) override {
    return pool_.with_connection([&](Connection& c) -> Result<SubjectSession> {
      SSAD_TRY(stmt, c.statement("SELECT " SSAD_SESSION_COLUMNS " FROM subject_sessions WHERE id = ?"));
      stmt->bind(1, id);
      SSAD_TRY(row, stmt->step());
      if (!row) return std::unexpected(not_found("session", id));
      return read_session(*stmt);
    });
  }

  Result<DomainAgent> agent(const std::string& id) override {
    return pool_.with_connection([&](Connection& c) -> Result<DomainAgent> {
      SSAD_TRY(found, agent_on(c, id));
      if (!found) return std::unexpected(not_found("agent", id));
      return std::move(*found);
    });
  }

  Result<std::optional<DomainAgent>> current_agent(const std::string& domain) override {
    return pool_.with_connection([&](Connection& c) -> Result<std::optional<DomainAgent>> {
      SSAD_TRY(stmt, c.statement("SELECT " SSAD_AGENT_COLUMNS
                                 " FROM domain_agents WHERE domain = ? AND state IN ('pending', 'active')"));
      stmt->bind(1, domain);
      SSAD_TRY(row, stmt->step());
      if (!row) return std::optional<DomainAgent>();
      SSAD_TRY(found, read_agent(*stmt));
      return std::optional<DomainAgent>(std::move(found));
    });
  }

  Result<std::vector<DomainAgent>> agents(const std::string& domain) override {
    return pool_.with_connection([&](Connection& c) -> Result<std::vector<DomainAgent>> {
      SSAD_TRY(stmt, c.statement("SELECT " SSAD_AGENT_COLUMNS
                                 " FROM domain_agents WHERE domain = ? ORDER BY designated_ms, id"));
      stmt->bind(1, domain);
      return all_rows(*stmt, [](const Statement& s) { return read_agent(s); });
    });
  }

  Result<std::size_t> relays_to_since(const std::string& domain, Timestamp since,
                                      const std::string& sender_prefix) override {
    return pool_.with_connection([&](Connection& c) -> Result<std::size_t> {
      SSAD_TRY(stmt, c.statement("SELECT count(*) FROM contact_relays WHERE domain = ?1 AND created_ms >= ?2 "
                                 "AND substr(sender, 1, length(?3)) = ?3"));
      stmt->bind(1, domain).bind(2, to_unix_ms(since)).bind(3, sender_prefix);
      return count_of(*stmt);
    });
  }

  Result<std::size_t> relays_by_since(const std::string& sender, Timestamp since) override {
    return pool_.with_connection([&](Connection& c) -> Result<std::size_t> {
      SSAD_TRY(stmt, c.statement("SELECT count(*) FROM contact_relays WHERE sender = ? AND created_ms >= ?"));
      stmt->bind(1, sender).bind(2, to_unix_ms(since));
      return count_of(*stmt);
    });
  }

  Result<std::vector<ContactRelay>> relays_to(const std::string& domain, std::size_t limit) override {
    return pool_.with_connection([&](Connection& c) -> Result<std::vector<ContactRelay>> {
      SSAD_TRY(stmt, c.statement("SELECT " SSAD_RELAY_COLUMNS
                                 " FROM contact_relays WHERE domain = ? ORDER BY created_ms, id LIMIT ?"));
      stmt->bind(1, domain).bind(2, rows::limit_of(Page{"", limit}));
      return all_rows(*stmt, [](const Statement& s) -> Result<ContactRelay> { return read_relay(s); });
    });
  }

 private:
  ReaderPool& pool_;
};

// Statements that could fail on a row (a taken id, a second current designation) skip it instead, and the
// cause is looked up: the unit of work goes on as it would on PostgreSQL, where a failed statement would
// end the transaction.
class SqliteSubjectWriter final : public UnitWriter {
 public:
  explicit SqliteSubjectWriter(Connection& conn) : conn_(&conn) {}

  Result<void> add_challenge(const SubjectChallenge& c) override {
    SSAD_CHECK(writing());
    SSAD_CHECK(check_challenge(c));
    SSAD_TRY(stmt, conn_->statement("INSERT INTO subject_challenges (" SSAD_CHALLENGE_COLUMNS
                                    ") VALUES (?, ?, ?, ?, ?, ?, 0, NULL, ?) ON CONFLICT DO NOTHING"));
    stmt->bind(1, c.id).bind(2, to_string(c.kind)).bind(3, c.target).bind(4, c.code_hash);
    stmt->bind(5, to_unix_ms(c.created)).bind(6, to_unix_ms(c.expires)).bind(7, c.subject);
    SSAD_CHECK(stmt->run());
    if (conn_->db().changes() == 0) return std::unexpected(exists_already("challenge", c.id));
    return {};
  }

  // One writer: nothing changes the rows read here until this unit of work ends.
  Result<std::vector<SubjectChallenge>> open_challenges(ProofKind kind, const std::string& target,
                                                        Timestamp now) override {
    SSAD_CHECK(writing());
    SSAD_TRY(stmt, conn_->statement("SELECT " SSAD_CHALLENGE_COLUMNS
                                    " FROM subject_challenges WHERE kind = ? AND target = ? AND "
                                    "used_ms IS NULL AND expires_ms > ? ORDER BY created_ms, id"));
    stmt->bind(1, to_string(kind)).bind(2, target).bind(3, to_unix_ms(now));
    return all_rows(*stmt, [](const Statement& s) { return read_challenge(s); });
  }

  Result<void> count_attempt(const std::string& id) override {
    SSAD_CHECK(writing());
    SSAD_TRY(stmt, conn_->statement("UPDATE subject_challenges SET attempts = attempts + 1 WHERE id = ?"));
    stmt->bind(1, id);
    SSAD_CHECK(stmt->run());
    if (conn_->db().changes() == 0) return std::unexpected(not_found("challenge", id));
    return {};
  }

  Result<void> use_challenge(const std::string& id, Timestamp when) override {
    SSAD_CHECK(writing());
    SSAD_TRY(stmt,
             conn_->statement("UPDATE subject_challenges SET used_ms = ? WHERE id = ? AND used_ms IS NULL"));
    stmt->bind(1, to_unix_ms(when)).bind(2, id);
    SSAD_CHECK(stmt->run());
    if (conn_->db().changes() != 0) return {};
    SSAD_TRY(exists, conn_->statement("SELECT 1 FROM subject_challenges WHERE id = ?"));
    exists->bind(1, id);
    SSAD_TRY(found, any_row(*exists));
    if (found) return std::unexpected(used_already(id));
    return std::unexpected(not_found("challenge", id));
  }

  Result<void> add_session(const SubjectSession& s) override {
    SSAD_CHECK(writing());
    SSAD_CHECK(check_session(s));
    SSAD_TRY(stmt, conn_->statement("INSERT INTO subject_sessions (" SSAD_SESSION_COLUMNS
                                    ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING"));
    stmt->bind(1, s.id).bind(2, to_string(s.kind)).bind(3, s.target).bind(4, s.secret_hash).bind(5, s.proof);
    stmt->bind(6, to_unix_ms(s.created)).bind(7, to_unix_ms(s.expires)).bind(8, rows::ms(s.ended));
    stmt->bind(9, s.subject);
    SSAD_CHECK(stmt->run());
    if (conn_->db().changes() == 0) return std::unexpected(exists_already("session", s.id));
    return {};
  }

  Result<void> end_session(const std::string& id, Timestamp when) override {
    SSAD_CHECK(writing());
    SSAD_TRY(stmt,
             conn_->statement("UPDATE subject_sessions SET ended_ms = ? WHERE id = ? AND ended_ms IS NULL"));
    stmt->bind(1, to_unix_ms(when)).bind(2, id);
    SSAD_CHECK(stmt->run());
    if (conn_->db().changes() != 0) return {};
    SSAD_TRY(exists, conn_->statement("SELECT 1 FROM subject_sessions WHERE id = ?"));
    exists->bind(1, id);
    SSAD_TRY(found, any_row(*exists));
    if (found) return std::unexpected(ended_already(id));
    return std::unexpected(not_found("session", id));
  }

  // Skipped when the id or, for a current designation, the domain's current one is taken.
  Result<void> add_agent(const DomainAgent& a) override {
    SSAD_CHECK(writing());
    SSAD_CHECK(check_agent(a));
    SSAD_TRY(stmt, conn_->statement("INSERT INTO domain_agents (" SSAD_AGENT_COLUMNS
                                    ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1) "
                                    "ON CONFLICT DO NOTHING"));
    bind_agent(*stmt, a);
    SSAD_CHECK(stmt->run());
    if (conn_->db().changes() != 0) return {};
    SSAD_TRY(taken, agent_on(*conn_, a.id));
    if (taken) return std::unexpected(exists_already("agent", a.id));
    return std::unexpected(current_exists(a.id));
  }

  Result<void> save_agent(const DomainAgent& a) override {
    SSAD_CHECK(writing());
    SSAD_CHECK(check_saved_agent(a));
    SSAD_TRY(stored, agent_on(*conn_, a.id));
    if (!stored) return std::unexpected(not_found("agent", a.id));
    if (stored->version != a.version) return std::unexpected(saved_since(a.id, a.version));
    if (is_current(a.state)) {
      SSAD_TRY(other, conn_->statement("SELECT 1 FROM domain_agents WHERE domain = ? AND id <> ? AND "
                                       "state IN ('pending', 'active')"));
      other->bind(1, stored->domain).bind(2, a.id);
      SSAD_TRY(found, any_row(*other));
      if (found) return std::unexpected(current_exists(a.id));
    }
    SSAD_TRY(stmt, conn_->statement(
                       "UPDATE domain_agents SET registrant = ?3, kind = ?4, name = ?5, organization = ?6, "
                       "email = ?7, phone = ?8, designated_ms = ?9, designated_by = ?10, state = ?11, "
                       "answer_hash = ?12, consented_ms = ?13, consent_text = ?14, ended_ms = ?15, "
                       "end_reason = ?16, version = version + 1 WHERE id = ?1 AND version = ?17"));
    // ?2, the domain, is bound and unused: it does not change.
    bind_agent(*stmt, a);
    stmt->bind(17, as_integer(a.version));
    SSAD_CHECK(stmt->run());
    return {};
  }

  Result<void> lock(const std::string& key) override {
    (void)key;  // one writer: this unit of work holds the database already
    return writing();
  }

  Result<void> add_relay(const ContactRelay& r) override {
    SSAD_CHECK(writing());
    SSAD_CHECK(check_relay(r));
    SSAD_TRY(stmt, conn_->statement("INSERT INTO contact_relays (" SSAD_RELAY_COLUMNS
                                    ") VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING"));
    stmt->bind(1, r.id).bind(2, r.domain).bind(3, r.sender).bind(4, r.recipient_kind);
    stmt->bind(5, to_unix_ms(r.created)).bind(6, as_integer(r.bytes));
    SSAD_CHECK(stmt->run());
    if (conn_->db().changes() == 0) return std::unexpected(exists_already("relay", r.id));
    return {};
  }

  Result<std::size_t> prune(Timestamp before, Timestamp relays_before, Timestamp pending_before) override {
    SSAD_CHECK(writing());
    std::size_t changed = 0;
    const auto run = [&](const char* sql, Timestamp when) -> Result<void> {
      SSAD_TRY(stmt, conn_->statement(sql));
      stmt->bind(1, to_unix_ms(when));
      SSAD_CHECK(stmt->run());
      changed += static_cast<std::size_t>(conn_->db().changes());
      return {};
    };
    SSAD_CHECK(run("DELETE FROM subject_challenges WHERE expires_ms < ?", before));
    SSAD_CHECK(run("DELETE FROM subject_sessions WHERE expires_ms < ?", before));
    SSAD_CHECK(run("DELETE FROM contact_relays WHERE created_ms < ?", relays_before));
    // Only designations with something left to clear count, so that a second pruning changes nothing. An
    // invitation nobody answered goes too: its addressee may never have heard of the registrant.
    SSAD_TRY(
        stmt,
        conn_->statement(
            "UPDATE domain_agents SET name = '', organization = '', email = '', phone = '', "
            "consent_text = '' WHERE (ended_ms < ?1 OR (state = 'pending' AND designated_ms < ?2)) "
            "AND (name <> '' OR organization <> '' OR email <> '' OR phone <> '' OR consent_text <> '')"));
    stmt->bind(1, to_unix_ms(before)).bind(2, to_unix_ms(pending_before));
    SSAD_CHECK(stmt->run());
    changed += static_cast<std::size_t>(conn_->db().changes());
    return changed;
  }

 private:
  // Parameters 1 to 16: every column but the version, in SSAD_AGENT_COLUMNS' order.
  static void bind_agent(Statement& stmt, const DomainAgent& a) {
    stmt.bind(1, a.id).bind(2, a.domain).bind(3, a.registrant).bind(4, a.kind).bind(5, a.name);
    stmt.bind(6, a.organization).bind(7, a.email).bind(8, a.phone).bind(9, to_unix_ms(a.designated));
    stmt.bind(10, a.designated_by).bind(11, to_string(a.state)).bind(12, a.answer_hash);
    stmt.bind(13, rows::ms(a.consented)).bind(14, a.consent_text).bind(15, rows::ms(a.ended));
    stmt.bind(16, a.end_reason);
  }

  Connection* conn_;
};

}  // namespace

std::unique_ptr<SubjectReader> make_subject_reader(ReaderPool& pool) {
  return std::make_unique<SqliteSubjectReader>(pool);
}

std::unique_ptr<UnitWriter> make_subject_writer(Connection& conn) {
  return std::make_unique<SqliteSubjectWriter>(conn);
}

}  // namespace ssad::store::sqlite
