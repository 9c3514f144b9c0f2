#pragma once
// Applies an RFC 9022 CSV-model escrow deposit to the registration store, in one unit of work: a bad
// row aborts the import with its file, line and reason, and the store stays as it was.
//
// FULL deposits replace every domain of the deposit's TLD (contacts and hosts that no domain uses any
// more and that the deposit does not carry are removed); DIFF and INCR deposits apply their deletes and
// then replace each object they carry, with all its child rows (RFC 9022 cascade replace). A deposit
// already applied (same id, same XML) changes nothing.
//
// Beyond RFC 9022's fields, <rdeCsv:fCustom name="..."> columns carry what the RFC has no field for:
// registrar "rdapBaseUrl", "abuseEmail", "abusePhone"; contact "personType" (natural|legal),
// "privacyService"; domain "reseller". docs/escrow.md lists them.

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "audit/log.hpp"
#include "core/error.hpp"
#include "core/time.hpp"
#include "store/store.hpp"

namespace ssad::ingest {

struct EscrowImportOptions {
  bool ignore_sequence = false;  // apply a DIFF/INCR even when its prevId is not the last deposit applied
  audit::Actor actor = audit::console_operator();  // who imports, for the audit log
};

struct ImportReport {
  std::string deposit_id;
  std::string type;
  bool already_imported = false;             // nothing was changed
  std::map<std::string, std::int64_t> rows;  // rows read per CSV definition name ("domain", ...)
  std::int64_t deleted = 0;                  // objects removed (deletes, and a FULL's replaced domains)
  std::vector<std::string> notes;            // ignored columns and files, for the operator
  store::StoreCounts counts;                 // what the store holds afterwards
  // Every file read (the XML, the CSV files) and its SHA-256 (lower-case hex), in the order read: what
  // the audit log records of the import.
  std::vector<std::pair<std::string, std::string>> files;
  std::optional<std::uint64_t> audit_entry;  // the import's entry in the audit log (nullopt: nothing changed)
};

/// Appends the import's entry (`action`: "import.escrow", "import.jsonl") to the audit log in `work`:
/// deposit id and type, rows per kind, objects removed, and each file's SHA-256.
[[nodiscard]] Result<void> record_import(store::UnitOfWork& work, const ImportReport& report,
                                         std::string_view action, const audit::Actor& actor, Timestamp now);

/// Imports the deposit whose XML is at `xml_path`; its CSV files are looked up beside it.
/// Errors: invalid_input ("domain-20240101.csv line 7: unknown registrar 'X'"), conflict (out of
/// sequence, or the same id with other content), unavailable (files or database cannot be read).
[[nodiscard]] Result<ImportReport> import_escrow(store::Store& store, const std::string& xml_path,
                                                 const Clock& clock, const EscrowImportOptions& options = {});

}  // namespace ssad::ingest
