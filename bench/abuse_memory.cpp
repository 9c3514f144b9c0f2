// Memory held by abuse protection (issue 14, "Numbers"): the heap a structure holds once filled, measured
// with glibc's mallinfo2() before and after (uordblks, the bytes allocated from the arenas, plus hblkhd,
// those in chunks of their own mmap, where large tables go). One section per structure, each building,
// measuring and dropping its own; sections run one after the other so that none counts another's bytes.
//
// - anonymous: abuse::RateLimiter with ADDRESSES distinct clients, half IPv4 addresses and half IPv6 /64s,
//   each admitted once while time stands still (a burst of clients within one refill: none is full again,
//   so none is swept), at the defaults of ssad.toml (10 a second, 100 at once).
// - requestors: abuse::Monitor (default settings) with the usage windows of REQUESTORS accredited
//   requestors, each after an ordinary working day: 50 lookups of distinct registered names spread over
//   8 hours, the first half from the office's IPv4 address and the rest from an IPv6 address, all with
//   one API key, and 3 disclosure requests filed among them. The monitor's store is a SQLite file in a
//   temporary directory, opened before the measurement; the monitor is never synced during the fill (its
//   hours stay dirty, nothing is read back). Printed beside it: Monitor::footprint(), the monitor's own
//   estimate. Then one sync() (every hour written to the store, the baselines computed), measured alone:
//   what it adds to the heap, the store's page cache included.
//
// Usage: bench_abuse_memory [ADDRESSES=1000000] [REQUESTORS=10000]

#include <array>
#include <chrono>
#include <cinttypes>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include <malloc.h>

#include "abuse/distinct.hpp"
#include "abuse/monitor.hpp"
#include "abuse/rate_limiter.hpp"
#include "core/time.hpp"
#include "store/open/open_store.hpp"
#include "support/fake_clock.hpp"
#include "support/temp_dir.hpp"

namespace {

using ssad::testing::FakeClock;

// What one section found.
struct Measured {
  std::string structure;  // what was filled
  std::string subjects;   // what with ("addresses", "requestors")
  std::string subject;    // one of them ("address", "requestor")
  std::size_t count = 0;
  std::size_t bytes = 0;  // heap held once filled
  double seconds = 0;     // to fill it
};

std::size_t heap_in_use() {
  const struct mallinfo2 info = mallinfo2();
  return info.uordblks + info.hblkhd;
}

// The heap `fill` leaves allocated. `fill` builds its structure in storage the caller owns, so that it is
// still alive when measured.
Measured measure(std::string structure, std::string subjects, std::string subject, std::size_t count,
                 const std::function<void()>& fill) {
  malloc_trim(0);
  const std::size_t before = heap_in_use();
  const auto started = std::chrono::steady_clock::now();
  fill();
  const std::chrono::duration<double> took = std::chrono::steady_clock::now() - started;
  const std::size_t after = heap_in_use();
  return {std::move(structure),
          std::move(subjects),
          std::move(subject),
          count,
          after > before ? after - before : 0,
          took.count()};
}

void print(const Measured& m) {
  std::printf("%-28s %9zu %-10s %12zu bytes  %7.1f MiB  %6.1f bytes per %s  (filled in %.2f s)\n",
              m.structure.c_str(), m.count, m.subjects.c_str(), m.bytes,
              static_cast<double>(m.bytes) / (1 << 20),
              static_cast<double>(m.bytes) / static_cast<double>(m.count), m.subject.c_str(), m.seconds);
}

// The i-th client: even ones IPv4 (10.0.0.0/8 upwards), odd ones IPv6 /64s of 2001:db8::/32.
const char* address(std::size_t i, std::array<char, 64>& text) {
  const std::size_t n = i / 2;
  if (i % 2 == 0) {
    std::snprintf(text.data(), text.size(), "10.%zu.%zu.%zu", (n >> 16U) & 0xffU, (n >> 8U) & 0xffU,
                  n & 0xffU);
  } else {
    std::snprintf(text.data(), text.size(), "2001:db8:%zx:%zx::1", (n >> 16U) & 0xffffU, n & 0xffffU);
  }
  return text.data();
}

bool anonymous_addresses(std::size_t count) {
  const FakeClock clock;  // never advanced: every client arrives in the same instant
  std::optional<ssad::abuse::RateLimiter> limiter;
  const Measured measured = measure("abuse::RateLimiter", "addresses", "address", count, [&] {
    limiter.emplace(clock, 10, 100);
    std::array<char, 64> text{};
    std::size_t refused = 0;
    for (std::size_t i = 0; i < count; ++i)
      if (!limiter->admit(address(i, text)).allowed) ++refused;
    if (refused != 0)
      std::fprintf(stderr, "%zu distinct clients were refused: they were not distinct\n", refused);
  });
  print(measured);
  return true;
}

// An id as the requestor directory makes them: a prefix and 16 characters (identity::new_id).
std::string id_of(const char* prefix, std::size_t n) {
  std::array<char, 32> text{};
  std::snprintf(text.data(), text.size(), "%s_%016zx", prefix, n * std::size_t{0x9e3779b97f4a7c15ULL});
  return text.data();
}

bool requestors(std::size_t count) {
  constexpr std::size_t kLookups = 50;
  constexpr std::array<std::size_t, 3> kFilingsAt = {10, 25, 40};  // after which lookups a request is filed
  constexpr std::array<const char*, 4> kGroups = {"network_operator", "investigator", "cert", "ip_holder"};
  constexpr auto kDay = std::chrono::hours(8);

  FakeClock clock(ssad::parse_rfc3339("2026-03-02T09:00:00Z").value());
  const ssad::testing::TempDir dir;
  auto store = ssad::store::open_store(dir.file("store.db"), {.clock = &clock});
  if (!store) {
    std::fprintf(stderr, "cannot open the store: %s\n", store.error().message.c_str());
    return false;
  }
  struct Requestor {
    std::string user, org, key, accreditation, office, remote;
    const char* group;
  };
  std::vector<Requestor> people;  // the traffic's inputs, made before the measurement
  people.reserve(count);
  for (std::size_t i = 0; i < count; ++i) {
    std::array<char, 64> address{};
    std::snprintf(address.data(), address.size(), "198.18.%zu.%zu", (i >> 8U) & 0xffU, i & 0xffU);
    std::string office = address.data();
    std::snprintf(address.data(), address.size(), "2001:db8:%zx:%zx::7", (i >> 16U) & 0xffffU, i & 0xffffU);
    people.push_back({id_of("usr", i), id_of("org", i / 2), id_of("key", i), id_of("acc", i / 2),
                      std::move(office), address.data(), kGroups[i % kGroups.size()]});
  }

  std::optional<ssad::abuse::Monitor> monitor;
  const Measured filled = measure("abuse::Monitor", "requestors", "requestor", count, [&] {
    monitor.emplace(**store, clock, ssad::abuse::MonitorSettings{.node = "bench"}, nullptr);
    std::array<char, 32> name{};
    for (std::size_t step = 0; step < kLookups; ++step) {
      clock.set_wall(ssad::parse_rfc3339("2026-03-02T09:00:00Z").value() +
                     std::chrono::duration_cast<std::chrono::milliseconds>(kDay) * step / kLookups);
      const bool filing = std::find(kFilingsAt.begin(), kFilingsAt.end(), step) != kFilingsAt.end();
      for (std::size_t i = 0; i < count; ++i) {
        const Requestor& who = people[i];
        // Names in no order (a run of names each sorting after the last is a sweep).
        std::snprintf(name.data(), name.size(), "%016" PRIx64 ".example",
                      ssad::abuse::stable_hash(who.user + '/' + std::to_string(step)));
        const std::string_view domain(name.data());
        ssad::abuse::Use use;
        use.user_id = who.user;
        use.org_id = who.org;
        use.credential_id = who.key;
        use.accreditation_id = who.accreditation;
        use.group = who.group;
        use.domain = domain;
        use.address = step < kLookups / 2 ? who.office : who.remote;
        monitor->record(use);
        if (filing) {
          use.kind = ssad::abuse::Use::Kind::filing;
          use.fingerprint = ssad::abuse::stable_hash(domain);
          monitor->record(use);
        }
      }
    }
  });
  print(filled);
  if (!monitor) return false;
  ssad::abuse::Monitor& filled_monitor = *monitor;
  const auto footprint = filled_monitor.footprint();
  std::printf("%-28s %9zu %-10s %12zu bytes  %7.1f MiB  %6.1f bytes per requestor  (its own estimate)\n",
              "Monitor::footprint()", footprint.requestors, "requestors", footprint.bytes,
              static_cast<double>(footprint.bytes) / (1 << 20),
              static_cast<double>(footprint.bytes) /
                  static_cast<double>(std::max<std::size_t>(footprint.requestors, 1)));

  bool synced_ok = true;
  const Measured synced = measure("  one sync() after it", "requestors", "requestor", count, [&] {
    if (auto done = filled_monitor.sync(); !done) {
      std::fprintf(stderr, "sync failed: %s\n", done.error().message.c_str());
      synced_ok = false;
    }
  });
  print(synced);
  return synced_ok;
}

}  // namespace

int main(int argc, char** argv) {
  const std::size_t addresses = argc > 1 ? std::strtoull(argv[1], nullptr, 10) : 1000000;
  const std::size_t users = argc > 2 ? std::strtoull(argv[2], nullptr, 10) : 10000;
  if (addresses == 0 || addresses > (std::size_t{1} << 25U) || users == 0 ||
      users > (std::size_t{1} << 24U)) {
    std::fprintf(stderr, "usage: %s [ADDRESSES=1000000] [REQUESTORS=10000] (1 to 2^25, 1 to 2^24)\n",
                 argv[0]);
    return 2;
  }
  const std::vector<std::function<bool()>> sections = {
      [addresses] { return anonymous_addresses(addresses); },
      [users] { return requestors(users); },
  };
  int status = 0;
  for (const auto& section : sections) {
    if (!section()) status = 1;
  }
  return status;
}
