#pragma once
// Reading an RDAP request (RFC 9082): percent-decoding of path segments and query parameters, and the
// search patterns of §4.1. Pure functions, so that bad input is tested without a server.

#include <expected>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/error.hpp"

namespace ssad::rdap {

/// Percent-decodes `text` (RFC 3986 §2.1) and checks the result is UTF-8 (RFC 9082 §6.1). nullopt for a
/// malformed escape ("%", "%G1"), an encoded NUL, or bytes that are not UTF-8. '+' stays '+'.
[[nodiscard]] std::optional<std::string> percent_decode(std::string_view text);

/// Query parameters in order, decoded. nullopt when one is malformed (see percent_decode).
using QueryParameters = std::vector<std::pair<std::string, std::string>>;
[[nodiscard]] std::optional<QueryParameters> parse_query(std::string_view query);

/// The value of the first parameter `name`, or nullopt.
[[nodiscard]] const std::string* find_parameter(const QueryParameters& parameters, std::string_view name);

/// A search pattern (RFC 9082 §4.1): a name, or a prefix ending in '*' optionally followed by a label
/// suffix ("exam*", "exam*.com"). Names are normalised: lower case, UTS 46 for U-labels.
struct NamePattern {
  bool wildcard = false;
  bool unicode = false;  // the prefix and suffix are U-label text (match unicode names)
  std::string name;      // no wildcard: the A-label name
  std::string prefix;    // wildcard: what names start with (A-label or U-label text, see `unicode`)
  std::string suffix;    // wildcard: "" or ".label..." that names end with
};

/// Why a pattern was refused: the HTTP status and a reason that does not repeat the input.
struct PatternError {
  unsigned status = 400;
  std::string reason;
};

/// Reads a pattern. Refuses with 400 an invalid name, a pattern mixing A-labels and U-labels, or more than
/// one '*'; with 422 (RFC 9082 §4.1) a partial-match style this server does not offer: a '*' that is not
/// at the end of a label's prefix, nothing before the '*', or a wildcard where `allow_wildcard` is false.
[[nodiscard]] std::expected<NamePattern, PatternError> parse_name_pattern(std::string_view text,
                                                                          bool allow_wildcard = true);

}  // namespace ssad::rdap
