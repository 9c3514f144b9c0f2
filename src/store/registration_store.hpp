#pragma once
// The registration-data repository (DESIGN.md §3.4): registrars, contacts, hosts, domains and the imports
// applied. Read through Store::registrations(), written through UnitOfWork::registrations()
// (store/store.hpp).

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/domain_name.hpp"
#include "core/error.hpp"
#include "core/time.hpp"
#include "model/registration.hpp"
#include "store/page.hpp"

namespace ssad::store {

/// An import applied to the store: an escrow deposit, or a JSON Lines file.
struct DepositRecord {
  std::string id;
  std::string type;  // FULL, DIFF, INCR or JSONL
  std::string prev_id;
  std::string tld;
  Timestamp watermark;
  std::string sha256;  // over the deposit XML and its CSV files, in file order
  Timestamp imported;
};

/// A name search for RDAP's /domains and /nameservers (RFC 9082 §3.2): what to match, and how.
struct NameSearch {
  enum class Kind {
    domain_prefix,            // domains whose A-label name starts with `value`
    domain_unicode_prefix,    // domains whose U-label name starts with `value`
    domain_by_nameserver,     // domains delegated to the host named `value` (A-label)
    domain_by_nameserver_ip,  // domains delegated to a host with the address `value` (canonical text)
    host_prefix,              // hosts whose A-label name starts with `value`
    host_unicode_prefix,      // hosts whose U-label name starts with `value`
    host_by_address,          // hosts with the address `value`
  };
  Kind kind = Kind::domain_prefix;
  std::string value;
  // Prefix kinds only (RFC 9082 §4.1 "exam*.com"): names must also end with `suffix`, and the part the
  // wildcard stands for lies within one label (holds no '.'). Empty: no suffix.
  std::string suffix;

  /// True when results are ordered by their U-label name (Page::after is then a U-label name).
  [[nodiscard]] bool unicode_order() const {
    return kind == Kind::domain_unicode_prefix || kind == Kind::host_unicode_prefix;
  }
};

struct StoreCounts {
  std::int64_t registrars = 0, contacts = 0, hosts = 0, domains = 0;
  friend bool operator==(const StoreCounts&, const StoreCounts&) = default;
};

/// Read access. Names passed in are normalised (core/domain_name.hpp); handles are exact.
/// Every lookup fails with not_found when the object does not exist.
class RegistrationReader {
 public:
  virtual ~RegistrationReader() = default;

  /// The domain with its registrar, contacts and nameservers resolved.
  [[nodiscard]] virtual Result<model::Registration> find_registration(std::string_view ldh_name) = 0;
  [[nodiscard]] virtual Result<model::Contact> find_contact(std::string_view handle) = 0;
  [[nodiscard]] virtual Result<model::Host> find_host(std::string_view ldh_name) = 0;
  [[nodiscard]] virtual Result<model::Registrar> find_registrar(std::string_view handle) = 0;
  [[nodiscard]] virtual Result<model::Registrar> find_registrar_by_iana_id(std::int64_t iana_id) = 0;

  /// Names of the domains a registrar (by handle) sponsors.
  [[nodiscard]] virtual Result<std::vector<std::string>> domains_by_registrar(
      std::string_view registrar_handle, const Page& page) = 0;

  /// The names a search matches (A-label form, and the U-label form of IDNs), in A-label order (U-label
  /// order for the unicode kinds), strictly after page.after. Reads only the page, from an index in that
  /// order, whatever the number of matches.
  [[nodiscard]] virtual Result<std::vector<DomainName>> search(const NameSearch& search,
                                                               const Page& page) = 0;
  /// How many names the search matches in all (RFC 8977 totalCount).
  [[nodiscard]] virtual Result<std::int64_t> count(const NameSearch& search) = 0;

  [[nodiscard]] virtual Result<StoreCounts> counts() = 0;
  /// When the registration data last changed (the RDAP "last update of RDAP database" event).
  [[nodiscard]] virtual Result<std::optional<Timestamp>> data_updated() = 0;
  /// The escrow deposit (FULL, DIFF or INCR) applied most recently, if any.
  [[nodiscard]] virtual Result<std::optional<DepositRecord>> last_deposit() = 0;
  [[nodiscard]] virtual Result<std::optional<DepositRecord>> find_deposit(std::string_view id) = 0;
};

/// Writes to the registration data, within a unit of work (store/store.hpp): nothing is visible until the
/// unit of work commits, and destroying it uncommitted rolls every change back, so a failed import leaves
/// the store as it was.
///
/// put_* replaces an object and all its child rows with the given aggregate (creating it when new); an
/// object may be put once per unit of work (a second put fails with conflict). add_* adds one child row
/// to an object put in this unit of work or already stored. References (registrar, contact, host) must
/// exist: invalid_input otherwise.
///
/// After an error other than those documented (conflict, invalid_input, not_found from the checks
/// above), treat the unit of work as failed and drop it: on PostgreSQL a server-side error aborts the
/// transaction, and every later write fails.
class RegistrationWriter {
 public:
  virtual ~RegistrationWriter() = default;

  [[nodiscard]] virtual Result<void> put_registrar(const model::Registrar& registrar) = 0;
  [[nodiscard]] virtual Result<void> put_contact(const model::Contact& contact) = 0;
  [[nodiscard]] virtual Result<void> put_host(const model::Host& host) = 0;
  [[nodiscard]] virtual Result<void> put_domain(const model::Domain& domain) = 0;

  [[nodiscard]] virtual Result<void> add_contact_postal(std::string_view handle,
                                                        const model::PostalInfo& postal) = 0;
  [[nodiscard]] virtual Result<void> add_contact_status(std::string_view handle,
                                                        const model::Status& status) = 0;
  [[nodiscard]] virtual Result<void> set_contact_consent(std::string_view handle, unsigned consent) = 0;
  [[nodiscard]] virtual Result<void> add_host_address(std::string_view host_roid,
                                                      std::string_view address) = 0;
  [[nodiscard]] virtual Result<void> add_host_status(std::string_view host_roid,
                                                     const model::Status& status) = 0;
  [[nodiscard]] virtual Result<void> add_domain_contact(std::string_view domain,
                                                        const model::DomainContact& c) = 0;
  [[nodiscard]] virtual Result<void> add_domain_status(std::string_view domain,
                                                       const model::Status& status) = 0;
  /// `host` is a host name, or a host ROID when `by_roid`.
  [[nodiscard]] virtual Result<void> add_domain_nameserver(std::string_view domain, std::string_view host,
                                                           bool by_roid) = 0;
  [[nodiscard]] virtual Result<void> add_domain_ds(std::string_view domain, const model::DsData& ds,
                                                   std::optional<std::int64_t> max_sig_life) = 0;
  [[nodiscard]] virtual Result<void> add_domain_key(std::string_view domain, const model::KeyData& key,
                                                    std::optional<std::int64_t> max_sig_life) = 0;
  [[nodiscard]] virtual Result<void> set_domain_transferred(std::string_view domain, Timestamp when) = 0;

  /// Deletes an object and its child rows. not_found when absent; conflict when a domain still refers
  /// to the contact or host, or sponsors through the registrar.
  [[nodiscard]] virtual Result<void> delete_domain(std::string_view ldh_name) = 0;
  [[nodiscard]] virtual Result<void> delete_contact(std::string_view handle) = 0;
  [[nodiscard]] virtual Result<void> delete_host_by_roid(std::string_view roid) = 0;
  [[nodiscard]] virtual Result<void> delete_registrar(std::string_view handle) = 0;
  /// Deletes every domain under the top-level label `tld` (a FULL deposit replaces them); returns how many.
  [[nodiscard]] virtual Result<std::int64_t> delete_domains_of_tld(std::string_view tld) = 0;
  /// Deletes contacts and hosts that no domain refers to, except those put in this unit of work.
  [[nodiscard]] virtual Result<void> delete_unreferenced_contacts_and_hosts() = 0;

  [[nodiscard]] virtual Result<void> record_deposit(const DepositRecord& deposit) = 0;

  /// The imports applied, as this unit of work sees them: read under the unit of work's write lock and
  /// on the database it writes to (never a replica), so that an import's sequence checks and its writes
  /// see the same state, whatever another node imports meanwhile.
  [[nodiscard]] virtual Result<std::optional<DepositRecord>> find_deposit(std::string_view id) = 0;
  [[nodiscard]] virtual Result<std::optional<DepositRecord>> last_deposit() = 0;
};

}  // namespace ssad::store
