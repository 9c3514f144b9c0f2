#pragma once
// A MaxMind DB country database for tests, written by tests/support/write_country_mmdb.pl (MaxMind's own
// writer, libmaxmind-db-writer-perl) into a temporary directory: the test networks of RFC 5737 and
// RFC 3849 in four countries.
//   192.0.2.0/24    US      198.51.100.0/24  DE
//   203.0.113.0/24  FR      2001:db8::/32    NL

#include <cstdlib>
#include <string>

#include "support/temp_dir.hpp"

namespace ssad::testing {

/// Writes the database into `dir` and returns its path; "" when the writer failed (the test then fails).
inline std::string write_country_database(const TempDir& dir) {
  const std::string out = dir.file("countries.mmdb");
  const std::string command = std::string("perl '") + SSAD_TEST_DATA_DIR +
                              "/../support/write_country_mmdb.pl' '" + out +
                              "' 192.0.2.0/24=US 198.51.100.0/24=DE 203.0.113.0/24=FR 2001:db8::/32=NL";
  return std::system(command.c_str()) == 0 ? out : std::string();
}

}  // namespace ssad::testing
