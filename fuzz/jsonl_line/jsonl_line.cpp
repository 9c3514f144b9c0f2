// One line of a JSON Lines import (ingest/jsonl_import.hpp), read and checked as the importer does before
// it writes anything; the writing itself is the store's, which its own tests cover.

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "ingest/jsonl_import.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  (void)ssad::ingest::parse_jsonl_record(std::string_view(reinterpret_cast<const char*>(data), size));
  return 0;
}
