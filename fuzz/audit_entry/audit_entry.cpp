// Audit entries in their canonical encoding (audit/entry.hpp), as a verifier or an export reads them
// from a log it does not trust. decode() must refuse or give an entry without crashing, and an entry it
// gives must encode to exactly the input (one byte string per entry) and write as JSON and CSV.

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "audit/entry.hpp"
#include "audit/entry_json.hpp"
#include "json/json_writer.hpp"

// NOLINTNEXTLINE(readability-identifier-naming): the name libFuzzer calls
extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  const auto entry = ssad::audit::decode(bytes);
  if (!entry) return 0;
  const auto again = ssad::audit::encode(*entry);
  if (!again || *again != bytes) std::abort();  // accepted bytes that are not the entry's one encoding
  ssad::json::JsonWriter json;
  ssad::audit::write_json(json, *entry, 1, bytes);
  std::string csv;
  ssad::audit::write_csv_row(csv, *entry, 1, bytes);
  if (json.view().empty() || !csv.ends_with("\r\n")) std::abort();
  return 0;
}
