#pragma once
// SHA-256 hashes as transparency logs use them (RFC 9162 §2.1), and the standard base64 (RFC 4648 §4)
// that checkpoints, proofs and the audit API write them in.

#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace ssad::tlog {

/// A SHA-256 value: a leaf hash, a node hash or a tree's root.
using Hash = std::array<std::uint8_t, 32>;

/// SHA-256 of `bytes`.
[[nodiscard]] Hash sha256(std::string_view bytes);
/// SHA-256 of the concatenation of `parts`.
[[nodiscard]] Hash sha256(std::span<const std::string_view> parts);

/// Standard base64 with padding (RFC 4648 §4).
[[nodiscard]] std::string base64(std::span<const std::uint8_t> bytes);
[[nodiscard]] std::string base64(std::string_view bytes);
/// Decodes standard base64 with padding; nullopt when `text` is not exactly that (no spaces, no
/// newlines, no missing or extra padding, no non-zero trailing bits).
[[nodiscard]] std::optional<std::string> unbase64(std::string_view text);
/// A hash written in base64, and read back: nullopt unless `text` is the base64 of exactly 32 bytes.
[[nodiscard]] std::string base64(const Hash& hash);
[[nodiscard]] std::optional<Hash> hash_from_base64(std::string_view text);
/// Lower-case hex, for messages and file hashes.
[[nodiscard]] std::string hex(std::span<const std::uint8_t> bytes);

/// The bytes of a hash as a string_view, for hashing it again.
[[nodiscard]] inline std::string_view bytes_of(const Hash& hash) {
  return {reinterpret_cast<const char*>(hash.data()), hash.size()};  // NOLINT(*-reinterpret-cast)
}

}  // namespace ssad::tlog
