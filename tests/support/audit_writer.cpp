// audit_writer STORE THREADS: a real client of the audit log for crash tests
// (tests/integration/audit_crash_e2e.sh). Opens the store (a SQLite path or a postgresql:// URL, already
// migrated), starts THREADS threads that append through one audit::Appender (group commit) until the
// process is killed, and after each acknowledged append prints "acked <seq> <marker>" on standard output,
// flushed at once, so that every line printed is an entry the log promised to keep. Entries: actor
// system:writer, action test.append, object store, detail marker=t<thread>-<n>.
// Exit status 2 for bad arguments, 1 when the store cannot be opened or an append fails.

#include <charconv>
#include <cstdio>
#include <cstdlib>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "audit/entry.hpp"
#include "audit/log.hpp"
#include "core/time.hpp"
#include "store/open/open_store.hpp"

namespace {

using namespace ssad;  // NOLINT(google-build-using-namespace): a small program

std::mutex output_mutex;

[[noreturn]] void fail_and_exit(const std::string& message) {
  {
    const std::lock_guard lock(output_mutex);
    std::fprintf(stderr, "audit_writer: %s\n", message.c_str());
    std::fflush(stderr);
  }
  // Other threads are still appending: leave at once, as a crash would, without running destructors.
  std::_Exit(1);
}

void append_forever(audit::Appender& appender, const Clock& clock, int thread) {
  for (std::uint64_t n = 0;; ++n) {
    const std::string marker = "t" + std::to_string(thread) + "-" + std::to_string(n);
    audit::Entry entry;
    entry.time = clock.now();
    entry.actor = {"system", "writer"};
    entry.action = "test.append";
    entry.object = {"store", ""};
    entry.detail = {{"marker", marker}};
    const auto seq = appender.append(std::move(entry));
    if (!seq) fail_and_exit("append " + marker + " failed: " + seq.error().message);
    const std::string line = "acked " + std::to_string(*seq) + " " + marker + "\n";
    const std::lock_guard lock(output_mutex);
    std::fputs(line.c_str(), stdout);
    if (std::fflush(stdout) != 0) fail_and_exit("cannot write to standard output");
  }
}

}  // namespace

int main(int argc, char** argv) {
  int threads = 0;
  const std::string_view count = argc == 3 ? std::string_view(argv[2]) : std::string_view();
  const auto parsed = std::from_chars(count.data(), count.data() + count.size(), threads);
  if (argc != 3 || parsed.ec != std::errc() || parsed.ptr != count.data() + count.size() || threads < 1) {
    std::fprintf(stderr, "usage: audit_writer STORE THREADS\n");
    return 2;
  }
  auto store = store::open_store(argv[1], {.create = false, .migrate = false});
  if (!store) fail_and_exit("cannot open the store: " + store.error().message);
  const SystemClock clock;
  audit::Appender appender(**store);
  std::vector<std::jthread> writers;
  writers.reserve(static_cast<std::size_t>(threads));
  for (int t = 0; t < threads; ++t) {
    writers.emplace_back([&appender, &clock, t] { append_forever(appender, clock, t); });
  }
  return 0;  // the writers' destructors join them: they append until the process is killed
}
