#include "store/postgres/postgres_reads.hpp"

#include <algorithm>
#include <array>
#include <utility>

#include "store/row_reading.hpp"

namespace ssad::store::postgres {

Result<void> ReaderPool::warm_up() {
  SSAD_TRY(conn, borrow());
  put_back(std::move(conn));
  return {};
}

Result<std::unique_ptr<Connection>> ReaderPool::borrow() {
  {
    const std::lock_guard lock(mutex_);
    while (!idle_.empty()) {
      auto conn = std::move(idle_.back());
      idle_.pop_back();
      if (conn->healthy()) return conn;
    }
  }
  return Connection::open(url_, settings_);
}

void ReaderPool::put_back(std::unique_ptr<Connection> conn) {
  // A connection whose server went away is dropped: the next borrow connects anew.
  if (!conn->healthy()) return;
  const std::lock_guard lock(mutex_);
  if (idle_.size() < max_idle_) idle_.push_back(std::move(conn));
}

std::optional<DepositRecord> deposit_of(const Rows& rows) {
  if (rows.empty()) return std::nullopt;
  return DepositRecord{std::string(rows.text(0, 0)),     std::string(rows.text(0, 1)),
                       std::string(rows.text(0, 2)),     std::string(rows.text(0, 3)),
                       from_unix_ms(rows.integer(0, 4)), std::string(rows.text(0, 5)),
                       from_unix_ms(rows.integer(0, 6))};
}

namespace {

using namespace rows;  // NOLINT(google-build-using-namespace): the shared row readers

// Calls `f(Row)` for every row of `rows`; `f` returns void or a Result<void> that stops the loop.
template <class F>
Result<void> each(const Rows& rows, F&& f) {
  for (int i = 0; i < rows.size(); ++i) {
    if constexpr (std::is_void_v<decltype(f(Row{rows, i}))>) {
      f(Row{rows, i});
    } else {
      SSAD_CHECK(f(Row{rows, i}));
    }
  }
  return {};
}

Error not_found(std::string_view what, std::string_view key) {
  return Error{ErrorCode::not_found, std::string(what) + " '" + std::string(key) + "' not found"};
}

// A search's statements and the parameters each takes, in order. PostgreSQL infers each parameter's
// type from its use, so a statement names only the parameters it uses.
enum class P { value, after, end, suffix, limit, parent };
struct SearchPlan {
  const char* list;
  std::vector<P> list_params;
  const char* count;
  std::vector<P> count_params;
};

// Keeps names ending in the suffix whose wildcard part (between prefix and suffix) holds no '.'
// (RFC 9082 §4.1: "exam*.com" matches example.com, not exam.ple.com). `v` is the value's parameter, `s`
// the suffix's.
#define SSAD_PG_SUFFIX_FILTER(col, v, s)                                                                 \
  " AND (" s " = '' OR (length(" col ") >= length(" v ") + length(" s ") AND right(" col ", length(" s   \
  ")) = " s " AND strpos(substr(" col ", length(" v ") + 1, length(" col ") - length(" v ") - length(" s \
  ")), '.') = 0))"
#define SSAD_PG_PARENT(col) "substr(" col ", strpos(" col ", '.') + 1)"
#define SSAD_PG_RANGE(table, col, filter)                                                                   \
  SearchPlan {                                                                                              \
    "SELECT name, unicode_name FROM " table " WHERE " filter " AND " col " >= $1 AND " col " > $2 AND " col \
    " < $3" SSAD_PG_SUFFIX_FILTER(col, "$1", "$4") " ORDER BY " col " LIMIT $5",                            \
        {P::value, P::after, P::end, P::suffix, P::limit},                                                  \
        "SELECT count(*) FROM " table " WHERE " filter " AND " col " >= $1 AND " col                        \
        " < $2" SSAD_PG_SUFFIX_FILTER(col, "$1", "$3"),                                                     \
    {                                                                                                       \
      P::value, P::end, P::suffix                                                                           \
    }                                                                                                       \
  }
#define SSAD_PG_BY_PARENT(table, col, filter)                                                             \
  SearchPlan {                                                                                            \
    "SELECT name, unicode_name FROM " table " WHERE " filter                                              \
    " AND " SSAD_PG_PARENT(col) " = $5 AND " col " >= $1 AND " col " > $2 AND " col " < $3 ORDER BY " col \
                                " LIMIT $4",                                                              \
        {P::value, P::after, P::end, P::limit, P::parent},                                                \
        "SELECT count(*) FROM " table " WHERE " filter                                                    \
        " AND " SSAD_PG_PARENT(col) " = $3 AND " col " >= $1 AND " col " < $2",                           \
    {                                                                                                     \
      P::value, P::end, P::parent                                                                         \
    }                                                                                                     \
  }

SearchPlan search_plan(const NameSearch& search) {
  using Kind = NameSearch::Kind;
  const bool parent = by_parent(search);
  switch (search.kind) {
    case Kind::domain_prefix:
      return parent ? SSAD_PG_BY_PARENT("domain", "name", "true") : SSAD_PG_RANGE("domain", "name", "true");
    case Kind::domain_unicode_prefix:
      return parent ? SSAD_PG_BY_PARENT("domain", "unicode_name", "unicode_name IS NOT NULL")
                    : SSAD_PG_RANGE("domain", "unicode_name", "unicode_name IS NOT NULL");
    case Kind::host_prefix:
      return parent ? SSAD_PG_BY_PARENT("host", "name", "true") : SSAD_PG_RANGE("host", "name", "true");
    case Kind::host_unicode_prefix:
      return parent ? SSAD_PG_BY_PARENT("host", "unicode_name", "unicode_name IS NOT NULL")
                    : SSAD_PG_RANGE("host", "unicode_name", "unicode_name IS NOT NULL");
    case Kind::domain_by_nameserver:
      // The host's id first (a subquery), so that the page is one range of (host_id, domain_name): a join
      // on the name would read and sort every domain of the host on every page.
      return {
          "SELECT dn.domain_name, d.unicode_name FROM domain_nameserver dn JOIN domain d ON d.id = "
          "dn.domain_id WHERE dn.host_id = (SELECT id FROM host WHERE name = $1) AND dn.domain_name > $2 "
          "ORDER BY dn.domain_name LIMIT $3",
          {P::value, P::after, P::limit},
          "SELECT count(*) FROM host h JOIN domain_nameserver dn ON dn.host_id = h.id WHERE h.name = $1",
          {P::value}};
    case Kind::domain_by_nameserver_ip:
      // One host at a time (see search()): $1 is a host id here.
      return {
          "SELECT dn.domain_name, d.unicode_name FROM domain_nameserver dn JOIN domain d ON d.id = "
          "dn.domain_id WHERE dn.host_id = $1 AND dn.domain_name > $2 ORDER BY dn.domain_name LIMIT $3",
          {P::value, P::after, P::limit},
          "SELECT count(DISTINCT dn.domain_id) FROM host_address a JOIN domain_nameserver dn ON "
          "dn.host_id = a.host_id WHERE a.address = $1",
          {P::value}};
    case Kind::host_by_address:
      return {
          "SELECT a.host_name, h.unicode_name FROM host_address a JOIN host h ON h.id = a.host_id WHERE "
          "a.address = $1 AND a.host_name > $2 ORDER BY a.host_name LIMIT $3",
          {P::value, P::after, P::limit},
          "SELECT count(*) FROM host_address a WHERE a.address = $1",
          {P::value}};
  }
  return {"SELECT NULL, NULL WHERE false", {}, "SELECT 0", {}};
}
#undef SSAD_PG_BY_PARENT
#undef SSAD_PG_RANGE
#undef SSAD_PG_PARENT
#undef SSAD_PG_SUFFIX_FILTER

// The end of a prefix's range: the prefix followed by the highest code point, U+10FFFF. Byte order is
// code point order in UTF-8, so every name that starts with the prefix sorts below it (no name holds
// U+10FFFF). The SQLite store increments the last byte instead; PostgreSQL refuses the invalid UTF-8
// that can make.
constexpr std::string_view kRangeTop = "\xf4\x8f\xbf\xbf";

// The parameters of a search's statement, in the order the plan names them.
std::vector<Param> search_params(const std::vector<P>& order, const NameSearch& search,
                                 std::string_view value, std::string_view after, std::int64_t limit) {
  std::vector<Param> params;
  for (const P p : order) {
    switch (p) {
      case P::value:
        params.emplace_back(value);
        break;
      case P::after:
        params.emplace_back(after);
        break;
      case P::end:
        params.emplace_back(search.value + std::string(kRangeTop));  // owned by the Param
        break;
      case P::suffix:
        params.emplace_back(std::string_view(search.suffix));
        break;
      case P::limit:
        params.emplace_back(limit);
        break;
      case P::parent:
        params.emplace_back(by_parent(search) ? std::string_view(search.suffix).substr(1)
                                              : std::string_view());
        break;
    }
  }
  return params;
}

DomainName name_of(const Rows& rows, int i) {
  return DomainName{std::string(rows.text(i, 0)),
                    rows.is_null(i, 1) ? std::string() : std::string(rows.text(i, 1))};
}

class PostgresRegistrationReader final : public RegistrationReader {
 public:
  explicit PostgresRegistrationReader(ReaderPool& pool) : pool_(pool) {}

  // Eight statements in one round trip (a pipeline), whatever the number of contacts and hosts: the
  // domain with its registrar; its statuses; its DS records; its keys; its contacts with their postal
  // infos; their statuses; its nameservers with their addresses; their statuses. They run in one
  // REPEATABLE READ transaction (the reader connections' default), so they read one snapshot.
  Result<model::Registration> find_registration(std::string_view ldh_name) override {
    return pool_.with_connection([&](Connection& c) -> Result<model::Registration> {
      // One NUL-terminated copy, bound in place by every statement (a Param made from a string_view
      // would copy it again for each).
      const std::string text(ldh_name);
      const Param name(text);
      const std::array<Query, 8> queries{{
          {"SELECT " SSAD_DOMAIN_COLUMNS ", " SSAD_REGISTRAR_COLUMNS
           " FROM domain d JOIN registrar r ON r.id = d.registrar_id" SSAD_JOIN_REGISTRAR_DIRECTORY
           "WHERE d.name = $1",
           {name}},
          {"SELECT s.status, s.description FROM domain d JOIN domain_status s ON s.domain_id = d.id "
           "WHERE d.name = $1 ORDER BY s.status",
           {name}},
          {"SELECT s.key_tag, s.algorithm, s.digest_type, s.digest FROM domain d JOIN domain_ds s ON "
           "s.domain_id = d.id WHERE d.name = $1 ORDER BY s.key_tag, s.algorithm, s.digest_type, s.digest",
           {name}},
          {"SELECT k.flags, k.protocol, k.algorithm, k.public_key FROM domain d JOIN domain_key k ON "
           "k.domain_id = d.id WHERE d.name = $1 ORDER BY k.flags, k.protocol, k.algorithm, k.public_key",
           {name}},
          {"SELECT dc.role, " SSAD_CONTACT_COLUMNS ", " SSAD_POSTAL_COLUMNS
           " FROM domain d JOIN domain_contact dc ON dc.domain_id = d.id JOIN contact c ON c.id = "
           "dc.contact_id LEFT JOIN registrar cr ON cr.id = c.registrar_id "
           "LEFT JOIN contact_postal p ON p.contact_id = c.id WHERE d.name = $1",
           {name}},
          {"SELECT dc.role, s.contact_id, s.status, s.description FROM domain d JOIN domain_contact dc ON "
           "dc.domain_id = d.id JOIN contact_status s ON s.contact_id = dc.contact_id WHERE d.name = $1",
           {name}},
          {"SELECT " SSAD_HOST_COLUMNS
           " FROM domain d JOIN domain_nameserver dn ON dn.domain_id = d.id JOIN host h ON h.id = "
           "dn.host_id LEFT JOIN registrar hr ON hr.id = h.registrar_id "
           "LEFT JOIN host_address a ON a.host_id = h.id WHERE d.name = $1",
           {name}},
          {"SELECT s.host_id, s.status, s.description FROM domain d JOIN domain_nameserver dn ON "
           "dn.domain_id = d.id JOIN host_status s ON s.host_id = dn.host_id WHERE d.name = $1",
           {name}},
      }};
      SSAD_TRY(results, c.pipeline(queries));
      if (results[0].empty()) return std::unexpected(not_found("domain", ldh_name));
      model::Registration reg;
      model::Domain& d = reg.domain;
      (void)read_domain(Row{results[0], 0}, reg);
      SSAD_CHECK(each(results[1], [&](const Row& s) { d.statuses.push_back(read_status(s, 0)); }));
      SSAD_CHECK(each(results[2], [&](const Row& s) { d.ds.push_back(read_ds(s)); }));
      SSAD_CHECK(each(results[3], [&](const Row& s) { d.keys.push_back(read_key(s)); }));
      RegistrationAssembly assembly;
      SSAD_CHECK(each(results[4], [&](const Row& s) { return assembly.contact_row(s); }));
      SSAD_CHECK(each(results[5], [&](const Row& s) { return assembly.contact_status_row(s); }));
      SSAD_CHECK(each(results[6], [&](const Row& s) { assembly.host_row(s); }));
      SSAD_CHECK(each(results[7], [&](const Row& s) { assembly.host_status_row(s); }));
      assembly.finish(reg);
      return reg;
    });
  }

  // Two statements in one round trip: the contact with its postal infos, then its statuses.
  Result<model::Contact> find_contact(std::string_view handle) override {
    return pool_.with_connection([&](Connection& c) -> Result<model::Contact> {
      const std::string text(handle);
      const Param key(text);
      const std::array<Query, 2> queries{{
          {"SELECT " SSAD_CONTACT_COLUMNS ", " SSAD_POSTAL_COLUMNS
           " FROM contact c LEFT JOIN registrar cr ON cr.id = c.registrar_id "
           "LEFT JOIN contact_postal p ON p.contact_id = c.id WHERE c.handle = $1 ORDER BY p.type",
           {key}},
          {"SELECT s.status, s.description FROM contact c JOIN contact_status s ON s.contact_id = c.id "
           "WHERE c.handle = $1 ORDER BY s.status",
           {key}},
      }};
      SSAD_TRY(results, c.pipeline(queries));
      if (results[0].empty()) return std::unexpected(not_found("contact", handle));
      model::Contact contact = read_contact(Row{results[0], 0}, 0);
      SSAD_CHECK(each(results[0], [&](const Row& s) { read_postal(s, kContactColumnCount, contact); }));
      SSAD_CHECK(each(results[1], [&](const Row& s) { contact.statuses.push_back(read_status(s, 0)); }));
      return contact;
    });
  }

  // Two statements in one round trip: the host with its addresses, then its statuses.
  Result<model::Host> find_host(std::string_view ldh_name) override {
    return pool_.with_connection([&](Connection& c) -> Result<model::Host> {
      const std::string text(ldh_name);
      const Param key(text);
      const std::array<Query, 2> queries{{
          {"SELECT " SSAD_HOST_COLUMNS " FROM host h LEFT JOIN registrar hr ON hr.id = h.registrar_id "
           "LEFT JOIN host_address a ON a.host_id = h.id WHERE h.name = $1 ORDER BY a.address",
           {key}},
          {"SELECT s.status, s.description FROM host h JOIN host_status s ON s.host_id = h.id "
           "WHERE h.name = $1 ORDER BY s.status",
           {key}},
      }};
      SSAD_TRY(results, c.pipeline(queries));
      if (results[0].empty()) return std::unexpected(not_found("host", ldh_name));
      model::Host host = read_host(Row{results[0], 0}, 0);
      SSAD_CHECK(each(results[0], [&](const Row& s) { read_address(s, kHostAddressColumn, host); }));
      SSAD_CHECK(each(results[1], [&](const Row& s) { host.statuses.push_back(read_status(s, 0)); }));
      return host;
    });
  }

  Result<model::Registrar> find_registrar(std::string_view handle) override {
    return registrar_where("SELECT " SSAD_REGISTRAR_COLUMNS " FROM registrar r" SSAD_JOIN_REGISTRAR_DIRECTORY
                           "WHERE r.handle = $1",
                           Param(handle), handle);
  }

  Result<model::Registrar> find_registrar_by_iana_id(std::int64_t iana_id) override {
    return registrar_where("SELECT " SSAD_REGISTRAR_COLUMNS " FROM registrar r" SSAD_JOIN_REGISTRAR_DIRECTORY
                           "WHERE r.iana_id = $1 ORDER BY r.handle LIMIT 1",
                           Param(iana_id), std::to_string(iana_id));
  }

  Result<std::vector<std::string>> domains_by_registrar(std::string_view handle, const Page& page) override {
    return pool_.with_connection([&](Connection& c) -> Result<std::vector<std::string>> {
      // One range of domain_by_registrar (registrar_id, name), as for the nameserver search.
      SSAD_TRY(rows,
               c.query("SELECT d.name FROM domain d WHERE d.registrar_id = (SELECT id FROM registrar WHERE "
                       "handle = $1) AND d.name > $2 ORDER BY d.name LIMIT $3",
                       {handle, std::string_view(page.after), limit_of(page)}));
      std::vector<std::string> out;
      out.reserve(static_cast<std::size_t>(rows.size()));
      for (int i = 0; i < rows.size(); ++i) out.emplace_back(rows.text(i, 0));
      return out;
    });
  }

  Result<std::vector<DomainName>> search(const NameSearch& search, const Page& page) override {
    const SearchPlan plan = search_plan(search);
    return pool_.with_connection([&](Connection& c) -> Result<std::vector<DomainName>> {
      std::vector<DomainName> found;
      const auto read = [&](std::string_view value) -> Result<void> {
        const auto params = search_params(plan.list_params, search, value, page.after, limit_of(page));
        SSAD_TRY(rows, c.query(plan.list, params));
        for (int i = 0; i < rows.size(); ++i) found.push_back(name_of(rows, i));
        return {};
      };
      if (search.kind != NameSearch::Kind::domain_by_nameserver_ip) {
        SSAD_CHECK(read(search.value));
        return found;
      }
      // The domains of every host with the address: each host's first page from its index, merged.
      // A page reads at most (hosts × limit) rows, however many domains the hosts serve.
      SSAD_TRY(hosts, c.query("SELECT host_id FROM host_address WHERE address = $1", {search.value}));
      for (int i = 0; i < hosts.size(); ++i) SSAD_CHECK(read(hosts.text(i, 0)));
      merge_pages(found, page);
      return found;
    });
  }

  Result<std::int64_t> count(const NameSearch& search) override {
    const SearchPlan plan = search_plan(search);
    return pool_.with_connection([&](Connection& c) -> Result<std::int64_t> {
      const auto params = search_params(plan.count_params, search, search.value, {}, 0);
      SSAD_TRY(rows, c.query(plan.count, params));
      return rows.integer(0, 0);
    });
  }

  Result<StoreCounts> counts() override {
    return pool_.with_connection([&](Connection& c) -> Result<StoreCounts> {
      SSAD_TRY(rows, c.query("SELECT (SELECT count(*) FROM registrar), (SELECT count(*) FROM contact), "
                             "(SELECT count(*) FROM host), (SELECT count(*) FROM domain)"));
      return StoreCounts{rows.integer(0, 0), rows.integer(0, 1), rows.integer(0, 2), rows.integer(0, 3)};
    });
  }

  Result<std::optional<Timestamp>> data_updated() override {
    return pool_.with_connection([&](Connection& c) -> Result<std::optional<Timestamp>> {
      SSAD_TRY(rows, c.query("SELECT value::bigint FROM store_meta WHERE key = 'data_updated_ms'"));
      if (rows.empty()) return std::optional<Timestamp>();
      return std::optional<Timestamp>(from_unix_ms(rows.integer(0, 0)));
    });
  }

  Result<std::optional<DepositRecord>> last_deposit() override {
    return pool_.with_connection([&](Connection& c) -> Result<std::optional<DepositRecord>> {
      SSAD_TRY(rows, c.query(kLastDepositSql));
      return deposit_of(rows);
    });
  }

  Result<std::optional<DepositRecord>> find_deposit(std::string_view id) override {
    return pool_.with_connection([&](Connection& c) -> Result<std::optional<DepositRecord>> {
      SSAD_TRY(rows, c.query(kFindDepositSql, {id}));
      return deposit_of(rows);
    });
  }

 private:
  Result<model::Registrar> registrar_where(const char* sql, const Param& key, std::string_view shown) {
    return pool_.with_connection([&](Connection& c) -> Result<model::Registrar> {
      SSAD_TRY(rows, c.query(sql, std::span<const Param>(&key, 1)));
      if (rows.empty()) return std::unexpected(not_found("registrar", shown));
      return read_registrar(Row{rows, 0}, 0);
    });
  }

  ReaderPool& pool_;
};

class PostgresRegistrarDirectoryReader final : public RegistrarDirectoryReader {
 public:
  explicit PostgresRegistrarDirectoryReader(ReaderPool& pool) : pool_(pool) {}

  Result<std::vector<RegistrarDirectoryEntry>> entries() override {
    return pool_.with_connection([&](Connection& c) -> Result<std::vector<RegistrarDirectoryEntry>> {
      SSAD_TRY(rows, c.query("SELECT iana_id, name, status, rdap_base_url, url, abuse_email, abuse_phone, "
                             "updated_ms FROM registrar_directory ORDER BY iana_id"));
      std::vector<RegistrarDirectoryEntry> entries;
      entries.reserve(static_cast<std::size_t>(rows.size()));
      for (int i = 0; i < rows.size(); ++i) {
        entries.push_back({rows.integer(i, 0), std::string(rows.text(i, 1)), std::string(rows.text(i, 2)),
                           std::string(rows.text(i, 3)), std::string(rows.text(i, 4)),
                           std::string(rows.text(i, 5)), std::string(rows.text(i, 6)),
                           from_unix_ms(rows.integer(i, 7))});
      }
      return entries;
    });
  }

  Result<std::vector<RegistrarWithoutAbuseContact>> registrars_without_abuse_contact() override {
    return pool_.with_connection([&](Connection& c) -> Result<std::vector<RegistrarWithoutAbuseContact>> {
      SSAD_TRY(rows, c.query("SELECT r.iana_id, r.handle, r.name, "
                             "coalesce(nullif(rd.abuse_email, ''), r.abuse_email) = '', "
                             "coalesce(nullif(rd.abuse_phone, ''), r.abuse_phone) = '' "
                             "FROM registrar r" SSAD_JOIN_REGISTRAR_DIRECTORY
                             "WHERE coalesce(nullif(rd.abuse_email, ''), r.abuse_email) = '' "
                             "OR coalesce(nullif(rd.abuse_phone, ''), r.abuse_phone) = '' "
                             "ORDER BY r.iana_id IS NULL, r.iana_id, r.handle"));
      std::vector<RegistrarWithoutAbuseContact> out;
      out.reserve(static_cast<std::size_t>(rows.size()));
      for (int i = 0; i < rows.size(); ++i) {
        out.push_back({rows.optional_integer(i, 0), std::string(rows.text(i, 1)),
                       std::string(rows.text(i, 2)), rows.boolean(i, 3), rows.boolean(i, 4)});
      }
      return out;
    });
  }

 private:
  ReaderPool& pool_;
};

}  // namespace

std::unique_ptr<RegistrationReader> make_registration_reader(ReaderPool& pool) {
  return std::make_unique<PostgresRegistrationReader>(pool);
}

std::unique_ptr<RegistrarDirectoryReader> make_registrar_directory_reader(ReaderPool& pool) {
  return std::make_unique<PostgresRegistrarDirectoryReader>(pool);
}

}  // namespace ssad::store::postgres
