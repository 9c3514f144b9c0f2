// Memory held by abuse protection (issue 14, "Numbers"): the heap a structure holds once filled, measured
// with glibc's mallinfo2() before and after (uordblks, the bytes allocated from the arenas, plus hblkhd,
// those in chunks of their own mmap, where large tables go). One section per structure, each building,
// measuring and dropping its own; sections run one after the other so that none counts another's bytes.
//
// - anonymous: abuse::RateLimiter with ADDRESSES distinct clients, half IPv4 addresses and half IPv6 /64s,
//   each admitted once while time stands still (a burst of clients within one refill: none is full again,
//   so none is swept), at the defaults of ssad.toml (10 a second, 100 at once).
//
// Usage: bench_abuse_memory [ADDRESSES=1000000]

#include <array>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include <malloc.h>

#include "abuse/rate_limiter.hpp"
#include "core/time.hpp"

namespace {

// A clock whose readings never move: every client arrives in the same instant.
class StillClock final : public ssad::Clock {
 public:
  [[nodiscard]] ssad::Timestamp now() const override { return {}; }
  [[nodiscard]] Monotonic monotonic() const override { return Monotonic{} + std::chrono::hours(1); }
};

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

Measured anonymous_addresses(std::size_t count) {
  const StillClock clock;
  std::optional<ssad::abuse::RateLimiter> limiter;
  Measured measured = measure("abuse::RateLimiter", "addresses", "address", count, [&] {
    limiter.emplace(clock, 10, 100);
    std::array<char, 64> text{};
    std::size_t refused = 0;
    for (std::size_t i = 0; i < count; ++i)
      if (!limiter->admit(address(i, text)).allowed) ++refused;
    if (refused != 0)
      std::fprintf(stderr, "%zu distinct clients were refused: they were not distinct\n", refused);
  });
  return measured;
}

}  // namespace

int main(int argc, char** argv) {
  const std::size_t addresses = argc > 1 ? std::strtoull(argv[1], nullptr, 10) : 1000000;
  if (addresses == 0 || addresses > (std::size_t{1} << 25U)) {
    std::fprintf(stderr, "usage: %s [ADDRESSES=1000000] (1 to 2^25)\n", argv[0]);
    return 2;
  }
  const std::vector<std::function<Measured()>> sections = {
      [addresses] { return anonymous_addresses(addresses); },
  };
  for (const auto& section : sections) print(section());
  return 0;
}
