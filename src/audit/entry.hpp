#pragma once
// One audit log entry (issue 11) and its canonical byte encoding: the bytes the log's RFC 9162 Merkle
// tree hashes as a leaf, so one entry has exactly one encoding and every accepted byte string is the
// encoding of exactly one entry (decode(encode(e)) == e, and encode(decode(b)) == b for every b decode
// accepts). An entry records who did what to which object, when, why (purpose and lawful basis), which
// catalogue fields were served and a salted commitment to their values: never the values themselves,
// and no personal data in `detail`. Ids (a requestor's, a domain name) are pseudonymous at most; the log
// is confidential (spec policy.md, Rec 15).
//
// Encoding, version 1. Integers are big-endian; strN is an N-bit unsigned byte length followed by that
// many bytes of UTF-8.
//
//   u8      version (1)
//   u8[16]  nonce
//   u64     time, Unix milliseconds (two's complement)
//   str8    actor kind      str16 actor id
//   str8    action
//   str8    object kind     str16 object id
//   str8    purpose         str8  lawful basis
//   u16     number of fields, then each field key as str8
//   u8      commitment length (0 or 32), then the commitment
//   u16     number of detail pairs, then each: str8 key, str16 value
//
// The nonce makes a leaf hash unguessable: without it, anyone holding a proof could confirm a guessed
// entry ("did requestor X ask about domain Y at 10:00?") by hashing candidates.

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/error.hpp"
#include "core/time.hpp"
#include "tlog/hash.hpp"

namespace ssad::audit {

/// The version byte that starts every encoding this code writes; decode() refuses any other.
inline constexpr std::uint8_t kEncodingVersion = 1;

/// Who may act. Later issues add kinds here; an encoding stores the spelling, not the index, so the order
/// is free.
inline constexpr auto kActorKinds = std::to_array<std::string_view>(
    {"operator", "requestor", "reviewer", "auditor", "system", "subject", "agent"});
/// What may be acted on.
inline constexpr auto kObjectKinds = std::to_array<std::string_view>(
    {"domain", "request", "requestor", "registrar", "credential", "deposit", "registrar_directory", "server",
     "store", "audit_log", "accreditation", "user", "organisation", "contact", "sender", "agent"});

/// Limits checked by validate(), in bytes (UTF-8) or counts.
inline constexpr std::size_t kMaxActionBytes = 64;
inline constexpr std::size_t kMaxIdBytes = 1024;   // actor and object ids
inline constexpr std::size_t kMaxTokenBytes = 64;  // purpose and lawful basis
inline constexpr std::size_t kMaxDetailKeyBytes = 64;
inline constexpr std::size_t kMaxDetailValueBytes = 4096;
inline constexpr std::size_t kMaxDetailPairs = 64;
/// The instants an entry may carry: those RFC 3339 can write (years 0000 to 9999), in Unix ms.
inline constexpr std::int64_t kMinTimeMs = -62167219200000;  // 0000-01-01T00:00:00.000Z
inline constexpr std::int64_t kMaxTimeMs = 253402300799999;  // 9999-12-31T23:59:59.999Z

/// Who acted: a kind from kActorKinds and the actor's id in that kind's namespace (an operator's login,
/// a requestor's account id); empty only where the kind alone names the actor.
struct Actor {
  std::string kind;
  std::string id;
  friend bool operator==(const Actor&, const Actor&) = default;
};

/// What was acted on: a kind from kObjectKinds and its id (a domain name, a request number, a
/// registrar's IANA id); empty only where the kind alone names the object (the server).
struct Object {
  std::string kind;
  std::string id;
  friend bool operator==(const Object&, const Object&) = default;
};

struct Entry {
  Timestamp time;  // when the act happened (ms precision; Unix ms)
  Actor actor;
  std::string action;  // dotted lower-case: "import.escrow", "registrar.set", "server.start"
  Object object;
  std::string purpose;                          // empty when none applies, e.g. "network_attack"
  std::string lawful_basis;                     // empty when none applies, e.g. "6(1)(f)"
  std::vector<std::string> fields;              // catalogue keys of the fields served, sorted, unique
  std::optional<tlog::Hash> values_commitment;  // commit_values() of the values served; needs fields
  std::vector<std::pair<std::string, std::string>> detail;  // sorted by key, unique keys; no personal data
  std::array<std::uint8_t, 16> nonce{};                     // random_nonce(): makes the leaf hash unguessable
  friend bool operator==(const Entry&, const Entry&) = default;
};

/// Checks every rule an encodable entry follows:
/// - time between kMinTimeMs and kMaxTimeMs;
/// - nonce not all zero (the default: random_nonce() was forgotten);
/// - actor.kind in kActorKinds, object.kind in kObjectKinds;
/// - action `[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)*`, at most kMaxActionBytes;
/// - actor.id and object.id text (below), at most kMaxIdBytes;
/// - purpose and lawful_basis empty or a token: printable ASCII, `[A-Za-z0-9][A-Za-z0-9_().:/-]*`, at most
///   kMaxTokenBytes (so "network_attack", "criminalInvestigation", "6(1)(f)", "Art.6(1)(f)"; no spaces);
/// - fields catalogue keys (catalog::find_field), strictly ascending (sorted and unique; "sorted" is
///   byte order here and below);
/// - values_commitment only with at least one field;
/// - detail at most kMaxDetailPairs pairs, keys `[a-z][a-z0-9_.]*` of at most kMaxDetailKeyBytes,
///   strictly ascending; values text of at most kMaxDetailValueBytes.
/// Text is well-formed UTF-8 without C0 or C1 controls, DEL, U+2028, U+2029 or the bidirectional
/// embeddings, overrides and isolates (U+202A-U+202E, U+2066-U+2069): the rule core/text_check.hpp
/// applies to imported values, so that no entry can start a line of its own or reorder what an auditor
/// reads. Errors: invalid_input naming the member, never repeating its value (at most the code point
/// refused): "audit entry: detail[2].value holds the control character U+000A".
[[nodiscard]] Result<void> validate(const Entry& entry);

/// The entry with `fields` sorted and de-duplicated and `detail` sorted by key (stably: of two pairs
/// with one key, the first stays first, and validate() refuses the pair).
[[nodiscard]] Entry normalised(Entry entry);

/// The canonical encoding of a valid entry (format above). Errors: validate()'s.
[[nodiscard]] Result<std::string> encode(const Entry& entry);

/// The entry `bytes` encode. Refused, as invalid_input naming the member: a version other than
/// kEncodingVersion, truncation, trailing bytes, a commitment length other than 0 or 32, and anything
/// validate() refuses (unsorted or duplicate keys, bad UTF-8, control characters, unknown kinds).
[[nodiscard]] Result<Entry> decode(std::string_view bytes);

/// The salted commitment to the values served: HMAC-SHA-256 keyed with `salt` over the pairs sorted by
/// key (then value), each written as str8 key, u32 value length, value bytes. `salt` is 32 bytes from
/// random_bytes(), kept apart from the log: with it, whoever holds the values can show which were
/// served; without it, nobody can test a guess against the log. Keys are catalogue keys (at most 255
/// bytes) and values are shorter than 4 GiB: anything else is a bug and aborts.
[[nodiscard]] tlog::Hash commit_values(std::span<const std::pair<std::string, std::string>> values,
                                       std::string_view salt);

/// `n` bytes from OpenSSL's CSPRNG (RAND_bytes); aborts if it fails, as nothing may be logged without.
[[nodiscard]] std::string random_bytes(std::size_t n);
/// A fresh random nonce for an entry.
[[nodiscard]] std::array<std::uint8_t, 16> random_nonce();

}  // namespace ssad::audit
