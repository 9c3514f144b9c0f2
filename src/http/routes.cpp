#include "http/routes.hpp"

#include <algorithm>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <random>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

#include "abuse/distinct.hpp"
#include "core/embedded.hpp"
#include "http/error_mapping.hpp"
#include "http/route_metrics.hpp"
#include "rdap/request.hpp"

namespace ssad::embedded {
std::span<const EmbeddedFile> openapi_document();
}

namespace ssad::http {
namespace {

// Polled by monitoring: the health checks and the metrics.
bool is_health_check(std::string_view path) {
  return path == "/healthz" || path == "/readyz" || path == "/metrics";
}

// An RDAP search, whatever its query (a later page too): /rdap/domains, /rdap/nameservers, /rdap/entities,
// the segment read as the RDAP parser reads it (percent-decoded), so that "/rdap/%64omains" is one too.
bool is_search(std::string_view path) {
  constexpr std::string_view kRdap = "/rdap/";
  if (!path.starts_with(kRdap)) return false;
  std::string_view segment = path.substr(kRdap.size());
  if (segment.find('/') != std::string_view::npos) return false;
  std::optional<std::string> decoded;
  if (segment.find('%') != std::string_view::npos) {
    decoded = rdap::percent_decode(segment);
    if (!decoded) return false;
    segment = *decoded;
  }
  return segment == "domains" || segment == "nameservers" || segment == "entities";
}

// The paths whose front door checks the credentials a request carries. Elsewhere (the OpenAPI document, a
// path nobody serves) a credential is not looked at, and the request is as anonymous as any other.
class CredentialPaths {
 public:
  void exact(std::string path) { exact_.push_back(std::move(path)); }
  void prefix(std::string path) { prefixes_.push_back(std::move(path)); }
  [[nodiscard]] bool contains(std::string_view path) const {
    return std::ranges::find(exact_, path) != exact_.end() ||
           std::ranges::any_of(prefixes_, [path](const std::string& prefix) {
             return path.starts_with(prefix) && (path.size() == prefix.size() || path[prefix.size()] == '/');
           });
  }

 private:
  std::vector<std::string> exact_;
  std::vector<std::string> prefixes_;
};

// Credentials that passed their check lately, as a keyed hash of the whole Authorization value (never the
// value): let through when their address's bucket of failed checks is empty, so that another client's
// forgeries from a shared address (a NAT, an IPv6 /64) cannot refuse a requestor that has authenticated
// before. Only the very credential that passed is let through — its secret included — so knowing a key's
// id buys nothing. The oldest are forgotten beyond kCapacity.
class ProvenCredentials {
 public:
  ProvenCredentials() {
    std::random_device device;
    for (int i = 0; i < 16; ++i) salt_ += static_cast<char>(device() & 0xffU);
  }
  void add(std::string_view authorization) {
    const std::uint64_t key = hash(authorization);
    const std::lock_guard lock(mutex_);
    if (!known_.insert(key).second) return;
    order_.push_back(key);
    if (order_.size() > kCapacity) {
      known_.erase(order_.front());
      order_.pop_front();
    }
  }
  [[nodiscard]] bool contains(std::string_view authorization) const {
    const std::uint64_t key = hash(authorization);
    const std::lock_guard lock(mutex_);
    return known_.contains(key);
  }

 private:
  static constexpr std::size_t kCapacity = 100000;
  [[nodiscard]] std::uint64_t hash(std::string_view authorization) const {
    return abuse::stable_hash(salt_ + std::string(authorization));
  }
  std::string salt_;
  mutable std::mutex mutex_;
  std::unordered_set<std::uint64_t> known_;
  std::deque<std::uint64_t> order_;
};

// nullopt when `admission` lets the request through, else its 429 with Retry-After.
std::optional<Response> refusal(const abuse::Admission& admission, const Request& request,
                                std::string_view why) {
  if (admission.allowed) return std::nullopt;
  Response refused = error_response(request.path, Error{ErrorCode::too_many_requests, std::string(why)});
  refused.headers.emplace_back("Retry-After", std::to_string(admission.retry_after.count()));
  return refused;
}

constexpr std::string_view kSlowDown = "Too many requests from this address; please slow down.";
constexpr std::string_view kTooManyFailures =
    "Too many failed credential checks from this address: requests with credentials are refused until "
    "Retry-After has passed.";

}  // namespace

Router make_routes(FrontDoors doors) {
  Router router;
  const auto checked = std::make_shared<CredentialPaths>();
  if (doors.rdap.authenticates()) checked->prefix("/rdap");
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
    checked->exact("/v1/audit/entries");  // the rest of the log is public
  }
  if (doors.directory != nullptr) {
    const auto directory = [endpoint = doors.directory](const Request& request) {
      return endpoint->handle(request);
    };
    router.exact("/v1/me", directory);
    checked->exact("/v1/me");
    for (const char* collection : {"/v1/organisations", "/v1/users", "/v1/accreditations", "/v1/keys"}) {
      router.prefix(collection, directory);
      checked->prefix(collection);
    }
  }
  if (doors.requests != nullptr) {
    const auto requests = [endpoint = doors.requests](const Request& request) {
      return endpoint->handle(request);
    };
    router.prefix("/v1/requests", requests);
    router.prefix("/v1/retention", requests);
    router.exact("/v1/stats", requests);
    checked->prefix("/v1/requests");
    checked->prefix("/v1/retention");
    checked->exact("/v1/stats");
  }
  if (doors.abuse != nullptr) {
    router.prefix("/v1/abuse",
                  [endpoint = doors.abuse](const Request& request) { return endpoint->handle(request); });
    checked->prefix("/v1/abuse");
  }
  if (doors.subject != nullptr) {
    const auto subject = [endpoint = doors.subject](const Request& request) {
      return endpoint->handle(request);
    };
    router.prefix("/v1/subject", subject);
    router.prefix("/v1/contact", subject);
    // A registrant's or sender's session token, and a requestor's or registrar's credential, are checked
    // there; the challenge and verify calls carry none and count as anonymous (and against their own
    // per-address budget).
    checked->prefix("/v1/subject");
    checked->prefix("/v1/contact");
  }
  if (doors.policy != nullptr) {
    router.exact("/v1/policy/explain",
                 [endpoint = doors.policy](const Request& request) { return endpoint->handle(request); });
    checked->exact("/v1/policy/explain");
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
  // Before anything else: the bucket a request counts in (see routes.hpp).
  const std::shared_ptr<const CredentialPaths> credential_paths = checked;
  const auto proven = std::make_shared<ProvenCredentials>();
  router.gate([&anonymous = doors.limiter, &health = doors.health_limiter,
               &failures = doors.credential_failures, search_cost = doors.search_cost, credential_paths,
               proven](const Request& request) -> std::optional<Response> {
    if (is_health_check(request.path))
      return refusal(health.admit(request.remote_address), request, kSlowDown);
    if (const auto authorization = request.header("authorization");
        authorization && credential_paths->contains(request.path)) {
      const abuse::Admission admission = failures.check(request.remote_address);
      if (!admission.allowed && proven->contains(*authorization)) return std::nullopt;
      return refusal(admission, request, kTooManyFailures);
    }
    const double cost = is_search(request.path) ? search_cost : 1;
    return refusal(anonymous.admit(request.remote_address, cost), request, kSlowDown);
  });
  // After the fact: a credential check failed. (A 401 elsewhere, such as /v1/audit/export's to everyone,
  // says nothing about the credential.)
  router.observe([&failures = doors.credential_failures, credential_paths, proven](const Request& request,
                                                                                   unsigned status) {
    const auto authorization = request.header("authorization");
    if (!authorization || !credential_paths->contains(request.path)) return;
    if (status == 401) {
      (void)failures.admit(request.remote_address);
    } else if ((status >= 200 && status < 300) || status == 403 || status == 404) {
      // Answered after the credential passed its check (every front door on these paths checks first).
      proven->add(*authorization);
    }
  });
  return router;
}

}  // namespace ssad::http
