// The XML of an RFC 9022 escrow deposit (ingest/escrow_deposit.hpp), as a producer or an attacker who
// controls the deposit writes it. Parsing never reads the CSV files, so nothing here touches the disk.

#include "ingest/escrow_deposit.hpp"

#include <cstddef>
#include <cstdint>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  (void)ssad::ingest::escrow::parse_deposit(std::string_view(reinterpret_cast<const char*>(data), size));
  return 0;
}
