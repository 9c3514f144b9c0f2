// The CSV files of an escrow deposit (ingest/csv.hpp) and the check of their text values
// (core/text_check.hpp). The first byte of the input is the separator (a deposit's sep attribute), the
// rest the file. Every field of every record is read and checked, as the import does.

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>
#include <vector>

#include "core/text_check.hpp"
#include "ingest/csv.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  ssad::ingest::CsvReader reader(input.substr(1), input[0]);
  std::vector<std::string_view> fields;
  std::size_t last_line = 0;
  for (;;) {
    auto more = reader.next(fields);
    if (!more || !*more) break;
    if (fields.empty() || reader.line() <= last_line) std::abort();  // a record has a field and a later line
    last_line = reader.line();
    for (const std::string_view field : fields) (void)ssad::check_text_value(field);
  }
  return 0;
}
