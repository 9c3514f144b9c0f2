#pragma once
// Ids and API keys (issue 12; docs/requestors.md). Ids are random: a kind prefix and 16 base32 characters
// (80 bits), so that one tenant cannot guess another's. An API key is shown once, at creation:
//
//   ssad_key_<16 base32>_<64 hex>
//
// — the key's id (found without a search), then a 32-byte random secret. Only the SHA-256 of the secret
// is stored; a presented key is checked by hashing its secret and comparing the hashes in constant time.

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/time.hpp"
#include "model/requestor.hpp"

namespace ssad::identity {

/// A fresh id: `prefix` ("org", "usr", "acc", "key") + '_' + 16 random base32 characters.
[[nodiscard]] std::string new_id(std::string_view prefix);
/// True for an id new_id(prefix) could have made.
[[nodiscard]] bool is_id(std::string_view text, std::string_view prefix);

/// A secret credential of some kind as created (an API key, a registrant's session: "ssad_KIND_…_<64
/// hex>"): its id, the SHA-256 of its secret, and the text to hand out once.
struct SecretCredential {
  std::string id;  // KIND_ + 16 base32
  std::array<std::uint8_t, 32> secret_hash{};
  std::string text;
};
[[nodiscard]] SecretCredential make_secret_credential(std::string_view kind);

/// A key as created: the record to store and the key to show once.
struct NewApiKey {
  model::ApiKey record;
  std::string key;
};
[[nodiscard]] NewApiKey make_api_key(std::string user_id, Timestamp now, std::optional<Timestamp> expires);

/// What a presented key claims: its id and the hash of its secret. nullopt when it is not a key's form.
struct PresentedKey {
  std::string id;
  std::array<std::uint8_t, 32> secret_hash{};
};
[[nodiscard]] std::optional<PresentedKey> parse_api_key(std::string_view key);
/// What a presented credential of `kind` (make_secret_credential) claims; nullopt when it is not of that
/// form.
[[nodiscard]] std::optional<PresentedKey> parse_secret_credential(std::string_view text,
                                                                  std::string_view kind);
/// True when the text has an API key's prefix (whether or not the rest is well formed).
[[nodiscard]] bool looks_like_api_key(std::string_view text);

/// Constant-time comparison of two secret hashes (CRYPTO_memcmp).
[[nodiscard]] bool same_secret(const std::array<std::uint8_t, 32>& a, const std::array<std::uint8_t, 32>& b);

}  // namespace ssad::identity
