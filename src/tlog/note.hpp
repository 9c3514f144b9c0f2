#pragma once
// Signed notes (https://c2sp.org/signed-note) with Ed25519 keys (signature type 0x01), their keys in the
// text forms of Go's golang.org/x/mod/sumdb/note, and the checkpoints a log signs as notes
// (https://c2sp.org/tlog-checkpoint).
//
// A signed note is a text ending in a newline, a blank line, then one or more signature lines
// "— <key name> <base64(key id || signature)>". A key is known to a verifier by its name and its key id
// together: the first four bytes of SHA-256(name || 0x0A || 0x01 || public key).
//
// Every failure is a value. Errors about a signing key never quote the key's text, so that a message
// that ends up in a log holds no part of a secret.

#include <array>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "core/error.hpp"
#include "tlog/hash.hpp"

namespace ssad::tlog {

/// An Ed25519 key that signs notes. `seed` is the secret (RFC 8032's 32-byte private key);
/// `public_key` and `key_id` follow from it and the name.
struct SigningKey {
  std::string name;
  std::array<std::uint8_t, 32> seed{};
  std::array<std::uint8_t, 32> public_key{};
  std::uint32_t key_id = 0;
};

/// The public half of a SigningKey: what a verifier of notes is configured with.
struct VerifierKey {
  std::string name;
  std::uint32_t key_id = 0;
  std::array<std::uint8_t, 32> public_key{};
};

/// Whether `name` may name a key: non-empty, valid UTF-8, without Unicode white space (Go's
/// unicode.IsSpace), '+' or control characters (C0, DEL, C1).
[[nodiscard]] bool is_key_name(std::string_view name);

/// The key id of an Ed25519 key: the first 4 bytes, big-endian, of SHA-256(name || 0x0A || 0x01 ||
/// public_key).
[[nodiscard]] std::uint32_t key_id(std::string_view name, std::span<const std::uint8_t, 32> public_key);

/// A new signing key for `name`, from OpenSSL's random generator.
/// Errors: invalid_input when `name` is not a key name (is_key_name); unavailable when no randomness.
[[nodiscard]] Result<SigningKey> generate_signing_key(std::string_view name);

/// The signing key for `name` whose secret is `seed` (deterministic: for keys kept elsewhere and tests).
/// Errors: invalid_input when `name` is not a key name.
[[nodiscard]] Result<SigningKey> signing_key_from_seed(std::string_view name,
                                                       std::span<const std::uint8_t, 32> seed);

/// "PRIVATE+KEY+<name>+<key id, 8 lower-case hex digits>+<base64(0x01 || seed)>", as Go's
/// note.GenerateKey writes it. A secret: store it as one.
[[nodiscard]] std::string format_signing_key(const SigningKey& key);
/// Reads format_signing_key's text, with or without one trailing newline; Go's upper-case hex digits
/// are accepted too. Errors: invalid_input when the text is not such a key, names another signature
/// type, or its key id does not match its name and key; the message never quotes the text.
[[nodiscard]] Result<SigningKey> parse_signing_key(std::string_view text);

/// "<name>+<key id, 8 lower-case hex digits>+<base64(0x01 || public key)>", Go's verifier key form.
[[nodiscard]] std::string format_verifier_key(const VerifierKey& key);
/// Reads format_verifier_key's text, with or without one trailing newline; upper-case hex digits are
/// accepted. Errors: invalid_input as for parse_signing_key (this key is public: messages may quote it).
[[nodiscard]] Result<VerifierKey> parse_verifier_key(std::string_view text);
/// The verifier key of a signing key.
[[nodiscard]] VerifierKey verifier_of(const SigningKey& key);

/// Whether `text` may be the text of a note: valid UTF-8 ending in '\n', without control characters
/// (below U+0020) other than '\n'.
[[nodiscard]] bool is_note_text(std::string_view text);

/// The note: `text`, a blank line, and one signature line by `key`. Ed25519 is deterministic: the same
/// text and key give the same bytes.
/// Errors: invalid_input when `text` is not a note text (the message says where), or `key` is not
/// consistent (a bad name, a key id or public key that does not follow from the name and seed).
[[nodiscard]] Result<std::string> sign_note(std::string_view text, const SigningKey& key);

/// The text of the signed note `note` (with its final newline, without the blank line) when it holds a
/// signature by `key` that verifies. The text ends at the note's last blank line; every line after it
/// must be a well-formed signature line (at most 100). Lines by keys other than `key` — another name
/// or another key id — are not checked beyond their form. Every line by `key` must verify.
/// Errors: invalid_input when the note is malformed (not UTF-8, a control character, no blank line, a
/// bad signature line, too many signatures); forbidden when no line is by `key` ("no signature by key
/// NAME+ID") or a line by `key` does not verify.
[[nodiscard]] Result<std::string> open_note(std::string_view note, const VerifierKey& key);

/// A log's checkpoint: its origin, its size, and the root of its RFC 9162 tree at that size.
struct Checkpoint {
  std::string origin;
  std::uint64_t size = 0;
  Hash root{};
};

/// The checkpoint's note text: origin, size in decimal and root in base64, each followed by '\n', and no
/// extension lines. `origin` must be a non-empty line without control characters.
[[nodiscard]] std::string checkpoint_text(const Checkpoint& checkpoint);
/// Reads a checkpoint's note text: at least three lines, each ending in '\n' and non-empty; the size
/// in decimal without leading zeros (but "0"); the root the base64 of 32 bytes. Extension lines after
/// the third are accepted and ignored.
/// Errors: invalid_input, saying which line is wrong.
[[nodiscard]] Result<Checkpoint> parse_checkpoint(std::string_view text);

}  // namespace ssad::tlog
