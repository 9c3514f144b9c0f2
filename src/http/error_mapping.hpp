#pragma once
// The one mapping from the project's errors to HTTP (DESIGN.md §3, STYLE.md "Errors"): a status per
// ErrorCode, and a body in the dialect of the path — RFC 9083 (application/rdap+json, with
// rdapConformance and errorCode = status, as the 2024 gTLD profile wants) under /rdap/, RFC 9457 problem
// details (application/problem+json) everywhere else. Every front door and the server's own refusals
// answer errors through it.

#include <string_view>

#include "core/error.hpp"
#include "http/message.hpp"

namespace ssad::http {

/// The HTTP status of an error code: invalid_input 400, unauthenticated 401 (with WWW-Authenticate:
/// Bearer), forbidden 403, not_found 404, method_not_allowed
/// 405, conflict 409, too_large 413, unsupported 422, too_many_requests 429, header_too_large 431,
/// internal 500, not_implemented 501, unavailable 503.
[[nodiscard]] unsigned status_of(ErrorCode code);

/// True for "/rdap" and the paths under "/rdap/": the RDAP dialect.
[[nodiscard]] bool is_rdap_path(std::string_view path);

/// The response for `error` on a request for `path` (percent-encoded, without the query; "" when the
/// request line could not be read). The body's description is the error's message, which is written for
/// the client — except for internal and unavailable, whose messages may name internals and are replaced
/// by a fixed text. RDAP responses carry `Access-Control-Allow-Origin: *` (RFC 7480 §5.6).
[[nodiscard]] Response error_response(std::string_view path, const Error& error);

}  // namespace ssad::http
