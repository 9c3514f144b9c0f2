// Durable audit appends (issue 11): WRITERS threads append realistic entries (bench/audit_entries.hpp)
// through one audit::Appender, each waiting for its entry to be durable before the next, for SECONDS after
// a warm-up of WARMUP seconds. Prints one line: entries per second, p50/p99/max latency of an append, and
// the units of work (group commits) that wrote them.
//
// The floor: `fsync DIR SECONDS` writes 4 KB and calls fdatasync() in a loop, overwriting a 16 MiB file in
// DIR (as SQLite reuses its WAL), and prints the same line with one "entry" per fdatasync.
//
// Usage: bench_audit_append append LOCATION WRITERS SECONDS [WARMUP]   (LOCATION: a SQLite file, created
//        when missing, or a postgresql:// URL)
//        bench_audit_append fsync DIR SECONDS
// Run the writers on one core: taskset -c 0 bench_audit_append append ...

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include <fcntl.h>
#include <unistd.h>

#include "audit/log.hpp"
#include "audit_entries.hpp"
#include "store/open/open_store.hpp"

namespace {

using Clock = std::chrono::steady_clock;
using ssad::Result;

// The store, counting the units of work the Appender begins: one per group commit.
class CountingStore final : public ssad::store::Store {
 public:
  explicit CountingStore(std::unique_ptr<ssad::store::Store> store) : store_(std::move(store)) {}

  ssad::store::RegistrationReader& registrations() override { return store_->registrations(); }
  ssad::store::RegistrarDirectoryReader& registrar_directory() override {
    return store_->registrar_directory();
  }
  ssad::store::AuditLogReader& audit_log() override { return store_->audit_log(); }
  ssad::store::RequestorReader& requestors() override { return store_->requestors(); }
  ssad::store::Outbox& outbox() override { return store_->outbox(); }
  ssad::store::RequestReader& requests() override { return store_->requests(); }
  ssad::store::AbuseReader& abuse() override { return store_->abuse(); }
  ssad::store::SubjectReader& subjects() override { return store_->subjects(); }
  Result<std::unique_ptr<ssad::store::UnitOfWork>> begin() override { return store_->begin(); }
  Result<std::unique_ptr<ssad::store::UnitOfWork>> begin_audit() override {
    begun_.fetch_add(1, std::memory_order_relaxed);
    return store_->begin_audit();
  }

  [[nodiscard]] std::uint64_t begun() const { return begun_.load(std::memory_order_relaxed); }

 private:
  std::unique_ptr<ssad::store::Store> store_;
  std::atomic<std::uint64_t> begun_{0};
};

double seconds_between(Clock::time_point a, Clock::time_point b) {
  return std::chrono::duration<double>(b - a).count();
}

void print(const char* what, std::size_t writers, double seconds, std::vector<double>& micros,
           std::uint64_t batches, std::uint64_t errors) {
  std::sort(micros.begin(), micros.end());
  auto at = [&](double q) {
    return micros.empty() ? 0.0
                          : micros[static_cast<std::size_t>(q * static_cast<double>(micros.size() - 1))];
  };
  const double count = static_cast<double>(micros.size());
  std::printf(
      "%s writers=%zu seconds=%.2f entries=%zu entries_per_s=%.0f p50_us=%.0f p99_us=%.0f max_us=%.0f "
      "batches=%llu entries_per_batch=%.1f errors=%llu\n",
      what, writers, seconds, micros.size(), count / seconds, at(0.5), at(0.99),
      micros.empty() ? 0.0 : micros.back(), static_cast<unsigned long long>(batches),
      batches > 0 ? count / static_cast<double>(batches) : 0.0, static_cast<unsigned long long>(errors));
}

int append(const std::string& location, std::size_t writers, double seconds, double warmup) {
  auto opened = ssad::store::open_store(location, {});
  if (!opened) {
    std::fprintf(stderr, "%s\n", opened.error().message.c_str());
    return 1;
  }
  CountingStore store(std::move(*opened));
  ssad::audit::Appender appender(store);

  // 0: warm-up, 1: measured, 2: stop. An append counts when it began and ended while measured.
  std::atomic<int> phase{0};
  std::atomic<std::uint64_t> next{0};
  std::atomic<std::uint64_t> errors{0};
  std::vector<std::vector<double>> latencies(writers);
  std::vector<std::thread> threads;
  threads.reserve(writers);
  for (std::size_t w = 0; w < writers; ++w) {
    threads.emplace_back([&, w] {
      std::vector<double>& mine = latencies[w];
      mine.reserve(1 << 20);
      std::vector<ssad::audit::ServedValue> served;
      const ssad::SystemClock wall;
      for (;;) {
        const int before = phase.load(std::memory_order_acquire);
        if (before == 2) return;
        const std::uint64_t n = next.fetch_add(1, std::memory_order_relaxed);
        auto entry = ssad::bench::disclosure(n, wall.now(), served);
        const auto start = Clock::now();
        const auto appended = appender.append(std::move(entry), served);
        const auto end = Clock::now();
        if (!appended) {
          if (errors.fetch_add(1) == 0)
            std::fprintf(stderr, "append: %s\n", appended.error().message.c_str());
          continue;
        }
        if (before == 1 && phase.load(std::memory_order_acquire) == 1)
          mine.push_back(std::chrono::duration<double, std::micro>(end - start).count());
      }
    });
  }
  std::this_thread::sleep_for(std::chrono::duration<double>(warmup));
  const std::uint64_t batches_before = store.begun();
  const auto t0 = Clock::now();
  phase.store(1, std::memory_order_release);
  std::this_thread::sleep_for(std::chrono::duration<double>(seconds));
  phase.store(2, std::memory_order_release);
  const auto t1 = Clock::now();
  const std::uint64_t batches = store.begun() - batches_before;
  for (auto& t : threads) t.join();

  std::vector<double> micros;
  for (auto& mine : latencies) micros.insert(micros.end(), mine.begin(), mine.end());
  print("append", writers, seconds_between(t0, t1), micros, batches, errors.load());
  return errors.load() == 0 ? 0 : 1;
}

int fsync_floor(const std::string& dir, double seconds) {
  const std::string path = dir + "/bench-fsync-probe";
  const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) {
    std::perror(path.c_str());
    return 1;
  }
  constexpr std::size_t kBlock = 4096;
  constexpr std::size_t kBlocks = 4096;  // 16 MiB, written once before the loop
  std::vector<char> block(kBlock, 'x');
  for (std::size_t i = 0; i < kBlocks; ++i) {
    if (::write(fd, block.data(), kBlock) != static_cast<ssize_t>(kBlock)) {
      std::perror("write");
      return 1;
    }
  }
  ::fsync(fd);
  std::vector<double> micros;
  micros.reserve(1 << 20);
  const auto t0 = Clock::now();
  const auto stop = t0 + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(seconds));
  std::uint64_t errors = 0;
  for (std::size_t i = 0;; ++i) {
    const auto start = Clock::now();
    if (start >= stop) break;
    block[0] = static_cast<char>(i);
    const bool ok = ::pwrite(fd, block.data(), kBlock, static_cast<off_t>((i % kBlocks) * kBlock)) ==
                        static_cast<ssize_t>(kBlock) &&
                    ::fdatasync(fd) == 0;
    if (!ok) ++errors;
    micros.push_back(std::chrono::duration<double, std::micro>(Clock::now() - start).count());
  }
  const auto t1 = Clock::now();
  ::close(fd);
  ::unlink(path.c_str());
  print("fsync", 1, seconds_between(t0, t1), micros, micros.size(), errors);
  return errors == 0 ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
  const std::vector<std::string> args(argv + 1, argv + argc);
  if (args.size() >= 4 && args[0] == "append") {
    return append(args[1], std::strtoul(args[2].c_str(), nullptr, 10), std::atof(args[3].c_str()),
                  args.size() > 4 ? std::atof(args[4].c_str()) : 2.0);
  }
  if (args.size() == 3 && args[0] == "fsync") return fsync_floor(args[1], std::atof(args[2].c_str()));
  std::fprintf(stderr,
               "usage: %s append LOCATION WRITERS SECONDS [WARMUP]\n"
               "       %s fsync DIR SECONDS\n",
               argv[0], argv[0]);
  return 2;
}
