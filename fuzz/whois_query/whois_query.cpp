// The WHOIS query line (whois/responder.hpp) as a client sends it, answered from a small registry
// (tests/data/jsonl/registry.jsonl) in a SQLite file made once per process. Any line must get an answer
// whose lines all end in CR LF and hold no other control character: neither the query nor the stored
// data may start a line of their own.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <string>
#include <string_view>

#include "abuse/rate_limiter.hpp"
#include "cache/data_version.hpp"
#include "ingest/jsonl_import.hpp"
#include "store/sqlite/sqlite_store.hpp"
#include "support/fake_clock.hpp"
#include "support/temp_dir.hpp"
#include "whois/responder.hpp"

namespace {

std::unique_ptr<ssad::store::Store> open_registry(const ssad::testing::TempDir& dir,
                                                  const ssad::Clock& clock) {
  auto store = ssad::store::sqlite::open_sqlite_store(dir.file("whois.db")).value();
  (void)ssad::ingest::import_jsonl(*store, SSAD_TEST_DATA_DIR "/jsonl/registry.jsonl", clock).value();
  return store;
}

struct Registry {
  ssad::testing::TempDir dir;
  ssad::testing::FakeClock clock;
  std::unique_ptr<ssad::store::Store> store = open_registry(dir, clock);
  ssad::cache::DataVersion version{store->registrations(), clock, std::chrono::seconds(1)};
  ssad::abuse::RateLimiter limiter{clock, 0, 0};  // unlimited
  ssad::whois::Responder responder{store->registrations(), version, limiter, {.cache_bytes = 1 << 20}};
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static Registry registry;
  const std::string answer =
      registry.responder.answer(std::string_view(reinterpret_cast<const char*>(data), size), "192.0.2.1");
  if (answer.empty() || !answer.ends_with("\r\n")) std::abort();
  for (std::size_t i = 0; i < answer.size(); ++i) {
    const auto c = static_cast<unsigned char>(answer[i]);
    const bool line_end = (c == '\r' && i + 1 < answer.size() && answer[i + 1] == '\n') ||
                          (c == '\n' && i > 0 && answer[i - 1] == '\r');
    if ((c < 0x20 || c == 0x7F) && !line_end) std::abort();
  }
  return 0;
}
