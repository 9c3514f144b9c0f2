#pragma once
// `ssad audit export` and /v1/audit/export (docs/audit.md): the entries of a period, filtered by actor,
// action and object, as JSON Lines or CSV.

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "core/error.hpp"
#include "store/audit_log.hpp"

namespace ssad::audit {

enum class ExportFormat { jsonl, csv };

/// "jsonl" or "csv". Errors: invalid_input.
[[nodiscard]] Result<ExportFormat> parse_export_format(std::string_view text);

/// Reads "KIND" or "KIND:ID" (an actor, an object) into the filter's kind and id. Errors: invalid_input.
[[nodiscard]] Result<void> parse_reference(std::string_view text, std::optional<std::string>& kind,
                                           std::optional<std::string>& id);

/// Writes every entry matching `filter`, by sequence number, to `write` (one JSON object per line, or a
/// CSV header and one row per entry); returns how many. Entries are decoded from their canonical
/// encoding and the filter is checked again on what they say, not only on the copies kept for
/// searching. Errors: unavailable (store); internal when a stored entry does not decode (run
/// `ssad audit verify`).
[[nodiscard]] Result<std::uint64_t> export_entries(store::AuditLogReader& log,
                                                   const store::AuditFilter& filter, ExportFormat format,
                                                   const std::function<void(std::string_view)>& write);

}  // namespace ssad::audit
