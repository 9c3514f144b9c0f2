#include "http/health.hpp"

#include <optional>
#include <string>

#include "http/error_mapping.hpp"
#include "json/json_writer.hpp"

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

Readiness::Readiness(store::RegistrationReader& store, cache::DataVersion& data_version,
                     cache::AbuseContactGaps* gaps)
    : store_(store), data_version_(data_version), gaps_(gaps) {}

std::optional<Response> Readiness::quick(const Request& request) {
  if (auto refused = refuse_unless_plain_get(request)) return refused;
  const std::optional<cache::Version> version = data_version_.known();
  if (!version || !version->readable || version->generation == 0) return std::nullopt;
  const std::lock_guard lock(mutex_);
  if (version->generation != generation_) return std::nullopt;
  return json(body_);
}

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
    json::JsonWriter out(256);
    out.begin_object();
    out.member("status", "ready");
    out.key("domains").integer(counts->domains);
    if (gaps_ != nullptr) {
      auto list = gaps_->current();
      if (!list) return unavailable();
      // Public: a count and the first few, not a 200 KB page per poll (`ssad registrar list` has them all).
      constexpr std::size_t kListed = 20;
      out.key("registrars_without_abuse_contact_count").integer(static_cast<std::int64_t>((*list)->size()));
      out.key("registrars_without_abuse_contact").begin_array();
      std::size_t listed = 0;
      for (const auto& registrar : **list) {
        if (listed++ == kListed) break;
        out.begin_object();
        out.key("iana_id");
        if (registrar.iana_id) {
          out.integer(*registrar.iana_id);
        } else {
          out.null();
        }
        out.member("handle", registrar.handle);
        out.member("name", registrar.name);
        out.key("missing").begin_array();
        if (registrar.email_missing) out.string("email");
        if (registrar.phone_missing) out.string("phone");
        out.end_array();
        out.end_object();
      }
      out.end_array();
    }
    out.end_object();
    body_ = std::string(out.view());
    generation_ = version.generation;
  }
  return json(body_);
}

}  // namespace ssad::http
