#pragma once
// RFC 8977 paging cursors: opaque to clients, and not forgeable. A cursor carries where the next page
// starts (the last name sent), the page number and the search it belongs to, authenticated with
// HMAC-SHA-256 under a key the server draws at start-up (so cursors expire when it restarts), and
// encoded in base64url (RFC 8977 §2.2's cursor alphabet).

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace ssad::rdap {

struct CursorState {
  std::string search;  // what the search was: a cursor from another search is refused
  std::string after;   // the sort key of the last result sent
  std::int64_t page = 1;
  friend bool operator==(const CursorState&, const CursorState&) = default;
};

class CursorCodec {
 public:
  /// A codec with a fresh random key.
  CursorCodec();
  /// A codec with a given key (tests).
  explicit CursorCodec(std::string_view key);

  [[nodiscard]] std::string encode(const CursorState& state) const;
  /// nullopt when the cursor is malformed or was not made by this codec.
  [[nodiscard]] std::optional<CursorState> decode(std::string_view cursor) const;

 private:
  std::array<unsigned char, 32> key_{};
};

}  // namespace ssad::rdap
