#include "store/postgres/postgres_writes.hpp"

#include <array>
#include <functional>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "core/domain_name.hpp"
#include "store/postgres/postgres_reads.hpp"
#include "store/row_reading.hpp"

namespace ssad::store::postgres {
namespace {

using rows::ms;

// Ids of the objects a unit of work touched, so that child rows and references resolve without a query
// each. `stored`: the object was in the database before this unit of work (so its rows are there, not in
// a COPY buffer); `put`: it was put in this unit of work (a second put is a duplicate).
struct IdCache {
  struct Entry {
    std::int64_t id = 0;
    bool stored = false;
    bool put = false;
  };
  // Transparent hashing: lookups by string_view allocate nothing (millions per import).
  struct Hash {
    using is_transparent = void;
    std::size_t operator()(std::string_view key) const { return std::hash<std::string_view>{}(key); }
  };
  std::unordered_map<std::string, Entry, Hash, std::equal_to<>> by_key;
  bool table_empty = false;  // nothing stored before this unit of work: a cache miss means "absent"
};

// A set of 64-bit fingerprints in one array (open addressing): 16 bytes a child row at most, where a
// set of the rows' keys would take ten times that on a large import. A fingerprint seen before may be a
// collision, so the caller checks the row itself in the database before calling it a duplicate.
class FingerprintSet {
 public:
  /// False when `fingerprint` was already in the set.
  bool insert(std::uint64_t fingerprint) {
    if (fingerprint == 0) fingerprint = 1;  // 0 marks a free slot
    if ((size_ + 1) * 2 > slots_.size()) grow();
    std::size_t i = fingerprint & (slots_.size() - 1);
    while (slots_[i] != 0) {
      if (slots_[i] == fingerprint) return false;
      i = (i + 1) & (slots_.size() - 1);
    }
    slots_[i] = fingerprint;
    ++size_;
    return true;
  }

 private:
  void grow() {
    const std::vector<std::uint64_t> old = std::move(slots_);
    slots_.assign(old.empty() ? 1024 : old.size() * 2, 0);
    size_ = 0;
    for (const std::uint64_t f : old) {
      if (f != 0) insert(f);
    }
  }
  std::vector<std::uint64_t> slots_;
  std::size_t size_ = 0;
};

// The tables whose new rows are buffered and sent with COPY, in the order they are sent (parents first,
// so that foreign keys hold after each COPY).
enum Table : std::uint8_t {
  kContact,
  kContactPostal,
  kContactStatus,
  kHost,
  kHostAddress,
  kHostStatus,
  kDomain,
  kDomainContact,
  kDomainStatus,
  kDomainNameserver,
  kDomainDs,
  kDomainKey,
  kTableCount
};

constexpr std::array<const char*, kTableCount> kCopySql = {
    "COPY contact (id, handle, roid, voice, voice_ext, fax, fax_ext, email, registrar_id, person_type, "
    "consent, privacy_service, created_ms, updated_ms) FROM STDIN",
    "COPY contact_postal (contact_id, type, name, organization, street1, street2, street3, city, "
    "state_province, postal_code, country_code) FROM STDIN",
    "COPY contact_status (contact_id, status, description) FROM STDIN",
    "COPY host (id, roid, name, unicode_name, registrar_id, created_ms, updated_ms, transferred_ms) FROM "
    "STDIN",
    "COPY host_address (host_id, address, version, host_name) FROM STDIN",
    "COPY host_status (host_id, status, description) FROM STDIN",
    "COPY domain (id, name, unicode_name, roid, tld, idn_table, registrar_id, reseller, max_sig_life, "
    "created_ms, updated_ms, expires_ms, transferred_ms) FROM STDIN",
    "COPY domain_contact (domain_id, role, contact_id) FROM STDIN",
    "COPY domain_status (domain_id, status, description) FROM STDIN",
    "COPY domain_nameserver (domain_id, host_id, domain_name) FROM STDIN",
    "COPY domain_ds (domain_id, key_tag, algorithm, digest_type, digest) FROM STDIN",
    "COPY domain_key (domain_id, flags, protocol, algorithm, public_key) FROM STDIN",
};

// Buffered rows are sent once they hold this much, and before any statement that reads or changes rows
// they may hold.
constexpr std::size_t kFlushBytes = std::size_t{16} << 20;
// Ids are reserved from the object_id sequence this many at a time.
constexpr int kIdBlock = 1024;

// Appends one row in COPY's text format: fields separated by tabs, \N for NULL.
class CopyRow {
 public:
  explicit CopyRow(std::string& out) : out_(out) {}
  ~CopyRow() { out_ += '\n'; }
  CopyRow(const CopyRow&) = delete;
  CopyRow& operator=(const CopyRow&) = delete;

  CopyRow& text(std::string_view value) {
    separate();
    append_copy_text(out_, value);
    return *this;
  }
  CopyRow& optional_text(std::string_view value) { return value.empty() ? null() : text(value); }
  CopyRow& number(std::int64_t value) {
    separate();
    out_ += std::to_string(value);
    return *this;
  }
  CopyRow& number(std::optional<std::int64_t> value) { return value ? number(*value) : null(); }
  CopyRow& null() {
    separate();
    out_ += "\\N";
    return *this;
  }

 private:
  void separate() {
    if (!first_) out_ += '\t';
    first_ = false;
  }
  std::string& out_;
  bool first_ = true;
};

// Column updates waiting for their rows to reach the server: id -> value (the last one set wins).
struct PendingUpdate {
  const char* sql;  // UPDATE … FROM unnest($1::bigint[], $2::bigint[]) AS u(id, v) WHERE … = u.id
  std::unordered_map<std::int64_t, std::int64_t> values;
};

std::string array_literal(const std::vector<std::int64_t>& values) {
  std::string out = "{";
  for (std::size_t i = 0; i < values.size(); ++i) {
    if (i > 0) out += ',';
    out += std::to_string(values[i]);
  }
  out += '}';
  return out;
}

class PostgresRegistrationWriter final : public BufferedRegistrationWriter {
 public:
  explicit PostgresRegistrationWriter(Connection& conn) : conn_(conn) {}

  Result<void> put_registrar(const model::Registrar& r) override {
    SSAD_CHECK(writing());
    auto& entry = registrars_.by_key[r.handle];
    if (entry.put) return fail(ErrorCode::conflict, "duplicate registrar '" + r.handle + "'");
    // Registrars are few: written at once (new contacts, hosts and domains refer to their ids).
    const std::array<Param, 23> params{r.handle,
                                       r.name,
                                       r.iana_id,
                                       r.status,
                                       r.address.street[0],
                                       r.address.street[1],
                                       r.address.street[2],
                                       r.address.city,
                                       r.address.state_province,
                                       r.address.postal_code,
                                       r.address.country_code,
                                       r.voice,
                                       r.voice_ext,
                                       r.fax,
                                       r.fax_ext,
                                       r.email,
                                       r.url,
                                       r.whois_server,
                                       r.rdap_base_url,
                                       r.abuse_email,
                                       r.abuse_phone,
                                       ms(r.created),
                                       ms(r.updated)};
    SSAD_TRY(
        rows,
        conn_.query("INSERT INTO registrar (handle, name, iana_id, status, street1, street2, street3, city, "
                    "state_province, postal_code, country_code, voice, voice_ext, fax, fax_ext, email, url, "
                    "whois_server, rdap_base_url, abuse_email, abuse_phone, created_ms, updated_ms) VALUES "
                    "($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, "
                    "$20, $21, $22, $23) ON CONFLICT (handle) DO UPDATE SET name = $2, iana_id = $3, "
                    "status = $4, street1 = $5, street2 = $6, street3 = $7, city = $8, state_province = $9, "
                    "postal_code = $10, country_code = $11, voice = $12, voice_ext = $13, fax = $14, "
                    "fax_ext = $15, email = $16, url = $17, whois_server = $18, rdap_base_url = $19, "
                    "abuse_email = $20, abuse_phone = $21, created_ms = $22, updated_ms = $23 RETURNING id",
                    params));
    entry.id = rows.integer(0, 0);
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
    SSAD_TRY(entry, lookup_entry(contacts_, c.handle, "SELECT id FROM contact WHERE handle = $1"));
    if (entry->put) return fail(ErrorCode::conflict, "duplicate contact '" + c.handle + "'");
    if (entry->stored) {
      SSAD_CHECK(settle(entry->id));
      const std::array<Param, 13> params{entry->id,
                                         c.roid,
                                         c.voice,
                                         c.voice_ext,
                                         c.fax,
                                         c.fax_ext,
                                         c.email,
                                         registrar_id,
                                         model::to_string(c.person_type),
                                         std::int64_t{c.consent},
                                         c.privacy_service,
                                         ms(c.created),
                                         ms(c.updated)};
      SSAD_CHECK(
          conn_.query("UPDATE contact SET roid = $2, voice = $3, voice_ext = $4, fax = $5, fax_ext = $6, "
                      "email = $7, registrar_id = $8, person_type = $9, consent = $10, "
                      "privacy_service = $11, created_ms = $12, updated_ms = $13 WHERE id = $1",
                      params));
      SSAD_CHECK(conn_.query("DELETE FROM contact_postal WHERE contact_id = $1", {entry->id}));
      SSAD_CHECK(conn_.query("DELETE FROM contact_status WHERE contact_id = $1", {entry->id}));
    } else {
      SSAD_TRY(id, next_id());
      entry->id = id;
      CopyRow(buffer(kContact))
          .number(id)
          .text(c.handle)
          .text(c.roid)
          .text(c.voice)
          .text(c.voice_ext)
          .text(c.fax)
          .text(c.fax_ext)
          .text(c.email)
          .number(registrar_id)
          .text(model::to_string(c.person_type))
          .number(std::int64_t{c.consent})
          .text(c.privacy_service)
          .number(ms(c.created))
          .number(ms(c.updated));
    }
    entry->put = true;
    const Owner owner{entry->id, false};
    for (const auto& p : c.postal) SSAD_CHECK(insert_postal(owner, c.handle, p));
    for (const auto& s : c.statuses) SSAD_CHECK(insert_contact_status(owner, c.handle, s));
    return maybe_flush();
  }

  Result<void> put_host(const model::Host& h) override {
    SSAD_CHECK(writing());
    std::optional<std::int64_t> registrar_id;
    if (!h.registrar.empty()) {
      SSAD_TRY(id, registrar_id_of(h.registrar));
      registrar_id = id;
    }
    SSAD_TRY(by_roid, lookup_entry(hosts_by_roid_, h.roid, "SELECT id FROM host WHERE roid = $1"));
    if (by_roid->put) return fail(ErrorCode::conflict, "duplicate host ROID '" + h.roid + "'");
    SSAD_TRY(by_name, lookup_entry(hosts_by_name_, h.name.ldh, "SELECT id FROM host WHERE name = $1"));
    if (by_name->put) return fail(ErrorCode::conflict, "duplicate host '" + h.name.ldh + "'");
    if (by_name->id != 0 && by_roid->id != by_name->id) {
      return fail(ErrorCode::conflict, "host '" + h.name.ldh + "' is stored under another ROID");
    }
    if (by_roid->stored) {
      SSAD_CHECK(settle(by_roid->id));
      const std::array<Param, 7> params{by_roid->id,      h.name.ldh,    optional_text(h.name.unicode),
                                        registrar_id,     ms(h.created), ms(h.updated),
                                        ms(h.transferred)};
      SSAD_CHECK(
          conn_.query("UPDATE host SET name = $2, unicode_name = $3, registrar_id = $4, created_ms = $5, "
                      "updated_ms = $6, transferred_ms = $7 WHERE id = $1",
                      params));
      SSAD_CHECK(conn_.query("DELETE FROM host_address WHERE host_id = $1", {by_roid->id}));
      SSAD_CHECK(conn_.query("DELETE FROM host_status WHERE host_id = $1", {by_roid->id}));
    } else {
      SSAD_TRY(id, next_id());
      by_roid->id = id;
      CopyRow(buffer(kHost))
          .number(id)
          .text(h.roid)
          .text(h.name.ldh)
          .optional_text(h.name.unicode)
          .number(registrar_id)
          .number(ms(h.created))
          .number(ms(h.updated))
          .number(ms(h.transferred));
    }
    by_name->id = by_roid->id;
    by_name->stored = by_roid->stored;
    by_roid->put = by_name->put = true;
    host_names_[by_roid->id] = h.name.ldh;
    const Owner owner{by_roid->id, false};
    for (const auto& a : h.ipv4) SSAD_CHECK(insert_host_address(owner, h.roid, h.name.ldh, a));
    for (const auto& a : h.ipv6) SSAD_CHECK(insert_host_address(owner, h.roid, h.name.ldh, a));
    for (const auto& s : h.statuses) SSAD_CHECK(insert_host_status(owner, h.roid, s));
    return maybe_flush();
  }

  Result<void> put_domain(const model::Domain& d) override {
    SSAD_CHECK(writing());
    SSAD_TRY(registrar_id, registrar_id_of(d.registrar));
    SSAD_TRY(existing, lookup_entry(domains_, d.name.ldh, "SELECT id FROM domain WHERE name = $1"));
    if (existing->put) return fail(ErrorCode::conflict, "duplicate domain '" + d.name.ldh + "'");
    SSAD_TRY(roid, lookup_entry(domain_roids_, d.roid, "SELECT id FROM domain WHERE roid = $1"));
    if (roid->id != 0 && roid->id != existing->id) {
      return fail(ErrorCode::conflict,
                  "ROID '" + d.roid + "' of domain '" + d.name.ldh + "' is already used by another domain");
    }
    if (existing->stored) {
      SSAD_CHECK(settle(existing->id));
      const std::array<Param, 12> params{existing->id,  optional_text(d.name.unicode),
                                         d.roid,        top_level_label(d.name.ldh),
                                         d.idn_table,   registrar_id,
                                         d.reseller,    d.max_sig_life,
                                         ms(d.created), ms(d.updated),
                                         ms(d.expires), ms(d.transferred)};
      SSAD_CHECK(
          conn_.query("UPDATE domain SET unicode_name = $2, roid = $3, tld = $4, idn_table = $5, "
                      "registrar_id = $6, reseller = $7, max_sig_life = $8, created_ms = $9, "
                      "updated_ms = $10, expires_ms = $11, transferred_ms = $12 WHERE id = $1",
                      params));
      for (const char* sql :
           {"DELETE FROM domain_contact WHERE domain_id = $1",
            "DELETE FROM domain_status WHERE domain_id = $1",
            "DELETE FROM domain_nameserver WHERE domain_id = $1",
            "DELETE FROM domain_ds WHERE domain_id = $1", "DELETE FROM domain_key WHERE domain_id = $1"}) {
        SSAD_CHECK(conn_.query(sql, {existing->id}));
      }
    } else {
      SSAD_TRY(id, next_id());
      existing->id = id;
      CopyRow(buffer(kDomain))
          .number(id)
          .text(d.name.ldh)
          .optional_text(d.name.unicode)
          .text(d.roid)
          .text(top_level_label(d.name.ldh))
          .text(d.idn_table)
          .number(registrar_id)
          .text(d.reseller)
          .number(d.max_sig_life)
          .number(ms(d.created))
          .number(ms(d.updated))
          .number(ms(d.expires))
          .number(ms(d.transferred));
    }
    existing->put = true;
    roid->id = existing->id;
    roid->put = true;
    const Owner owner{existing->id, false};
    for (const auto& c : d.contacts) {
      SSAD_TRY(contact_id,
               existing_id(contacts_, c.handle, "SELECT id FROM contact WHERE handle = $1", "contact"));
      SSAD_CHECK(insert_domain_contact(owner, d.name.ldh, c, contact_id));
    }
    for (const auto& s : d.statuses) SSAD_CHECK(insert_domain_status(owner, d.name.ldh, s));
    for (const auto& ns : d.nameservers) SSAD_CHECK(insert_domain_nameserver(owner, d.name.ldh, ns, false));
    for (const auto& ds : d.ds) SSAD_CHECK(insert_domain_ds(owner, d.name.ldh, ds));
    for (const auto& key : d.keys) SSAD_CHECK(insert_domain_key(owner, d.name.ldh, key));
    return maybe_flush();
  }

  Result<void> add_contact_postal(std::string_view handle, const model::PostalInfo& postal) override {
    SSAD_CHECK(writing());
    SSAD_TRY(owner, owner_of(contacts_, handle, "SELECT id FROM contact WHERE handle = $1", "contact"));
    SSAD_CHECK(insert_postal(owner, handle, postal));
    return maybe_flush();
  }

  Result<void> add_contact_status(std::string_view handle, const model::Status& status) override {
    SSAD_CHECK(writing());
    SSAD_TRY(owner, owner_of(contacts_, handle, "SELECT id FROM contact WHERE handle = $1", "contact"));
    SSAD_CHECK(insert_contact_status(owner, handle, status));
    return maybe_flush();
  }

  Result<void> set_contact_consent(std::string_view handle, unsigned consent) override {
    SSAD_CHECK(writing());
    SSAD_TRY(owner, owner_of(contacts_, handle, "SELECT id FROM contact WHERE handle = $1", "contact"));
    pending_[kConsent].values[owner.id] = consent;
    return {};
  }

  Result<void> add_host_address(std::string_view host_roid, std::string_view address) override {
    SSAD_CHECK(writing());
    SSAD_TRY(owner, owner_of(hosts_by_roid_, host_roid, "SELECT id FROM host WHERE roid = $1", "host ROID"));
    SSAD_TRY(name, host_name(owner.id));
    SSAD_CHECK(insert_host_address(owner, host_roid, name, address));
    return maybe_flush();
  }

  Result<void> add_host_status(std::string_view host_roid, const model::Status& status) override {
    SSAD_CHECK(writing());
    SSAD_TRY(owner, owner_of(hosts_by_roid_, host_roid, "SELECT id FROM host WHERE roid = $1", "host ROID"));
    SSAD_CHECK(insert_host_status(owner, host_roid, status));
    return maybe_flush();
  }

  Result<void> add_domain_contact(std::string_view domain, const model::DomainContact& c) override {
    SSAD_CHECK(writing());
    SSAD_TRY(owner, owner_of(domains_, domain, "SELECT id FROM domain WHERE name = $1", "domain"));
    SSAD_TRY(contact_id,
             existing_id(contacts_, c.handle, "SELECT id FROM contact WHERE handle = $1", "contact"));
    SSAD_CHECK(insert_domain_contact(owner, domain, c, contact_id));
    return maybe_flush();
  }

  Result<void> add_domain_status(std::string_view domain, const model::Status& status) override {
    SSAD_CHECK(writing());
    SSAD_TRY(owner, owner_of(domains_, domain, "SELECT id FROM domain WHERE name = $1", "domain"));
    SSAD_CHECK(insert_domain_status(owner, domain, status));
    return maybe_flush();
  }

  Result<void> add_domain_nameserver(std::string_view domain, std::string_view host, bool by_roid) override {
    SSAD_CHECK(writing());
    SSAD_TRY(owner, owner_of(domains_, domain, "SELECT id FROM domain WHERE name = $1", "domain"));
    SSAD_CHECK(insert_domain_nameserver(owner, domain, host, by_roid));
    return maybe_flush();
  }

  Result<void> add_domain_ds(std::string_view domain, const model::DsData& ds,
                             std::optional<std::int64_t> max_sig_life) override {
    SSAD_CHECK(writing());
    SSAD_TRY(owner, owner_of(domains_, domain, "SELECT id FROM domain WHERE name = $1", "domain"));
    if (max_sig_life) pending_[kMaxSigLife].values[owner.id] = *max_sig_life;
    SSAD_CHECK(insert_domain_ds(owner, domain, ds));
    return maybe_flush();
  }

  Result<void> add_domain_key(std::string_view domain, const model::KeyData& key,
                              std::optional<std::int64_t> max_sig_life) override {
    SSAD_CHECK(writing());
    SSAD_TRY(owner, owner_of(domains_, domain, "SELECT id FROM domain WHERE name = $1", "domain"));
    if (max_sig_life) pending_[kMaxSigLife].values[owner.id] = *max_sig_life;
    SSAD_CHECK(insert_domain_key(owner, domain, key));
    return maybe_flush();
  }

  Result<void> set_domain_transferred(std::string_view domain, Timestamp when) override {
    SSAD_CHECK(writing());
    SSAD_TRY(owner, owner_of(domains_, domain, "SELECT id FROM domain WHERE name = $1", "domain"));
    pending_[kTransferred].values[owner.id] = to_unix_ms(when);
    return {};
  }

  Result<void> delete_domain(std::string_view ldh_name) override {
    SSAD_CHECK(writing());
    SSAD_TRY(id, existing_id(domains_, ldh_name, "SELECT id FROM domain WHERE name = $1", "domain",
                             ErrorCode::not_found));
    SSAD_CHECK(flush());
    SSAD_CHECK(conn_.query("DELETE FROM domain WHERE id = $1", {id}));
    domains_.by_key.erase(std::string(ldh_name));
    std::erase_if(domain_roids_.by_key, [id](const auto& kv) { return kv.second.id == id; });
    return {};
  }

  Result<void> delete_contact(std::string_view handle) override {
    SSAD_CHECK(writing());
    SSAD_TRY(id, existing_id(contacts_, handle, "SELECT id FROM contact WHERE handle = $1", "contact",
                             ErrorCode::not_found));
    SSAD_CHECK(flush());
    SSAD_TRY(used, conn_.query("SELECT EXISTS (SELECT 1 FROM domain_contact WHERE contact_id = $1)", {id}));
    if (used.boolean(0, 0))
      return fail(ErrorCode::conflict, "contact '" + std::string(handle) + "' is still used by a domain");
    SSAD_CHECK(conn_.query("DELETE FROM contact WHERE id = $1", {id}));
    contacts_.by_key.erase(std::string(handle));
    return {};
  }

  Result<void> delete_host_by_roid(std::string_view roid) override {
    SSAD_CHECK(writing());
    SSAD_TRY(id, existing_id(hosts_by_roid_, roid, "SELECT id FROM host WHERE roid = $1", "host ROID",
                             ErrorCode::not_found));
    SSAD_CHECK(flush());
    SSAD_TRY(used, conn_.query("SELECT EXISTS (SELECT 1 FROM domain_nameserver WHERE host_id = $1)", {id}));
    if (used.boolean(0, 0))
      return fail(ErrorCode::conflict,
                  "host ROID '" + std::string(roid) + "' is still a nameserver of a domain");
    SSAD_TRY(deleted, conn_.query("DELETE FROM host WHERE id = $1 RETURNING name", {id}));
    if (!deleted.empty()) hosts_by_name_.by_key.erase(std::string(deleted.text(0, 0)));
    hosts_by_roid_.by_key.erase(std::string(roid));
    host_names_.erase(id);
    return {};
  }

  Result<void> delete_registrar(std::string_view handle) override {
    SSAD_CHECK(writing());
    auto it = registrars_.by_key.find(handle);
    if (it == registrars_.by_key.end()) {
      return fail(ErrorCode::not_found, "registrar '" + std::string(handle) + "' not found");
    }
    SSAD_CHECK(flush());
    SSAD_TRY(used,
             conn_.query("SELECT EXISTS (SELECT 1 FROM domain WHERE registrar_id = $1) OR EXISTS (SELECT 1 "
                         "FROM contact WHERE registrar_id = $1) OR EXISTS (SELECT 1 FROM host WHERE "
                         "registrar_id = $1)",
                         {it->second.id}));
    if (used.boolean(0, 0))
      return fail(ErrorCode::conflict, "registrar '" + std::string(handle) + "' still sponsors objects");
    SSAD_CHECK(conn_.query("DELETE FROM registrar WHERE id = $1", {it->second.id}));
    registrars_.by_key.erase(it);
    return {};
  }

  Result<std::int64_t> delete_domains_of_tld(std::string_view tld) override {
    SSAD_CHECK(writing());
    SSAD_CHECK(flush());
    SSAD_TRY(deleted, conn_.query("DELETE FROM domain WHERE tld = $1", {tld}));
    // Forget the domains deleted (those of the TLD, put in this unit of work or not) and every stored one
    // (a later lookup reads the database again); keep those of other TLDs put in this unit of work.
    std::unordered_set<std::int64_t> gone;
    std::erase_if(domains_.by_key, [&](const auto& kv) {
      const bool of_tld = top_level_label(kv.first) == tld;
      if (of_tld) gone.insert(kv.second.id);
      return of_tld || !kv.second.put;
    });
    std::erase_if(domain_roids_.by_key,
                  [&](const auto& kv) { return gone.contains(kv.second.id) || !kv.second.put; });
    SSAD_TRY(empty, table_is_empty("SELECT NOT EXISTS (SELECT 1 FROM domain)"));
    if (empty) {
      domains_.by_key.clear();
      domain_roids_.by_key.clear();
    }
    domains_.table_empty = domain_roids_.table_empty = empty;
    return deleted.affected();
  }

  Result<void> delete_unreferenced_contacts_and_hosts() override {
    SSAD_CHECK(writing());
    SSAD_CHECK(flush());
    // The objects put in this unit of work are kept, referenced or not: their ids go to a temporary table.
    std::string keep;
    for (const auto* cache : {&contacts_, &hosts_by_roid_}) {
      for (const auto& [key, entry] : cache->by_key) {
        if (entry.put) keep += std::to_string(entry.id) + '\n';
      }
    }
    SSAD_CHECK(
        conn_.exec("CREATE TEMPORARY TABLE IF NOT EXISTS ssad_keep (id bigint PRIMARY KEY) ON COMMIT DROP; "
                   "TRUNCATE ssad_keep"));
    SSAD_CHECK(conn_.copy_in("COPY ssad_keep (id) FROM STDIN", keep));
    SSAD_CHECK(conn_.exec("ANALYZE ssad_keep"));
    SSAD_CHECK(
        conn_.query("DELETE FROM contact c WHERE NOT EXISTS (SELECT 1 FROM domain_contact dc WHERE "
                    "dc.contact_id = c.id) AND NOT EXISTS (SELECT 1 FROM ssad_keep k WHERE k.id = c.id)"));
    SSAD_CHECK(
        conn_.query("DELETE FROM host h WHERE NOT EXISTS (SELECT 1 FROM domain_nameserver dn WHERE "
                    "dn.host_id = h.id) AND NOT EXISTS (SELECT 1 FROM ssad_keep k WHERE k.id = h.id)"));
    // As the SQLite store: the caches start again from the database.
    contacts_ = {};
    hosts_by_roid_ = {};
    hosts_by_name_ = {};
    host_names_.clear();
    return {};
  }

  Result<void> record_deposit(const DepositRecord& d) override {
    SSAD_CHECK(writing());
    const std::array<Param, 7> params{
        d.id, d.type, d.prev_id, d.tld, to_unix_ms(d.watermark), d.sha256, to_unix_ms(d.imported)};
    // ON CONFLICT rather than a failed INSERT: in PostgreSQL a failed statement would abort the whole
    // transaction, where the interface lets the caller go on after a duplicate.
    SSAD_TRY(
        inserted,
        conn_.query("INSERT INTO escrow_deposit (id, type, prev_id, tld, watermark_ms, sha256, imported_ms) "
                    "VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (id) DO NOTHING",
                    params));
    if (inserted.affected() == 0) return fail(ErrorCode::conflict, "duplicate deposit '" + d.id + "'");
    return {};
  }

  Result<std::optional<DepositRecord>> find_deposit(std::string_view id) override {
    SSAD_TRY(rows, conn_.query(kFindDepositSql, {id}));
    return deposit_of(rows);
  }

  Result<std::optional<DepositRecord>> last_deposit() override {
    SSAD_TRY(rows, conn_.query(kLastDepositSql));
    return deposit_of(rows);
  }

  Result<void> flush() override {
    for (std::size_t t = 0; t < kTableCount; ++t) {
      if (buffers_[t].empty()) continue;
      SSAD_CHECK(conn_.copy_in(kCopySql[t], buffers_[t]));
      buffers_[t].clear();
    }
    for (auto& pending : pending_) {
      if (pending.values.empty()) continue;
      std::vector<std::int64_t> ids, values;
      for (const auto& [id, value] : pending.values) {
        ids.push_back(id);
        values.push_back(value);
      }
      SSAD_CHECK(conn_.query(pending.sql, {array_literal(ids), array_literal(values)}));
      pending.values.clear();
    }
    dirty_.clear();
    return {};
  }

  [[nodiscard]] bool written() const override { return written_; }
  void finish() override { finished_ = true; }

 private:
  // An object that child rows belong to: its id, and whether its rows may already be in the database (it
  // was stored before this unit of work and not put again), so that a duplicate child must be looked for
  // there too.
  struct Owner {
    std::int64_t id;
    bool in_database;
  };

  enum PendingColumn : std::uint8_t { kConsent, kMaxSigLife, kTransferred, kPendingCount };

  // Every write starts here: it refuses once the unit of work has committed, marks the data written, and
  // reads the registrars on the first write (a unit of work that writes no registration data pays nothing).
  Result<void> writing() {
    if (finished_) return fail(ErrorCode::internal, "write after the unit of work committed");
    if (!written_) SSAD_CHECK(load_caches());
    written_ = true;
    return {};
  }

  Result<void> load_caches() {
    SSAD_TRY(rows, conn_.query("SELECT id, handle FROM registrar"));
    for (int i = 0; i < rows.size(); ++i) {
      registrars_.by_key[std::string(rows.text(i, 1))] = {rows.integer(i, 0), true, false};
    }
    SSAD_TRY(empty,
             conn_.query("SELECT NOT EXISTS (SELECT 1 FROM domain), NOT EXISTS (SELECT 1 FROM contact), "
                         "NOT EXISTS (SELECT 1 FROM host)"));
    domains_.table_empty = domain_roids_.table_empty = empty.boolean(0, 0);
    contacts_.table_empty = empty.boolean(0, 1);
    hosts_by_name_.table_empty = hosts_by_roid_.table_empty = empty.boolean(0, 2);
    return {};
  }

  Result<bool> table_is_empty(const char* sql) {
    SSAD_TRY(rows, conn_.query(sql));
    return rows.boolean(0, 0);
  }

  // The cache entry for `key`, filled from the database on a miss (id 0 when absent).
  Result<IdCache::Entry*> lookup_entry(IdCache& cache, std::string_view key, const char* sql) {
    auto it = cache.by_key.find(key);
    if (it != cache.by_key.end()) return &it->second;
    std::optional<std::int64_t> id;
    if (!cache.table_empty) {
      SSAD_TRY(rows, conn_.query(sql, {key}));
      if (!rows.empty()) id = rows.integer(0, 0);
    }
    it = cache.by_key.try_emplace(std::string(key)).first;
    if (id) it->second = {*id, true, false};
    return &it->second;
  }

  // The id of an object referred to (a contact of a domain, a nameserver) or deleted.
  Result<std::int64_t> existing_id(IdCache& cache, std::string_view key, const char* sql,
                                   std::string_view what, ErrorCode absent = ErrorCode::invalid_input) {
    SSAD_TRY(entry, lookup_entry(cache, key, sql));
    if (entry->id == 0) {
      cache.by_key.erase(cache.by_key.find(key));
      return fail(absent, "unknown " + std::string(what) + " '" + std::string(key) + "'");
    }
    return entry->id;
  }

  // The object a child row or an update is added to; a stored one is marked as having buffered rows.
  Result<Owner> owner_of(IdCache& cache, std::string_view key, const char* sql, std::string_view what) {
    SSAD_TRY(id, existing_id(cache, key, sql, what));
    const IdCache::Entry& entry = cache.by_key.find(key)->second;
    if (entry.stored) dirty_.insert(id);
    return Owner{id, entry.stored && !entry.put};
  }

  Result<std::int64_t> registrar_id_of(std::string_view handle) {
    auto it = registrars_.by_key.find(handle);
    if (it == registrars_.by_key.end()) {
      return fail(ErrorCode::invalid_input, "unknown registrar '" + std::string(handle) + "'");
    }
    return it->second.id;
  }

  // The name of a host (for its address rows).
  Result<std::string> host_name(std::int64_t id) {
    auto it = host_names_.find(id);
    if (it != host_names_.end()) return it->second;
    SSAD_TRY(rows, conn_.query("SELECT name FROM host WHERE id = $1", {id}));
    if (rows.empty()) return fail(ErrorCode::internal, "host id without a row");
    return host_names_.emplace(id, std::string(rows.text(0, 0))).first->second;
  }

  Result<std::int64_t> next_id() {
    if (ids_.empty()) {
      SSAD_TRY(rows, conn_.query("SELECT nextval('object_id') FROM generate_series(1, $1::integer)",
                                 {std::int64_t{kIdBlock}}));
      for (int i = rows.size() - 1; i >= 0; --i) ids_.push_back(rows.integer(i, 0));
    }
    const std::int64_t id = ids_.back();
    ids_.pop_back();
    return id;
  }

  // Before an object stored in the database is written again: its buffered child rows and pending
  // updates go first, so that the rewrite replaces them as it replaces the stored ones.
  Result<void> settle(std::int64_t id) {
    if (dirty_.contains(id)) SSAD_CHECK(flush());
    return {};
  }

  std::string& buffer(Table table) { return buffers_[table]; }

  Result<void> maybe_flush() {
    std::size_t bytes = 0;
    for (const auto& b : buffers_) bytes += b.size();
    return bytes < kFlushBytes ? Result<void>() : flush();
  }

  // Adds a child row unless it is a duplicate: one seen in this unit of work, or in the database when
  // the owner's rows may be there. `exists` looks for the row itself in the database.
  Result<void> add_child(Table table, const Owner& owner, std::string_view key, const Query& exists,
                         const std::string& what, const std::function<void(std::string&)>& row) {
    fingerprint_key_.assign(1, static_cast<char>(table));
    fingerprint_key_.append(std::to_string(owner.id)).append(1, '\0').append(key);
    const bool seen = !fingerprints_.insert(std::hash<std::string>{}(fingerprint_key_));
    if (seen) SSAD_CHECK(flush());  // the row may be buffered: look for it where it can be found
    if (seen || owner.in_database) {
      SSAD_TRY(found, conn_.query(exists.sql, exists.params));
      if (found.boolean(0, 0)) return fail(ErrorCode::conflict, "duplicate " + what);
    }
    row(buffer(table));
    return {};
  }

  Result<void> insert_postal(const Owner& owner, std::string_view handle, const model::PostalInfo& p) {
    if (p.type != "int" && p.type != "loc") {
      return fail(ErrorCode::invalid_input, "postal type must be int or loc, not '" + p.type + "'");
    }
    return add_child(kContactPostal, owner, p.type,
                     {"SELECT EXISTS (SELECT 1 FROM contact_postal WHERE contact_id = $1 AND type = $2)",
                      {owner.id, p.type}},
                     p.type + " postal info of contact '" + std::string(handle) + "'", [&](std::string& out) {
                       CopyRow(out)
                           .number(owner.id)
                           .text(p.type)
                           .text(p.name)
                           .text(p.organization)
                           .text(p.address.street[0])
                           .text(p.address.street[1])
                           .text(p.address.street[2])
                           .text(p.address.city)
                           .text(p.address.state_province)
                           .text(p.address.postal_code)
                           .text(p.address.country_code);
                     });
  }

  Result<void> insert_status(Table table, const char* exists_sql, const Owner& owner, const model::Status& s,
                             std::string_view owner_name) {
    return add_child(table, owner, s.value, {exists_sql, {owner.id, s.value}},
                     "status " + s.value + " of '" + std::string(owner_name) + "'", [&](std::string& out) {
                       CopyRow(out).number(owner.id).text(s.value).text(s.description);
                     });
  }
  Result<void> insert_contact_status(const Owner& owner, std::string_view handle, const model::Status& s) {
    return insert_status(kContactStatus,
                         "SELECT EXISTS (SELECT 1 FROM contact_status WHERE contact_id = $1 AND status = $2)",
                         owner, s, handle);
  }
  Result<void> insert_host_status(const Owner& owner, std::string_view roid, const model::Status& s) {
    return insert_status(kHostStatus,
                         "SELECT EXISTS (SELECT 1 FROM host_status WHERE host_id = $1 AND status = $2)",
                         owner, s, roid);
  }
  Result<void> insert_domain_status(const Owner& owner, std::string_view domain, const model::Status& s) {
    return insert_status(kDomainStatus,
                         "SELECT EXISTS (SELECT 1 FROM domain_status WHERE domain_id = $1 AND status = $2)",
                         owner, s, domain);
  }

  Result<void> insert_host_address(const Owner& owner, std::string_view roid, std::string_view name,
                                   std::string_view address) {
    SSAD_TRY(canonical, model::canonical_ip_address(address));
    return add_child(kHostAddress, owner, canonical.first,
                     {"SELECT EXISTS (SELECT 1 FROM host_address WHERE host_id = $1 AND address = $2)",
                      {owner.id, canonical.first}},
                     "address " + canonical.first + " of host '" + std::string(roid) + "'",
                     [&](std::string& out) {
                       CopyRow(out)
                           .number(owner.id)
                           .text(canonical.first)
                           .number(std::int64_t{canonical.second})
                           .text(name);
                     });
  }

  Result<void> insert_domain_contact(const Owner& owner, std::string_view domain,
                                     const model::DomainContact& c, std::int64_t contact_id) {
    const std::string_view role = model::to_string(c.role);
    return add_child(
        kDomainContact, owner, std::string(role) + '\0' + std::to_string(contact_id),
        {"SELECT EXISTS (SELECT 1 FROM domain_contact WHERE domain_id = $1 AND role = $2 AND "
         "contact_id = $3)",
         {owner.id, role, contact_id}},
        std::string(role) + " contact '" + c.handle + "' of domain '" + std::string(domain) + "'",
        [&](std::string& out) { CopyRow(out).number(owner.id).text(role).number(contact_id); });
  }

  Result<void> insert_domain_nameserver(const Owner& owner, std::string_view domain, std::string_view host,
                                        bool by_roid) {
    auto host_id = by_roid
                       ? existing_id(hosts_by_roid_, host, "SELECT id FROM host WHERE roid = $1", "host ROID")
                       : existing_id(hosts_by_name_, host, "SELECT id FROM host WHERE name = $1", "host");
    if (!host_id) return std::unexpected(host_id.error());
    const std::int64_t id = *host_id;
    return add_child(kDomainNameserver, owner, std::to_string(id),
                     {"SELECT EXISTS (SELECT 1 FROM domain_nameserver WHERE domain_id = $1 AND host_id = $2)",
                      {owner.id, id}},
                     "nameserver '" + std::string(host) + "' of domain '" + std::string(domain) + "'",
                     [&](std::string& out) { CopyRow(out).number(owner.id).number(id).text(domain); });
  }

  Result<void> insert_domain_ds(const Owner& owner, std::string_view domain, const model::DsData& ds) {
    const std::string key = std::to_string(ds.key_tag) + '/' + std::to_string(ds.algorithm) + '/' +
                            std::to_string(ds.digest_type) + '/' + ds.digest;
    return add_child(
        kDomainDs, owner, key,
        {"SELECT EXISTS (SELECT 1 FROM domain_ds WHERE domain_id = $1 AND key_tag = $2::bigint AND "
         "algorithm = $3::bigint AND digest_type = $4::bigint AND digest = $5)",
         {owner.id, std::int64_t{ds.key_tag}, std::int64_t{ds.algorithm}, std::int64_t{ds.digest_type},
          ds.digest}},
        "DS record of domain '" + std::string(domain) + "'", [&](std::string& out) {
          CopyRow(out)
              .number(owner.id)
              .number(std::int64_t{ds.key_tag})
              .number(std::int64_t{ds.algorithm})
              .number(std::int64_t{ds.digest_type})
              .text(ds.digest);
        });
  }

  Result<void> insert_domain_key(const Owner& owner, std::string_view domain, const model::KeyData& k) {
    const std::string key = std::to_string(k.flags) + '/' + std::to_string(k.protocol) + '/' +
                            std::to_string(k.algorithm) + '/' + k.public_key;
    return add_child(
        kDomainKey, owner, key,
        {"SELECT EXISTS (SELECT 1 FROM domain_key WHERE domain_id = $1 AND flags = $2::bigint AND "
         "protocol = $3::bigint AND algorithm = $4::bigint AND public_key = $5)",
         {owner.id, std::int64_t{k.flags}, std::int64_t{k.protocol}, std::int64_t{k.algorithm},
          k.public_key}},
        "DNSKEY of domain '" + std::string(domain) + "'", [&](std::string& out) {
          CopyRow(out)
              .number(owner.id)
              .number(std::int64_t{k.flags})
              .number(std::int64_t{k.protocol})
              .number(std::int64_t{k.algorithm})
              .text(k.public_key);
        });
  }

  static Param optional_text(const std::string& value) {
    if (value.empty()) return Param(nullptr);
    return Param(value);
  }

  Connection& conn_;
  IdCache registrars_, contacts_, domains_, domain_roids_, hosts_by_name_, hosts_by_roid_;
  std::unordered_map<std::int64_t, std::string> host_names_;  // of hosts put or read in this unit of work
  std::array<std::string, kTableCount> buffers_;
  std::array<PendingUpdate, kPendingCount> pending_{{
      {"UPDATE contact SET consent = u.v FROM unnest($1::bigint[], $2::bigint[]) AS u(id, v) WHERE "
       "contact.id = u.id",
       {}},
      {"UPDATE domain SET max_sig_life = u.v FROM unnest($1::bigint[], $2::bigint[]) AS u(id, v) WHERE "
       "domain.id = "
       "u.id",
       {}},
      {"UPDATE domain SET transferred_ms = u.v FROM unnest($1::bigint[], $2::bigint[]) AS u(id, v) WHERE "
       "domain.id "
       "= u.id",
       {}},
  }};
  std::unordered_set<std::int64_t> dirty_;  // stored objects with buffered child rows or pending updates
  FingerprintSet fingerprints_;             // of the child rows added in this unit of work
  std::string fingerprint_key_;
  std::vector<std::int64_t> ids_;  // reserved ids, next one last
  bool written_ = false;
  bool finished_ = false;
};

class PostgresRegistrarDirectoryWriter final : public DirectoryWriter {
 public:
  explicit PostgresRegistrarDirectoryWriter(Connection& conn) : conn_(conn) {}

  Result<void> apply(const RegistrarDirectoryChange& change, Timestamp now) override {
    if (finished_) return fail(ErrorCode::internal, "write after the unit of work committed");
    written_ = true;
    if (change.iana_id <= 0) {
      return fail(ErrorCode::invalid_input,
                  "an IANA Registrar ID is a positive number, not " + std::to_string(change.iana_id));
    }
    // A NULL parameter keeps the stored value (or '' for a new entry).
    std::vector<Param> params{change.iana_id};
    for (const auto* field : {&change.name, &change.status, &change.rdap_base_url, &change.url,
                              &change.abuse_email, &change.abuse_phone}) {
      params.push_back(field->has_value() ? Param(std::string_view(**field)) : Param(nullptr));
    }
    params.emplace_back(to_unix_ms(now));
    SSAD_CHECK(conn_.query(
        "INSERT INTO registrar_directory AS rd (iana_id, name, status, rdap_base_url, url, abuse_email, "
        "abuse_phone, "
        "updated_ms) VALUES ($1, coalesce($2, ''), coalesce($3, ''), coalesce($4, ''), coalesce($5, ''), "
        "coalesce($6, ''), coalesce($7, ''), $8) ON CONFLICT (iana_id) DO UPDATE SET name = coalesce($2, "
        "rd.name), "
        "status = coalesce($3, rd.status), rdap_base_url = coalesce($4, rd.rdap_base_url), url = "
        "coalesce($5, rd.url), "
        "abuse_email = coalesce($6, rd.abuse_email), abuse_phone = coalesce($7, rd.abuse_phone), updated_ms "
        "= $8",
        params));
    return {};
  }

  [[nodiscard]] bool written() const override { return written_; }
  void finish() override { finished_ = true; }

 private:
  Connection& conn_;
  bool written_ = false;
  bool finished_ = false;
};

}  // namespace

std::unique_ptr<BufferedRegistrationWriter> make_registration_writer(Connection& conn) {
  return std::make_unique<PostgresRegistrationWriter>(conn);
}

std::unique_ptr<DirectoryWriter> make_registrar_directory_writer(Connection& conn) {
  return std::make_unique<PostgresRegistrarDirectoryWriter>(conn);
}

}  // namespace ssad::store::postgres
