#include "store/sqlite/sqlite_store.hpp"

#include <algorithm>
#include <condition_variable>
#include <mutex>
#include <optional>
#include <thread>
#include <tuple>
#include <type_traits>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "store/row_reading.hpp"
#include "store/sqlite/connection.hpp"
#include "store/sqlite/migrations.hpp"
#include "store/sqlite/sqlite.hpp"
#include "store/sqlite/sqlite_abuse.hpp"
#include "store/sqlite/sqlite_audit_log.hpp"
#include "store/sqlite/sqlite_outbox.hpp"
#include "store/sqlite/sqlite_requestors.hpp"
#include "store/sqlite/sqlite_requests.hpp"
#include "store/sqlite/sqlite_subject.hpp"

namespace ssad::store::sqlite {
namespace {

using namespace rows;  // NOLINT(google-build-using-namespace): the shared row readers

Error not_found(std::string_view what, std::string_view key) {
  return Error{ErrorCode::not_found, std::string(what) + " '" + std::string(key) + "' not found"};
}

// The imports applied (readers and units of work read them alike).
constexpr const char* kFindDepositSql =
    "SELECT id, type, prev_id, tld, watermark_ms, sha256, imported_ms FROM escrow_deposit WHERE id = ?";
constexpr const char* kLastDepositSql =
    "SELECT id, type, prev_id, tld, watermark_ms, sha256, imported_ms FROM escrow_deposit "
    "WHERE type IN ('FULL', 'DIFF', 'INCR') ORDER BY imported_ms DESC, rowid DESC LIMIT 1";

// The registration repository's reads, on one connection.
class Queries {
 public:
  explicit Queries(Connection& c) : c_(c) {}

  Result<model::Registrar> registrar_where(const char* sql, auto bind_key, std::string_view key) {
    SSAD_TRY(stmt, c_.statement(sql));
    bind_key(*stmt);
    SSAD_TRY(row, stmt->step());
    if (!row) return std::unexpected(not_found("registrar", key));
    return read_registrar(*stmt, 0);
  }

  Result<model::Registrar> registrar(std::string_view handle) {
    return registrar_where(
        "SELECT " SSAD_REGISTRAR_COLUMNS " FROM registrar r" SSAD_JOIN_REGISTRAR_DIRECTORY
        "WHERE r.handle = ?",
        [&](Statement& s) { s.bind(1, handle); }, handle);
  }

  Result<model::Registrar> registrar_by_iana_id(std::int64_t iana_id) {
    return registrar_where(
        "SELECT " SSAD_REGISTRAR_COLUMNS " FROM registrar r" SSAD_JOIN_REGISTRAR_DIRECTORY
        "WHERE r.iana_id = ? ORDER BY r.handle LIMIT 1",
        [&](Statement& s) { s.bind(1, iana_id); }, std::to_string(iana_id));
  }

  // Calls `row(stmt)` for each row of `sql` bound to `id`; `row` returns void or a Result<void> that
  // stops the loop when it is an error.
  Result<void> each_row(const char* sql, std::int64_t id, auto row) {
    SSAD_TRY(stmt, c_.statement(sql));
    stmt->bind(1, id);
    for (;;) {
      SSAD_TRY(more, stmt->step());
      if (!more) return {};
      if constexpr (std::is_void_v<decltype(row(*stmt))>) {
        row(*stmt);
      } else {
        SSAD_CHECK(row(*stmt));
      }
    }
  }

  // Two statements: the contact with its postal infos, then its statuses.
  Result<model::Contact> contact(std::string_view handle) {
    SSAD_TRY(stmt, c_.statement("SELECT " SSAD_CONTACT_COLUMNS ", " SSAD_POSTAL_COLUMNS
                                " FROM contact c LEFT JOIN registrar cr ON cr.id = c.registrar_id "
                                "LEFT JOIN contact_postal p ON p.contact_id = c.id WHERE c.handle = ? "
                                "ORDER BY p.type"));
    stmt->bind(1, handle);
    SSAD_TRY(row, stmt->step());
    if (!row) return std::unexpected(not_found("contact", handle));
    const std::int64_t id = stmt->integer(0);
    model::Contact c = read_contact(*stmt, 0);
    for (;;) {
      read_postal(*stmt, kContactColumnCount, c);
      SSAD_TRY(more, stmt->step());
      if (!more) break;
    }
    SSAD_CHECK(each_row("SELECT status, description FROM contact_status WHERE contact_id = ? ORDER BY status",
                        id, [&](const Statement& s) { c.statuses.push_back(read_status(s, 0)); }));
    return c;
  }

  // Two statements: the host with its addresses, then its statuses.
  Result<model::Host> host(std::string_view ldh_name) {
    SSAD_TRY(stmt, c_.statement("SELECT " SSAD_HOST_COLUMNS
                                " FROM host h LEFT JOIN registrar hr ON hr.id = h.registrar_id "
                                "LEFT JOIN host_address a ON a.host_id = h.id WHERE h.name = ? "
                                "ORDER BY a.address"));
    stmt->bind(1, ldh_name);
    SSAD_TRY(row, stmt->step());
    if (!row) return std::unexpected(not_found("host", ldh_name));
    const std::int64_t id = stmt->integer(0);
    model::Host h = read_host(*stmt, 0);
    for (;;) {
      read_address(*stmt, kHostAddressColumn, h);
      SSAD_TRY(more, stmt->step());
      if (!more) break;
    }
    SSAD_CHECK(each_row("SELECT status, description FROM host_status WHERE host_id = ? ORDER BY status", id,
                        [&](const Statement& s) { h.statuses.push_back(read_status(s, 0)); }));
    return h;
  }

  // Eight statements whatever the number of contacts and hosts: the domain with its registrar; its
  // statuses; its DS records; its keys; its contacts with their postal infos; their statuses; its
  // nameservers with their addresses; their statuses. The first statement stays open until the
  // connection is handed back, so that its read transaction gives every later one the same snapshot.
  //
  // The joined rows come in no particular order and are put in order here (contacts by role, then
  // handle; postal infos by type; nameservers by name; addresses and statuses by value): in SQL, those
  // ORDER BYs sort in a temporary B-tree each, a fifth of a lookup's time. std::string compares
  // bytewise, as SQLite's BINARY collation does, so the order is the one an ORDER BY gives.
  Result<model::Registration> registration(std::string_view ldh_name) {
    SSAD_TRY(
        stmt,
        c_.statement("SELECT " SSAD_DOMAIN_COLUMNS ", " SSAD_REGISTRAR_COLUMNS
                     " FROM domain d JOIN registrar r ON r.id = d.registrar_id" SSAD_JOIN_REGISTRAR_DIRECTORY
                     "WHERE d.name = ?"));
    stmt->bind(1, ldh_name);
    SSAD_TRY(row, stmt->step());
    if (!row) return std::unexpected(not_found("domain", ldh_name));
    model::Registration reg;
    model::Domain& d = reg.domain;
    const std::int64_t id = read_domain(*stmt, reg);

    // These three come in their primary key's order, which their ORDER BY names at no cost.
    SSAD_CHECK(each_row("SELECT status, description FROM domain_status WHERE domain_id = ? ORDER BY status",
                        id, [&](const Statement& s) { d.statuses.push_back(read_status(s, 0)); }));
    SSAD_CHECK(
        each_row("SELECT key_tag, algorithm, digest_type, digest FROM domain_ds WHERE domain_id = ? "
                 "ORDER BY key_tag, algorithm, digest_type, digest",
                 id, [&](const Statement& s) { d.ds.push_back(read_ds(s)); }));
    SSAD_CHECK(
        each_row("SELECT flags, protocol, algorithm, public_key FROM domain_key WHERE domain_id = ? "
                 "ORDER BY flags, protocol, algorithm, public_key",
                 id, [&](const Statement& s) { d.keys.push_back(read_key(s)); }));

    rows::RegistrationAssembly assembly;
    SSAD_CHECK(each_row("SELECT dc.role, " SSAD_CONTACT_COLUMNS ", " SSAD_POSTAL_COLUMNS
                        " FROM domain_contact dc JOIN contact c ON c.id = dc.contact_id "
                        "LEFT JOIN registrar cr ON cr.id = c.registrar_id "
                        "LEFT JOIN contact_postal p ON p.contact_id = c.id WHERE dc.domain_id = ?",
                        id, [&](const Statement& s) { return assembly.contact_row(s); }));
    SSAD_CHECK(
        each_row("SELECT dc.role, s.contact_id, s.status, s.description FROM domain_contact dc "
                 "JOIN contact_status s ON s.contact_id = dc.contact_id WHERE dc.domain_id = ?",
                 id, [&](const Statement& s) { return assembly.contact_status_row(s); }));
    SSAD_CHECK(each_row("SELECT " SSAD_HOST_COLUMNS
                        " FROM domain_nameserver dn JOIN host h ON h.id = dn.host_id "
                        "LEFT JOIN registrar hr ON hr.id = h.registrar_id "
                        "LEFT JOIN host_address a ON a.host_id = h.id WHERE dn.domain_id = ?",
                        id, [&](const Statement& s) { assembly.host_row(s); }));
    SSAD_CHECK(
        each_row("SELECT s.host_id, s.status, s.description FROM domain_nameserver dn "
                 "JOIN host_status s ON s.host_id = dn.host_id WHERE dn.domain_id = ?",
                 id, [&](const Statement& s) { assembly.host_status_row(s); }));
    assembly.finish(reg);
    return reg;
  }

  Result<std::vector<std::string>> names(const char* sql, auto bind) {
    SSAD_TRY(stmt, c_.statement(sql));
    bind(*stmt);
    std::vector<std::string> out;
    for (;;) {
      SSAD_TRY(more, stmt->step());
      if (!more) break;
      out.emplace_back(stmt->text(0));
    }
    return out;
  }

  Result<std::optional<DepositRecord>> deposit(const char* sql, std::string_view id) {
    SSAD_TRY(stmt, c_.statement(sql));
    if (!id.empty()) stmt->bind(1, id);
    SSAD_TRY(row, stmt->step());
    if (!row) return std::optional<DepositRecord>();
    return std::optional<DepositRecord>(
        DepositRecord{std::string(stmt->text(0)), std::string(stmt->text(1)), std::string(stmt->text(2)),
                      std::string(stmt->text(3)), from_unix_ms(stmt->integer(4)), std::string(stmt->text(5)),
                      from_unix_ms(stmt->integer(6))});
  }

 private:
  Connection& c_;
};

// Upper bound for a prefix range scan: "exam" -> "exan" (byte-wise; names are lower-case UTF-8).
std::string prefix_end(std::string_view prefix) {
  std::string end(prefix);
  while (!end.empty()) {
    auto& last = reinterpret_cast<unsigned char&>(end.back());
    if (last < 0xff) {
      ++last;
      return end;
    }
    end.pop_back();
  }
  return {};
}

// How a search reads the store. Every plan pages from an index in the result order: a page reads the rows
// it returns (plus what the filter skips), never every match sorted again.
//  - range: a prefix is a name range [?1, ?3) of the name index; a suffix (?4) is checked per row.
//  - parent: "exam*.com" — the prefix lies within the first label and ?6 is the parent ("com"), so the
//    matches are one range of the (parent, name) index (schema 0004) with nothing to filter.
//  - exact: the nameserver and address kinds, one range of their (key, name) index.
// Bindings: ?1 value, ?2 after, ?3 range end, ?4 suffix, ?5 limit, ?6 parent; `count` ignores ?2 and ?5.
struct SearchPlan {
  const char* list;
  const char* count;
};

// Keeps names ending in ?4 whose wildcard part (between prefix and suffix) holds no '.' (RFC 9082 §4.1:
// "exam*.com" matches example.com, not exam.ple.com).
#define SSAD_SUFFIX_FILTER(col)                                                  \
  " AND (?4 = '' OR (length(" col ") >= length(?1) + length(?4) AND substr(" col \
  ", -length(?4)) = ?4"                                                          \
  " AND instr(substr(" col ", length(?1) + 1, length(" col ") - length(?1) - length(?4)), '.') = 0))"
#define SSAD_PARENT(col) "substr(" col ", instr(" col ", '.') + 1)"
#define SSAD_RANGE(table, col, filter)                                                                  \
  SearchPlan{"SELECT name, unicode_name FROM " table " WHERE " filter " AND " col " >= ?1 AND " col     \
             " > ?2 AND " col " < ?3" SSAD_SUFFIX_FILTER(col) " AND ?6 = ?6 ORDER BY " col " LIMIT ?5", \
             "SELECT count(*) FROM " table " WHERE " filter " AND " col " >= ?1 AND " col               \
             " < ?3" SSAD_SUFFIX_FILTER(col) " AND ?2 = ?2 AND ?5 = ?5 AND ?6 = ?6"}
#define SSAD_BY_PARENT(table, col, filter)                                                \
  SearchPlan{"SELECT name, unicode_name FROM " table " WHERE " filter                     \
             " AND " SSAD_PARENT(col) " = ?6 AND " col " >= ?1 AND " col " > ?2 AND " col \
                                      " < ?3 AND ?4 = ?4 ORDER BY " col " LIMIT ?5",      \
             "SELECT count(*) FROM " table " WHERE " filter                               \
             " AND " SSAD_PARENT(col) " = ?6 AND " col " >= ?1 AND " col                  \
                                      " < ?3 AND ?2 = ?2 AND ?4 = ?4 AND ?5 = ?5"}

SearchPlan search_plan(const NameSearch& search) {
  using Kind = NameSearch::Kind;
  const bool parent = by_parent(search);
  switch (search.kind) {
    case Kind::domain_prefix:
      return parent ? SSAD_BY_PARENT("domain", "name", "1") : SSAD_RANGE("domain", "name", "1");
    case Kind::domain_unicode_prefix:
      return parent ? SSAD_BY_PARENT("domain", "unicode_name", "unicode_name IS NOT NULL")
                    : SSAD_RANGE("domain", "unicode_name", "unicode_name IS NOT NULL");
    case Kind::host_prefix:
      return parent ? SSAD_BY_PARENT("host", "name", "1") : SSAD_RANGE("host", "name", "1");
    case Kind::host_unicode_prefix:
      return parent ? SSAD_BY_PARENT("host", "unicode_name", "unicode_name IS NOT NULL")
                    : SSAD_RANGE("host", "unicode_name", "unicode_name IS NOT NULL");
    case Kind::domain_by_nameserver:
      return {
          "SELECT dn.domain_name, d.unicode_name FROM host h JOIN domain_nameserver dn ON dn.host_id = "
          "h.id JOIN domain d ON d.id = dn.domain_id WHERE h.name = ?1 AND dn.domain_name > ?2 ORDER BY "
          "dn.domain_name LIMIT ?5",
          "SELECT count(*) FROM host h JOIN domain_nameserver dn ON dn.host_id = h.id WHERE h.name = ?1"};
    case Kind::domain_by_nameserver_ip:
      // One host at a time (see SqliteRegistrationReader::search): ?1 is a host id here.
      return {
          "SELECT dn.domain_name, d.unicode_name FROM domain_nameserver dn JOIN domain d ON d.id = "
          "dn.domain_id WHERE dn.host_id = ?1 AND dn.domain_name > ?2 ORDER BY dn.domain_name LIMIT ?5",
          "SELECT count(DISTINCT dn.domain_id) FROM host_address a JOIN domain_nameserver dn ON dn.host_id "
          "= a.host_id WHERE a.address = ?1"};
    case Kind::host_by_address:
      return {
          "SELECT a.host_name, h.unicode_name FROM host_address a JOIN host h ON h.id = a.host_id WHERE "
          "a.address = ?1 AND a.host_name > ?2 ORDER BY a.host_name LIMIT ?5",
          "SELECT count(*) FROM host_address a WHERE a.address = ?1"};
  }
  return {"SELECT NULL, NULL WHERE 0", "SELECT 0"};
}
#undef SSAD_BY_PARENT
#undef SSAD_RANGE
#undef SSAD_PARENT
#undef SSAD_SUFFIX_FILTER

// No valid UTF-8 name reaches a byte 0xff, so it bounds a range whose prefix has no successor.
constexpr std::string_view kRangeTop = "\xff";

// The bound values of a search; they must outlive the statement's use (bound without a copy).
struct SearchBindings {
  std::string end;
  std::string parent;

  SearchBindings(const NameSearch& search) {
    end = prefix_end(search.value);
    if (end.empty()) end = kRangeTop;
    if (by_parent(search)) parent = search.suffix.substr(1);
  }

  /// Binds every parameter the statement has; ?1 is bound by the caller.
  void bind(Statement& s, const NameSearch& search, std::string_view after, std::int64_t limit) const {
    const int parameters = s.parameter_count();
    if (parameters >= 2) s.bind(2, after);
    if (parameters >= 3) s.bind(3, end).bind(4, search.suffix);
    if (parameters >= 5) s.bind(5, limit);
    if (parameters >= 6) s.bind(6, parent);
  }
};

DomainName name_of(const Statement& s) {
  return DomainName{std::string(s.text(0)), s.is_null(1) ? std::string() : std::string(s.text(1))};
}

class SqliteRegistrationReader final : public RegistrationReader {
 public:
  explicit SqliteRegistrationReader(ReaderPool& pool) : pool_(pool) {}

  Result<model::Registration> find_registration(std::string_view ldh_name) override {
    return pool_.with_connection([&](Connection& c) { return Queries(c).registration(ldh_name); });
  }
  Result<model::Contact> find_contact(std::string_view handle) override {
    return pool_.with_connection([&](Connection& c) { return Queries(c).contact(handle); });
  }
  Result<model::Host> find_host(std::string_view ldh_name) override {
    return pool_.with_connection([&](Connection& c) { return Queries(c).host(ldh_name); });
  }
  Result<model::Registrar> find_registrar(std::string_view handle) override {
    return pool_.with_connection([&](Connection& c) { return Queries(c).registrar(handle); });
  }
  Result<model::Registrar> find_registrar_by_iana_id(std::int64_t iana_id) override {
    return pool_.with_connection([&](Connection& c) { return Queries(c).registrar_by_iana_id(iana_id); });
  }

  Result<std::vector<std::string>> domains_by_registrar(std::string_view handle, const Page& page) override {
    return pool_.with_connection([&](Connection& c) {
      return Queries(c).names(
          "SELECT d.name FROM registrar r JOIN domain d ON d.registrar_id = r.id WHERE r.handle = ? AND "
          "d.name > ? "
          "ORDER BY d.name LIMIT ?",
          [&](Statement& s) { s.bind(1, handle).bind(2, page.after).bind(3, limit_of(page)); });
    });
  }

  Result<std::vector<DomainName>> search(const NameSearch& search, const Page& page) override {
    const SearchPlan plan = search_plan(search);
    const SearchBindings bindings(search);
    return pool_.with_connection([&](Connection& c) -> Result<std::vector<DomainName>> {
      std::vector<DomainName> found;
      const auto read = [&](auto key) -> Result<void> {
        SSAD_TRY(stmt, c.statement(plan.list));
        stmt->bind(1, key);
        bindings.bind(*stmt, search, page.after, limit_of(page));
        for (;;) {
          SSAD_TRY(more, stmt->step());
          if (!more) return {};
          found.push_back(name_of(*stmt));
        }
      };
      if (search.kind != NameSearch::Kind::domain_by_nameserver_ip) {
        SSAD_CHECK(read(std::string_view(search.value)));
        return found;
      }
      // The domains of every host with the address: each host's first page from its index, merged.
      // A page reads at most (hosts × limit) rows, however many domains the hosts serve.
      std::vector<std::int64_t> hosts;
      {
        SSAD_TRY(stmt, c.statement("SELECT host_id FROM host_address WHERE address = ?"));
        stmt->bind(1, search.value);
        for (;;) {
          SSAD_TRY(more, stmt->step());
          if (!more) break;
          hosts.push_back(stmt->integer(0));
        }
      }
      for (const std::int64_t host : hosts) SSAD_CHECK(read(host));
      merge_pages(found, page);
      return found;
    });
  }

  Result<std::int64_t> count(const NameSearch& search) override {
    const SearchPlan plan = search_plan(search);
    const SearchBindings bindings(search);
    return pool_.with_connection([&](Connection& c) -> Result<std::int64_t> {
      SSAD_TRY(stmt, c.statement(plan.count));
      stmt->bind(1, search.value);
      bindings.bind(*stmt, search, {}, 0);
      SSAD_TRY(row, stmt->step());
      (void)row;
      return stmt->integer(0);
    });
  }

  Result<StoreCounts> counts() override {
    return pool_.with_connection([&](Connection& c) -> Result<StoreCounts> {
      SSAD_TRY(stmt, c.statement("SELECT (SELECT count(*) FROM registrar), (SELECT count(*) FROM contact), "
                                 "(SELECT count(*) FROM host), (SELECT count(*) FROM domain)"));
      SSAD_TRY(row, stmt->step());
      (void)row;
      return StoreCounts{stmt->integer(0), stmt->integer(1), stmt->integer(2), stmt->integer(3)};
    });
  }

  Result<std::optional<Timestamp>> data_updated() override {
    return pool_.with_connection([&](Connection& c) -> Result<std::optional<Timestamp>> {
      SSAD_TRY(stmt,
               c.statement("SELECT CAST(value AS INTEGER) FROM store_meta WHERE key = 'data_updated_ms'"));
      SSAD_TRY(row, stmt->step());
      if (!row) return std::optional<Timestamp>();
      return std::optional<Timestamp>(from_unix_ms(stmt->integer(0)));
    });
  }

  Result<std::optional<DepositRecord>> last_deposit() override {
    return pool_.with_connection([&](Connection& c) { return Queries(c).deposit(kLastDepositSql, {}); });
  }

  Result<std::optional<DepositRecord>> find_deposit(std::string_view id) override {
    return pool_.with_connection([&](Connection& c) { return Queries(c).deposit(kFindDepositSql, id); });
  }

 private:
  ReaderPool& pool_;
};

class SqliteRegistrarDirectoryReader final : public RegistrarDirectoryReader {
 public:
  explicit SqliteRegistrarDirectoryReader(ReaderPool& pool) : pool_(pool) {}

  Result<std::vector<RegistrarDirectoryEntry>> entries() override {
    return pool_.with_connection([&](Connection& c) -> Result<std::vector<RegistrarDirectoryEntry>> {
      SSAD_TRY(stmt,
               c.statement("SELECT iana_id, name, status, rdap_base_url, url, abuse_email, abuse_phone, "
                           "updated_ms FROM registrar_directory ORDER BY iana_id"));
      std::vector<RegistrarDirectoryEntry> entries;
      for (;;) {
        SSAD_TRY(more, stmt->step());
        if (!more) break;
        entries.push_back({stmt->integer(0), std::string(stmt->text(1)), std::string(stmt->text(2)),
                           std::string(stmt->text(3)), std::string(stmt->text(4)), std::string(stmt->text(5)),
                           std::string(stmt->text(6)), from_unix_ms(stmt->integer(7))});
      }
      return entries;
    });
  }

  Result<std::vector<RegistrarWithoutAbuseContact>> registrars_without_abuse_contact() override {
    return pool_.with_connection([&](Connection& c) -> Result<std::vector<RegistrarWithoutAbuseContact>> {
      SSAD_TRY(stmt, c.statement("SELECT r.iana_id, r.handle, r.name, "
                                 "coalesce(nullif(rd.abuse_email, ''), r.abuse_email) = '', "
                                 "coalesce(nullif(rd.abuse_phone, ''), r.abuse_phone) = '' "
                                 "FROM registrar r" SSAD_JOIN_REGISTRAR_DIRECTORY
                                 "WHERE coalesce(nullif(rd.abuse_email, ''), r.abuse_email) = '' "
                                 "OR coalesce(nullif(rd.abuse_phone, ''), r.abuse_phone) = '' "
                                 "ORDER BY r.iana_id IS NULL, r.iana_id, r.handle"));
      std::vector<RegistrarWithoutAbuseContact> registrars;
      for (;;) {
        SSAD_TRY(more, stmt->step());
        if (!more) break;
        registrars.push_back({stmt->optional_integer(0), std::string(stmt->text(1)),
                              std::string(stmt->text(2)), stmt->integer(3) != 0, stmt->integer(4) != 0});
      }
      return registrars;
    });
  }

 private:
  ReaderPool& pool_;
};

// Ids of the objects touched by a write transaction, so that child rows and references resolve
// without a query each; `put` marks objects put in this transaction (a second put is a duplicate).
struct IdCache {
  struct Entry {
    std::int64_t id = 0;
    bool put = false;
  };
  // Transparent hashing: lookups by string_view allocate nothing (millions per import).
  struct Hash {
    using is_transparent = void;
    std::size_t operator()(std::string_view key) const { return std::hash<std::string_view>{}(key); }
  };
  std::unordered_map<std::string, Entry, Hash, std::equal_to<>> by_key;
  bool table_empty = false;  // nothing stored before this transaction: a cache miss means "absent"
};

// The registration repository's writes, on the connection of a unit of work (inside its transaction).
class SqliteRegistrationWriter final : public RegistrationWriter {
 public:
  explicit SqliteRegistrationWriter(Connection& conn) : conn_(&conn) {}

  Result<void> put_registrar(const model::Registrar& r) override {
    SSAD_CHECK(writing());
    auto& entry = registrars_.by_key[r.handle];
    if (entry.put) return fail(ErrorCode::conflict, "duplicate registrar '" + r.handle + "'");
    const char* sql =
        entry.id != 0
            ? "UPDATE registrar SET name=?2, iana_id=?3, status=?4, street1=?5, street2=?6, street3=?7, "
              "city=?8, "
              "state_province=?9, postal_code=?10, country_code=?11, voice=?12, voice_ext=?13, fax=?14, "
              "fax_ext=?15, "
              "email=?16, url=?17, whois_server=?18, rdap_base_url=?19, abuse_email=?20, abuse_phone=?21, "
              "created_ms=?22, updated_ms=?23 WHERE handle=?1"
            : "INSERT INTO registrar (handle, name, iana_id, status, street1, street2, street3, city, "
              "state_province, "
              "postal_code, country_code, voice, voice_ext, fax, fax_ext, email, url, whois_server, "
              "rdap_base_url, "
              "abuse_email, abuse_phone, created_ms, updated_ms) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, "
              "?10, "
              "?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, ?21, ?22, ?23)";
    SSAD_TRY(stmt, conn_->statement(sql));
    stmt->bind(1, r.handle).bind(2, r.name).bind(3, r.iana_id).bind(4, r.status);
    stmt->bind(5, r.address.street[0]).bind(6, r.address.street[1]).bind(7, r.address.street[2]);
    stmt->bind(8, r.address.city).bind(9, r.address.state_province).bind(10, r.address.postal_code);
    stmt->bind(11, r.address.country_code).bind(12, r.voice).bind(13, r.voice_ext).bind(14, r.fax);
    stmt->bind(15, r.fax_ext)
        .bind(16, r.email)
        .bind(17, r.url)
        .bind(18, r.whois_server)
        .bind(19, r.rdap_base_url);
    stmt->bind(20, r.abuse_email).bind(21, r.abuse_phone).bind(22, ms(r.created)).bind(23, ms(r.updated));
    SSAD_CHECK(stmt->run());
    if (entry.id == 0) entry.id = conn_->db().last_insert_rowid();
    entry.put = true;
    return {};
  }

  Result<void> put_contact(const model::Contact& c) override {
    SSAD_CHECK(writing());
    std::optional<std::int64_t> registrar_id;
    if (!c.registrar.empty()) {
      SSAD_TRY(id, registrar_id_of(c.registrar));
      registrar_id = id;
    }
    SSAD_TRY(existing, lookup_entry(contacts_, c.handle, "SELECT id FROM contact WHERE handle = ?"));
    if (existing->put) return fail(ErrorCode::conflict, "duplicate contact '" + c.handle + "'");
    const char* sql = existing->id != 0 ? "UPDATE contact SET roid=?2, voice=?3, voice_ext=?4, fax=?5, "
                                          "fax_ext=?6, email=?7, registrar_id=?8, "
                                          "person_type=?9, consent=?10, privacy_service=?11, created_ms=?12, "
                                          "updated_ms=?13 WHERE handle=?1"
                                        : "INSERT INTO contact (handle, roid, voice, voice_ext, fax, "
                                          "fax_ext, email, registrar_id, person_type, "
                                          "consent, privacy_service, created_ms, updated_ms) VALUES (?1, ?2, "
                                          "?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, "
                                          "?11, ?12, ?13)";
    SSAD_TRY(stmt, conn_->statement(sql));
    stmt->bind(1, c.handle).bind(2, c.roid).bind(3, c.voice).bind(4, c.voice_ext).bind(5, c.fax);
    stmt->bind(6, c.fax_ext).bind(7, c.email).bind(8, registrar_id).bind(9, model::to_string(c.person_type));
    stmt->bind(10, std::int64_t{c.consent}).bind(11, c.privacy_service).bind(12, ms(c.created));
    stmt->bind(13, ms(c.updated));
    SSAD_CHECK(stmt->run());
    if (existing->id != 0) {
      SSAD_CHECK(delete_children(existing->id, {"DELETE FROM contact_postal WHERE contact_id = ?",
                                                "DELETE FROM contact_status WHERE contact_id = ?"}));
    } else {
      existing->id = conn_->db().last_insert_rowid();
    }
    existing->put = true;
    for (const auto& p : c.postal) SSAD_CHECK(insert_postal(existing->id, c.handle, p));
    for (const auto& s : c.statuses)
      SSAD_CHECK(insert_status("INSERT INTO contact_status VALUES (?, ?, ?)", existing->id, s, c.handle));
    return {};
  }

  Result<void> put_host(const model::Host& h) override {
    SSAD_CHECK(writing());
    std::optional<std::int64_t> registrar_id;
    if (!h.registrar.empty()) {
      SSAD_TRY(id, registrar_id_of(h.registrar));
      registrar_id = id;
    }
    SSAD_TRY(by_roid, lookup_entry(hosts_by_roid_, h.roid, "SELECT id FROM host WHERE roid = ?"));
    if (by_roid->put) return fail(ErrorCode::conflict, "duplicate host ROID '" + h.roid + "'");
    SSAD_TRY(by_name, lookup_entry(hosts_by_name_, h.name.ldh, "SELECT id FROM host WHERE name = ?"));
    if (by_name->put) return fail(ErrorCode::conflict, "duplicate host '" + h.name.ldh + "'");
    if (by_name->id != 0 && by_roid->id != by_name->id) {
      return fail(ErrorCode::conflict, "host '" + h.name.ldh + "' is stored under another ROID");
    }
    const std::int64_t old_id = by_roid->id;
    const char* sql =
        old_id != 0
            ? "UPDATE host SET name=?2, unicode_name=?3, registrar_id=?4, created_ms=?5, updated_ms=?6, "
              "transferred_ms=?7 WHERE roid=?1"
            : "INSERT INTO host (roid, name, unicode_name, registrar_id, created_ms, updated_ms, "
              "transferred_ms) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)";
    SSAD_TRY(stmt, conn_->statement(sql));
    stmt->bind(1, h.roid).bind(2, h.name.ldh);
    if (h.name.unicode.empty()) {
      stmt->bind_null(3);
    } else {
      stmt->bind(3, h.name.unicode);
    }
    stmt->bind(4, registrar_id).bind(5, ms(h.created)).bind(6, ms(h.updated)).bind(7, ms(h.transferred));
    SSAD_CHECK(stmt->run());
    std::int64_t id = old_id;
    if (old_id != 0) {
      SSAD_CHECK(delete_children(
          id, {"DELETE FROM host_address WHERE host_id = ?", "DELETE FROM host_status WHERE host_id = ?"}));
    } else {
      id = conn_->db().last_insert_rowid();
    }
    by_roid->id = by_name->id = id;
    by_roid->put = by_name->put = true;
    for (const auto& a : h.ipv4) SSAD_CHECK(add_host_address(h.roid, a));
    for (const auto& a : h.ipv6) SSAD_CHECK(add_host_address(h.roid, a));
    for (const auto& s : h.statuses) SSAD_CHECK(add_host_status(h.roid, s));
    return {};
  }

  Result<void> put_domain(const model::Domain& d) override {
    SSAD_CHECK(writing());
    SSAD_TRY(registrar_id, registrar_id_of(d.registrar));
    SSAD_TRY(existing, lookup_entry(domains_, d.name.ldh, "SELECT id FROM domain WHERE name = ?"));
    if (existing->put) return fail(ErrorCode::conflict, "duplicate domain '" + d.name.ldh + "'");
    const char* sql = existing->id != 0 ? "UPDATE domain SET unicode_name=?2, roid=?3, tld=?4, idn_table=?5, "
                                          "registrar_id=?6, reseller=?7, "
                                          "max_sig_life=?8, created_ms=?9, updated_ms=?10, expires_ms=?11, "
                                          "transferred_ms=?12 WHERE name=?1"
                                        : "INSERT INTO domain (name, unicode_name, roid, tld, idn_table, "
                                          "registrar_id, reseller, max_sig_life, "
                                          "created_ms, updated_ms, expires_ms, transferred_ms) VALUES (?1, "
                                          "?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, "
                                          "?11, ?12)";
    SSAD_TRY(stmt, conn_->statement(sql));
    stmt->bind(1, d.name.ldh);
    if (d.name.unicode.empty()) {
      stmt->bind_null(2);
    } else {
      stmt->bind(2, d.name.unicode);
    }
    stmt->bind(3, d.roid).bind(4, top_level_label(d.name.ldh)).bind(5, d.idn_table).bind(6, registrar_id);
    stmt->bind(7, d.reseller).bind(8, d.max_sig_life).bind(9, ms(d.created)).bind(10, ms(d.updated));
    stmt->bind(11, ms(d.expires)).bind(12, ms(d.transferred));
    if (auto ok = stmt->run(); !ok) {
      if (ok.error().code == ErrorCode::conflict && ok.error().message.find("roid") != std::string::npos) {
        return fail(ErrorCode::conflict,
                    "ROID '" + d.roid + "' of domain '" + d.name.ldh + "' is already used by another domain");
      }
      return std::unexpected(ok.error());
    }
    if (existing->id != 0) {
      SSAD_CHECK(delete_children(
          existing->id,
          {"DELETE FROM domain_contact WHERE domain_id = ?", "DELETE FROM domain_status WHERE domain_id = ?",
           "DELETE FROM domain_nameserver WHERE domain_id = ?", "DELETE FROM domain_ds WHERE domain_id = ?",
           "DELETE FROM domain_key WHERE domain_id = ?"}));
    } else {
      existing->id = conn_->db().last_insert_rowid();
    }
    existing->put = true;
    for (const auto& c : d.contacts) SSAD_CHECK(add_domain_contact(d.name.ldh, c));
    for (const auto& s : d.statuses) SSAD_CHECK(add_domain_status(d.name.ldh, s));
    for (const auto& ns : d.nameservers) SSAD_CHECK(add_domain_nameserver(d.name.ldh, ns, false));
    for (const auto& ds : d.ds) SSAD_CHECK(add_domain_ds(d.name.ldh, ds, d.max_sig_life));
    for (const auto& key : d.keys) SSAD_CHECK(add_domain_key(d.name.ldh, key, d.max_sig_life));
    return {};
  }

  Result<void> add_contact_postal(std::string_view handle, const model::PostalInfo& postal) override {
    SSAD_CHECK(writing());
    SSAD_TRY(id, existing_id(contacts_, handle, "SELECT id FROM contact WHERE handle = ?", "contact"));
    return insert_postal(id, handle, postal);
  }

  Result<void> add_contact_status(std::string_view handle, const model::Status& status) override {
    SSAD_CHECK(writing());
    SSAD_TRY(id, existing_id(contacts_, handle, "SELECT id FROM contact WHERE handle = ?", "contact"));
    return insert_status("INSERT INTO contact_status VALUES (?, ?, ?)", id, status, handle);
  }

  Result<void> set_contact_consent(std::string_view handle, unsigned consent) override {
    SSAD_CHECK(writing());
    SSAD_TRY(id, existing_id(contacts_, handle, "SELECT id FROM contact WHERE handle = ?", "contact"));
    SSAD_TRY(stmt, conn_->statement("UPDATE contact SET consent = ? WHERE id = ?"));
    stmt->bind(1, std::int64_t{consent}).bind(2, id);
    return stmt->run();
  }

  Result<void> add_host_address(std::string_view host_roid, std::string_view address) override {
    SSAD_CHECK(writing());
    SSAD_TRY(id, existing_id(hosts_by_roid_, host_roid, "SELECT id FROM host WHERE roid = ?", "host ROID"));
    SSAD_TRY(canonical, model::canonical_ip_address(address));
    SSAD_TRY(stmt,
             conn_->statement("INSERT INTO host_address (host_id, address, version, host_name) SELECT ?1, "
                              "?2, ?3, name FROM host WHERE id = ?1"));
    stmt->bind(1, id).bind(2, canonical.first).bind(3, std::int64_t{canonical.second});
    return duplicate_is_conflict(stmt->run(),
                                 "address " + canonical.first + " of host '" + std::string(host_roid) + "'");
  }

  Result<void> add_host_status(std::string_view host_roid, const model::Status& status) override {
    SSAD_CHECK(writing());
    SSAD_TRY(id, existing_id(hosts_by_roid_, host_roid, "SELECT id FROM host WHERE roid = ?", "host ROID"));
    return insert_status("INSERT INTO host_status VALUES (?, ?, ?)", id, status, host_roid);
  }

  Result<void> add_domain_contact(std::string_view domain, const model::DomainContact& c) override {
    SSAD_CHECK(writing());
    SSAD_TRY(domain_id, existing_id(domains_, domain, "SELECT id FROM domain WHERE name = ?", "domain"));
    SSAD_TRY(contact_id,
             existing_id(contacts_, c.handle, "SELECT id FROM contact WHERE handle = ?", "contact"));
    SSAD_TRY(stmt,
             conn_->statement("INSERT INTO domain_contact (domain_id, role, contact_id) VALUES (?, ?, ?)"));
    stmt->bind(1, domain_id).bind(2, model::to_string(c.role)).bind(3, contact_id);
    return duplicate_is_conflict(stmt->run(), std::string(model::to_string(c.role)) + " contact '" +
                                                  c.handle + "' of domain '" + std::string(domain) + "'");
  }

  Result<void> add_domain_status(std::string_view domain, const model::Status& status) override {
    SSAD_CHECK(writing());
    SSAD_TRY(id, existing_id(domains_, domain, "SELECT id FROM domain WHERE name = ?", "domain"));
    return insert_status("INSERT INTO domain_status VALUES (?, ?, ?)", id, status, domain);
  }

  Result<void> add_domain_nameserver(std::string_view domain, std::string_view host, bool by_roid) override {
    SSAD_CHECK(writing());
    SSAD_TRY(domain_id, existing_id(domains_, domain, "SELECT id FROM domain WHERE name = ?", "domain"));
    auto host_id = by_roid
                       ? existing_id(hosts_by_roid_, host, "SELECT id FROM host WHERE roid = ?", "host ROID")
                       : existing_id(hosts_by_name_, host, "SELECT id FROM host WHERE name = ?", "host");
    if (!host_id) return std::unexpected(host_id.error());
    SSAD_TRY(stmt, conn_->statement(
                       "INSERT INTO domain_nameserver (domain_id, host_id, domain_name) VALUES (?, ?, ?)"));
    stmt->bind(1, domain_id).bind(2, *host_id).bind(3, domain);
    return duplicate_is_conflict(
        stmt->run(), "nameserver '" + std::string(host) + "' of domain '" + std::string(domain) + "'");
  }

  Result<void> add_domain_ds(std::string_view domain, const model::DsData& ds,
                             std::optional<std::int64_t> max_sig_life) override {
    SSAD_CHECK(writing());
    SSAD_TRY(id, existing_id(domains_, domain, "SELECT id FROM domain WHERE name = ?", "domain"));
    SSAD_CHECK(set_max_sig_life(id, max_sig_life));
    SSAD_TRY(stmt, conn_->statement("INSERT INTO domain_ds VALUES (?, ?, ?, ?, ?)"));
    stmt->bind(1, id).bind(2, std::int64_t{ds.key_tag}).bind(3, std::int64_t{ds.algorithm});
    stmt->bind(4, std::int64_t{ds.digest_type}).bind(5, ds.digest);
    return duplicate_is_conflict(stmt->run(), "DS record of domain '" + std::string(domain) + "'");
  }

  Result<void> add_domain_key(std::string_view domain, const model::KeyData& key,
                              std::optional<std::int64_t> max_sig_life) override {
    SSAD_CHECK(writing());
    SSAD_TRY(id, existing_id(domains_, domain, "SELECT id FROM domain WHERE name = ?", "domain"));
    SSAD_CHECK(set_max_sig_life(id, max_sig_life));
    SSAD_TRY(stmt, conn_->statement("INSERT INTO domain_key VALUES (?, ?, ?, ?, ?)"));
    stmt->bind(1, id).bind(2, std::int64_t{key.flags}).bind(3, std::int64_t{key.protocol});
    stmt->bind(4, std::int64_t{key.algorithm}).bind(5, key.public_key);
    return duplicate_is_conflict(stmt->run(), "DNSKEY of domain '" + std::string(domain) + "'");
  }

  Result<void> set_domain_transferred(std::string_view domain, Timestamp when) override {
    SSAD_CHECK(writing());
    SSAD_TRY(id, existing_id(domains_, domain, "SELECT id FROM domain WHERE name = ?", "domain"));
    SSAD_TRY(stmt, conn_->statement("UPDATE domain SET transferred_ms = ? WHERE id = ?"));
    stmt->bind(1, to_unix_ms(when)).bind(2, id);
    return stmt->run();
  }

  Result<void> delete_domain(std::string_view ldh_name) override {
    SSAD_CHECK(writing());
    SSAD_TRY(id, existing_id(domains_, ldh_name, "SELECT id FROM domain WHERE name = ?", "domain",
                             ErrorCode::not_found));
    SSAD_TRY(stmt, conn_->statement("DELETE FROM domain WHERE id = ?"));
    stmt->bind(1, id);
    SSAD_CHECK(stmt->run());
    domains_.by_key.erase(std::string(ldh_name));
    return {};
  }

  Result<void> delete_contact(std::string_view handle) override {
    SSAD_CHECK(writing());
    SSAD_TRY(id, existing_id(contacts_, handle, "SELECT id FROM contact WHERE handle = ?", "contact",
                             ErrorCode::not_found));
    SSAD_TRY(used, exists("SELECT EXISTS (SELECT 1 FROM domain_contact WHERE contact_id = ?)", id));
    if (used)
      return fail(ErrorCode::conflict, "contact '" + std::string(handle) + "' is still used by a domain");
    SSAD_TRY(stmt, conn_->statement("DELETE FROM contact WHERE id = ?"));
    stmt->bind(1, id);
    SSAD_CHECK(stmt->run());
    contacts_.by_key.erase(std::string(handle));
    return {};
  }

  Result<void> delete_host_by_roid(std::string_view roid) override {
    SSAD_CHECK(writing());
    SSAD_TRY(id, existing_id(hosts_by_roid_, roid, "SELECT id FROM host WHERE roid = ?", "host ROID",
                             ErrorCode::not_found));
    SSAD_TRY(used, exists("SELECT EXISTS (SELECT 1 FROM domain_nameserver WHERE host_id = ?)", id));
    if (used)
      return fail(ErrorCode::conflict,
                  "host ROID '" + std::string(roid) + "' is still a nameserver of a domain");
    SSAD_TRY(stmt, conn_->statement("DELETE FROM host WHERE id = ? RETURNING name"));
    stmt->bind(1, id);
    SSAD_TRY(row, stmt->step());
    if (row) hosts_by_name_.by_key.erase(std::string(stmt->text(0)));
    stmt->reset();
    hosts_by_roid_.by_key.erase(std::string(roid));
    return {};
  }

  Result<void> delete_registrar(std::string_view handle) override {
    SSAD_CHECK(writing());
    auto it = registrars_.by_key.find(std::string(handle));
    if (it == registrars_.by_key.end()) {
      return fail(ErrorCode::not_found, "registrar '" + std::string(handle) + "' not found");
    }
    SSAD_TRY(used,
             exists("SELECT EXISTS (SELECT 1 FROM domain WHERE registrar_id = ?1) OR EXISTS (SELECT 1 FROM "
                    "contact WHERE registrar_id = ?1) OR EXISTS (SELECT 1 FROM host WHERE registrar_id = ?1)",
                    it->second.id));
    if (used)
      return fail(ErrorCode::conflict, "registrar '" + std::string(handle) + "' still sponsors objects");
    SSAD_TRY(stmt, conn_->statement("DELETE FROM registrar WHERE id = ?"));
    stmt->bind(1, it->second.id);
    SSAD_CHECK(stmt->run());
    registrars_.by_key.erase(it);
    return {};
  }

  Result<std::int64_t> delete_domains_of_tld(std::string_view tld) override {
    SSAD_CHECK(writing());
    SSAD_TRY(stmt, conn_->statement("DELETE FROM domain WHERE tld = ?"));
    stmt->bind(1, tld);
    SSAD_CHECK(stmt->run());
    const std::int64_t deleted = conn_->db().changes();
    std::erase_if(domains_.by_key, [](const auto& kv) { return !kv.second.put; });
    SSAD_TRY(empty, table_is_empty("SELECT NOT EXISTS (SELECT 1 FROM domain)"));
    if (empty) domains_.by_key.clear();
    domains_.table_empty = empty;
    return deleted;
  }

  Result<void> delete_unreferenced_contacts_and_hosts() override {
    SSAD_CHECK(writing());
    std::unordered_set<std::int64_t> keep;
    for (const auto& [key, entry] : contacts_.by_key) {
      if (entry.put) keep.insert(entry.id);
    }
    SSAD_CHECK(
        delete_unreferenced("SELECT id FROM contact c WHERE NOT EXISTS (SELECT 1 FROM domain_contact dc "
                            "WHERE dc.contact_id = c.id)",
                            "DELETE FROM contact WHERE id = ?", keep));
    contacts_.by_key.clear();
    contacts_.table_empty = false;
    keep.clear();
    for (const auto& [key, entry] : hosts_by_roid_.by_key) {
      if (entry.put) keep.insert(entry.id);
    }
    SSAD_CHECK(
        delete_unreferenced("SELECT id FROM host h WHERE NOT EXISTS (SELECT 1 FROM domain_nameserver dn "
                            "WHERE dn.host_id = h.id)",
                            "DELETE FROM host WHERE id = ?", keep));
    hosts_by_roid_.by_key.clear();
    hosts_by_name_.by_key.clear();
    hosts_by_roid_.table_empty = hosts_by_name_.table_empty = false;
    return {};
  }

  Result<void> record_deposit(const DepositRecord& d) override {
    SSAD_CHECK(writing());
    SSAD_TRY(stmt,
             conn_->statement("INSERT INTO escrow_deposit (id, type, prev_id, tld, watermark_ms, sha256, "
                              "imported_ms) VALUES (?, ?, ?, ?, ?, ?, ?)"));
    stmt->bind(1, d.id).bind(2, d.type).bind(3, d.prev_id).bind(4, d.tld).bind(5, to_unix_ms(d.watermark));
    stmt->bind(6, d.sha256).bind(7, to_unix_ms(d.imported));
    return duplicate_is_conflict(stmt->run(), "deposit '" + d.id + "'");
  }

  Result<std::optional<DepositRecord>> find_deposit(std::string_view id) override {
    return Queries(*conn_).deposit(kFindDepositSql, id);
  }

  Result<std::optional<DepositRecord>> last_deposit() override {
    return Queries(*conn_).deposit(kLastDepositSql, {});
  }

  /// Whether any write was called (the unit of work then stamps data_updated).
  [[nodiscard]] bool written() const { return written_; }

  /// After the unit of work committed: later writes fail rather than run outside any transaction.
  void finish() { finished_ = true; }

 private:
  // Every write starts here: it refuses once the unit of work has committed, marks the data written, and
  // fills the id caches on the first write (a unit of work that writes no registration data pays nothing).
  Result<void> writing() {
    if (finished_) return fail(ErrorCode::internal, "write after the unit of work committed");
    if (!written_) SSAD_CHECK(load_caches());
    written_ = true;
    return {};
  }

  Result<void> load_caches() {
    SSAD_TRY(stmt, conn_->statement("SELECT id, handle FROM registrar"));
    for (;;) {
      SSAD_TRY(more, stmt->step());
      if (!more) break;
      registrars_.by_key[std::string(stmt->text(1))] = {stmt->integer(0), false};
    }
    registrars_.table_empty = true;  // all registrars are cached
    SSAD_TRY(empty, table_is_empty("SELECT NOT EXISTS (SELECT 1 FROM domain)"));
    domains_.table_empty = empty;
    SSAD_TRY(contacts_empty, table_is_empty("SELECT NOT EXISTS (SELECT 1 FROM contact)"));
    contacts_.table_empty = contacts_empty;
    SSAD_TRY(hosts_empty, table_is_empty("SELECT NOT EXISTS (SELECT 1 FROM host)"));
    hosts_by_name_.table_empty = hosts_empty;
    hosts_by_roid_.table_empty = hosts_empty;
    return {};
  }

  Result<bool> table_is_empty(const char* sql) {
    SSAD_TRY(stmt, conn_->statement(sql));
    SSAD_TRY(row, stmt->step());
    (void)row;
    const bool empty = stmt->integer(0) != 0;
    stmt->reset();
    return empty;
  }

  Result<bool> exists(const char* sql, std::int64_t id) {
    SSAD_TRY(stmt, conn_->statement(sql));
    stmt->bind(1, id);
    SSAD_TRY(row, stmt->step());
    (void)row;
    const bool found = stmt->integer(0) != 0;
    stmt->reset();
    return found;
  }

  // The cache entry for `key`, filled from the database on a miss (id 0 when absent).
  Result<IdCache::Entry*> lookup_entry(IdCache& cache, std::string_view key, const char* sql) {
    auto it = cache.by_key.find(key);
    if (it != cache.by_key.end()) return &it->second;
    it = cache.by_key.try_emplace(std::string(key)).first;
    if (!cache.table_empty) {
      SSAD_TRY(stmt, conn_->statement(sql));
      stmt->bind(1, key);
      SSAD_TRY(row, stmt->step());
      if (row) it->second.id = stmt->integer(0);
      stmt->reset();
    }
    return &it->second;
  }

  Result<std::int64_t> existing_id(IdCache& cache, std::string_view key, const char* sql,
                                   std::string_view what, ErrorCode absent = ErrorCode::invalid_input) {
    auto it = cache.by_key.find(key);
    if (it != cache.by_key.end() && it->second.id != 0) return it->second.id;
    SSAD_TRY(entry, lookup_entry(cache, key, sql));
    if (entry->id == 0) {
      cache.by_key.erase(cache.by_key.find(key));
      return fail(absent, "unknown " + std::string(what) + " '" + std::string(key) + "'");
    }
    return entry->id;
  }

  Result<std::int64_t> registrar_id_of(std::string_view handle) {
    auto it = registrars_.by_key.find(handle);
    if (it == registrars_.by_key.end()) {
      return fail(ErrorCode::invalid_input, "unknown registrar '" + std::string(handle) + "'");
    }
    return it->second.id;
  }

  Result<void> delete_children(std::int64_t id, std::initializer_list<const char*> statements) {
    for (const char* sql : statements) {
      SSAD_TRY(stmt, conn_->statement(sql));
      stmt->bind(1, id);
      SSAD_CHECK(stmt->run());
    }
    return {};
  }

  Result<void> insert_postal(std::int64_t id, std::string_view handle, const model::PostalInfo& p) {
    if (p.type != "int" && p.type != "loc") {
      return fail(ErrorCode::invalid_input, "postal type must be int or loc, not '" + p.type + "'");
    }
    SSAD_TRY(stmt, conn_->statement("INSERT INTO contact_postal VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"));
    stmt->bind(1, id).bind(2, p.type).bind(3, p.name).bind(4, p.organization).bind(5, p.address.street[0]);
    stmt->bind(6, p.address.street[1]).bind(7, p.address.street[2]).bind(8, p.address.city);
    stmt->bind(9, p.address.state_province).bind(10, p.address.postal_code).bind(11, p.address.country_code);
    return duplicate_is_conflict(stmt->run(),
                                 p.type + " postal info of contact '" + std::string(handle) + "'");
  }

  Result<void> insert_status(const char* sql, std::int64_t id, const model::Status& s,
                             std::string_view owner) {
    SSAD_TRY(stmt, conn_->statement(sql));
    stmt->bind(1, id).bind(2, s.value).bind(3, s.description);
    return duplicate_is_conflict(stmt->run(), "status " + s.value + " of '" + std::string(owner) + "'");
  }

  Result<void> set_max_sig_life(std::int64_t id, std::optional<std::int64_t> value) {
    if (!value) return {};
    SSAD_TRY(stmt, conn_->statement("UPDATE domain SET max_sig_life = ? WHERE id = ?"));
    stmt->bind(1, *value).bind(2, id);
    return stmt->run();
  }

  Result<void> delete_unreferenced(const char* select_sql, const char* delete_sql,
                                   const std::unordered_set<std::int64_t>& keep) {
    std::vector<std::int64_t> doomed;
    {
      SSAD_TRY(stmt, conn_->statement(select_sql));
      for (;;) {
        SSAD_TRY(more, stmt->step());
        if (!more) break;
        if (!keep.contains(stmt->integer(0))) doomed.push_back(stmt->integer(0));
      }
      stmt->reset();
    }
    SSAD_TRY(del, conn_->statement(delete_sql));
    for (const auto id : doomed) {
      del->bind(1, id);
      SSAD_CHECK(del->run());
    }
    return {};
  }

  static Result<void> duplicate_is_conflict(Result<void> result, const std::string& what) {
    if (!result && result.error().code == ErrorCode::conflict &&
        result.error().message.find("UNIQUE") != std::string::npos) {
      return fail(ErrorCode::conflict, "duplicate " + what);
    }
    return result;
  }

  Connection* conn_;
  IdCache registrars_, contacts_, domains_, hosts_by_name_, hosts_by_roid_;
  bool written_ = false;
  bool finished_ = false;
};

// The registrar directory's writes, on the connection of a unit of work (inside its transaction).
class SqliteRegistrarDirectoryWriter final : public RegistrarDirectoryWriter {
 public:
  explicit SqliteRegistrarDirectoryWriter(Connection& conn) : conn_(&conn) {}

  Result<void> apply(const RegistrarDirectoryChange& change, Timestamp now) override {
    if (finished_) return fail(ErrorCode::internal, "write after the unit of work committed");
    written_ = true;
    if (change.iana_id <= 0) {
      return fail(ErrorCode::invalid_input,
                  "an IANA Registrar ID is a positive number, not " + std::to_string(change.iana_id));
    }
    // A NULL parameter keeps the stored value (or '' for a new entry).
    SSAD_TRY(
        stmt,
        conn_->statement(
            "INSERT INTO registrar_directory (iana_id, name, status, rdap_base_url, url, abuse_email, "
            "abuse_phone, updated_ms) VALUES (?1, coalesce(?2, ''), coalesce(?3, ''), coalesce(?4, ''), "
            "coalesce(?5, ''), coalesce(?6, ''), coalesce(?7, ''), ?8) ON CONFLICT (iana_id) DO UPDATE SET "
            "name = coalesce(?2, name), status = coalesce(?3, status), "
            "rdap_base_url = coalesce(?4, rdap_base_url), url = coalesce(?5, url), "
            "abuse_email = coalesce(?6, abuse_email), abuse_phone = coalesce(?7, abuse_phone), "
            "updated_ms = ?8"));
    stmt->bind(1, change.iana_id);
    int index = 2;
    for (const auto* field : {&change.name, &change.status, &change.rdap_base_url, &change.url,
                              &change.abuse_email, &change.abuse_phone}) {
      if (field->has_value()) {
        stmt->bind(index, std::string_view(**field));
      } else {
        stmt->bind_null(index);
      }
      ++index;
    }
    stmt->bind(8, to_unix_ms(now));
    return stmt->run();
  }

  [[nodiscard]] bool written() const { return written_; }
  void finish() { finished_ = true; }

 private:
  Connection* conn_;
  bool written_ = false;
  bool finished_ = false;
};

// Stamps the registration data's change time (RegistrationReader::data_updated) with `now`.
Result<void> stamp_data_updated(Connection& conn, Timestamp now) {
  SSAD_TRY(stmt, conn.statement("INSERT INTO store_meta (key, value) VALUES ('data_updated_ms', ?) "
                                "ON CONFLICT (key) DO UPDATE SET value = excluded.value"));
  const std::string value = std::to_string(to_unix_ms(now));  // bound text must outlive run()
  stmt->bind(1, value);
  return stmt->run();
}

// The connection of audit-only units of work, kept from one to the next. Opening a connection reads the
// schema, and a new connection prepares the append's statements again: together several times the CPU of
// the append itself, paid by every group commit of audit::Appender.
class KeptConnection {
 public:
  /// The kept connection, or nullptr when there is none (another unit of work holds it).
  std::unique_ptr<Connection> take() {
    const std::lock_guard lock(mutex_);
    return std::move(conn_);
  }
  /// Keeps `conn`, which must have no transaction open, unless one is kept already.
  void keep(std::unique_ptr<Connection> conn) {
    const std::lock_guard lock(mutex_);
    if (!conn_) conn_ = std::move(conn);
  }

 private:
  std::mutex mutex_;
  std::unique_ptr<Connection> conn_;
};

// One unit of work: a write transaction on its own connection, which every repository writes through.
// With `keeper`, the connection goes back to it when the unit of work ends with no transaction open.
class SqliteUnitOfWork final : public UnitOfWork {
 public:
  SqliteUnitOfWork(std::unique_ptr<Connection> conn, Transaction txn, bool audit_only, KeptConnection* keeper)
      : conn_(std::move(conn)),
        txn_(std::move(txn)),
        registrations_(*conn_),
        directory_(*conn_),
        audit_(*conn_),
        requestors_(make_requestor_writer(*conn_)),
        outbox_(make_outbox_writer(*conn_)),
        requests_(make_request_writer(*conn_)),
        abuse_(make_abuse_writer(*conn_)),
        subjects_(make_subject_writer(*conn_)),
        audit_only_(audit_only),
        keeper_(keeper) {}

  ~SqliteUnitOfWork() override {
    txn_.reset();  // rolls back unless committed
    // A connection whose rollback failed still has its transaction open: it is closed, not kept. The
    // repositories only point at the connection, and do nothing with it when destroyed.
    if (keeper_ != nullptr && sqlite3_get_autocommit(conn_->db().handle()) != 0) {
      conn_->reset_all();
      keeper_->keep(std::move(conn_));
    }
  }
  SqliteUnitOfWork(const SqliteUnitOfWork&) = delete;
  SqliteUnitOfWork& operator=(const SqliteUnitOfWork&) = delete;

  Result<void> init(std::int64_t cache_mib) {
    return conn_->db().exec("PRAGMA cache_size = -" + std::to_string(cache_mib * 1024));
  }

  RegistrationWriter& registrations() override { return registrations_; }
  RegistrarDirectoryWriter& registrar_directory() override { return directory_; }
  AuditLogWriter& audit_log() override { return audit_; }
  RequestorWriter& requestors() override { return *requestors_; }
  OutboxWriter& outbox() override { return *outbox_; }
  RequestWriter& requests() override { return *requests_; }
  AbuseWriter& abuse() override { return *abuse_; }
  SubjectWriter& subjects() override { return *subjects_; }

  Result<void> commit(Timestamp now) override {
    if (committed_ || !txn_) return fail(ErrorCode::internal, "the unit of work has already committed");
    const bool data_written = registrations_.written() || directory_.written();
    if (audit_only_ && data_written) {
      return fail(ErrorCode::internal,
                  "an audit-only unit of work wrote registration data: nothing committed");
    }
    // The registrar directory changes what lookups return, so it counts as a change of the registration
    // data; the requestor directory, the requests, the outbox, abuse monitoring's records and the
    // registrant's side do not.
    if (data_written) SSAD_CHECK(stamp_data_updated(*conn_, now));
    SSAD_CHECK(audit_.flush());
    SSAD_CHECK(txn_->commit());
    committed_ = true;
    registrations_.finish();
    directory_.finish();
    audit_.finish();
    requestors_->finish();
    outbox_->finish();
    requests_->finish();
    abuse_->finish();
    subjects_->finish();
    return {};
  }

 private:
  // The transaction ends first, in the destructor; then the repositories, then the connection (unless
  // kept).
  std::unique_ptr<Connection> conn_;
  std::optional<Transaction> txn_;
  SqliteRegistrationWriter registrations_;
  SqliteRegistrarDirectoryWriter directory_;
  SqliteAuditLogWriter audit_;
  std::unique_ptr<requestor_rows::UnitWriter> requestors_;
  std::unique_ptr<outbox_rows::UnitWriter> outbox_;
  std::unique_ptr<request_rows::UnitWriter> requests_;
  std::unique_ptr<abuse_rows::UnitWriter> abuse_;
  std::unique_ptr<subject_rows::UnitWriter> subjects_;
  bool audit_only_;
  KeptConnection* keeper_;
  bool committed_ = false;
};

// Checkpoints the WAL of the audit connection's commits on a thread of its own (SQLite's PASSIVE mode: it
// copies what it can without waiting for, or holding up, readers and writers). SQLite's automatic
// checkpoint runs inside the COMMIT that crosses its threshold, and every caller of a group commit queued
// behind that COMMIT waits for it: measured with disclosure requests (bench/requests.sh, 16 clients), the
// p99 was 82 ms with automatic checkpoints every 10,000 pages and 12 ms without any. The connection's
// WAL hook wakes this thread once the log holds `kThreshold` pages; nothing here keeps time.
class WalCheckpointer {
 public:
  static constexpr int kThreshold = 4000;  // pages (16 MiB of 4 KiB pages)

  explicit WalCheckpointer(std::string path) : path_(std::move(path)) {}
  ~WalCheckpointer() {
    {
      const std::lock_guard lock(mutex_);
      stop_ = true;
    }
    wake_.notify_all();
    if (thread_.joinable()) thread_.join();
  }
  WalCheckpointer(const WalCheckpointer&) = delete;
  WalCheckpointer& operator=(const WalCheckpointer&) = delete;

  /// Installs the hook on `db` (a writer's connection): it replaces SQLite's automatic checkpoints there.
  void watch(sqlite3* db) {
    {
      const std::lock_guard lock(mutex_);
      if (!thread_.joinable()) thread_ = std::thread([this] { run(); });
    }
    sqlite3_wal_hook(db, &WalCheckpointer::committed, this);
  }

 private:
  static int committed(void* self, sqlite3* /*db*/, const char* /*schema*/, int pages) {
    if (pages >= kThreshold) static_cast<WalCheckpointer*>(self)->request();
    return SQLITE_OK;
  }
  void request() {
    {
      const std::lock_guard lock(mutex_);
      due_ = true;
    }
    wake_.notify_one();
  }
  void run() {
    std::unique_ptr<Database> db;
    std::unique_lock lock(mutex_);
    for (;;) {
      wake_.wait(lock, [this] { return stop_ || due_; });
      if (stop_) return;
      due_ = false;
      lock.unlock();
      if (!db) {
        if (auto opened = Database::open(path_, false); opened) db = std::move(*opened);
      }
      // A checkpoint that cannot copy everything now (a reader on an older snapshot) is asked for again
      // by the next commit past the threshold; a failure is left to SQLite's next attempt likewise.
      if (db)
        (void)sqlite3_wal_checkpoint_v2(db->handle(), "main", SQLITE_CHECKPOINT_PASSIVE, nullptr, nullptr);
      lock.lock();
    }
  }

  std::string path_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool due_ = false;
  bool stop_ = false;
  std::thread thread_;  // started by the first watch(), joined by the destructor
};

class SqliteStore final : public Store {
 public:
  SqliteStore(std::string path, SqliteOptions options)
      : path_(std::move(path)),
        options_(options),
        pool_(path_, options_),
        registrations_(pool_),
        directory_(pool_),
        audit_(make_audit_log_reader(pool_)),
        requestors_(make_requestor_reader(pool_)),
        outbox_(make_outbox(path_, pool_)),
        requests_(make_request_reader(pool_)),
        abuse_(make_abuse_reader(pool_)),
        subjects_(make_subject_reader(pool_)) {}

  Result<void> init() {
    if (options_.migrate) {
      SSAD_TRY(db, Database::open(path_, options_.create));
      SSAD_CHECK(migrate(*db));  // also refuses a schema newer than this binary
    }
    // Without migrating, nothing is written: the check reads the schema version on a reader connection.
    SSAD_TRY(reader, Database::open_read_only(path_));
    SSAD_TRY(version, stored_schema_version(*reader));
    if (version > latest_schema_version()) {
      return fail(ErrorCode::conflict, "database '" + path_ + "' has schema version " +
                                           std::to_string(version) + ", newer than this binary's " +
                                           std::to_string(latest_schema_version()));
    }
    if (version < latest_schema_version()) {
      return fail(ErrorCode::conflict, "database '" + path_ + "' needs migrating (schema " +
                                           std::to_string(version) + " < " +
                                           std::to_string(latest_schema_version()) + "): run `ssad migrate`");
    }
    return pool_.add(std::move(reader));
  }

  RegistrationReader& registrations() override { return registrations_; }
  RegistrarDirectoryReader& registrar_directory() override { return directory_; }
  AuditLogReader& audit_log() override { return *audit_; }
  RequestorReader& requestors() override { return *requestors_; }
  Outbox& outbox() override { return *outbox_; }
  RequestReader& requests() override { return *requests_; }
  AbuseReader& abuse() override { return *abuse_; }
  SubjectReader& subjects() override { return *subjects_; }

  Result<std::unique_ptr<UnitOfWork>> begin() override { return begin_work(false); }
  // One writer: an audit-only unit of work waits as any other does.
  Result<std::unique_ptr<UnitOfWork>> begin_audit() override { return begin_work(true); }

 private:
  // A unit of work from begin() (an import, a change) opens a connection of its own, with the import's page
  // cache, and closes it. An audit-only one uses the kept connection when it is free, with SQLite's default
  // page cache (2 MiB): the kept connection lives as long as the store, and appends touch few pages.
  //
  // The audit connection's commits are checkpointed by WalCheckpointer, off the commit path: SQLite's own
  // automatic checkpoint runs inside the COMMIT that crosses its limit, and every append queued behind
  // that group commit waits for it (with 16 writers, one commit in about fifty did: the appends' p99 was
  // 6.5 ms against a p50 of 0.7 ms at SQLite's 1,000 pages; disclosure requests' p99 82 ms at 10,000).
  // Durability is unchanged: each commit is in the WAL, fsynced, before COMMIT returns.
  Result<std::unique_ptr<UnitOfWork>> begin_work(bool audit_only) {
    std::unique_ptr<Connection> conn = audit_only ? kept_.take() : nullptr;
    if (!conn) {
      SSAD_TRY(db, Database::open(path_, false));
      conn = std::make_unique<Connection>(std::move(db));
      if (audit_only) {
        checkpointer_.watch(conn->db().handle());
        // The checkpoints of a growing log extend the file: in 64 MiB steps rather than page by page, so
        // that every reader, which maps the file (reader_mmap_mib), remaps it once per step and not after
        // each checkpoint (each remap throws away that reader's page tables: measured as a fifth of the
        // server's CPU under authorised lookups, which append an entry each).
        int chunk = 64 << 20;
        (void)sqlite3_file_control(conn->db().handle(), "main", SQLITE_FCNTL_CHUNK_SIZE, &chunk);
      }
    }
    SSAD_TRY(txn, Transaction::begin(conn->db()));
    auto work = std::make_unique<SqliteUnitOfWork>(std::move(conn), std::move(txn), audit_only,
                                                   audit_only ? &kept_ : nullptr);
    if (!audit_only) SSAD_CHECK(work->init(options_.import_cache_mib));
    return std::unique_ptr<UnitOfWork>(std::move(work));
  }

  std::string path_;
  SqliteOptions options_;
  ReaderPool pool_;
  SqliteRegistrationReader registrations_;
  SqliteRegistrarDirectoryReader directory_;
  std::unique_ptr<AuditLogReader> audit_;
  std::unique_ptr<RequestorReader> requestors_;
  std::unique_ptr<Outbox> outbox_;
  std::unique_ptr<RequestReader> requests_;
  std::unique_ptr<AbuseReader> abuse_;
  std::unique_ptr<SubjectReader> subjects_;
  // Declared before kept_, so destroyed after it: the kept connection's WAL hook points here.
  WalCheckpointer checkpointer_{path_};
  KeptConnection kept_;
};

}  // namespace

Result<std::unique_ptr<Store>> open_sqlite_store(const std::string& path, const SqliteOptions& options) {
  auto store = std::make_unique<SqliteStore>(path, options);
  SSAD_CHECK(store->init());
  return std::unique_ptr<Store>(std::move(store));
}

}  // namespace ssad::store::sqlite
