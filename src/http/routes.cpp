#include "http/routes.hpp"

#include "http/health.hpp"

namespace ssad::http {

Router make_routes(FrontDoors doors) {
  Router router;
  router.prefix("/rdap", [&rdap = doors.rdap](const Request& request) { return rdap.handle(request); });
  router.exact("/healthz", healthz);
  router.exact("/readyz", [&store = doors.store, gaps = doors.abuse_contact_gaps](const Request& request) {
    return readyz(store, request, gaps);
  });
  return router;
}

}  // namespace ssad::http
