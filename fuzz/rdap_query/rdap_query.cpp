// RDAP request parsing (rdap/query.hpp): the input is the path after "/rdap/", a '?', and the query
// string, both as a client sends them. Any input must give a request or an error value, never a crash.

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "rdap/query.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  const std::size_t question = input.find('?');
  const std::string_view path = input.substr(0, question);
  const std::string_view query =
      question == std::string_view::npos ? std::string_view() : input.substr(question + 1);
  (void)ssad::rdap::parse_request(path, query);
  return 0;
}
