#pragma once
// What both backends share to turn result rows into model objects: the column lists of the lookups
// (plain SQL, valid in SQLite and PostgreSQL), readers of those columns, and the assembly of a whole
// registration from its joined rows. A `Row` is any type with text(column), integer(column),
// optional_integer(column) and is_null(column), columns from 0 (a SQLite statement, a PostgreSQL row).
// Internal to store/ backends.

#include <algorithm>
#include <cstdint>
#include <optional>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "core/error.hpp"
#include "core/time.hpp"
#include "model/registration.hpp"
#include "store/registration_store.hpp"

namespace ssad::store::rows {

// Column lists shared by the lookups of one object and of a whole registration, so that both read the
// same columns in the same order. Macros, because each SQL text must be one string literal (the backends
// key their prepared statements by the literal's address).
//
// A registrar (23 columns), as `r`, with its registrar directory entry merged in: the query must
// `SSAD_JOIN_REGISTRAR_DIRECTORY`. The directory's value wins where it is not empty (store/
// registrar_directory.hpp).
#define SSAD_REGISTRAR_COLUMNS                                                                         \
  "r.handle, r.name, r.iana_id, r.status, r.street1, r.street2, r.street3, r.city, r.state_province, " \
  "r.postal_code, r.country_code, r.voice, r.voice_ext, r.fax, r.fax_ext, r.email, "                   \
  "coalesce(nullif(rd.url, ''), r.url), r.whois_server, "                                              \
  "coalesce(nullif(rd.rdap_base_url, ''), r.rdap_base_url), "                                          \
  "coalesce(nullif(rd.abuse_email, ''), r.abuse_email), "                                              \
  "coalesce(nullif(rd.abuse_phone, ''), r.abuse_phone), r.created_ms, r.updated_ms"
#define SSAD_JOIN_REGISTRAR_DIRECTORY " LEFT JOIN registrar_directory rd ON rd.iana_id = r.iana_id "
// A contact (14 columns from its id) as `c`, with its sponsoring registrar LEFT JOINed as `cr`.
#define SSAD_CONTACT_COLUMNS                                                                           \
  "c.id, c.handle, c.roid, c.voice, c.voice_ext, c.fax, c.fax_ext, c.email, coalesce(cr.handle, ''), " \
  "c.person_type, c.consent, c.privacy_service, c.created_ms, c.updated_ms"
// A postal info (10 columns, all NULL when LEFT JOINed and absent), as `p`.
#define SSAD_POSTAL_COLUMNS                                                                     \
  "p.type, p.name, p.organization, p.street1, p.street2, p.street3, p.city, p.state_province, " \
  "p.postal_code, p.country_code"
// A host (8 columns from its id) as `h`, with its sponsoring registrar LEFT JOINed as `hr`, then one of
// its addresses (2 columns, NULL when it has none) as `a`.
#define SSAD_HOST_COLUMNS                                                                       \
  "h.id, h.name, coalesce(h.unicode_name, ''), h.roid, coalesce(hr.handle, ''), h.created_ms, " \
  "h.updated_ms, h.transferred_ms, a.address, a.version"
// A domain (11 columns from its id) as `d`; then SSAD_REGISTRAR_COLUMNS of its registrar.
#define SSAD_DOMAIN_COLUMNS                                                                       \
  "d.id, d.name, coalesce(d.unicode_name, ''), d.roid, d.idn_table, d.reseller, d.max_sig_life, " \
  "d.created_ms, d.updated_ms, d.expires_ms, d.transferred_ms"

constexpr int kContactColumnCount = 14;  // where the postal columns start after SSAD_CONTACT_COLUMNS
constexpr int kHostAddressColumn = 8;    // where the address columns start in SSAD_HOST_COLUMNS
constexpr int kDomainColumnCount = 11;   // where the registrar columns start after SSAD_DOMAIN_COLUMNS

inline std::optional<std::int64_t> ms(const std::optional<Timestamp>& t) {
  if (!t) return std::nullopt;
  return to_unix_ms(*t);
}

template <class Row>
std::optional<Timestamp> time_column(const Row& row, int column) {
  auto value = row.optional_integer(column);
  if (!value) return std::nullopt;
  return from_unix_ms(*value);
}

template <class Row>
model::Registrar read_registrar(const Row& s, int first) {
  model::Registrar r;
  r.handle = s.text(first + 0);
  r.name = s.text(first + 1);
  r.iana_id = s.optional_integer(first + 2);
  r.status = s.text(first + 3);
  r.address.street[0] = s.text(first + 4);
  r.address.street[1] = s.text(first + 5);
  r.address.street[2] = s.text(first + 6);
  r.address.city = s.text(first + 7);
  r.address.state_province = s.text(first + 8);
  r.address.postal_code = s.text(first + 9);
  r.address.country_code = s.text(first + 10);
  r.voice = s.text(first + 11);
  r.voice_ext = s.text(first + 12);
  r.fax = s.text(first + 13);
  r.fax_ext = s.text(first + 14);
  r.email = s.text(first + 15);
  r.url = s.text(first + 16);
  r.whois_server = s.text(first + 17);
  r.rdap_base_url = s.text(first + 18);
  r.abuse_email = s.text(first + 19);
  r.abuse_phone = s.text(first + 20);
  r.created = time_column(s, first + 21);
  r.updated = time_column(s, first + 22);
  return r;
}

// SSAD_CONTACT_COLUMNS from `first` (its id column), without postal infos and statuses.
template <class Row>
model::Contact read_contact(const Row& s, int first) {
  model::Contact c;
  c.handle = s.text(first + 1);
  c.roid = s.text(first + 2);
  c.voice = s.text(first + 3);
  c.voice_ext = s.text(first + 4);
  c.fax = s.text(first + 5);
  c.fax_ext = s.text(first + 6);
  c.email = s.text(first + 7);
  c.registrar = s.text(first + 8);
  c.person_type = model::parse_person_type(s.text(first + 9)).value_or(model::PersonType::unknown);
  c.consent = static_cast<unsigned>(s.integer(first + 10));
  c.privacy_service = s.text(first + 11);
  c.created = time_column(s, first + 12);
  c.updated = time_column(s, first + 13);
  return c;
}

// SSAD_POSTAL_COLUMNS from `first`, when the row has one.
template <class Row>
void read_postal(const Row& s, int first, model::Contact& c) {
  if (s.is_null(first)) return;
  model::PostalInfo& p = c.postal.emplace_back();
  p.type = s.text(first + 0);
  p.name = s.text(first + 1);
  p.organization = s.text(first + 2);
  p.address.street[0] = s.text(first + 3);
  p.address.street[1] = s.text(first + 4);
  p.address.street[2] = s.text(first + 5);
  p.address.city = s.text(first + 6);
  p.address.state_province = s.text(first + 7);
  p.address.postal_code = s.text(first + 8);
  p.address.country_code = s.text(first + 9);
}

// SSAD_HOST_COLUMNS from `first` (its id column), without the address and statuses.
template <class Row>
model::Host read_host(const Row& s, int first) {
  model::Host h;
  h.name.ldh = s.text(first + 1);
  h.name.unicode = s.text(first + 2);
  h.roid = s.text(first + 3);
  h.registrar = s.text(first + 4);
  h.created = time_column(s, first + 5);
  h.updated = time_column(s, first + 6);
  h.transferred = time_column(s, first + 7);
  return h;
}

// The address columns of SSAD_HOST_COLUMNS from `first`, when the row has one.
template <class Row>
void read_address(const Row& s, int first, model::Host& h) {
  if (s.is_null(first)) return;
  (s.integer(first + 1) == 4 ? h.ipv4 : h.ipv6).emplace_back(s.text(first));
}

template <class Row>
model::Status read_status(const Row& s, int first) {
  return {std::string(s.text(first)), std::string(s.text(first + 1))};
}

// SSAD_DOMAIN_COLUMNS then SSAD_REGISTRAR_COLUMNS from column 0; returns the domain's id.
template <class Row>
std::int64_t read_domain(const Row& s, model::Registration& reg) {
  model::Domain& d = reg.domain;
  d.name.ldh = s.text(1);
  d.name.unicode = s.text(2);
  d.roid = s.text(3);
  d.idn_table = s.text(4);
  d.reseller = s.text(5);
  d.max_sig_life = s.optional_integer(6);
  d.created = time_column(s, 7);
  d.updated = time_column(s, 8);
  d.expires = time_column(s, 9);
  d.transferred = time_column(s, 10);
  reg.registrar = read_registrar(s, kDomainColumnCount);
  d.registrar = reg.registrar.handle;
  return s.integer(0);
}

template <class Row>
model::DsData read_ds(const Row& s) {
  return {static_cast<std::uint32_t>(s.integer(0)), static_cast<std::uint32_t>(s.integer(1)),
          static_cast<std::uint32_t>(s.integer(2)), std::string(s.text(3))};
}

template <class Row>
model::KeyData read_key(const Row& s) {
  return {static_cast<std::uint32_t>(s.integer(0)), static_cast<std::uint32_t>(s.integer(1)),
          static_cast<std::uint32_t>(s.integer(2)), std::string(s.text(3))};
}

/// The most rows a page reads, whatever the caller asks.
inline std::int64_t limit_of(const Page& page) {
  return static_cast<std::int64_t>(std::min<std::size_t>(page.limit, 10000));
}

/// True when a prefix search can use the (parent, name) index: it has a suffix, and its prefix lies
/// within the first label.
inline bool by_parent(const NameSearch& search) {
  return !search.suffix.empty() && search.value.find('.') == std::string::npos;
}

/// The first pages of several hosts' domains (a search by nameserver address) made one page: in name
/// order, each name once, at most the page's limit.
inline void merge_pages(std::vector<DomainName>& found, const Page& page) {
  std::sort(found.begin(), found.end(),
            [](const DomainName& a, const DomainName& b) { return a.ldh < b.ldh; });
  found.erase(std::unique(found.begin(), found.end()), found.end());
  if (found.size() > static_cast<std::size_t>(limit_of(page)))
    found.resize(static_cast<std::size_t>(limit_of(page)));
}

// Sorts `items` by one member (a few items: the children of one object).
template <class T, class Key>
void sort_by(std::vector<T>& items, Key T::* key) {
  std::sort(items.begin(), items.end(), [key](const T& a, const T& b) { return a.*key < b.*key; });
}

/// Builds a registration's contacts and nameservers from joined rows that come in no particular order,
/// then puts them in order (contacts by role, then handle; postal infos by type; nameservers by name;
/// addresses and statuses by value). std::string compares bytewise, as SQLite's BINARY collation and
/// PostgreSQL's "C" do, so the order is the one an ORDER BY gives; sorting here saves a sort per query.
class RegistrationAssembly {
 public:
  /// A row of "SELECT dc.role, SSAD_CONTACT_COLUMNS, SSAD_POSTAL_COLUMNS": one per role, contact and
  /// postal info (a contact in two roles comes twice, whole each time).
  template <class Row>
  Result<void> contact_row(const Row& s) {
    SSAD_TRY(role, model::parse_contact_role(s.text(0)));
    Holder* h = holder(role, s.integer(1));
    if (h == nullptr) h = &holders_.emplace_back(role, s.integer(1), read_contact(s, 1));
    read_postal(s, 1 + kContactColumnCount, h->contact);
    return {};
  }
  /// A row of "SELECT dc.role, s.contact_id, s.status, s.description": one per role, contact and status.
  template <class Row>
  Result<void> contact_status_row(const Row& s) {
    SSAD_TRY(role, model::parse_contact_role(s.text(0)));
    if (Holder* h = holder(role, s.integer(1))) h->contact.statuses.push_back(read_status(s, 2));
    return {};
  }
  /// A row of "SELECT SSAD_HOST_COLUMNS": one per nameserver and address.
  template <class Row>
  void host_row(const Row& s) {
    const std::size_t i = host_index(s.integer(0));
    if (i == host_ids_.size()) {
      host_ids_.push_back(s.integer(0));
      hosts_.push_back(read_host(s, 0));
    }
    read_address(s, kHostAddressColumn, hosts_[i]);
  }
  /// A row of "SELECT s.host_id, s.status, s.description": one per nameserver and status.
  template <class Row>
  void host_status_row(const Row& s) {
    const std::size_t i = host_index(s.integer(0));
    if (i < host_ids_.size()) hosts_[i].statuses.push_back(read_status(s, 1));
  }

  /// Puts the contacts and nameservers, in order, into `reg`.
  void finish(model::Registration& reg) {
    // ContactRole's values are in the order roles are listed: registrant, admin, tech, billing.
    std::sort(holders_.begin(), holders_.end(), [](const Holder& a, const Holder& b) {
      return std::tie(a.role, a.contact.handle) < std::tie(b.role, b.contact.handle);
    });
    for (auto& h : holders_) {
      sort_by(h.contact.postal, &model::PostalInfo::type);
      sort_by(h.contact.statuses, &model::Status::value);
      reg.domain.contacts.push_back({h.role, h.contact.handle});
      reg.contacts.emplace_back(h.role, std::move(h.contact));
    }
    std::sort(hosts_.begin(), hosts_.end(),
              [](const model::Host& a, const model::Host& b) { return a.name.ldh < b.name.ldh; });
    for (auto& h : hosts_) {
      std::sort(h.ipv4.begin(), h.ipv4.end());
      std::sort(h.ipv6.begin(), h.ipv6.end());
      sort_by(h.statuses, &model::Status::value);
      reg.domain.nameservers.push_back(h.name.ldh);
      reg.nameservers.push_back(std::move(h));
    }
  }

 private:
  struct Holder {
    model::ContactRole role;
    std::int64_t id;
    model::Contact contact;
  };
  Holder* holder(model::ContactRole role, std::int64_t contact_id) {
    for (auto& h : holders_) {
      if (h.role == role && h.id == contact_id) return &h;
    }
    return nullptr;
  }
  std::size_t host_index(std::int64_t host_id) const {
    return static_cast<std::size_t>(std::find(host_ids_.begin(), host_ids_.end(), host_id) -
                                    host_ids_.begin());
  }
  std::vector<Holder> holders_;
  std::vector<std::int64_t> host_ids_;  // of hosts_, index by index
  std::vector<model::Host> hosts_;
};

/// A repository's writer within a unit of work (`Writer`: AbuseWriter, RequestWriter, …): once the unit of
/// work committed, writes fail (internal) rather than run outside any transaction.
template <class Writer>
class UnitWriter : public Writer {
 public:
  void finish() { finished_ = true; }

 protected:
  [[nodiscard]] Result<void> writing() const {
    if (finished_) return fail(ErrorCode::internal, "write after the unit of work committed");
    return {};
  }

 private:
  bool finished_ = false;
};

}  // namespace ssad::store::rows
