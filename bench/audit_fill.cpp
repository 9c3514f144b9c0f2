// Fills a store's audit log with realistic entries (bench/audit_entries.hpp) for `ssad audit verify` and
// the proof benchmarks: appends until the log holds COUNT entries, UNIT entries per unit of work, their
// times spread over the year before now in order. With KEY (a signing key file, `ssad audit keygen`) it
// signs a checkpoint after every COUNT / CHECKPOINTS entries, as a server would once per interval.
//
// Usage: bench_audit_fill LOCATION COUNT [UNIT=50000] [KEY] [CHECKPOINTS=10]

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <string>
#include <vector>

#include "audit/checkpoints.hpp"
#include "audit/keys.hpp"
#include "audit/log.hpp"
#include "audit_entries.hpp"
#include "store/open/open_store.hpp"

namespace {

int fail_with(const ssad::Error& error) {
  std::fprintf(stderr, "%s\n", error.message.c_str());
  return 1;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 3) {
    std::fprintf(stderr, "usage: %s LOCATION COUNT [UNIT=50000] [KEY] [CHECKPOINTS=10]\n", argv[0]);
    return 2;
  }
  const std::string location = argv[1];
  const std::uint64_t count = std::strtoull(argv[2], nullptr, 10);
  const std::uint64_t unit = argc > 3 ? std::strtoull(argv[3], nullptr, 10) : 50000;
  const std::string key_path = argc > 4 ? argv[4] : "";
  const std::uint64_t checkpoints = argc > 5 ? std::strtoull(argv[5], nullptr, 10) : 10;
  if (count == 0 || unit == 0 || checkpoints == 0) {
    std::fprintf(stderr, "COUNT, UNIT and CHECKPOINTS must be positive\n");
    return 2;
  }

  auto store = ssad::store::open_store(location, {});
  if (!store) return fail_with(store.error());
  std::optional<ssad::audit::Checkpointer> signer;
  const ssad::SystemClock clock;
  if (!key_path.empty()) {
    auto key = ssad::audit::read_signing_key(key_path);
    if (!key) return fail_with(key.error());
    signer.emplace(**store, std::move(*key), clock, std::chrono::seconds(60));
  }
  auto head = (*store)->audit_log().head();
  if (!head) return fail_with(head.error());

  // One entry every year / count, ending now.
  const auto end = clock.now();
  const auto step =
      std::chrono::milliseconds(std::chrono::hours(24 * 365)) / static_cast<std::int64_t>(count);
  const auto start = end - step * static_cast<std::int64_t>(count);
  const std::uint64_t every = std::max<std::uint64_t>(1, count / checkpoints);
  std::vector<ssad::audit::ServedValue> served;
  const auto t0 = std::chrono::steady_clock::now();
  std::uint64_t bytes = 0;
  std::uint64_t written = 0;
  for (std::uint64_t n = head->size; n < count;) {
    auto work = (*store)->begin_audit();
    if (!work) return fail_with(work.error());
    // A unit ends at the next checkpoint's size, so that each checkpoint is signed at a round size.
    const std::uint64_t stop = std::min({count, n + unit, (n / every + 1) * every});
    for (; n < stop; ++n) {
      const auto time = start + step * static_cast<std::int64_t>(n);
      auto record = ssad::audit::make_record(ssad::bench::disclosure(n, time, served), served);
      if (!record) return fail_with(record.error());
      bytes += record->encoding.size();
      ++written;
      if (auto ok = (*work)->audit_log().append(std::move(*record)); !ok) return fail_with(ok.error());
    }
    if (auto ok = (*work)->commit(end); !ok) return fail_with(ok.error());
    if (signer && n % every == 0) {
      if (auto made = signer->sign_now(); !made) return fail_with(made.error());
    }
  }
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  std::printf("filled entries=%llu seconds=%.1f mean_encoding_bytes=%.0f\n",
              static_cast<unsigned long long>(written), seconds,
              written > 0 ? static_cast<double>(bytes) / static_cast<double>(written) : 0.0);
  return 0;
}
