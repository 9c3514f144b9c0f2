#pragma once
// The operator's registrar directory (store/registrar_directory.hpp): `ssad registrar set` and
// `ssad registrar import FILE`. The file is a CSV with a header row naming its columns: IANA's published
// registrar IDs (https://www.iana.org/assignments/registrar-ids/registrar-ids-1.csv: `ID`, `Registrar
// Name`, `Status`, `RDAP Base URL`) or the operator's own (`ID`, `Abuse Email`, `Abuse Phone`, `URL`,
// ...; docs/registrar-directory.md). Each row changes the entry of its ID: a non-empty cell sets its
// column's field, an empty one keeps it. The whole file is applied in one unit of work, or nothing is.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "audit/log.hpp"
#include "core/error.hpp"
#include "core/time.hpp"
#include "store/store.hpp"

namespace ssad::ingest {

/// Parses an IANA Registrar ID: a positive decimal number. Errors: invalid_input.
[[nodiscard]] Result<std::int64_t> parse_iana_id(std::string_view text);

/// Checks the values a change sets: URLs are http(s) URLs, the abuse email is an address, the abuse
/// phone is E.164a as EPP writes it (+CC.NUMBER), names hold no control characters. Errors:
/// invalid_input naming the field (never echoing an email or phone).
[[nodiscard]] Result<void> check_directory_change(const store::RegistrarDirectoryChange& change);

/// Checks and applies one change (`ssad registrar set`). Errors: invalid_input, unavailable.
/// Audited as "registrar.set" on the registrar, naming the fields set (not their values).
[[nodiscard]] Result<void> set_registrar_directory(store::Store& store,
                                                   const store::RegistrarDirectoryChange& change,
                                                   const Clock& clock,
                                                   const audit::Actor& actor = audit::console_operator());

struct DirectoryImportReport {
  std::int64_t rows = 0;             // entries changed (one per data row)
  std::vector<std::string> columns;  // the header's columns, in file order
};

/// Reads and applies a directory CSV file. Errors: invalid_input as "FILE:LINE: reason" (an unknown or
/// repeated column, a row with the wrong number of fields, a bad or repeated ID, a bad value), nothing
/// being written then; unavailable when the file or the store cannot be used. Audited as
/// "registrar.import": the file's name and SHA-256, the rows and the columns.
[[nodiscard]] Result<DirectoryImportReport> import_registrar_directory(
    store::Store& store, const std::string& path, const Clock& clock,
    const audit::Actor& actor = audit::console_operator());

}  // namespace ssad::ingest
