// RFC 8977 paging cursors (rdap/cursor.hpp). The input is a cursor as a client sends it: decoding must
// refuse what this key did not make without crashing. It also makes a state (the search signature and
// the last name sent, as the server makes them) whose cursor must decode to that state again.

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "core/time.hpp"
#include "rdap/cursor.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const ssad::rdap::CursorCodec codec("fuzz-cursor-key");
  static const ssad::Timestamp now = ssad::parse_rfc3339("2026-01-01T00:00:00Z").value();
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  (void)codec.decode(input, now);

  // A state as the server makes one: a search signature without a newline, names of at most 253 bytes.
  const std::string_view head = input.substr(0, std::min<std::size_t>(input.size() / 2, 300));
  ssad::rdap::CursorState state{.search = std::string(head),
                                .after = std::string(input.substr(head.size(), 253)),
                                .page = static_cast<std::int64_t>(size % 1000) + 1};
  std::replace(state.search.begin(), state.search.end(), '\n', ' ');
  const std::string cursor = codec.encode(state, now);
  const auto decoded = codec.decode(cursor, now);
  if (!decoded || decoded->search != state.search || decoded->after != state.after ||
      decoded->page != state.page) {
    std::abort();  // a cursor this codec made must give its state back
  }
  return 0;
}
