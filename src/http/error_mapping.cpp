#include "http/error_mapping.hpp"

#include <string>

#include "json/json_writer.hpp"

namespace ssad::http {
namespace {

std::string_view reason_of(unsigned status) {
  switch (status) {
    case 400:
      return "Bad Request";
    case 401:
      return "Unauthorized";
    case 403:
      return "Forbidden";
    case 404:
      return "Not Found";
    case 405:
      return "Method Not Allowed";
    case 409:
      return "Conflict";
    case 413:
      return "Content Too Large";
    case 422:
      return "Unprocessable Content";
    case 429:
      return "Too Many Requests";
    case 431:
      return "Request Header Fields Too Large";
    case 501:
      return "Not Implemented";
    case 503:
      return "Service Unavailable";
    default:
      return "Internal Server Error";
  }
}

// What the client reads: the error's own message, unless it may speak of internals.
std::string_view detail_of(const Error& error) {
  if (error.code == ErrorCode::internal) return "The server failed to answer the request.";
  if (error.code == ErrorCode::unavailable) return "The service is unavailable. Please try again later.";
  return error.message;
}

}  // namespace

unsigned status_of(ErrorCode code) {
  switch (code) {
    case ErrorCode::invalid_input:
      return 400;
    case ErrorCode::unauthenticated:
      return 401;
    case ErrorCode::forbidden:
      return 403;
    case ErrorCode::not_found:
      return 404;
    case ErrorCode::method_not_allowed:
      return 405;
    case ErrorCode::conflict:
      return 409;
    case ErrorCode::too_large:
      return 413;
    case ErrorCode::unsupported:
      return 422;
    case ErrorCode::too_many_requests:
      return 429;
    case ErrorCode::header_too_large:
      return 431;
    case ErrorCode::internal:
      return 500;
    case ErrorCode::not_implemented:
      return 501;
    case ErrorCode::unavailable:
    case ErrorCode::timed_out:
      return 503;
  }
  return 500;
}

bool is_rdap_path(std::string_view path) { return path == "/rdap" || path.starts_with("/rdap/"); }

Response error_response(std::string_view path, const Error& error) {
  const unsigned status = status_of(error.code);
  std::string_view detail = detail_of(error);
  if (detail.empty()) detail = reason_of(status);
  json::JsonWriter out;
  Response response;
  response.status = status;
  out.begin_object();
  if (is_rdap_path(path)) {
    // RFC 9083 §6; the description is ours alone and never repeats the request.
    out.key("rdapConformance");
    out.begin_array();
    out.string("rdap_level_0");
    out.end_array();
    out.key("errorCode");
    out.integer(status);
    out.member("title", reason_of(status));
    out.key("description");
    out.begin_array();
    out.string(detail);
    out.end_array();
    response.headers = {{"Content-Type", "application/rdap+json"}, {"Access-Control-Allow-Origin", "*"}};
  } else {
    // RFC 9457 §3.1: "about:blank" says the title is the status's reason phrase.
    out.member("type", "about:blank");
    out.member("title", reason_of(status));
    out.key("status");
    out.integer(status);
    out.member("detail", detail);
    // RFC 9457 §3 shows an extension member `errors` listing each member at fault; ours carries an RFC 6901
    // pointer into the request body and what is wrong there.
    if (!error.problems.empty()) {
      out.key("errors");
      out.begin_array();
      for (const auto& problem : error.problems) {
        out.begin_object();
        out.member("pointer", problem.pointer);
        out.member("detail", problem.detail);
        out.end_object();
      }
      out.end_array();
    }
    response.headers = {{"Content-Type", "application/problem+json"}};
  }
  out.end_object();
  response.body = std::string(out.view());
  // RFC 9110 §10.2.3: the store (a database restarting, a lost connection) should be back soon; a
  // client may try again after a second. A server too busy says so itself (server.cpp).
  if (error.code == ErrorCode::unavailable) response.headers.emplace_back("Retry-After", "1");
  // RFC 9110 §11.6.1: a 401 names the scheme to authenticate with (RFC 6750 bearer tokens).
  if (error.code == ErrorCode::unauthenticated) response.headers.emplace_back("WWW-Authenticate", "Bearer");
  return response;
}

}  // namespace ssad::http
