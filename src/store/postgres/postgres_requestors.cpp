#include "store/postgres/postgres_requestors.hpp"

#include <string>
#include <vector>

#include "store/postgres/postgres_audit_log.hpp"
#include "store/row_reading.hpp"

namespace ssad::store::postgres {
namespace {

using namespace requestor_rows;  // NOLINT(google-build-using-namespace): the shared readers and messages

Result<model::ApiKey> read_key_row(const Row& r) {
  // A bytea that does not read back is caught as a hash of the wrong length.
  return read_api_key(r, bytea_of(r.text(2)).value_or(std::string()));
}

// The one row `sql` finds for `key`, read by `read`; not_found, naming the `kind` of row, when none.
template <class Read>
auto one(Connection& c, const char* sql, const std::string& key, std::string_view kind, Read read)
    -> decltype(read(std::declval<const Row&>())) {
  SSAD_TRY(rows, c.query(sql, {key}));
  if (rows.empty()) return std::unexpected(not_found(kind, key));
  return read(Row{rows, 0});
}

// A page of `sql`'s rows, read by `read`: its parameters are `filter` when it is not empty, then the
// page's `after` and limit.
template <class Read>
auto page_of(Connection& c, const char* sql, const std::string& filter, const Page& page, Read read)
    -> Result<std::vector<typename decltype(read(std::declval<const Row&>()))::value_type>> {
  using T = typename decltype(read(std::declval<const Row&>()))::value_type;
  std::vector<Param> params;
  if (!filter.empty()) params.emplace_back(filter);
  params.emplace_back(page.after);
  params.emplace_back(rows::limit_of(page));
  SSAD_TRY(rows, c.query(sql, params));
  std::vector<T> out;
  out.reserve(static_cast<std::size_t>(rows.size()));
  for (int i = 0; i < rows.size(); ++i) {
    SSAD_TRY(value, read(Row{rows, i}));
    out.push_back(std::move(value));
  }
  return out;
}

class PostgresRequestorReader final : public RequestorReader {
 public:
  explicit PostgresRequestorReader(ReaderPool& pool) : pool_(pool) {}

  Result<model::Organisation> organisation(const std::string& id) override {
    return pool_.with_connection([&](Connection& c) {
      return one(c, "SELECT " SSAD_ORGANISATION_COLUMNS " FROM organisation WHERE id = $1", id,
                 "organisation", read_organisation<Row>);
    });
  }

  Result<std::vector<model::Organisation>> organisations(const Page& page) override {
    return pool_.with_connection([&](Connection& c) {
      return page_of(
          c, "SELECT " SSAD_ORGANISATION_COLUMNS " FROM organisation WHERE id > $1 ORDER BY id LIMIT $2", {},
          page, read_organisation<Row>);
    });
  }

  Result<model::User> user(const std::string& id) override {
    return pool_.with_connection([&](Connection& c) {
      return one(c, "SELECT " SSAD_USER_COLUMNS " FROM org_user WHERE id = $1", id, "user", read_user<Row>);
    });
  }

  Result<model::User> user_by_oidc(const std::string& issuer, const std::string& subject) override {
    return pool_.with_connection([&](Connection& c) -> Result<model::User> {
      // The index holds set identities only: the query names its condition so that a generic plan of the
      // prepared statement may use it.
      SSAD_TRY(rows, c.query("SELECT " SSAD_USER_COLUMNS
                             " FROM org_user WHERE oidc_issuer = $1 AND oidc_subject = $2 AND "
                             "oidc_issuer <> ''",
                             {issuer, subject}));
      if (rows.empty())
        return fail(ErrorCode::not_found, "no user signs in with that OpenID Connect identity");
      return read_user(Row{rows, 0});
    });
  }

  Result<std::vector<model::User>> users(const std::string& org_id, const Page& page) override {
    return pool_.with_connection([&](Connection& c) {
      return page_of(c,
                     org_id.empty() ? "SELECT " SSAD_USER_COLUMNS
                                      " FROM org_user WHERE id > $1 ORDER BY id LIMIT $2"
                                    : "SELECT " SSAD_USER_COLUMNS
                                      " FROM org_user WHERE org_id = $1 AND id > $2 ORDER BY id LIMIT $3",
                     org_id, page, read_user<Row>);
    });
  }

  Result<model::Accreditation> accreditation(const std::string& id) override {
    return pool_.with_connection([&](Connection& c) {
      return one(c, "SELECT " SSAD_ACCREDITATION_COLUMNS " FROM accreditation WHERE id = $1", id,
                 "accreditation", read_accreditation<Row>);
    });
  }

  Result<std::vector<model::Accreditation>> accreditations(const std::string& org_id,
                                                           const Page& page) override {
    return pool_.with_connection([&](Connection& c) {
      return page_of(c,
                     org_id.empty()
                         ? "SELECT " SSAD_ACCREDITATION_COLUMNS
                           " FROM accreditation WHERE id > $1 ORDER BY id LIMIT $2"
                         : "SELECT " SSAD_ACCREDITATION_COLUMNS
                           " FROM accreditation WHERE org_id = $1 AND id > $2 ORDER BY id LIMIT $3",
                     org_id, page, read_accreditation<Row>);
    });
  }

  Result<model::ApiKey> api_key(const std::string& id) override {
    return pool_.with_connection([&](Connection& c) {
      return one(c, "SELECT " SSAD_API_KEY_COLUMNS " FROM api_key WHERE id = $1", id, "API key",
                 read_key_row);
    });
  }

  Result<std::vector<model::ApiKey>> api_keys(const std::string& user_id, const Page& page) override {
    return pool_.with_connection([&](Connection& c) {
      return page_of(c,
                     user_id.empty() ? "SELECT " SSAD_API_KEY_COLUMNS
                                       " FROM api_key WHERE id > $1 ORDER BY id LIMIT $2"
                                     : "SELECT " SSAD_API_KEY_COLUMNS
                                       " FROM api_key WHERE user_id = $1 AND id > $2 ORDER BY id LIMIT $3",
                     user_id, page, read_key_row);
    });
  }

 private:
  ReaderPool& pool_;
};

// Inserts skip a row whose id (or OIDC identity) is taken, and one whose organisation or user is missing,
// instead of failing, and the cause is then looked up: a failed statement would end the unit of work's
// transaction (its COMMIT would roll everything back), and a refusal is an answer, not a failure. Taken
// ids wait for the unit of work that holds them: ON CONFLICT DO NOTHING skips the row once that one
// commits, and inserts it when it rolls back. Every parameter names its type: PostgreSQL cannot infer one
// from a SELECT list.
class PostgresRequestorWriter final : public UnitWriter {
 public:
  explicit PostgresRequestorWriter(Connection& conn) : conn_(conn) {}

  Result<void> add_organisation(const model::Organisation& o) override {
    SSAD_CHECK(writing());
    SSAD_CHECK(check_registrar(o.id, o.registrar_iana_id));
    // ON CONFLICT without a target skips a taken registrar (the partial unique index) as a taken id.
    SSAD_TRY(inserted,
             conn_.query("INSERT INTO organisation (id, name, kind, country, created_ms, "
                         "registrar_iana_id) VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING",
                         {o.id, o.name, model::to_string(o.kind), o.country, to_unix_ms(o.created),
                          o.registrar_iana_id}));
    if (inserted.affected() != 0) return {};
    SSAD_TRY(taken, exists("SELECT EXISTS (SELECT 1 FROM organisation WHERE id = $1)", o.id));
    if (taken) return std::unexpected(exists_already("organisation", o.id));
    return std::unexpected(registrar_taken(o.id, o.registrar_iana_id.value_or(0)));
  }

  Result<void> set_registrar(const std::string& org_id, std::optional<std::int64_t> iana_id) override {
    SSAD_CHECK(writing());
    SSAD_CHECK(check_registrar(org_id, iana_id));
    // Skipped, rather than failed on the unique index (which would end the transaction), when another
    // organisation is that registrar. Two units of work making two organisations the same registrar at
    // once still meet the index: the second fails (conflict) once the first commits.
    SSAD_TRY(changed, conn_.query("UPDATE organisation SET registrar_iana_id = $2::bigint WHERE id = $1 AND "
                                  "NOT EXISTS (SELECT 1 FROM organisation WHERE registrar_iana_id = "
                                  "$2::bigint AND id <> $1)",
                                  {org_id, iana_id}));
    if (changed.affected() != 0) return {};
    SSAD_TRY(found, exists("SELECT EXISTS (SELECT 1 FROM organisation WHERE id = $1)", org_id));
    if (!found) return std::unexpected(not_found("organisation", org_id));
    return std::unexpected(registrar_taken(org_id, iana_id.value_or(0)));
  }

  Result<void> add_user(const model::User& u) override {
    SSAD_CHECK(writing());
    SSAD_CHECK(check_user(u));
    SSAD_TRY(inserted,
             conn_.query(
                 "INSERT INTO org_user (id, org_id, email, oidc_issuer, oidc_subject, roles, disabled, "
                 "created_ms, tokens_suspended_ms) SELECT $1::text, $2::text, $3::text, $4::text, $5::text, "
                 "$6::bigint, $7::boolean, $8::bigint, $9::bigint "
                 "WHERE EXISTS (SELECT 1 FROM organisation WHERE id = $2::text) ON CONFLICT DO NOTHING",
                 {u.id, u.org_id, u.email, u.oidc_issuer, u.oidc_subject, std::int64_t{u.roles},
                  u.disabled ? "true" : "false", to_unix_ms(u.created), rows::ms(u.tokens_suspended)}));
    if (inserted.affected() != 0) return {};
    SSAD_TRY(taken, exists("SELECT EXISTS (SELECT 1 FROM org_user WHERE id = $1)", u.id));
    if (taken) return std::unexpected(exists_already("user", u.id));
    SSAD_TRY(org, exists("SELECT EXISTS (SELECT 1 FROM organisation WHERE id = $1)", u.org_id));
    if (!org) return std::unexpected(not_found("organisation", u.org_id));
    return std::unexpected(oidc_identity_taken(u.id));
  }

  Result<void> update_user(const std::string& id, unsigned roles, bool disabled) override {
    SSAD_CHECK(writing());
    return updated(conn_.query("UPDATE org_user SET roles = $2, disabled = $3 WHERE id = $1",
                               {id, std::int64_t{roles}, disabled ? "true" : "false"}),
                   "user", id);
  }

  Result<void> add_accreditation(const model::Accreditation& a) override {
    SSAD_CHECK(writing());
    SSAD_TRY(
        inserted,
        conn_.query(
            "INSERT INTO accreditation (id, org_id, user_group, authority, valid_from_ms, valid_until_ms, "
            "code_of_conduct_version, code_of_conduct_accepted_ms, purposes, lawful_bases, status, "
            "status_reason, status_changed_ms, created_ms) "
            "SELECT $1::text, $2::text, $3::text, $4::text, $5::bigint, $6::bigint, $7::text, $8::bigint, "
            "$9::jsonb, $10::jsonb, $11::text, $12::text, $13::bigint, $14::bigint "
            "WHERE EXISTS (SELECT 1 FROM organisation WHERE id = $2::text) ON CONFLICT DO NOTHING",
            {a.id, a.org_id, a.group, a.authority, to_unix_ms(a.valid_from), to_unix_ms(a.valid_until),
             a.code_of_conduct_version, rows::ms(a.code_of_conduct_accepted), json_of(a.purposes),
             json_of(a.lawful_bases), model::to_string(a.status), a.status_reason,
             to_unix_ms(a.status_changed), to_unix_ms(a.created)}));
    if (inserted.affected() != 0) return {};
    SSAD_TRY(taken, exists("SELECT EXISTS (SELECT 1 FROM accreditation WHERE id = $1)", a.id));
    if (taken) return std::unexpected(exists_already("accreditation", a.id));
    return std::unexpected(not_found("organisation", a.org_id));
  }

  Result<void> set_accreditation_status(const std::string& id, model::AccreditationStatus status,
                                        const std::string& reason, Timestamp now) override {
    SSAD_CHECK(writing());
    return updated(
        conn_.query("UPDATE accreditation SET status = $2, status_reason = $3, status_changed_ms = $4 "
                    "WHERE id = $1",
                    {id, model::to_string(status), reason, to_unix_ms(now)}),
        "accreditation", id);
  }

  Result<void> accept_code_of_conduct(const std::string& accreditation_id, const std::string& version,
                                      Timestamp now) override {
    SSAD_CHECK(writing());
    return updated(conn_.query("UPDATE accreditation SET code_of_conduct_version = $2, "
                               "code_of_conduct_accepted_ms = $3 WHERE id = $1",
                               {accreditation_id, version, to_unix_ms(now)}),
                   "accreditation", accreditation_id);
  }

  Result<void> add_api_key(const model::ApiKey& k) override {
    SSAD_CHECK(writing());
    SSAD_TRY(inserted,
             conn_.query("INSERT INTO api_key (id, user_id, secret_hash, created_ms, expires_ms, revoked_ms, "
                         "revoke_reason, suspended_ms, suspend_reason) SELECT $1::text, $2::text, $3::bytea, "
                         "$4::bigint, $5::bigint, $6::bigint, $7::text, $8::bigint, $9::text "
                         "WHERE EXISTS (SELECT 1 FROM org_user WHERE id = $2::text) ON CONFLICT DO NOTHING",
                         {k.id, k.user_id, bytea_param(bytes_of(k.secret_hash)), to_unix_ms(k.created),
                          rows::ms(k.expires), rows::ms(k.revoked), k.revoke_reason, rows::ms(k.suspended),
                          k.suspend_reason}));
    if (inserted.affected() != 0) return {};
    SSAD_TRY(taken, exists("SELECT EXISTS (SELECT 1 FROM api_key WHERE id = $1)", k.id));
    if (taken) return std::unexpected(exists_already("API key", k.id));
    return std::unexpected(not_found("user", k.user_id));
  }

  Result<void> revoke_api_key(const std::string& id, const std::string& reason, Timestamp now) override {
    SSAD_CHECK(writing());
    // A key revoked already keeps its time and reason; the row still counts as found.
    return updated(
        conn_.query("UPDATE api_key SET revoked_ms = coalesce(revoked_ms, $2::bigint), "
                    "revoke_reason = CASE WHEN revoked_ms IS NULL THEN $3::text ELSE revoke_reason "
                    "END WHERE id = $1",
                    {id, to_unix_ms(now), reason}),
        "API key", id);
  }

  Result<void> set_api_key_suspension(const std::string& id, std::optional<Timestamp> since,
                                      const std::string& reason) override {
    SSAD_CHECK(writing());
    return updated(
        conn_.query("UPDATE api_key SET suspended_ms = $2::bigint, suspend_reason = $3 WHERE id = $1",
                    {id, rows::ms(since), since ? reason : std::string()}),
        "API key", id);
  }

  Result<void> set_tokens_suspension(const std::string& user_id, std::optional<Timestamp> since) override {
    SSAD_CHECK(writing());
    return updated(conn_.query("UPDATE org_user SET tokens_suspended_ms = $2::bigint WHERE id = $1",
                               {user_id, rows::ms(since)}),
                   "user", user_id);
  }

 private:
  static Result<void> updated(const Result<Rows>& rows, std::string_view kind, std::string_view id) {
    if (!rows) return std::unexpected(rows.error());
    if (rows->affected() == 0) return std::unexpected(not_found(kind, id));
    return {};
  }

  Result<bool> exists(const char* sql, const std::string& key) {
    SSAD_TRY(rows, conn_.query(sql, {key}));
    return !rows.empty() && rows.boolean(0, 0);
  }

  Connection& conn_;
};

}  // namespace

std::unique_ptr<RequestorReader> make_requestor_reader(ReaderPool& pool) {
  return std::make_unique<PostgresRequestorReader>(pool);
}

std::unique_ptr<UnitWriter> make_requestor_writer(Connection& conn) {
  return std::make_unique<PostgresRequestorWriter>(conn);
}

}  // namespace ssad::store::postgres
