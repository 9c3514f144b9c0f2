#pragma once
// The server's route table: which front door answers which path, and the per-client limits every request
// passes first (docs/abuse.md, "Anonymous limits"):
// - a request without credentials takes tokens from the anonymous bucket of its client: a search
//   (/rdap/domains, /rdap/nameservers, /rdap/entities, every page) `search_cost`, anything else 1;
// - a request with credentials (an Authorization header) to a path that checks them takes none: accredited
//   use is not limited by a fixed number. Forged credentials must not buy a way round the anonymous
//   limit, so every 401 answered to a request with credentials takes a token from the client's bucket of
//   credential failures, and while that one is empty its requests with credentials are refused before
//   any credential is checked;
// - the health checks count in a bucket of their own.
// A refusal is 429 with Retry-After (the whole seconds until the tokens are back), in the dialect of the
// path (RFC 9083 under /rdap/, RFC 9457 elsewhere). The composition root builds the front doors and hands
// them here; tests build the same table.

#include "abuse/rate_limiter.hpp"
#include "http/abuse_endpoint.hpp"
#include "http/audit_endpoint.hpp"
#include "http/directory_endpoint.hpp"
#include "http/health.hpp"
#include "http/metrics.hpp"
#include "http/policy_endpoint.hpp"
#include "http/rdap_endpoint.hpp"
#include "http/requests_endpoint.hpp"
#include "http/router.hpp"
#include "http/subject_endpoint.hpp"

namespace ssad::http {

/// The front doors the routes lead to, and the rate limits; each must outlive the router.
struct FrontDoors {
  RdapEndpoint& rdap;
  Readiness& readiness;  // /readyz (with the registrars lacking an abuse contact, when it has them)
  // The anonymous bucket: every request but the health checks and those with credentials to a path that
  // checks them, whatever its path (an unknown path too).
  abuse::RateLimiter& limiter;
  // /healthz, /readyz and /metrics: their own bucket per client, so that a load balancer's or a
  // Prometheus server's polling neither spends nor is refused for the queries of the address it shares
  // (a proxy's, say).
  abuse::RateLimiter& health_limiter;
  // Failed credential checks per client (abuse.credential_failures_*): a 401 to a request with
  // credentials takes one token, after the fact.
  abuse::RateLimiter& credential_failures;
  // The tokens an anonymous search takes from `limiter` (rdap.search_cost; a lookup takes 1).
  double search_cost = 1;
  // "/v1/audit" and below; none: those paths are 404.
  const AuditEndpoint* audit = nullptr;
  // "/v1/me", "/v1/organisations", "/v1/users", "/v1/accreditations", "/v1/keys" and below; none: 404.
  const DirectoryEndpoint* directory = nullptr;
  // "/v1/policy/explain"; none: 404.
  const PolicyEndpoint* policy = nullptr;
  // "/v1/requests" and "/v1/retention" and below; none: 404.
  const RequestsEndpoint* requests = nullptr;
  // "/v1/abuse" and below (abuse monitoring's cases); none: 404.
  const AbuseEndpoint* abuse = nullptr;
  // "/v1/subject" and below (the registrant's side); none: 404.
  const SubjectEndpoint* subject = nullptr;
  // "/metrics" (Prometheus text format 0.0.4, http/route_metrics.hpp); none: 404.
  const MetricsRegistry* metrics = nullptr;
};

/// "/rdap" and below: RDAP; "/healthz", "/readyz": health; "/v1/audit" and below: the audit log; the
/// requestor directory and /v1/policy/explain; "/v1/openapi.json": the OpenAPI 3.1 document of /v1/;
/// "/metrics": the Prometheus metrics; anything else: 404 (RFC 9457).
[[nodiscard]] Router make_routes(FrontDoors doors);

}  // namespace ssad::http
