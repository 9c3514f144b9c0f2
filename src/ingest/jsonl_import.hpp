#pragma once
// Imports registration data from a JSON Lines file in OpenSSAD's own format (docs/jsonl.md): one
// registrar or one domain per line, the domain carrying its contacts and nameservers. For registries
// that have no RFC 9022 escrow deposit to hand, and for hand-written test data.
//
// The whole file is one unit of work: the first bad line aborts the import with its file name, line and
// reason, and the store stays as it was. Objects are upserted (put replaces an object and its child
// rows); nothing is ever deleted. A file already imported (same bytes) is not applied again.

#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "core/error.hpp"
#include "core/time.hpp"
#include "ingest/escrow_import.hpp"
#include "model/registration.hpp"
#include "store/store.hpp"

namespace ssad::ingest {

/// A domain line: the domain, and the contacts and hosts it defines, each with its path in the line
/// ("domain.contacts.admin", "domain.nameservers[0]") for messages.
struct JsonlDomain {
  model::Domain domain;
  std::vector<std::pair<std::string, model::Contact>> contacts;
  std::vector<std::pair<std::string, model::Host>> hosts;
};

/// One record line, read and checked but not applied to a store.
using JsonlRecord = std::variant<model::Registrar, JsonlDomain>;

/// Reads one record line (neither blank nor a comment), without its line ending. Errors: invalid_input
/// with the path in the line and the reason, as import_jsonl() reports them without the file and line
/// (bad JSON, a refused text value, an unknown member, a wrong type, a bad date, name, status or address).
[[nodiscard]] Result<JsonlRecord> parse_jsonl_record(std::string_view line);

/// Imports the JSON Lines file at `path` into `store`, committing at `clock.now()`.
/// Result: rows["registrar"] and rows["domain"] count the lines of each kind, type is "JSONL",
/// deposit_id is "jsonl-" and the first 16 hex digits of the file's SHA-256 (the import is recorded under
/// it; the same file again has already_imported set and changes nothing), counts is what the store
/// holds afterwards. A file with no record commits nothing.
/// Errors: invalid_input for the file's content, always as "<file name> line N: <reason>" (bad JSON,
/// an unknown member, a wrong type, a bad date, name, status or address, an unknown reference, a domain
/// or registrar given twice, a contact or host given twice with different data) and for a missing
/// file; unavailable when the file or the database cannot be read or written.
[[nodiscard]] Result<ImportReport> import_jsonl(store::Store& store, const std::string& path,
                                                const Clock& clock,
                                                const audit::Actor& actor = audit::console_operator());

}  // namespace ssad::ingest
