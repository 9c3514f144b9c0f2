#pragma once
// What OpenSSAD accepts as stored text (docs/escrow.md, "Text values"): UTF-8 (RFC 3629) without the
// characters that would let a stored value start a line of its own or reorder what a reader sees around
// it in a WHOIS answer, an RDAP client, a log, a terminal or a spreadsheet. Both importers (escrow CSV
// and JSON Lines), the registrar directory and the audit log's entries check text with this one
// function before storing anything.

#include <string_view>

#include "core/error.hpp"

namespace ssad {

/// Checks one text value. Refused: malformed UTF-8 (overlong forms, surrogates, code points above
/// U+10FFFF, truncated sequences); C0 controls U+0000–U+001F, TAB, CR and LF included; DEL U+007F; C1
/// controls U+0080–U+009F; the line and paragraph separators U+2028 and U+2029; the bidirectional
/// embeddings, overrides and isolates U+202A–U+202E and U+2066–U+2069. Everything else is accepted,
/// the bidirectional marks U+200E, U+200F and U+061C included (right-to-left text needs them).
/// Errors: invalid_input whose message says what was found ("is not UTF-8", "holds the control
/// character U+000A") and never repeats the value, which may be personal data; callers prefix where.
[[nodiscard]] Result<void> check_text_value(std::string_view value);

}  // namespace ssad
