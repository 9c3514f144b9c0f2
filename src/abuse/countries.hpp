#pragma once
// The country of a client address, for the shared-credential detector ("one credential used from many
// countries at once"): a lookup in a MaxMind DB file (GeoLite2-Country, DB-IP's country lite database, or
// any .mmdb with `country.iso_code`), through libmaxminddb. The file is the operator's to obtain and
// update (`abuse.country_database`); without one, countries are not counted and the detector counts
// addresses only.

#include <memory>
#include <string>
#include <string_view>

#include "core/error.hpp"

namespace ssad::abuse {

class CountryLookup {
 public:
  /// Opens the database at `path` (memory-mapped). Errors: invalid_input naming the file and what is wrong.
  [[nodiscard]] static Result<std::unique_ptr<CountryLookup>> open(const std::string& path);
  ~CountryLookup();
  CountryLookup(const CountryLookup&) = delete;
  CountryLookup& operator=(const CountryLookup&) = delete;

  /// The ISO 3166-1 alpha-2 code of `address` (an IPv4 or IPv6 address as text), "" when the database
  /// does not know it or it is not an address. Thread-safe.
  [[nodiscard]] std::string country(std::string_view address) const;

 private:
  struct Database;
  explicit CountryLookup(std::unique_ptr<Database> db);
  std::unique_ptr<Database> db_;
};

}  // namespace ssad::abuse
