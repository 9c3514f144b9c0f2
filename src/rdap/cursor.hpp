#pragma once
// RFC 8977 paging cursors: opaque to clients, and not forgeable. A cursor carries where the next page
// starts (the last name sent), the page number, the search it belongs to and when it was issued,
// authenticated with HMAC-SHA-256 under the configured key (or one the server draws at start-up, so that
// cursors also end when it restarts), and encoded in base64url (RFC 8977 §2.2's cursor alphabet). A
// cursor older than its lifetime is refused, so a key shared by several servers does not make cursors
// live forever.

#include <array>
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/time.hpp"

namespace ssad::rdap {

struct CursorState {
  std::string search;  // what the search was, without a '\n': a cursor from another search is refused
  std::string after;   // the sort key of the last result sent
  std::int64_t page = 1;
  Timestamp issued;  // set by encode()
  friend bool operator==(const CursorState&, const CursorState&) = default;
};

class CursorCodec {
 public:
  /// A codec with a fresh random key.
  explicit CursorCodec(std::chrono::seconds lifetime = kDefaultLifetime);
  /// A codec with a given key (the configured rdap.cursor_secret; tests).
  explicit CursorCodec(std::string_view key, std::chrono::seconds lifetime = kDefaultLifetime);

  static constexpr std::chrono::seconds kDefaultLifetime{3600};

  /// The cursor for `state`, issued at `now`.
  [[nodiscard]] std::string encode(CursorState state, Timestamp now) const;
  /// nullopt when the cursor is malformed, was not made with this key, has a page number above a billion,
  /// or was issued more than the lifetime before `now` (or more than a minute after it: servers sharing
  /// the key may disagree on the time by that much).
  [[nodiscard]] std::optional<CursorState> decode(std::string_view cursor, Timestamp now) const;

 private:
  std::array<unsigned char, 32> key_{};
  std::chrono::seconds lifetime_;
};

}  // namespace ssad::rdap
