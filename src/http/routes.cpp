#include "http/routes.hpp"

#include <string>

#include "core/embedded.hpp"
#include "http/error_mapping.hpp"
#include "http/route_metrics.hpp"

namespace ssad::embedded {
std::span<const EmbeddedFile> openapi_document();
}

namespace ssad::http {
namespace {

// Polled by monitoring: the health checks and the metrics.
bool is_health_check(std::string_view path) {
  return path == "/healthz" || path == "/readyz" || path == "/metrics";
}

}  // namespace

Router make_routes(FrontDoors doors) {
  Router router;
  router.gate([&limiter = doors.limiter,
               &health_limiter = doors.health_limiter](const Request& request) -> std::optional<Response> {
    abuse::RateLimiter& bucket = is_health_check(request.path) ? health_limiter : limiter;
    const abuse::Admission admission = bucket.admit(request.remote_address);
    if (admission.allowed) return std::nullopt;
    Response refused = error_response(
        request.path,
        Error{ErrorCode::too_many_requests, "Too many requests from this address; please slow down."});
    refused.headers.emplace_back("Retry-After", std::to_string(admission.retry_after.count()));
    return refused;
  });
  // The quick routes answer on the server's reading thread (no store work): RDAP refusals and cached
  // lookups, /healthz, and /readyz while its counts are those of the current data. The rest runs on the
  // workers.
  router.prefix(
      "/rdap", [&rdap = doors.rdap](const Request& request) { return rdap.handle(request); },
      [&rdap = doors.rdap](const Request& request) { return rdap.quick(request); });
  router.exact("/healthz", healthz,
               [](const Request& request) { return std::optional<Response>(healthz(request)); });
  router.exact(
      "/readyz", [&readiness = doors.readiness](const Request& request) { return readiness.handle(request); },
      [&readiness = doors.readiness](const Request& request) { return readiness.quick(request); });
  if (doors.audit != nullptr) {
    router.prefix("/v1/audit",
                  [audit = doors.audit](const Request& request) { return audit->handle(request); });
  }
  if (doors.directory != nullptr) {
    const auto directory = [endpoint = doors.directory](const Request& request) {
      return endpoint->handle(request);
    };
    router.exact("/v1/me", directory);
    for (const char* collection : {"/v1/organisations", "/v1/users", "/v1/accreditations", "/v1/keys"}) {
      router.prefix(collection, directory);
    }
  }
  if (doors.requests != nullptr) {
    const auto requests = [endpoint = doors.requests](const Request& request) {
      return endpoint->handle(request);
    };
    router.prefix("/v1/requests", requests);
    router.prefix("/v1/retention", requests);
    router.exact("/v1/stats", requests);
  }
  if (doors.policy != nullptr) {
    router.exact("/v1/policy/explain",
                 [endpoint = doors.policy](const Request& request) { return endpoint->handle(request); });
  }
  if (doors.metrics != nullptr) {
    // On a worker, not the quick path: a collector may read the store.
    router.exact("/metrics", [metrics = doors.metrics](const Request& request) {
      return metrics_response(*metrics, request);
    });
  }
  router.exact("/v1/openapi.json", [](const Request& request) {
    if (request.method != "GET") {
      Response refused =
          error_response(request.path, Error{ErrorCode::method_not_allowed, "Only GET and HEAD."});
      refused.headers.emplace_back("Allow", "GET, HEAD");
      return refused;
    }
    Response response;
    response.headers = {{"Content-Type", "application/json"}, {"Cache-Control", "no-cache"}};
    response.body = std::string(embedded::openapi_document().front().text);
    return response;
  });
  return router;
}

}  // namespace ssad::http
