#pragma once
// The HTTP adapter of the RDAP use cases (RFC 7480): GET and HEAD only (405 otherwise), the per-client
// rate limit (429 with Retry-After), the base URL of links, the response cache for lookups, and turning
// rdap::Answer and errors into responses (application/rdap+json, CORS "*", RFC 9083 errors through the
// one error mapping). What the query means is rdap::Service's business.

#include <cstddef>
#include <string>

#include "abuse/rate_limiter.hpp"
#include "cache/data_version.hpp"
#include "cache/response_cache.hpp"
#include "core/time.hpp"
#include "http/message.hpp"
#include "rdap/service.hpp"

namespace ssad::http {

struct RdapEndpointOptions {
  // The public URL of /rdap/ ("https://rdap.nic.example/rdap/"). Empty: built from the request's scheme
  // and Host header (local use only).
  std::string base_url;
  std::size_t cache_bytes = std::size_t{256} << 20U;  // rendered lookups kept; 0: no cache
};

class RdapEndpoint {
 public:
  /// Every reference must outlive the endpoint.
  RdapEndpoint(const rdap::Service& service, cache::DataVersion& data_version, abuse::RateLimiter& limiter,
               const Clock& clock, RdapEndpointOptions options);

  /// Answers a request for "/rdap" or a path under "/rdap/". Thread-safe.
  [[nodiscard]] Response handle(const Request& request);

 private:
  [[nodiscard]] rdap::Location location_of(const Request& request) const;

  const rdap::Service& service_;
  cache::DataVersion& data_version_;
  abuse::RateLimiter& limiter_;
  const Clock& clock_;
  std::string base_url_;
  cache::ResponseCache cache_;
};

}  // namespace ssad::http
