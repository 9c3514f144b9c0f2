#pragma once
// An audit entry as people and their tools read it: a JSON object for the audit API and `ssad audit
// export --json`, and a CSV row for `ssad audit export --csv` into an auditor's spreadsheet. Both show
// the decoded entry next to the canonical bytes the log's tree hashes (`encoding`), so that a reader
// can check one against the other and the bytes against an inclusion proof.
//
// JSON, one object per entry, members in this order:
//   seq, time (RFC 3339 UTC, always with milliseconds: "2026-03-01T09:30:00.000Z"), actor {kind, id},
//   action, object {kind, id}, purpose and lawful_basis (each left out when empty), fields [keys],
//   values_commitment (base64; left out when none), detail {key: value}, nonce (base64), encoding
//   (base64).
//
// CSV (RFC 4180: comma-separated, CRLF after every row, kCsvHeader first), columns:
//   seq,time,actor_kind,actor_id,action,object_kind,object_id,purpose,lawful_basis,fields,
//   values_commitment,detail,encoding
// - fields: the keys separated by one space (keys hold no spaces).
// - detail: key=value pairs joined by ';'. Inside keys and values '%', ';', '=' and ',' are written as
//   %25, %3B, %3D and %2C (upper-case hex) and nothing else is encoded; to read a pair back, split the
//   cell at ';', each part at its '=', then replace each %XX by its byte.
// - values_commitment, encoding: base64, as in JSON; empty when there is no commitment.
// - Quoting: a cell holding '"', ',', CR or LF is put in double quotes with each '"' doubled; no other
//   cell is quoted.
// - Formula injection: spreadsheets (Excel, LibreOffice, Google Sheets) run a cell that starts with
//   '=', '+', '-' or '@' as a formula, even a quoted one, and an id or a base64 value ("+AbC...") can
//   start that way. So every cell whose first character is '=', '+', '-', '@', TAB, CR or an apostrophe
//   gets one apostrophe in front (before quoting), which spreadsheets show as text. The apostrophe is
//   escaped too so that the rule can be undone: a program reading the file drops one leading
//   apostrophe from any cell that has one. No other cell ever starts with an apostrophe. The JSON is
//   written without this: it is the faithful form.

#include <cstdint>
#include <string>
#include <string_view>

#include "audit/entry.hpp"
#include "json/json_writer.hpp"

namespace ssad::audit {

/// Writes `entry`, number `seq` in the log, as one JSON object (format above). `encoding` is the
/// entry's canonical bytes as the log stores them (encode(entry)), written in base64; `seq` is below
/// 2^63, as every leaf index of a log.
void write_json(json::JsonWriter& out, const Entry& entry, std::uint64_t seq, std::string_view encoding);

/// The CSV header row, CRLF included.
inline constexpr std::string_view kCsvHeader =
    "seq,time,actor_kind,actor_id,action,object_kind,object_id,purpose,lawful_basis,fields,"
    "values_commitment,detail,encoding\r\n";

/// Appends `entry`, number `seq` in the log, as one CSV row with its CRLF (format above); `encoding` as
/// for write_json().
void write_csv_row(std::string& out, const Entry& entry, std::uint64_t seq, std::string_view encoding);

/// An instant as the audit output writes it: RFC 3339 in UTC with exactly three fraction digits, so
/// that the times of a log sort as text.
[[nodiscard]] std::string format_time(Timestamp time);

}  // namespace ssad::audit
