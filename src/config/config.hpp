#pragma once
// ssad.toml: every key has a default and a line in docs/config.md. A plain struct (STYLE.md, after
// DuckDB's config): the composition root reads it once and hands the parts to the services.

#include <cstdint>
#include <string>

#include "core/error.hpp"

namespace ssad::config {

struct StoreConfig {
  std::string path = "ssad.db";  // the SQLite database file
};

struct ServerConfig {
  std::string http = "127.0.0.1:8080";  // HOST:PORT of the HTTP listener (RDAP, API, health)
  unsigned threads = 2;                 // threads serving requests
  unsigned read_timeout_seconds = 10;   // to receive a whole request once it has begun
  unsigned idle_timeout_seconds = 30;   // a keep-alive connection may wait this long for its next request
  unsigned header_limit_bytes = 8192;   // request line and headers; larger requests get 431
  unsigned body_limit_bytes = 65536;    // request body; larger requests get 413
};

struct LogConfig {
  std::string level = "info";  // trace, debug, info, warn, error
  bool access_log = true;      // one JSON line per HTTP request
};

struct Config {
  StoreConfig store;
  ServerConfig server;
  LogConfig log;
};

/// Reads a TOML file over the defaults. Errors: unavailable when the file cannot be read; invalid_input
/// for a syntax error, an unknown key or a value of the wrong type or range (naming the key).
[[nodiscard]] Result<Config> load_config(const std::string& path);
/// The same, from TOML text (for tests); `source` names it in messages.
[[nodiscard]] Result<Config> parse_config(std::string_view toml, std::string_view source = "ssad.toml");

/// Splits "HOST:PORT" ("[::1]:8080" for IPv6). Errors: invalid_input.
struct HostPort {
  std::string host;
  std::uint16_t port = 0;
};
[[nodiscard]] Result<HostPort> parse_host_port(std::string_view text);

}  // namespace ssad::config
