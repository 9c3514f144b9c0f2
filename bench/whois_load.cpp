// Load generator for bench/whois.sh: CONNECTIONS clients in parallel for SECONDS, each looping
// connect -> send "NAME\r\n" (a random name of NAMES_FILE) -> read until the server closes -> count.
// One thread, one io_context (like wrk's event loop), so that it can be pinned to one core.
//
// Usage: bench_whois_load HOST PORT NAMES_FILE [CONNECTIONS=32] [SECONDS=10]
// Prints a human summary and one line for scripts:
//   RESULT <queries/s> <p50 µs> <p99 µs> <queries> <errors> <mean answer bytes>
// An error is a failed connect/write/read or an empty answer; errors are not in the latencies.

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <random>
#include <string>
#include <vector>

#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>

#include "http/asio.hpp"

namespace {

namespace net = boost::asio;
using tcp = net::ip::tcp;
using Clock = std::chrono::steady_clock;

struct Totals {
  std::vector<std::uint32_t> micros;  // latency of each answered query
  std::uint64_t errors = 0;
  std::uint64_t bytes = 0;
};

net::awaitable<void> client(tcp::endpoint server, const std::vector<std::string>& names,
                            Clock::time_point end, unsigned seed, Totals& totals) {
  auto executor = co_await net::this_coro::executor;
  std::mt19937_64 random(seed);
  std::uniform_int_distribution<std::size_t> pick(0, names.size() - 1);
  std::string query;
  std::vector<char> buffer(64 * 1024);
  while (Clock::now() < end) {
    query = names[pick(random)];
    query += "\r\n";
    const auto start = Clock::now();
    boost::system::error_code ec;
    tcp::socket socket(executor);
    co_await socket.async_connect(server, net::redirect_error(net::use_awaitable, ec));
    if (!ec)
      co_await net::async_write(socket, net::buffer(query), net::redirect_error(net::use_awaitable, ec));
    std::size_t received = 0;
    while (!ec) {
      const std::size_t n =
          co_await socket.async_read_some(net::buffer(buffer), net::redirect_error(net::use_awaitable, ec));
      received += n;
    }
    if (ec != net::error::eof || received == 0) {
      ++totals.errors;
      continue;
    }
    const auto micros = std::chrono::duration_cast<std::chrono::microseconds>(Clock::now() - start).count();
    totals.micros.push_back(static_cast<std::uint32_t>(micros));
    totals.bytes += received;
  }
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 4) {
    std::fprintf(stderr, "usage: %s HOST PORT NAMES_FILE [CONNECTIONS=32] [SECONDS=10]\n", argv[0]);
    return 2;
  }
  const tcp::endpoint server{net::ip::make_address(argv[1]), static_cast<unsigned short>(std::atoi(argv[2]))};
  std::vector<std::string> names;
  {
    std::ifstream in(argv[3]);
    for (std::string line; std::getline(in, line);)
      if (!line.empty()) names.push_back(line);
  }
  if (names.empty()) {
    std::fprintf(stderr, "no names in %s\n", argv[3]);
    return 1;
  }
  const int connections = argc > 4 ? std::atoi(argv[4]) : 32;
  const int seconds = argc > 5 ? std::atoi(argv[5]) : 10;

  Totals totals;
  totals.micros.reserve(std::size_t{1} << 20);
  net::io_context ioc(1);
  const auto begin = Clock::now();
  const auto end = begin + std::chrono::seconds(seconds);
  std::random_device entropy;
  for (int i = 0; i < connections; ++i)
    net::co_spawn(ioc, client(server, names, end, entropy(), totals), net::detached);
  ioc.run();
  const double elapsed = std::chrono::duration<double>(Clock::now() - begin).count();

  auto& micros = totals.micros;
  std::sort(micros.begin(), micros.end());
  auto at = [&](double q) -> std::uint32_t {
    return micros.empty() ? 0 : micros[static_cast<std::size_t>(q * static_cast<double>(micros.size() - 1))];
  };
  const double qps = static_cast<double>(micros.size()) / elapsed;
  const double mean_bytes =
      micros.empty() ? 0 : static_cast<double>(totals.bytes) / static_cast<double>(micros.size());
  std::printf(
      "%zu queries in %.2f s over %d connections: %.0f queries/s, p50 %u us, p99 %u us, max %u us, "
      "%llu errors, %.0f bytes per answer\n",
      micros.size(), elapsed, connections, qps, at(0.5), at(0.99), micros.empty() ? 0 : micros.back(),
      static_cast<unsigned long long>(totals.errors), mean_bytes);
  std::printf("RESULT %.1f %u %u %zu %llu %.0f\n", qps, at(0.5), at(0.99), micros.size(),
              static_cast<unsigned long long>(totals.errors), mean_bytes);
  return 0;
}
