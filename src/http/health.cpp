#include "http/health.hpp"

#include <optional>
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

// Health checks are GETs without a body.
std::optional<Response> refuse_unless_plain_get(const Request& request) {
  if (request.method != "GET") {
    Response refused =
        error_response(request.path, Error{ErrorCode::method_not_allowed, "Only GET and HEAD."});
    refused.headers.emplace_back("Allow", "GET, HEAD");
    return refused;
  }
  if (!request.body.empty()) {
    return error_response(request.path, Error{ErrorCode::invalid_input, "A health check carries no body."});
  }
  return std::nullopt;
}

Response healthz(const Request& request) {
  if (auto refused = refuse_unless_plain_get(request)) return std::move(*refused);
  return json(R"({"status":"ok"})");
}

Readiness::Readiness(store::RegistrationReader& store, cache::DataVersion& data_version)
    : store_(store), data_version_(data_version) {}

Response Readiness::handle(const Request& request) {
  if (auto refused = refuse_unless_plain_get(request)) return std::move(*refused);
  const cache::Version version = data_version_.current();
  const auto unavailable = [&] {
    return error_response(request.path, Error{ErrorCode::unavailable, "the store cannot be read"});
  };
  if (!version.readable || version.generation == 0) return unavailable();
  const std::lock_guard lock(mutex_);
  if (version.generation != generation_) {
    auto counts = store_.counts();
    if (!counts) return unavailable();
    body_ = R"({"status":"ready","domains":)" + std::to_string(counts->domains) + "}";
    generation_ = version.generation;
  }
  return json(body_);
}

}  // namespace ssad::http
