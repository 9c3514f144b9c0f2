#pragma once
// The server's route table: which front door answers which path, and the per-client rate limit every
// request passes first. The composition root builds the front doors and hands them here; tests build the
// same table.

#include "abuse/rate_limiter.hpp"
#include "http/audit_endpoint.hpp"
#include "http/directory_endpoint.hpp"
#include "http/health.hpp"
#include "http/metrics.hpp"
#include "http/policy_endpoint.hpp"
#include "http/rdap_endpoint.hpp"
#include "http/requests_endpoint.hpp"
#include "http/router.hpp"

namespace ssad::http {

/// The front doors the routes lead to, and the rate limits; each must outlive the router.
struct FrontDoors {
  RdapEndpoint& rdap;
  Readiness& readiness;  // /readyz (with the registrars lacking an abuse contact, when it has them)
  // Every request but the health checks, whatever its path (an unknown path too): a client over it gets
  // 429 with Retry-After, in its path's dialect (RFC 9083 under /rdap/, RFC 9457 elsewhere).
  abuse::RateLimiter& limiter;
  // /healthz, /readyz and /metrics: their own bucket per client, so that a load balancer's or a
  // Prometheus server's polling neither spends nor is refused for the queries of the address it shares
  // (a proxy's, say).
  abuse::RateLimiter& health_limiter;
  // "/v1/audit" and below; none: those paths are 404.
  const AuditEndpoint* audit = nullptr;
  // "/v1/me", "/v1/organisations", "/v1/users", "/v1/accreditations", "/v1/keys" and below; none: 404.
  const DirectoryEndpoint* directory = nullptr;
  // "/v1/policy/explain"; none: 404.
  const PolicyEndpoint* policy = nullptr;
  // "/v1/requests" and "/v1/retention" and below; none: 404.
  const RequestsEndpoint* requests = nullptr;
  // "/metrics" (Prometheus text format 0.0.4, http/route_metrics.hpp); none: 404.
  const MetricsRegistry* metrics = nullptr;
};

/// "/rdap" and below: RDAP; "/healthz", "/readyz": health; "/v1/audit" and below: the audit log; the
/// requestor directory and /v1/policy/explain; "/v1/openapi.json": the OpenAPI 3.1 document of /v1/;
/// "/metrics": the Prometheus metrics; anything else: 404 (RFC 9457).
[[nodiscard]] Router make_routes(FrontDoors doors);

}  // namespace ssad::http
