#pragma once
// The registrar directory (DESIGN.md §3.4): what the operator states about registrars, keyed by IANA
// Registrar ID, for what escrow deposits lack — the abuse contact, the RDAP base URL (RFC 9022 carries
// neither) — or to correct the deposit's web site. Imports of registration data never write it, so a
// re-import keeps it. Read through Store::registrar_directory(), written through
// UnitOfWork::registrar_directory() (store/store.hpp).
//
// Lookups of registration data (RegistrationReader) return registrars with the directory merged in: for
// the URL, RDAP base URL, abuse email and abuse phone, the directory's value wins when it is not empty
// (the operator's own statement); everything else is the deposit's.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/error.hpp"
#include "core/time.hpp"

namespace ssad::store {

/// One registrar's directory entry.
struct RegistrarDirectoryEntry {
  std::int64_t iana_id = 0;
  std::string name;    // IANA's "Registrar Name"; informational (RDAP shows the deposit's name)
  std::string status;  // IANA's "Status" (Accredited, Terminated, Reserved); informational
  std::string rdap_base_url;
  std::string url;  // web site
  std::string abuse_email;
  std::string abuse_phone;  // E.164a as EPP writes it: +CC.NUMBER
  Timestamp updated;
  friend bool operator==(const RegistrarDirectoryEntry&, const RegistrarDirectoryEntry&) = default;
};

/// A change to one entry: fields that hold a value are set (an empty string clears the field), the
/// others are kept. An entry that does not exist yet is created with the unset fields empty.
struct RegistrarDirectoryChange {
  std::int64_t iana_id = 0;
  std::optional<std::string> name, status, rdap_base_url, url, abuse_email, abuse_phone;
};

/// A registrar of the registration data that lacks an abuse contact (email or phone) once the
/// directory is merged in: RDAP answers for its domains fail the ICANN profile (tool -47500).
struct RegistrarWithoutAbuseContact {
  std::optional<std::int64_t> iana_id;  // nullopt: the deposit gives none, so no directory entry applies
  std::string handle;
  std::string name;
  bool email_missing = false;
  bool phone_missing = false;
  friend bool operator==(const RegistrarWithoutAbuseContact&, const RegistrarWithoutAbuseContact&) = default;
};

class RegistrarDirectoryReader {
 public:
  virtual ~RegistrarDirectoryReader() = default;

  /// Every entry, by IANA ID.
  [[nodiscard]] virtual Result<std::vector<RegistrarDirectoryEntry>> entries() = 0;
  /// The registrars of the registration data without an abuse email or phone, directory merged, by IANA
  /// ID (those without one last) and handle.
  [[nodiscard]] virtual Result<std::vector<RegistrarWithoutAbuseContact>>
  registrars_without_abuse_contact() = 0;
};

/// Writes within a unit of work; nothing is visible until it commits.
class RegistrarDirectoryWriter {
 public:
  virtual ~RegistrarDirectoryWriter() = default;

  /// Applies `change`, stamping the entry's update time with `now`. Errors: invalid_input when the IANA
  /// ID is not positive.
  [[nodiscard]] virtual Result<void> apply(const RegistrarDirectoryChange& change, Timestamp now) = 0;
};

}  // namespace ssad::store
