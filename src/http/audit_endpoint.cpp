#include "http/audit_endpoint.hpp"

#include <charconv>
#include <string>

#include "audit/entry_json.hpp"
#include "audit/proofs.hpp"
#include "http/error_mapping.hpp"
#include "identity/administration.hpp"
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

Result<Response> AuditEndpoint::entries(const Request& request,
                                        const rdap::QueryParameters& parameters) const {
  if (authenticator_ == nullptr || appender_ == nullptr || clock_ == nullptr) {
    return fail(ErrorCode::unauthenticated,
                "audit entries are confidential and need an auditor's credentials; operators read them with "
                "`ssad audit export`");
  }
  auto who = authenticator_->authenticate(request.header("authorization"));
  if (!who) return std::unexpected(who.error());
  const std::optional<identity::Authenticated>& someone = *who;
  if (!someone) {
    return fail(ErrorCode::unauthenticated,
                "audit entries are confidential: Authorization: Bearer is required");
  }
  const identity::Authenticated& user = *someone;
  const bool everything = identity::is_staff(user, model::kRoleAuditor | model::kRoleAdministrator);
  if (!everything && user.organisation.kind != model::OrganisationKind::requestor) {
    return fail(ErrorCode::forbidden,
                "audit entries are for auditors, administrators and requestors (their own)");
  }
  SSAD_TRY(start, number(parameters, "start"));
  SSAD_TRY(end, number(parameters, "end"));
  if (end < start || end - start >= 1000) {
    return fail(ErrorCode::invalid_input, "end must be at least start and at most start + 999");
  }
  SSAD_TRY(records, log_.entries(start, end + 1));
  const audit::Actor reader = identity::actor_of(user.user, user.organisation);
  json::JsonWriter out;
  out.begin_object();
  out.key("entries");
  out.begin_array();
  std::size_t shown = 0;
  for (const store::AuditRecord& record : records) {
    if (!everything && (record.actor_kind != "requestor" || record.actor_id != user.user.id)) continue;
    auto entry = audit::decode(record.encoding);
    if (!entry) return fail(ErrorCode::internal, "an audit entry does not decode");
    audit::write_json(out, *entry, record.seq, record.encoding);
    ++shown;
  }
  out.end_array();
  out.end_object();
  // The read itself is in the log, durable before the answer, as every other confidential read.
  audit::Entry read;
  read.time = clock_->now();
  read.actor = reader;
  read.action = "audit.read";
  read.object = {"audit_log", ""};
  read.detail = {
      {"end", std::to_string(end)}, {"shown", std::to_string(shown)}, {"start", std::to_string(start)}};
  if (auto logged = appender_->append(std::move(read)); !logged) {
    return fail(ErrorCode::unavailable, "the read could not be logged; please try again later");
  }
  Response response = json(out.view(), false);
  response.headers = {{"Content-Type", "application/json"}, {"Cache-Control", "no-store"}};
  return response;
}

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
  } else if (path == "/v1/audit/entries") {
    answer = entries(request, *parameters);
  } else if (path == "/v1/audit/export") {
    // The whole log's export is the operator's, at the console: `ssad audit export`.
    answer = fail(ErrorCode::unauthenticated,
                  "the export of the audit log is offered at the operator's console (`ssad audit export`); "
                  "auditors read entries through /v1/audit/entries");
  }
  if (!answer) return error_response(request.path, answer.error());
  return std::move(*answer);
}

}  // namespace ssad::http
