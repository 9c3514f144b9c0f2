#pragma once
// UTF-8 (RFC 3629) as everything that reads untrusted text checks it: the RDAP query, the WHOIS access
// log, imported values.

#include <cstddef>
#include <optional>
#include <string_view>

namespace ssad {

/// The code point of the well-formed UTF-8 sequence at `text[pos]`, advancing `pos` past it; nullopt
/// (`pos` unchanged) when it is malformed: an overlong form, a surrogate, a code point above U+10FFFF, a
/// stray continuation byte or a truncated sequence. `pos` must be below `text.size()`.
[[nodiscard]] std::optional<char32_t> decode_utf8(std::string_view text, std::size_t& pos);

/// Whether all of `text` is well-formed UTF-8.
[[nodiscard]] bool is_utf8(std::string_view text);

/// The characters (code points) of well-formed UTF-8 `text`.
[[nodiscard]] std::size_t utf8_characters(std::string_view text);

}  // namespace ssad
