#include "store/sqlite/sqlite_requestors.hpp"

#include <string>
#include <vector>

#include "store/row_reading.hpp"

namespace ssad::store::sqlite {
namespace {

using namespace requestor_rows;  // NOLINT(google-build-using-namespace): the shared readers and messages

// The one row `sql` finds for `key`, read by `read`; not_found, naming the `kind` of row, when none.
template <class Read>
auto one(Connection& c, const char* sql, std::string_view key, std::string_view kind, Read read)
    -> decltype(read(std::declval<Statement&>())) {
  SSAD_TRY(stmt, c.statement(sql));
  stmt->bind(1, key);
  SSAD_TRY(row, stmt->step());
  if (!row) return std::unexpected(not_found(kind, key));
  return read(*stmt);
}

// A page of `sql`'s rows, read by `read`: its parameters are the page's `after` and limit, after
// `filter` when it is not empty.
template <class Read>
auto page_of(Connection& c, const char* sql, std::string_view filter, const Page& page, Read read)
    -> Result<std::vector<typename decltype(read(std::declval<Statement&>()))::value_type>> {
  using T = typename decltype(read(std::declval<Statement&>()))::value_type;
  SSAD_TRY(stmt, c.statement(sql));
  int index = 1;
  if (!filter.empty()) stmt->bind(index++, filter);
  stmt->bind(index, std::string_view(page.after)).bind(index + 1, rows::limit_of(page));
  std::vector<T> out;
  for (;;) {
    SSAD_TRY(more, stmt->step());
    if (!more) return out;
    SSAD_TRY(value, read(*stmt));
    out.push_back(std::move(value));
  }
}

Result<model::ApiKey> read_key_row(const Statement& s) { return read_api_key(s, s.blob(2)); }

class SqliteRequestorReader final : public RequestorReader {
 public:
  explicit SqliteRequestorReader(ReaderPool& pool) : pool_(pool) {}

  Result<model::Organisation> organisation(const std::string& id) override {
    return pool_.with_connection([&](Connection& c) {
      return one(c, "SELECT " SSAD_ORGANISATION_COLUMNS " FROM organisation WHERE id = ?", id, "organisation",
                 read_organisation<Statement>);
    });
  }

  Result<std::vector<model::Organisation>> organisations(const Page& page) override {
    return pool_.with_connection([&](Connection& c) {
      return page_of(
          c, "SELECT " SSAD_ORGANISATION_COLUMNS " FROM organisation WHERE id > ? ORDER BY id LIMIT ?", {},
          page, read_organisation<Statement>);
    });
  }

  Result<model::User> user(const std::string& id) override {
    return pool_.with_connection([&](Connection& c) {
      return one(c, "SELECT " SSAD_USER_COLUMNS " FROM org_user WHERE id = ?", id, "user",
                 read_user<Statement>);
    });
  }

  Result<model::User> user_by_oidc(const std::string& issuer, const std::string& subject) override {
    return pool_.with_connection([&](Connection& c) -> Result<model::User> {
      // The index holds set identities only: the query names its condition so that SQLite uses it.
      SSAD_TRY(stmt, c.statement("SELECT " SSAD_USER_COLUMNS
                                 " FROM org_user WHERE oidc_issuer = ? AND oidc_subject = ? AND "
                                 "oidc_issuer <> ''"));
      stmt->bind(1, std::string_view(issuer)).bind(2, std::string_view(subject));
      SSAD_TRY(row, stmt->step());
      if (!row) return fail(ErrorCode::not_found, "no user signs in with that OpenID Connect identity");
      return read_user(*stmt);
    });
  }

  Result<std::vector<model::User>> users(const std::string& org_id, const Page& page) override {
    return pool_.with_connection([&](Connection& c) {
      return page_of(c,
                     org_id.empty() ? "SELECT " SSAD_USER_COLUMNS
                                      " FROM org_user WHERE id > ? ORDER BY id LIMIT ?"
                                    : "SELECT " SSAD_USER_COLUMNS
                                      " FROM org_user WHERE org_id = ? AND id > ? ORDER BY id LIMIT ?",
                     org_id, page, read_user<Statement>);
    });
  }

  Result<model::Accreditation> accreditation(const std::string& id) override {
    return pool_.with_connection([&](Connection& c) {
      return one(c, "SELECT " SSAD_ACCREDITATION_COLUMNS " FROM accreditation WHERE id = ?", id,
                 "accreditation", read_accreditation<Statement>);
    });
  }

  Result<std::vector<model::Accreditation>> accreditations(const std::string& org_id,
                                                           const Page& page) override {
    return pool_.with_connection([&](Connection& c) {
      return page_of(c,
                     org_id.empty() ? "SELECT " SSAD_ACCREDITATION_COLUMNS
                                      " FROM accreditation WHERE id > ? ORDER BY id LIMIT ?"
                                    : "SELECT " SSAD_ACCREDITATION_COLUMNS
                                      " FROM accreditation WHERE org_id = ? AND id > ? ORDER BY id LIMIT ?",
                     org_id, page, read_accreditation<Statement>);
    });
  }

  Result<model::ApiKey> api_key(const std::string& id) override {
    return pool_.with_connection([&](Connection& c) {
      return one(c, "SELECT " SSAD_API_KEY_COLUMNS " FROM api_key WHERE id = ?", id, "API key", read_key_row);
    });
  }

  Result<std::vector<model::ApiKey>> api_keys(const std::string& user_id, const Page& page) override {
    return pool_.with_connection([&](Connection& c) {
      return page_of(c,
                     user_id.empty() ? "SELECT " SSAD_API_KEY_COLUMNS
                                       " FROM api_key WHERE id > ? ORDER BY id LIMIT ?"
                                     : "SELECT " SSAD_API_KEY_COLUMNS
                                       " FROM api_key WHERE user_id = ? AND id > ? ORDER BY id LIMIT ?",
                     user_id, page, read_key_row);
    });
  }

 private:
  ReaderPool& pool_;
};

// Inserts skip a row whose id (or OIDC identity) is taken, and one whose organisation or user is missing,
// instead of failing, and the cause is then looked up: the refusal gets its own error code, and the unit
// of work goes on as it would on PostgreSQL, where a failed statement would end the transaction.
class SqliteRequestorWriter final : public UnitWriter {
 public:
  explicit SqliteRequestorWriter(Connection& conn) : conn_(&conn) {}

  Result<void> add_organisation(const model::Organisation& o) override {
    SSAD_CHECK(writing());
    SSAD_CHECK(check_registrar(o.id, o.registrar_iana_id));
    SSAD_TRY(stmt, conn_->statement("INSERT INTO organisation (id, name, kind, country, created_ms, "
                                    "registrar_iana_id) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING"));
    stmt->bind(1, o.id).bind(2, o.name).bind(3, model::to_string(o.kind)).bind(4, o.country);
    stmt->bind(5, to_unix_ms(o.created)).bind(6, o.registrar_iana_id);
    SSAD_CHECK(stmt->run());
    if (changed() != 0) return {};
    SSAD_TRY(taken, exists("SELECT EXISTS (SELECT 1 FROM organisation WHERE id = ?)", o.id));
    if (taken) return std::unexpected(exists_already("organisation", o.id));
    return std::unexpected(registrar_taken(o.id, o.registrar_iana_id.value_or(0)));
  }

  Result<void> set_registrar(const std::string& org_id, std::optional<std::int64_t> iana_id) override {
    SSAD_CHECK(writing());
    SSAD_CHECK(check_registrar(org_id, iana_id));
    // Skipped, rather than failed on the unique index, when another organisation is that registrar.
    SSAD_TRY(stmt, conn_->statement("UPDATE organisation SET registrar_iana_id = ?1 WHERE id = ?2 AND NOT "
                                    "EXISTS (SELECT 1 FROM organisation WHERE registrar_iana_id = ?1 AND "
                                    "id <> ?2)"));
    stmt->bind(1, iana_id).bind(2, org_id);
    SSAD_CHECK(stmt->run());
    if (changed() != 0) return {};
    SSAD_TRY(found, exists("SELECT EXISTS (SELECT 1 FROM organisation WHERE id = ?)", org_id));
    if (!found) return std::unexpected(not_found("organisation", org_id));
    return std::unexpected(registrar_taken(org_id, iana_id.value_or(0)));
  }

  Result<void> add_user(const model::User& u) override {
    SSAD_CHECK(writing());
    SSAD_CHECK(check_user(u));
    SSAD_TRY(stmt, conn_->statement(
                       "INSERT INTO org_user (id, org_id, email, oidc_issuer, oidc_subject, roles, disabled, "
                       "created_ms, tokens_suspended_ms) SELECT ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9 "
                       "WHERE EXISTS (SELECT 1 FROM organisation WHERE id = ?2) ON CONFLICT DO NOTHING"));
    stmt->bind(1, u.id).bind(2, u.org_id).bind(3, u.email).bind(4, u.oidc_issuer).bind(5, u.oidc_subject);
    stmt->bind(6, std::int64_t{u.roles}).bind(7, std::int64_t{u.disabled ? 1 : 0});
    stmt->bind(8, to_unix_ms(u.created)).bind(9, rows::ms(u.tokens_suspended));
    SSAD_CHECK(stmt->run());
    if (changed() != 0) return {};
    SSAD_TRY(taken, exists("SELECT EXISTS (SELECT 1 FROM org_user WHERE id = ?)", u.id));
    if (taken) return std::unexpected(exists_already("user", u.id));
    SSAD_TRY(org, exists("SELECT EXISTS (SELECT 1 FROM organisation WHERE id = ?)", u.org_id));
    if (!org) return std::unexpected(not_found("organisation", u.org_id));
    return std::unexpected(oidc_identity_taken(u.id));
  }

  Result<void> update_user(const std::string& id, unsigned roles, bool disabled) override {
    SSAD_CHECK(writing());
    SSAD_TRY(stmt, conn_->statement("UPDATE org_user SET roles = ?, disabled = ? WHERE id = ?"));
    stmt->bind(1, std::int64_t{roles}).bind(2, std::int64_t{disabled ? 1 : 0}).bind(3, id);
    return updated(stmt, "user", id);
  }

  Result<void> add_accreditation(const model::Accreditation& a) override {
    SSAD_CHECK(writing());
    // Bound text is not copied: the lists' JSON must outlive the statement's run.
    const std::string purposes = json_of(a.purposes);
    const std::string lawful_bases = json_of(a.lawful_bases);
    SSAD_TRY(
        stmt,
        conn_->statement(
            "INSERT INTO accreditation (id, org_id, user_group, authority, valid_from_ms, valid_until_ms, "
            "code_of_conduct_version, code_of_conduct_accepted_ms, purposes, lawful_bases, status, "
            "status_reason, status_changed_ms, created_ms) "
            "SELECT ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14 "
            "WHERE EXISTS (SELECT 1 FROM organisation WHERE id = ?2) ON CONFLICT DO NOTHING"));
    stmt->bind(1, a.id).bind(2, a.org_id).bind(3, a.group).bind(4, a.authority);
    stmt->bind(5, to_unix_ms(a.valid_from)).bind(6, to_unix_ms(a.valid_until));
    stmt->bind(7, a.code_of_conduct_version).bind(8, rows::ms(a.code_of_conduct_accepted));
    stmt->bind(9, purposes).bind(10, lawful_bases).bind(11, model::to_string(a.status));
    stmt->bind(12, a.status_reason).bind(13, to_unix_ms(a.status_changed)).bind(14, to_unix_ms(a.created));
    SSAD_CHECK(stmt->run());
    if (changed() != 0) return {};
    SSAD_TRY(taken, exists("SELECT EXISTS (SELECT 1 FROM accreditation WHERE id = ?)", a.id));
    if (taken) return std::unexpected(exists_already("accreditation", a.id));
    return std::unexpected(not_found("organisation", a.org_id));
  }

  Result<void> set_accreditation_status(const std::string& id, model::AccreditationStatus status,
                                        const std::string& reason, Timestamp now) override {
    SSAD_CHECK(writing());
    SSAD_TRY(stmt,
             conn_->statement("UPDATE accreditation SET status = ?, status_reason = ?, status_changed_ms = ? "
                              "WHERE id = ?"));
    stmt->bind(1, model::to_string(status)).bind(2, reason).bind(3, to_unix_ms(now)).bind(4, id);
    return updated(stmt, "accreditation", id);
  }

  Result<void> accept_code_of_conduct(const std::string& accreditation_id, const std::string& version,
                                      Timestamp now) override {
    SSAD_CHECK(writing());
    SSAD_TRY(stmt,
             conn_->statement(
                 "UPDATE accreditation SET code_of_conduct_version = ?, code_of_conduct_accepted_ms = ? "
                 "WHERE id = ?"));
    stmt->bind(1, version).bind(2, to_unix_ms(now)).bind(3, accreditation_id);
    return updated(stmt, "accreditation", accreditation_id);
  }

  Result<void> add_api_key(const model::ApiKey& k) override {
    SSAD_CHECK(writing());
    SSAD_TRY(stmt,
             conn_->statement(
                 "INSERT INTO api_key (id, user_id, secret_hash, created_ms, expires_ms, revoked_ms, "
                 "revoke_reason, suspended_ms, suspend_reason) SELECT ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9 "
                 "WHERE EXISTS (SELECT 1 FROM org_user WHERE id = ?2) ON CONFLICT DO NOTHING"));
    stmt->bind(1, k.id).bind(2, k.user_id).bind_blob(3, bytes_of(k.secret_hash));
    stmt->bind(4, to_unix_ms(k.created)).bind(5, rows::ms(k.expires)).bind(6, rows::ms(k.revoked));
    stmt->bind(7, k.revoke_reason).bind(8, rows::ms(k.suspended)).bind(9, k.suspend_reason);
    SSAD_CHECK(stmt->run());
    if (changed() != 0) return {};
    SSAD_TRY(taken, exists("SELECT EXISTS (SELECT 1 FROM api_key WHERE id = ?)", k.id));
    if (taken) return std::unexpected(exists_already("API key", k.id));
    return std::unexpected(not_found("user", k.user_id));
  }

  Result<void> revoke_api_key(const std::string& id, const std::string& reason, Timestamp now) override {
    SSAD_CHECK(writing());
    // A key revoked already keeps its time and reason; the row still counts as found.
    SSAD_TRY(stmt,
             conn_->statement(
                 "UPDATE api_key SET revoked_ms = coalesce(revoked_ms, ?), "
                 "revoke_reason = CASE WHEN revoked_ms IS NULL THEN ? ELSE revoke_reason END WHERE id = ?"));
    stmt->bind(1, to_unix_ms(now)).bind(2, reason).bind(3, id);
    return updated(stmt, "API key", id);
  }

  Result<void> set_api_key_suspension(const std::string& id, std::optional<Timestamp> since,
                                      const std::string& reason) override {
    SSAD_CHECK(writing());
    SSAD_TRY(stmt, conn_->statement("UPDATE api_key SET suspended_ms = ?, suspend_reason = ? WHERE id = ?"));
    stmt->bind(1, rows::ms(since)).bind(2, since ? std::string_view(reason) : std::string_view()).bind(3, id);
    return updated(stmt, "API key", id);
  }

  Result<void> set_tokens_suspension(const std::string& user_id, std::optional<Timestamp> since) override {
    SSAD_CHECK(writing());
    SSAD_TRY(stmt, conn_->statement("UPDATE org_user SET tokens_suspended_ms = ? WHERE id = ?"));
    stmt->bind(1, rows::ms(since)).bind(2, user_id);
    return updated(stmt, "user", user_id);
  }

 private:
  [[nodiscard]] int changed() const { return conn_->db().changes(); }

  Result<void> updated(Statement* stmt, std::string_view kind, std::string_view id) {
    SSAD_CHECK(stmt->run());
    if (changed() == 0) return std::unexpected(not_found(kind, id));
    return {};
  }

  Result<bool> exists(const char* sql, std::string_view key) {
    SSAD_TRY(stmt, conn_->statement(sql));
    stmt->bind(1, key);
    SSAD_TRY(row, stmt->step());
    const bool found = row && stmt->integer(0) != 0;
    stmt->reset();
    return found;
  }

  Connection* conn_;
};

}  // namespace

std::unique_ptr<RequestorReader> make_requestor_reader(ReaderPool& pool) {
  return std::make_unique<SqliteRequestorReader>(pool);
}

std::unique_ptr<UnitWriter> make_requestor_writer(Connection& conn) {
  return std::make_unique<SqliteRequestorWriter>(conn);
}

}  // namespace ssad::store::sqlite
