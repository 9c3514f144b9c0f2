#include "http/audit_endpoint.hpp"

#include <charconv>
#include <string>

#include "audit/proofs.hpp"
#include "http/error_mapping.hpp"
#include "json/json_writer.hpp"
#include "rdap/request.hpp"

namespace ssad::http {
namespace {

Response json(std::string_view body, bool immutable) {
  Response response;
  // A proof or a range of leaves within a tree size never changes: caches may keep it.
  response.headers = {{"Content-Type", "application/json"},
                      {"Cache-Control", immutable ? "public, max-age=86400, immutable" : "no-cache"}};
  response.body = std::string(body);
  return response;
}

Response text(std::string body) {
  Response response;
  response.headers = {{"Content-Type", "text/plain; charset=utf-8"}, {"Cache-Control", "no-cache"}};
  response.body = std::move(body);
  return response;
}

// A decimal parameter: digits only, no sign, no leading zeros, at most 2^63 - 1 (the largest leaf index a
// store can hold; larger values would wrap where they are added to or stored).
Result<std::uint64_t> number(const rdap::QueryParameters& parameters, std::string_view name) {
  const std::string* value = rdap::find_parameter(parameters, name);
  if (value == nullptr)
    return fail(ErrorCode::invalid_input, "the parameter " + std::string(name) + " is required");
  std::uint64_t out = 0;
  const char* end = value->data() + value->size();
  const auto [ptr, ec] = std::from_chars(value->data(), end, out);
  if (value->empty() || (*value)[0] == '+' || ec != std::errc{} || ptr != end ||
      (value->size() > 1 && (*value)[0] == '0') || out > static_cast<std::uint64_t>(INT64_MAX)) {
    return fail(ErrorCode::invalid_input, "the parameter " + std::string(name) + " must be a whole number");
  }
  return out;
}

void hashes(json::JsonWriter& out, std::string_view name, const std::vector<tlog::Hash>& list) {
  out.key(name);
  out.begin_array();
  for (const tlog::Hash& hash : list) out.string(tlog::base64(hash));
  out.end_array();
}

Result<Response> leaves(store::AuditLogReader& log, const rdap::QueryParameters& parameters) {
  SSAD_TRY(start, number(parameters, "start"));
  SSAD_TRY(end, number(parameters, "end"));
  SSAD_TRY(head, log.head());
  SSAD_TRY(list, audit::leaf_hashes(log, start, end));
  json::JsonWriter out(64 + list.size() * 48);
  out.begin_object();
  out.key("start");
  out.integer(static_cast<std::int64_t>(start));
  out.key("end");
  out.integer(static_cast<std::int64_t>(start + list.size() - 1));
  hashes(out, "leaf_hashes", list);
  out.end_object();
  return json(out.view(), start + list.size() - 1 == end && end < head.size);
}

Result<Response> inclusion(store::AuditLogReader& log, const rdap::QueryParameters& parameters) {
  SSAD_TRY(index, number(parameters, "index"));
  SSAD_TRY(size, number(parameters, "tree_size"));
  SSAD_TRY(head, log.head());
  SSAD_TRY(path, audit::inclusion_proof(log, index, size, head.size));
  json::JsonWriter out(128 + path.size() * 48);
  out.begin_object();
  out.key("leaf_index");
  out.integer(static_cast<std::int64_t>(index));
  out.key("tree_size");
  out.integer(static_cast<std::int64_t>(size));
  hashes(out, "audit_path", path);
  out.end_object();
  return json(out.view(), true);
}

Result<Response> consistency(store::AuditLogReader& log, const rdap::QueryParameters& parameters) {
  SSAD_TRY(first, number(parameters, "first"));
  SSAD_TRY(second, number(parameters, "second"));
  SSAD_TRY(head, log.head());
  SSAD_TRY(proof, audit::consistency_proof(log, first, second, head.size));
  json::JsonWriter out(128 + proof.size() * 48);
  out.begin_object();
  out.key("first");
  out.integer(static_cast<std::int64_t>(first));
  out.key("second");
  out.integer(static_cast<std::int64_t>(second));
  hashes(out, "consistency", proof);
  out.end_object();
  return json(out.view(), true);
}

}  // namespace

Response AuditEndpoint::handle(const Request& request) const {
  if (request.method != "GET") {
    Response refused =
        error_response(request.path, Error{ErrorCode::method_not_allowed, "Only GET and HEAD."});
    refused.headers.emplace_back("Allow", "GET, HEAD");
    return refused;
  }
  const auto parameters = rdap::parse_query(request.query);
  if (!parameters)
    return error_response(request.path, Error{ErrorCode::invalid_input, "malformed query string"});
  const std::string_view path = request.path;
  Result<Response> answer = fail(ErrorCode::not_found, "no such audit resource");
  if (path == "/v1/audit/checkpoint") {
    answer = [&]() -> Result<Response> {
      SSAD_TRY(latest, log_.latest_checkpoint());
      if (!latest) {
        if (!key_) return fail(ErrorCode::unavailable, "this server has no audit signing key configured");
        return fail(ErrorCode::not_found, "no checkpoint has been signed yet");
      }
      return text(latest->note);
    }();
  } else if (path == "/v1/audit/key") {
    answer = key_ ? Result<Response>(text(tlog::format_verifier_key(*key_) + "\n"))
                  : fail(ErrorCode::not_found, "this server has no audit signing key configured");
  } else if (path == "/v1/audit/leaves") {
    answer = leaves(log_, *parameters);
  } else if (path == "/v1/audit/proof/inclusion") {
    answer = inclusion(log_, *parameters);
  } else if (path == "/v1/audit/proof/consistency") {
    answer = consistency(log_, *parameters);
  } else if (path == "/v1/audit/entries" || path == "/v1/audit/export") {
    // Who looked up which domain for which investigation is confidential: entries go to the auditor,
    // to a requestor for its own and to a data subject for its data — once accounts exist. Until then
    // no credential is accepted here; the operator reads them with `ssad audit export`.
    answer =
        fail(ErrorCode::unauthenticated,
             "audit entries are confidential and need the auditor's credentials; operators read them with "
             "`ssad audit export`");
  }
  if (!answer) return error_response(request.path, answer.error());
  return std::move(*answer);
}

}  // namespace ssad::http
