// The configuration file (config/config.hpp): TOML an operator writes, read over the defaults. Any text
// must give a configuration or an error value naming the key.

#include "config/config.hpp"

#include <cstddef>
#include <cstdint>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view toml(reinterpret_cast<const char*>(data), size);
  if (auto config = ssad::config::parse_config(toml)) {
    (void)ssad::config::check_http_listener(*config, config->server.http);
    (void)ssad::config::parse_host_port(config->whois.listen);
  }
  return 0;
}
