// Domain lookup latency through the store: find_registration() for random names of an existing store.
// Usage: bench_store_lookup DB [COUNT]. Picks COUNT random domain names (default 100000), runs one
// warm-up pass over the first 10%, then times every lookup and prints p50, p90, p99 and max.

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include <sqlite3.h>

#include "store/sqlite/sqlite_store.hpp"

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: %s DB [COUNT]\n", argv[0]);
    return 2;
  }
  const std::string path = argv[1];
  const long count = argc > 2 ? std::atol(argv[2]) : 100000;

  std::vector<std::string> names;
  {
    sqlite3* db = nullptr;
    if (sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK) {
      std::fprintf(stderr, "cannot open %s\n", path.c_str());
      return 1;
    }
    sqlite3_stmt* stmt = nullptr;
    sqlite3_prepare_v2(db, "SELECT name FROM domain ORDER BY random() LIMIT ?", -1, &stmt, nullptr);
    sqlite3_bind_int64(stmt, 1, count);
    while (sqlite3_step(stmt) == SQLITE_ROW)
      names.emplace_back(reinterpret_cast<const char*>(sqlite3_column_text(stmt, 0)));
    sqlite3_finalize(stmt);
    sqlite3_close(db);
  }
  auto store = ssad::store::sqlite::open_sqlite_store(path, {.create = false, .migrate = false});
  if (!store) {
    std::fprintf(stderr, "%s\n", store.error().message.c_str());
    return 1;
  }
  ssad::store::RegistrationReader& registrations = (*store)->registrations();
  for (std::size_t i = 0; i < names.size() / 10; ++i) (void)registrations.find_registration(names[i]);

  std::vector<double> micros;
  micros.reserve(names.size());
  std::size_t contacts = 0;
  for (const auto& name : names) {
    const auto start = std::chrono::steady_clock::now();
    auto reg = registrations.find_registration(name);
    const auto end = std::chrono::steady_clock::now();
    if (!reg) {
      std::fprintf(stderr, "lookup of %s failed: %s\n", name.c_str(), reg.error().message.c_str());
      return 1;
    }
    contacts += reg->contacts.size();
    micros.push_back(std::chrono::duration<double, std::micro>(end - start).count());
  }
  std::sort(micros.begin(), micros.end());
  auto at = [&](double q) {
    return micros[static_cast<std::size_t>(q * static_cast<double>(micros.size() - 1))];
  };
  double total = 0;
  for (const double m : micros) total += m;
  std::printf(
      "lookups=%zu p50_us=%.1f p90_us=%.1f p99_us=%.1f max_us=%.1f mean_us=%.1f (contacts read: %zu)\n",
      micros.size(), at(0.5), at(0.9), at(0.99), micros.back(), total / static_cast<double>(micros.size()),
      contacts);
  return 0;
}
