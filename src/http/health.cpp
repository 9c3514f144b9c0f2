#include "http/health.hpp"

#include <string>

#include "http/error_mapping.hpp"

namespace ssad::http {
namespace {

Response json(std::string body) {
  Response response;
  response.headers = {{"Content-Type", "application/json"}, {"Cache-Control", "no-store"}};
  response.body = std::move(body);
  return response;
}

}  // namespace

Response healthz(const Request& /*request*/) { return json(R"({"status":"ok"})"); }

Response readyz(store::RegistrationReader& store, const Request& request) {
  auto counts = store.counts();
  if (!counts) return error_response(request.path, Error{ErrorCode::unavailable, "the store cannot be read"});
  return json(R"({"status":"ready","domains":)" + std::to_string(counts->domains) + "}");
}

}  // namespace ssad::http
