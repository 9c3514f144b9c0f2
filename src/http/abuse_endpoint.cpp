#include "http/abuse_endpoint.hpp"

#include "http/directory_endpoint.hpp"
#include "http/error_mapping.hpp"
#include "http/json_body.hpp"
#include "http/v1_paths.hpp"
#include "json/json_writer.hpp"

namespace ssad::http {
namespace {

std::string parameter(const rdap::QueryParameters& query, std::string_view name) {
  const std::string* value = rdap::find_parameter(query, name);
  return value == nullptr ? std::string() : *value;
}

std::string case_json(const store::AbuseCase& abuse_case) {
  json::JsonWriter out(2048);
  abuse::write_json(out, abuse_case);
  return std::string(out.view());
}

}  // namespace

Response AbuseEndpoint::handle(const Request& request) const {
  auto who = authenticated_user(authenticator_, request);
  if (!who) return error_response(request.path, who.error());
  auto answered = answer(request, *who);
  if (answered) return std::move(*answered);
  Response refused = error_response(request.path, answered.error());
  if (answered.error().code == ErrorCode::method_not_allowed) {
    const bool lift = segments_of(request.path).size() == 5;
    refused.headers.emplace_back("Allow", lift ? "POST" : "GET, HEAD");
  }
  return refused;
}

Result<Response> AbuseEndpoint::answer(const Request& request, const identity::Authenticated& who) const {
  const auto query = rdap::parse_query(request.query);
  if (!query) return fail(ErrorCode::invalid_input, "malformed query string");
  const std::vector<std::string_view> at = segments_of(request.path);  // "v1", "abuse", "cases", id, "lift"
  if (at.size() < 3 || at[2] != "cases" || at.size() > 5) return std::unexpected(no_such_resource());
  if (at.size() == 3) {
    if (request.method != "GET") return std::unexpected(method_not_allowed());
    SSAD_TRY(filter, abuse::case_filter(parameter(*query, "state"), parameter(*query, "action"),
                                        parameter(*query, "detector"), parameter(*query, "organisation"),
                                        parameter(*query, "user")));
    SSAD_TRY(page, page_of(*query));
    SSAD_TRY(listing, cases_.list(who, filter, page));
    json::JsonWriter out;
    out.begin_object();
    out.key("items");
    out.begin_array();
    for (const store::AbuseCase& item : listing.items) abuse::write_json(out, item);
    out.end_array();
    if (!listing.next.empty()) out.member("next", listing.next);
    out.end_object();
    return json_response(200, std::string(out.view()));
  }
  const std::string id(at[3]);
  if (at.size() == 4) {
    if (request.method != "GET") return std::unexpected(method_not_allowed());
    SSAD_TRY(found, cases_.get(who, id));
    return json_response(200, case_json(found));
  }
  if (at[4] != "lift") return std::unexpected(no_such_resource());
  if (request.method != "POST") return std::unexpected(method_not_allowed());
  SSAD_TRY(body, JsonBody::parse(request.body, {"reason"}));
  SSAD_TRY(reason, body.required_text("reason"));
  SSAD_TRY(lifted, cases_.lift(who, id, reason));
  return json_response(200, case_json(lifted));
}

}  // namespace ssad::http
