#pragma once
// The HTTP adapter of the RDAP use cases (RFC 7480): GET and HEAD only (405 otherwise), the base URL of
// links, the response cache for lookups, and turning rdap::Answer and errors into responses
// (application/rdap+json, CORS "*", RFC 9083 errors through the one error mapping). The per-client rate
// limit is the router's (http/routes.hpp), for every path alike. What the query means is
// rdap::Service's business.
//
// Authorised RDAP (RFC 9560; docs/requestors.md): a request with `Authorization: Bearer` is authenticated
// (401 or 403 through the one error mapping when that fails); with a purpose (farv1_qp) the requestor gets
// the public fields and those the policy discloses to it, and what it was given is in the audit log
// before the answer leaves (rdap::Service). farv1_dnt=true is refused (403): every disclosure is logged.
//
// The cache is keyed by the canonical request: the object type and its normalised name (or handle), never
// the raw target, the Host header or parameters a lookup does not know, so that no client can multiply
// entries. The `value` of every link is still the URL each client asked for: a cached body keeps the
// places where that URL goes and has it spliced in per response. A request that carries credentials
// (Authorization, Cookie) is neither served from the cache nor stored in it, and its response says
// `Cache-Control: private, no-store` and `Vary: Authorization`, whatever it answered.

#include <cstddef>
#include <string>
#include <vector>

#include "cache/data_version.hpp"
#include "cache/response_cache.hpp"
#include "core/time.hpp"
#include "http/message.hpp"
#include "http/monitoring.hpp"
#include "identity/authenticator.hpp"
#include "rdap/service.hpp"

namespace ssad::http {

struct RdapEndpointOptions {
  // The public URL of /rdap/ ("https://rdap.nic.example/rdap/"). Empty: built from the request's scheme
  // and Host header (local use only), and nothing is cached, since the links then depend on the Host.
  std::string base_url;
  std::size_t cache_bytes = std::size_t{256} << 20U;  // rendered lookups kept; 0: no cache
  // Who is asking, from a request's Authorization header (it must outlive the endpoint); nullptr: every
  // caller is the public.
  const identity::Authenticator* authenticator = nullptr;
  // The token issuers farv1_iss may name (RFC 9560 §4.2.3).
  std::vector<std::string> issuers;
  // Abuse monitoring of requestors' lookups (it must outlive the endpoint); nullptr: none.
  abuse::Monitor* monitor = nullptr;
};

class RdapEndpoint {
 public:
  /// Every reference must outlive the endpoint.
  RdapEndpoint(const rdap::Service& service, cache::DataVersion& data_version, const Clock& clock,
               RdapEndpointOptions options);

  /// Answers a request for "/rdap" or a path under "/rdap/". Thread-safe.
  [[nodiscard]] Response handle(const Request& request);
  /// handle()'s answer when it needs no store work — a refusal, a malformed query, a lookup in the cache —
  /// for the server's reading thread; nullopt when the service must answer (handle(), on a worker).
  [[nodiscard]] std::optional<Response> quick(const Request& request);

  /// Whether a request's Authorization header is checked (an authenticator was given); if not, every
  /// caller is the public, credentials or not.
  [[nodiscard]] bool authenticates() const { return authenticator_ != nullptr; }

  /// Lookups held in the cache now (for tests and metrics).
  [[nodiscard]] std::size_t cached_lookups() const { return cache_.entries(); }

 private:
  [[nodiscard]] rdap::Location location_of(const Request& request) const;
  /// With `quick`: nullopt where the service would have to be asked. What a requestor asked goes to
  /// `observed` (nullptr on the quick path, which never serves one).
  [[nodiscard]] std::optional<Response> answer(const Request& request, bool quick, Observed* observed);

  const rdap::Service& service_;
  cache::DataVersion& data_version_;
  const Clock& clock_;
  std::string base_url_;
  std::string query_url_marker_;  // stands for the query URL in a body rendered for the cache
  bool caching_;
  cache::ResponseCache cache_;
  const identity::Authenticator* authenticator_;
  std::vector<std::string> issuers_;
  abuse::Monitor* monitor_;
};

}  // namespace ssad::http
