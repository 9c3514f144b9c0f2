#pragma once
// The public RDAP service (DESIGN.md C2): every request under /rdap/ — lookups, searches with paging,
// /help — answered per RFC 7480/9082/9083, the ICANN 2024 gTLD profile and RFC 9537 redaction for
// anonymous callers. Turns an http::Request into an http::Response; no sockets, so tests call it directly.

#include <chrono>
#include <cstddef>
#include <memory>
#include <string>

#include "http/server.hpp"
#include "rdap/render.hpp"
#include "store/registration_store.hpp"

namespace ssad::rdap {

struct ServiceOptions {
  std::size_t page_size = 50;                         // search results per page
  std::size_t cache_bytes = std::size_t{256} << 20U;  // rendered lookups kept; 0: no cache
  double rate_limit_per_second = 0;                   // per client address; 0: unlimited
  double rate_limit_burst = 100;                      // queries a quiet client may make at once
  // Key for paging cursors; empty: a random one per process (cursors then expire on restart, and servers
  // behind one load balancer need the same key).
  std::string cursor_key;
  // How often the store is asked whether its data changed (emptying the cache).
  std::chrono::milliseconds generation_check{1000};
};

class Service {
 public:
  Service(store::RegistrationReader& store, Settings settings, ServiceOptions options = {});
  ~Service();
  Service(const Service&) = delete;
  Service& operator=(const Service&) = delete;

  /// Answers a request whose path starts with "/rdap/" (or is "/rdap"). Thread-safe.
  [[nodiscard]] http::Response handle(const http::Request& request);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

/// An RFC 9083 error response (application/rdap+json, CORS), for the refusals the HTTP server makes before
/// a request reaches the service (400, 413, 431, 500): install it as http::ServerHooks::error_response.
[[nodiscard]] http::Response error_response(unsigned status, std::string_view detail);

/// True for paths the RDAP service answers.
[[nodiscard]] bool is_rdap_path(std::string_view path);

}  // namespace ssad::rdap
